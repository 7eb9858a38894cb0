//! The snapshot as the JS wrapper's tables, so evaluation results can be integers: once per
//! accepted snapshot the flag keys and the names behind the codes in the result buffer; per flag,
//! on first use, its variations with their values, rule ids and metadata (a 1,000-flag snapshot
//! does not pay for all of them before its first evaluation).
//!
//! The snapshot-wide tables also carry the result buffer's layout (`slots`: its field names in
//! row order): the wrapper reads offsets from it rather than writing them a second time.
//!
//! The tables are written as JSON text directly rather than built as `Json` trees first:
//! measured 2 KB smaller in the module (0.9 KB gzipped).

use crate::slots;
use alloc::string::String;
use edgeflag::json::write::{comma, member as key, write, write_quoted};
use edgeflag::{ErrorCode, Flag, Json, Kind, Reason, Snapshot};

/// Positions are the codes in the result buffer.
pub const REASONS: [Reason; 6] =
    [Reason::Static, Reason::Default, Reason::TargetingMatch, Reason::Split, Reason::Disabled, Reason::Error];
/// Positions are the codes in the result buffer.
pub const ERROR_CODES: [ErrorCode; 6] = [
    ErrorCode::FlagNotFound,
    ErrorCode::TypeMismatch,
    ErrorCode::ParseError,
    ErrorCode::TargetingKeyMissing,
    ErrorCode::InvalidContext,
    ErrorCode::General,
];
// The buffer holds `reason as i32` and `code as i32`: the tables must list them in that order.
const _: () = {
    let mut i = 0;
    while i < REASONS.len() {
        assert!(REASONS[i] as usize == i);
        i += 1;
    }
    let mut i = 0;
    while i < ERROR_CODES.len() {
        assert!(ERROR_CODES[i] as usize == i);
        i += 1;
    }
};

/// Position + 1 is the `default_kind` code.
pub const KINDS: [Kind; 4] = [Kind::Boolean, Kind::String, Kind::Number, Kind::Json];

/// The names of the lists above, computed at compile time from the core's own: one list type for
/// all of them in the module.
macro_rules! names {
    ($list:expr, $n:literal) => {{
        let mut names = [""; $n];
        let mut i = 0;
        while i < $n {
            names[i] = $list[i].name();
            i += 1;
        }
        names
    }};
}
const REASON_NAMES: [&str; 6] = names!(REASONS, 6);
const ERROR_CODE_NAMES: [&str; 6] = names!(ERROR_CODES, 6);
const KIND_NAMES: [&str; 4] = names!(KINDS, 4);

/// The snapshot-wide tables into `out`; with no snapshot, just the names (version `null`, no
/// flags).
pub fn tables(s: Option<&Snapshot>, out: &mut String) {
    out.push('{');
    key(out, "version");
    write(&s.map_or(Json::Null, |s| Json::Number(s.version() as f64)), out);
    key(out, "generatedAt");
    write(&s.map_or(Json::Null, |s| Json::Number(s.generated_at() as f64)), out);
    key(out, "reasons");
    strings(out, &mut REASON_NAMES.iter().copied());
    key(out, "errorCodes");
    strings(out, &mut ERROR_CODE_NAMES.iter().copied());
    key(out, "kinds");
    strings(out, &mut KIND_NAMES.iter().copied());
    key(out, "slots");
    strings(out, &mut slots::NAMES.iter().copied());
    key(out, "keys");
    strings(out, &mut s.map_or(&[][..], |s| s.flags()).iter().map(|f| f.key()));
    out.push('}');
}

/// One flag's table into `out`.
pub fn flag(f: &Flag, out: &mut String) {
    out.push('{');
    key(out, "key");
    write_quoted(out, f.key());
    key(out, "kind");
    write_quoted(out, f.kind().name());
    key(out, "on");
    write(&Json::Bool(f.is_on()), out);
    key(out, "clientVisible");
    write(&Json::Bool(f.client_visible()), out);
    key(out, "variations");
    strings(out, &mut f.variations().iter().map(|v| v.name()));
    key(out, "values");
    out.push('[');
    for v in f.variations() {
        comma(out);
        write(v.value(), out);
    }
    out.push(']');
    key(out, "rules");
    strings(out, &mut f.rule_ids());
    key(out, "metadata");
    out.push('{');
    let m = f.metadata();
    if let Some(d) = &m.description {
        key(out, "description");
        write_quoted(out, d);
    }
    if let Some(o) = &m.owner {
        key(out, "owner");
        write_quoted(out, o);
    }
    if let Some(t) = m.created_at {
        key(out, "createdAt");
        write(&Json::Number(t as f64), out);
    }
    if let Some(t) = m.expires_at {
        key(out, "expiresAt");
        write(&Json::Number(t as f64), out);
    }
    if !m.tags.is_empty() {
        key(out, "tags");
        strings(out, &mut m.tags.iter().map(String::as_str));
    }
    out.push_str("}}");
}

/// A JSON array of strings.
pub fn strings(out: &mut String, items: &mut dyn Iterator<Item = &str>) {
    out.push('[');
    for s in items {
        comma(out);
        write_quoted(out, s);
    }
    out.push(']');
}

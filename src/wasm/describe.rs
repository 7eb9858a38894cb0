//! The snapshot as the JS wrapper's tables, so evaluation results can be integers: once per
//! accepted snapshot the flag keys and the names behind the codes in the result buffer; per flag,
//! on first use, its variations with their values, rule ids and metadata (a 1,000-flag snapshot
//! does not pay for all of them before its first evaluation).

use crate::{ErrorCode, Flag, Json, Kind, Reason, Snapshot};
use alloc::string::String;
use alloc::vec::Vec;

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

/// The snapshot-wide tables; with no snapshot, just the names (version `null`, no flags).
pub fn tables(s: Option<&Snapshot>) -> String {
    let names = |it: &mut dyn Iterator<Item = &'static str>| Json::Array(it.map(Json::from).collect());
    let number = |n: Option<f64>| n.map_or(Json::Null, Json::Number);
    Json::Object(alloc::vec![
        ("version".into(), number(s.map(|s| s.version() as f64))),
        ("generatedAt".into(), number(s.map(|s| s.generated_at() as f64))),
        ("reasons".into(), names(&mut REASONS.iter().map(|r| r.name()))),
        ("errorCodes".into(), names(&mut ERROR_CODES.iter().map(|c| c.name()))),
        ("kinds".into(), names(&mut KINDS.iter().map(|k| k.name()))),
        ("keys".into(), Json::Array(s.map_or(&[][..], |s| s.flags()).iter().map(|f| Json::from(f.key())).collect())),
    ])
    .to_text()
}

/// One flag's table.
pub fn flag(f: &Flag) -> String {
    let m = f.metadata();
    let mut meta: Vec<(alloc::borrow::Cow<str>, Json)> = Vec::new();
    if let Some(d) = &m.description {
        meta.push(("description".into(), Json::from(d.as_str())));
    }
    if let Some(o) = &m.owner {
        meta.push(("owner".into(), Json::from(o.as_str())));
    }
    if let Some(t) = m.created_at {
        meta.push(("createdAt".into(), Json::Number(t as f64)));
    }
    if let Some(t) = m.expires_at {
        meta.push(("expiresAt".into(), Json::Number(t as f64)));
    }
    if !m.tags.is_empty() {
        meta.push(("tags".into(), Json::Array(m.tags.iter().map(|t| Json::from(t.as_str())).collect())));
    }
    Json::Object(alloc::vec![
        ("key".into(), Json::from(f.key())),
        ("kind".into(), Json::from(f.kind().name())),
        ("on".into(), Json::Bool(f.is_on())),
        ("clientVisible".into(), Json::Bool(f.client_visible())),
        ("variations".into(), Json::Array(f.variations().iter().map(|v| Json::from(v.name())).collect())),
        ("values".into(), Json::Array(f.variations().iter().map(|v| v.value().clone()).collect())),
        ("rules".into(), Json::Array(f.rule_ids().map(Json::from).collect())),
        ("metadata".into(), Json::Object(meta)),
    ])
    .to_text()
}

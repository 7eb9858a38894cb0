//! Clauses: operators, their operands (parsed here, once) and attribute references.

use super::{attribute, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::schedule::{Recurring, Weekly, Window};
use crate::json::schema::{
    at_most, check, empty, fail, members, missing, need, too_long, wrong_type, At, Result, Ty, Ty::*,
};
use crate::json::Json;
use crate::limits::{MAX_CLAUSES, MAX_STRING_BYTES};
use crate::message::message;
use crate::model::clause::{Clause, Operator, Test, ValueSet, OPERATORS};
use crate::sets::KeySet;
use crate::version::{parse_version, Version};
use alloc::string::String;
use alloc::vec::Vec;

#[cfg(not(feature = "peers"))]
members! {
    struct ClauseDoc<'j> {
        attribute: opt Attribute => At<'j, &'j str>,
        op: req Str => At<'j, &'j str>,
        values: opt List(&Any) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
        start: opt Time => At<'j, i64>,
        end: opt Time => At<'j, i64>,
        utc_offset "utcOffset": opt Str => At<'j, &'j str>,
        windows: opt Items(&Object) => At<'j, &'j [Json<'j>]>,
    }
}
// With peers, an attribute may be read in the context of a kind (`contextKind`).
#[cfg(feature = "peers")]
members! {
    struct ClauseDoc<'j> {
        attribute: opt Attribute => At<'j, &'j str>,
        op: req Str => At<'j, &'j str>,
        values: opt List(&Any) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
        start: opt Time => At<'j, i64>,
        end: opt Time => At<'j, i64>,
        utc_offset "utcOffset": opt Str => At<'j, &'j str>,
        windows: opt Items(&Object) => At<'j, &'j [Json<'j>]>,
        context_kind "contextKind": opt Any,
    }
}
members! {
    struct WindowDoc<'j> {
        days: opt Items(&Str) => &'j [Json<'j>],
        from: req Str,
        to: req Str,
    }
}
/// Members only some operators use, in table order.
const OPTIONAL: [&str; 5] = ["attribute", "start", "end", "utcOffset", "windows"];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The clauses of a rule, `at` the rule's `clauses` array.
pub(super) fn clauses(names: &Names, at: &Json<'_>, items: &[Json<'_>]) -> Result<Vec<Clause>> {
    clauses_at(names, at, items, 0)
}

/// Clauses nested `depth` deep in `any` / `all` (0 for a rule's own).
pub(super) fn clauses_at(names: &Names, at: &Json<'_>, items: &[Json<'_>], depth: usize) -> Result<Vec<Clause>> {
    at_most(at, items.len(), MAX_CLAUSES, "clauses")?;
    let mut out = Vec::new();
    for c in items {
        out.push(clause(names, c, depth)?);
    }
    Ok(out)
}

fn clause(names: &Names, v: &Json<'_>, _depth: usize) -> Result<Clause> {
    #[cfg(feature = "peers")]
    if let Some(name) = v.get("op").and_then(Json::as_str) {
        use crate::model::clause::PEER_OPERATORS;
        if let Some(&(op, operator)) = PEER_OPERATORS.iter().find(|(o, _)| *o == name) {
            return match operator {
                Operator::Any | Operator::All | Operator::InBucket => {
                    super::composite::clause(names, v, op, operator, _depth)
                }
                Operator::LdTime(after, node) => super::ld_time::clause(v, op, after, node),
                Operator::Matches => super::matches::clause(v, op),
                _ => super::js::clause(v, op, operator),
            };
        }
    }
    let o = ClauseDoc::read(v)?;
    let (name, at) = o.op;
    let Some(&(op, operator)) = OPERATORS.iter().find(|(o, _)| *o == name) else {
        return fail(K::UnknownOperator, at, message!("unknown operator ", quoted(name)));
    };
    // The members the operator does not use, as bits (of `OPTIONAL`): the first present is reported.
    let members = [
        o.attribute.map(|(_, at)| at),
        o.start.map(|(_, at)| at),
        o.end.map(|(_, at)| at),
        o.utc_offset.map(|(_, at)| at),
        o.windows.map(|(_, at)| at),
    ];
    let unused = match operator {
        Operator::Segment => 0b11111,
        Operator::Schedule => 0b11001,
        Operator::Recurring => 0b00111,
        _ => 0b11110,
    };
    for (i, member) in members.into_iter().enumerate() {
        if let Some(at) = member.filter(|_| unused & (1 << i) != 0) {
            return fail(K::UnknownField, at, message!(quoted(op), " does not use ", quoted(OPTIONAL[i])));
        }
    }
    let attr = match operator {
        Operator::Segment | Operator::Schedule | Operator::Recurring => None,
        _ => Some(attribute::attribute(Some(need(o.attribute, o.at, "attribute")?.0))),
    };
    #[cfg(feature = "peers")]
    let attr = match (attr, o.context_kind) {
        (Some(a), Some(kind)) => Some(super::scheme::kinded(&a, kind)?),
        (None, Some(at)) => return fail(K::UnknownField, at, message!(quoted(op), " does not use \"contextKind\"")),
        (attr, None) => attr,
    };
    let values = o.values.map_or(&[][..], |(items, _)| items);
    match (operator, o.values) {
        (Operator::Exists | Operator::Schedule | Operator::Recurring, Some((_, at))) if !values.is_empty() => {
            return fail(K::InvalidValue, at, message!(quoted(op), " takes no values"));
        }
        (Operator::Exists | Operator::Schedule | Operator::Recurring, _) => {}
        _ if values.is_empty() => return empty(need(o.values, o.at, "values")?.1),
        _ => {}
    }
    let test = match operator {
        Operator::In => Test::In(value_set(values)?),
        Operator::NotIn => Test::NotIn(value_set(values)?),
        Operator::StartsWith => Test::StartsWith(strings(values)?),
        Operator::EndsWith => Test::EndsWith(strings(values)?),
        Operator::Contains => Test::Contains(strings(values)?),
        Operator::Number(cmp) => Test::Number(cmp, numbers(values)?),
        Operator::Semver(cmp) => Test::Semver(cmp, versions(values)?),
        Operator::Before => Test::Before(timestamps(values)?),
        Operator::After => Test::After(timestamps(values)?),
        Operator::Exists => Test::Exists,
        Operator::Segment => Test::Segment(segments(names, values)?),
        Operator::Schedule => Test::Schedule(window(&o)?),
        Operator::Recurring => Test::Recurring(recurring(&o)?),
        // Read above, by `composite`.
        #[cfg(feature = "peers")]
        _ => return fail(K::UnknownOperator, at, message!("unknown operator ", quoted(name))),
    };
    // Within u32: 100,000 values of at most 8 KiB, or the 16 MiB text, keep it far below.
    let work = test.work().min(u32::MAX as u64) as u32;
    Ok(Clause { op, attr, test, negate: o.negate == Some(true), work })
}

fn value_set(values: &[Json<'_>]) -> Result<ValueSet> {
    let mut set = ValueSet::default();
    let mut strings = Vec::new();
    for v in values {
        match v {
            Json::String(s) if s.len() > MAX_STRING_BYTES => return too_long(v, "a string", s.len()),
            Json::String(s) => strings.push(String::from(&**s)),
            Json::Number(n) => set.numbers.push(*n),
            Json::Bool(true) => set.has_true = true,
            Json::Bool(false) => set.has_false = true,
            _ => return wrong_type(v, "a string, number or boolean"),
        }
    }
    set.strings = KeySet::new(strings);
    Ok(set)
}

/// The values, each checked against `ty`, as strings.
fn texts<'j>(values: &'j [Json<'j>], ty: Ty) -> Result<Vec<&'j str>> {
    let mut out = Vec::new();
    for v in values {
        check(v, ty)?;
        out.push(v.as_str().unwrap_or_default());
    }
    Ok(out)
}

fn strings(values: &[Json<'_>]) -> Result<Vec<String>> {
    Ok(texts(values, Str)?.into_iter().map(String::from).collect())
}

fn numbers(values: &[Json<'_>]) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    for v in values {
        match v {
            Json::Number(n) => out.push(*n),
            _ => return wrong_type(v, "a number"),
        }
    }
    Ok(out)
}

fn versions(values: &[Json<'_>]) -> Result<Vec<Version>> {
    let mut out = Vec::new();
    for (s, v) in texts(values, Str)?.into_iter().zip(values) {
        match parse_version(s) {
            Some(version) => out.push(version),
            None => return fail(K::InvalidSemver, v, message!(quoted(s), " is not a semantic version")),
        }
    }
    Ok(out)
}

fn timestamps(values: &[Json<'_>]) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for v in values {
        check(v, Time)?;
        out.push(v.as_time().unwrap_or_default());
    }
    Ok(out)
}

fn segments(names: &Names, values: &[Json<'_>]) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for (key, v) in texts(values, Str)?.into_iter().zip(values) {
        match names.segment(key) {
            Some(s) => out.push(s),
            None => return fail(K::UnknownSegment, v, message!("no segment ", quoted(key), " in this snapshot")),
        }
    }
    Ok(out)
}

fn window(o: &ClauseDoc) -> Result<Window> {
    match (o.start, o.end) {
        (None, None) => missing(o.at, "start", message!("a schedule needs ", quoted("start"), " or \"end\"")),
        (Some((s, _)), Some((e, at))) if s >= e => fail(K::InvalidValue, at, message!("end must be after start")),
        (start, end) => Ok(Window { start: start.map(|(s, _)| s), end: end.map(|(e, _)| e) }),
    }
}

fn recurring(o: &ClauseDoc) -> Result<Recurring> {
    let offset_minutes = match o.utc_offset {
        Some((s, at)) => match utc_offset(s) {
            Some(m) => m,
            None => return fail(K::InvalidValue, at, message!(quoted(s), " is not Z or ±HH:MM")),
        },
        None => 0,
    };
    let mut windows = Vec::new();
    for w in need(o.windows, o.at, "windows")?.0 {
        let wo = WindowDoc::read(w)?;
        let mut days = 0u8;
        let listed = wo.days.unwrap_or_default();
        for (day, at) in texts(listed, Str)?.into_iter().zip(listed) {
            match DAYS.iter().position(|d| *d == day) {
                Some(bit) => days |= 1 << bit,
                None => return fail(K::InvalidValue, at, message!(quoted(day), " is not one of mon … sun")),
            }
        }
        let from = clock(wo.from, false)?;
        let to = clock(wo.to, true)?;
        windows.push(Weekly { days: if days == 0 { 0x7f } else { days }, from, to });
    }
    Ok(Recurring { offset_minutes, windows })
}

/// `HH:MM` (the checked string `v`) as minutes after midnight; `24:00` only where `end_of_day`
/// allows it.
fn clock(v: &Json<'_>, end_of_day: bool) -> Result<u16> {
    let s = v.as_str().unwrap_or_default();
    let minutes = match hh_mm(s.as_bytes()) {
        Some(m) if m < 1440 => Some(m),
        Some(1440) if end_of_day => Some(1440),
        _ => None,
    };
    let range = if end_of_day { "00:00–24:00" } else { "00:00–23:59" };
    minutes.map_or_else(|| fail(K::InvalidValue, v, message!(quoted(s), " is not HH:MM in ", range)), Ok)
}

/// `Z` or `±HH:MM` (below 24:00) as minutes east of UTC.
fn utc_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes() {
        b"Z" => return Some(0),
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return None,
    };
    hh_mm(rest).filter(|m| *m < 1440).map(|m| sign * i32::from(m))
}

/// `HH:MM` with `HH` up to 24 and `MM` below 60, as minutes (24:00 is 1440; 24:01 is refused).
fn hh_mm(s: &[u8]) -> Option<u16> {
    let [h1, h2, b':', m1, m2] = *s else { return None };
    let digit = |c: u8| c.checked_sub(b'0').filter(|d| *d < 10).map(u16::from);
    let (h, m) = (digit(h1)? * 10 + digit(h2)?, digit(m1)? * 10 + digit(m2)?);
    (m < 60 && h * 60 + m <= 1440).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::{hh_mm, utc_offset};

    #[test]
    fn clock_texts() {
        assert_eq!(hh_mm(b"00:00"), Some(0));
        assert_eq!(hh_mm(b"23:59"), Some(1439));
        assert_eq!(hh_mm(b"24:00"), Some(1440));
        for bad in ["24:01", "25:00", "12:60", "1:00", "12-00", "ab:cd", "12:0", "012:00"] {
            assert_eq!(hh_mm(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(utc_offset("Z"), Some(0));
        assert_eq!(utc_offset("-05:30"), Some(-330));
        assert_eq!(utc_offset("+23:59"), Some(1439));
        for bad in ["+24:00", "05:00", "z", "+5:00", ""] {
            assert_eq!(utc_offset(bad), None, "{bad}");
        }
    }
}

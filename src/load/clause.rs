//! Clauses: operators, their operands (parsed here, once) and attribute references.

use super::reader::{check, fail, opt, req, wrong_type, Field, Obj, Result, Ty, Ty::*};
use super::Names;
use crate::attribute::AttrRef;
use crate::error::LoadErrorKind as K;
use crate::json::Json;
use crate::message::Part::*;
use crate::operators::{Clause, Cmp, Test, ValueSet};
use crate::path::Path;
use crate::schedule::{Recurring, Weekly, Window};
use crate::sets::KeySet;
use crate::version::{parse_version, Version};
use alloc::string::String;
use alloc::vec::Vec;

const CLAUSE: &[Field] = &[
    opt("attribute", Attribute),
    req("op", Str),
    opt("values", List(&Any)),
    opt("negate", Bool),
    opt("start", Time),
    opt("end", Time),
    opt("utcOffset", Str),
    opt("windows", Items(&Object)),
];
const WINDOW: &[Field] = &[opt("days", Items(&Str)), req("from", Str), req("to", Str)];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// What an operator compiles to.
#[derive(Clone, Copy)]
enum Operator {
    In,
    NotIn,
    StartsWith,
    EndsWith,
    Contains,
    Number(Cmp),
    Semver(Cmp),
    Before,
    After,
    Exists,
    Segment,
    Schedule,
    Recurring,
}

/// Every operator, as written in snapshots.
const OPERATORS: [(&str, Operator); 20] = [
    ("in", Operator::In),
    ("notIn", Operator::NotIn),
    ("startsWith", Operator::StartsWith),
    ("endsWith", Operator::EndsWith),
    ("contains", Operator::Contains),
    ("lt", Operator::Number(Cmp::Lt)),
    ("lte", Operator::Number(Cmp::Lte)),
    ("gt", Operator::Number(Cmp::Gt)),
    ("gte", Operator::Number(Cmp::Gte)),
    ("semverEq", Operator::Semver(Cmp::Eq)),
    ("semverLt", Operator::Semver(Cmp::Lt)),
    ("semverLte", Operator::Semver(Cmp::Lte)),
    ("semverGt", Operator::Semver(Cmp::Gt)),
    ("semverGte", Operator::Semver(Cmp::Gte)),
    ("before", Operator::Before),
    ("after", Operator::After),
    ("exists", Operator::Exists),
    ("segmentMatch", Operator::Segment),
    ("schedule", Operator::Schedule),
    ("recurring", Operator::Recurring),
];

/// A checked `Attribute` member (`key` when absent).
pub(super) fn attribute(text: Option<&str>) -> AttrRef {
    text.and_then(|t| AttrRef::parse(t).ok()).unwrap_or_else(AttrRef::key)
}

pub(super) fn clauses(names: &Names, items: &[Json<'_>], path: &Path) -> Result<Vec<Clause>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, c) in items.iter().enumerate() {
        out.push(clause(names, c, &path.index(i))?);
    }
    Ok(out)
}

fn clause(names: &Names, v: &Json<'_>, path: &Path) -> Result<Clause> {
    let o = Obj::read(v, path, CLAUSE)?;
    let name = o.str("op").unwrap_or_default();
    let Some(&(op, operator)) = OPERATORS.iter().find(|(o, _)| *o == name) else {
        return fail(K::UnknownOperator, &path.key("op"), &[Text("unknown operator "), Quoted(name)]);
    };
    let unused: &[&str] = match operator {
        Operator::Segment => &["attribute", "start", "end", "utcOffset", "windows"],
        Operator::Schedule => &["attribute", "utcOffset", "windows"],
        Operator::Recurring => &["attribute", "start", "end"],
        _ => &["start", "end", "utcOffset", "windows"],
    };
    for field in unused {
        if o.get(field).is_some() {
            return fail(K::UnknownField, &path.key(field), &[Quoted(op), Text(" does not use "), Quoted(field)]);
        }
    }
    let attr = match operator {
        Operator::Segment | Operator::Schedule | Operator::Recurring => None,
        _ => Some(attribute(o.need("attribute", path)?.as_str())),
    };
    let vp = path.key("values");
    let values = o.items("values");
    match operator {
        Operator::Exists | Operator::Schedule | Operator::Recurring if !values.is_empty() => {
            return fail(K::InvalidValue, &vp, &[Quoted(op), Text(" takes no values")]);
        }
        Operator::Exists | Operator::Schedule | Operator::Recurring => {}
        _ if values.is_empty() => {
            o.need("values", path)?;
            return fail(K::InvalidValue, &vp, &[Text("must not be empty")]);
        }
        _ => {}
    }
    let test = match operator {
        Operator::In => Test::In(value_set(values, &vp)?),
        Operator::NotIn => Test::NotIn(value_set(values, &vp)?),
        Operator::StartsWith => Test::StartsWith(strings(values, &vp)?),
        Operator::EndsWith => Test::EndsWith(strings(values, &vp)?),
        Operator::Contains => Test::Contains(strings(values, &vp)?),
        Operator::Number(cmp) => Test::Number(cmp, numbers(values, &vp)?),
        Operator::Semver(cmp) => Test::Semver(cmp, versions(values, &vp)?),
        Operator::Before => Test::Before(timestamps(values, &vp)?),
        Operator::After => Test::After(timestamps(values, &vp)?),
        Operator::Exists => Test::Exists,
        Operator::Segment => Test::Segment(segments(names, values, &vp)?),
        Operator::Schedule => Test::Schedule(window(&o, path)?),
        Operator::Recurring => Test::Recurring(recurring(&o, path)?),
    };
    Ok(Clause { op, attr, test, negate: o.bool("negate") })
}

fn value_set(values: &[Json<'_>], path: &Path) -> Result<ValueSet> {
    let mut set = ValueSet::default();
    let mut strings = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Json::String(s) => strings.push(String::from(&**s)),
            Json::Number(n) => set.numbers.push(*n),
            Json::Bool(true) => set.has_true = true,
            Json::Bool(false) => set.has_false = true,
            _ => return wrong_type(v, &path.index(i), "a string, number or boolean"),
        }
    }
    set.strings = KeySet::new(strings);
    Ok(set)
}

/// The values, each checked against `ty`, as strings.
fn texts<'j>(values: &'j [Json<'j>], path: &Path, ty: Ty) -> Result<Vec<&'j str>> {
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        check(v, ty, &path.index(i))?;
        out.push(v.as_str().unwrap_or_default());
    }
    Ok(out)
}

fn strings(values: &[Json<'_>], path: &Path) -> Result<Vec<String>> {
    Ok(texts(values, path, Str)?.into_iter().map(String::from).collect())
}

fn numbers(values: &[Json<'_>], path: &Path) -> Result<Vec<f64>> {
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        match v {
            Json::Number(n) => out.push(*n),
            _ => return wrong_type(v, &path.index(i), "a number"),
        }
    }
    Ok(out)
}

fn versions(values: &[Json<'_>], path: &Path) -> Result<Vec<Version>> {
    let mut out = Vec::with_capacity(values.len());
    for (i, s) in texts(values, path, Str)?.into_iter().enumerate() {
        match parse_version(s) {
            Some(v) => out.push(v),
            None => return fail(K::InvalidSemver, &path.index(i), &[Quoted(s), Text(" is not a semantic version")]),
        }
    }
    Ok(out)
}

fn timestamps(values: &[Json<'_>], path: &Path) -> Result<Vec<i64>> {
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        check(v, Time, &path.index(i))?;
        out.push(crate::timestamp::from_json(v).unwrap_or_default());
    }
    Ok(out)
}

fn segments(names: &Names, values: &[Json<'_>], path: &Path) -> Result<Vec<u32>> {
    let mut out = Vec::with_capacity(values.len());
    for (i, key) in texts(values, path, Str)?.into_iter().enumerate() {
        match names.segment(key) {
            Some(s) => out.push(s),
            None => {
                return fail(
                    K::UnknownSegment,
                    &path.index(i),
                    &[Text("no segment "), Quoted(key), Text(" in this snapshot")],
                )
            }
        }
    }
    Ok(out)
}

fn window(o: &Obj, path: &Path) -> Result<Window> {
    match (o.time("start"), o.time("end")) {
        (None, None) => fail(K::MissingField, &path.key("start"), &[Text("a schedule needs \"start\" or \"end\"")]),
        (Some(s), Some(e)) if s >= e => fail(K::InvalidValue, &path.key("end"), &[Text("end must be after start")]),
        (start, end) => Ok(Window { start, end }),
    }
}

fn recurring(o: &Obj, path: &Path) -> Result<Recurring> {
    let offset_minutes = match o.str("utcOffset") {
        Some(s) => match utc_offset(s) {
            Some(m) => m,
            None => return fail(K::InvalidValue, &path.key("utcOffset"), &[Quoted(s), Text(" is not Z or ±HH:MM")]),
        },
        None => 0,
    };
    let wp = path.key("windows");
    o.need("windows", path)?;
    let mut windows = Vec::new();
    for (i, w) in o.items("windows").iter().enumerate() {
        let p = wp.index(i);
        let wo = Obj::read(w, &p, WINDOW)?;
        let mut days = 0u8;
        for (j, day) in texts(wo.items("days"), &p.key("days"), Str)?.into_iter().enumerate() {
            match DAYS.iter().position(|d| *d == day) {
                Some(bit) => days |= 1 << bit,
                None => {
                    let dp = p.key("days");
                    return fail(K::InvalidValue, &dp.index(j), &[Quoted(day), Text(" is not one of mon … sun")]);
                }
            }
        }
        let from = clock(wo.str("from").unwrap_or_default(), &p.key("from"), false)?;
        let to = clock(wo.str("to").unwrap_or_default(), &p.key("to"), true)?;
        windows.push(Weekly { days: if days == 0 { 0x7f } else { days }, from, to });
    }
    Ok(Recurring { offset_minutes, windows })
}

/// `HH:MM` as minutes after midnight; `24:00` only where `end_of_day` allows it.
fn clock(s: &str, path: &Path, end_of_day: bool) -> Result<u16> {
    let minutes = match s.as_bytes() {
        [h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {
            let h = u16::from((h1 - b'0') * 10 + (h2 - b'0'));
            let m = u16::from((m1 - b'0') * 10 + (m2 - b'0'));
            (h < 24 && m < 60).then_some(h * 60 + m).or((end_of_day && h == 24 && m == 0).then_some(1440))
        }
        _ => None,
    };
    let range = if end_of_day { " is not HH:MM in 00:00–24:00" } else { " is not HH:MM in 00:00–23:59" };
    minutes.map_or_else(|| fail(K::InvalidValue, path, &[Quoted(s), Text(range)]), Ok)
}

/// `Z` or `±HH:MM` as minutes east of UTC.
fn utc_offset(s: &str) -> Option<i32> {
    if s == "Z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    match rest.as_bytes() {
        [h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {
            let h = i32::from((h1 - b'0') * 10 + (h2 - b'0'));
            let m = i32::from((m1 - b'0') * 10 + (m2 - b'0'));
            (h < 24 && m < 60).then_some(sign * (h * 60 + m))
        }
        _ => None,
    }
}

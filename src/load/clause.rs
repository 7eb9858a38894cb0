//! Clauses: operators, their operands (parsed here, once) and attribute references.

use super::reader::{array, boolean, fail, nonempty, nonempty_array, string, timestamp, wrong_type, Obj, Result};
use super::Names;
use crate::attribute::AttrRef;
use crate::error::LoadErrorKind as K;
use crate::json::Json;
use crate::json::Quoted;
use crate::operators::{Clause, Cmp, Test, ValueSet};
use crate::path::Path;
use crate::schedule::{Recurring, Weekly, Window};
use crate::sets::KeySet;
use crate::version::parse_version;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const FIELDS: &[&str] = &["attribute", "op", "values", "negate", "start", "end", "utcOffset", "windows"];

/// Every operator, as written in snapshots.
const OPERATORS: &[&str] = &[
    "in",
    "notIn",
    "startsWith",
    "endsWith",
    "contains",
    "lt",
    "lte",
    "gt",
    "gte",
    "semverEq",
    "semverLt",
    "semverLte",
    "semverGt",
    "semverGte",
    "before",
    "after",
    "exists",
    "segmentMatch",
    "schedule",
    "recurring",
];

pub(super) fn attribute(v: &Json<'_>, path: &Path) -> Result<AttrRef> {
    let text = nonempty(v, path)?;
    AttrRef::parse(text)
        .or_else(|_| fail(K::InvalidValue, path, "malformed JSON Pointer (`~` must be followed by 0 or 1)"))
}

pub(super) fn clauses(names: &Names, v: &Json<'_>, path: &Path) -> Result<Vec<Clause>> {
    nonempty_array(v, path)?.iter().enumerate().map(|(i, c)| clause(names, c, &path.index(i))).collect()
}

fn clause(names: &Names, v: &Json<'_>, path: &Path) -> Result<Clause> {
    let o = Obj::new(v, path, FIELDS)?;
    let op_path = path.key("op");
    let name = string(o.req("op", path)?, &op_path)?;
    let Some(&op) = OPERATORS.iter().find(|o| **o == name) else {
        return fail(K::UnknownOperator, &op_path, format!("unknown operator {}", Quoted(name)));
    };
    let negate = match o.get("negate") {
        Some(n) => boolean(n, &path.key("negate"))?,
        None => false,
    };
    let uses_attribute = !matches!(op, "segmentMatch" | "schedule" | "recurring");
    let unused: &[&str] = match op {
        "segmentMatch" => &["attribute", "start", "end", "utcOffset", "windows"],
        "schedule" => &["attribute", "utcOffset", "windows"],
        "recurring" => &["attribute", "start", "end"],
        _ => &["start", "end", "utcOffset", "windows"],
    };
    for field in unused {
        if o.get(field).is_some() {
            return fail(K::UnknownField, &path.key(field), format!("{} does not use {}", Quoted(op), Quoted(field)));
        }
    }
    let attr = match uses_attribute {
        true => Some(attribute(o.req("attribute", path)?, &path.key("attribute"))?),
        false => None,
    };
    let vp = path.key("values");
    let takes_values = !matches!(op, "exists" | "schedule" | "recurring");
    let values: &[Json<'_>] = match (takes_values, o.get("values")) {
        (true, _) => nonempty_array(o.req("values", path)?, &vp)?,
        (false, None) => &[],
        (false, Some(v)) => match array(v, &vp)? {
            [] => &[],
            _ => return fail(K::InvalidValue, &vp, format!("{} takes no values", Quoted(op))),
        },
    };
    let test = match op {
        "in" => Test::In(value_set(values, &vp)?),
        "notIn" => Test::NotIn(value_set(values, &vp)?),
        "startsWith" => Test::StartsWith(strings(values, &vp)?),
        "endsWith" => Test::EndsWith(strings(values, &vp)?),
        "contains" => Test::Contains(strings(values, &vp)?),
        "lt" => Test::Number(Cmp::Lt, numbers(values, &vp)?),
        "lte" => Test::Number(Cmp::Lte, numbers(values, &vp)?),
        "gt" => Test::Number(Cmp::Gt, numbers(values, &vp)?),
        "gte" => Test::Number(Cmp::Gte, numbers(values, &vp)?),
        "semverEq" => Test::Semver(Cmp::Eq, versions(values, &vp)?),
        "semverLt" => Test::Semver(Cmp::Lt, versions(values, &vp)?),
        "semverLte" => Test::Semver(Cmp::Lte, versions(values, &vp)?),
        "semverGt" => Test::Semver(Cmp::Gt, versions(values, &vp)?),
        "semverGte" => Test::Semver(Cmp::Gte, versions(values, &vp)?),
        "before" => Test::Before(timestamps(values, &vp)?),
        "after" => Test::After(timestamps(values, &vp)?),
        "exists" => Test::Exists,
        "segmentMatch" => Test::Segment(segments(names, values, &vp)?),
        "schedule" => Test::Schedule(window(&o, path)?),
        _ => Test::Recurring(recurring(&o, path)?),
    };
    Ok(Clause { op, attr, test, negate })
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

fn strings(values: &[Json<'_>], path: &Path) -> Result<Vec<String>> {
    values.iter().enumerate().map(|(i, v)| string(v, &path.index(i)).map(String::from)).collect()
}

fn numbers(values: &[Json<'_>], path: &Path) -> Result<Vec<f64>> {
    let number = |(i, v): (usize, &Json<'_>)| match v {
        Json::Number(n) => Ok(*n),
        _ => wrong_type(v, &path.index(i), "a number"),
    };
    values.iter().enumerate().map(number).collect()
}

fn versions(values: &[Json<'_>], path: &Path) -> Result<Vec<semver::Version>> {
    let version = |(i, v): (usize, &Json<'_>)| {
        let p = path.index(i);
        let s = string(v, &p)?;
        parse_version(s)
            .map_or_else(|| fail(K::InvalidSemver, &p, format!("{} is not a semantic version", Quoted(s))), Ok)
    };
    values.iter().enumerate().map(version).collect()
}

fn timestamps(values: &[Json<'_>], path: &Path) -> Result<Vec<i64>> {
    values.iter().enumerate().map(|(i, v)| timestamp(v, &path.index(i))).collect()
}

fn segments(names: &Names, values: &[Json<'_>], path: &Path) -> Result<Vec<u32>> {
    let segment = |(i, v): (usize, &Json<'_>)| {
        let p = path.index(i);
        let key = string(v, &p)?;
        names
            .segment(key)
            .map_or_else(|| fail(K::UnknownSegment, &p, format!("no segment {} in this snapshot", Quoted(key))), Ok)
    };
    values.iter().enumerate().map(segment).collect()
}

fn window(o: &Obj, path: &Path) -> Result<Window> {
    let start = o.get("start").map(|s| timestamp(s, &path.key("start"))).transpose()?;
    let end = o.get("end").map(|e| timestamp(e, &path.key("end"))).transpose()?;
    match (start, end) {
        (None, None) => fail(K::MissingField, &path.key("start"), "a schedule needs \"start\" or \"end\""),
        (Some(s), Some(e)) if s >= e => fail(K::InvalidValue, &path.key("end"), "end must be after start"),
        _ => Ok(Window { start, end }),
    }
}

fn recurring(o: &Obj, path: &Path) -> Result<Recurring> {
    let offset_minutes = match o.get("utcOffset") {
        Some(v) => {
            let p = path.key("utcOffset");
            let s = string(v, &p)?;
            utc_offset(s).map_or_else(|| fail(K::InvalidValue, &p, format!("{} is not Z or ±HH:MM", Quoted(s))), Ok)?
        }
        None => 0,
    };
    let wp = path.key("windows");
    let mut windows = Vec::new();
    for (i, w) in nonempty_array(o.req("windows", path)?, &wp)?.iter().enumerate() {
        let p = wp.index(i);
        let wo = Obj::new(w, &p, &["days", "from", "to"])?;
        let days = match wo.get("days") {
            None => 0x7f,
            Some(d) => {
                let dp = p.key("days");
                let mut mask = 0u8;
                for (j, day) in nonempty_array(d, &dp)?.iter().enumerate() {
                    let jp = dp.index(j);
                    let name = string(day, &jp)?;
                    match ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().position(|d| *d == name) {
                        Some(bit) => mask |= 1 << bit,
                        None => return fail(K::InvalidValue, &jp, format!("{} is not one of mon … sun", Quoted(name))),
                    }
                }
                mask
            }
        };
        let from = clock(wo.req("from", &p)?, &p.key("from"), false)?;
        let to = clock(wo.req("to", &p)?, &p.key("to"), true)?;
        windows.push(Weekly { days, from, to });
    }
    Ok(Recurring { offset_minutes, windows })
}

/// `HH:MM` as minutes after midnight; `24:00` only where `end_of_day` allows it.
fn clock(v: &Json<'_>, path: &Path, end_of_day: bool) -> Result<u16> {
    let s = string(v, path)?;
    let minutes = match s.as_bytes() {
        [h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()) => {
            let h = u16::from((h1 - b'0') * 10 + (h2 - b'0'));
            let m = u16::from((m1 - b'0') * 10 + (m2 - b'0'));
            (h < 24 && m < 60).then_some(h * 60 + m).or((end_of_day && h == 24 && m == 0).then_some(1440))
        }
        _ => None,
    };
    let range = if end_of_day { "00:00–24:00" } else { "00:00–23:59" };
    minutes.map_or_else(|| fail(K::InvalidValue, path, format!("{} is not HH:MM in {range}", Quoted(s))), Ok)
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

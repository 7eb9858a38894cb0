//! Small builders for the snapshot JSON the converter writes, and flagd paths.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use edgeflag::Json;

pub(super) use crate::json::{keyed as member, obj, s};

/// An integer value (every caller passes one in the safe range).
pub(super) fn n(value: u64) -> Json<'static> {
    Json::Number(value as f64)
}

/// `{"op": "all"|"any", "clauses": [...]}`, negated when asked.
pub(super) fn composite(op: &str, clauses: Vec<Json<'static>>, negate: bool) -> Json<'static> {
    let mut members = alloc::vec![("op", s(op)), ("clauses", Json::Array(clauses))];
    if negate {
        members.push(("negate", Json::Bool(true)));
    }
    obj(members)
}

/// A clause that always matches.
pub(super) fn always() -> Json<'static> {
    composite("all", Vec::new(), false)
}

/// NOT `clause`.
pub(super) fn not(clause: Json<'static>) -> Json<'static> {
    composite("all", alloc::vec![clause], true)
}

/// A leaf clause on `attribute`.
pub(super) fn leaf(attribute: &str, op: &str, values: Vec<Json<'static>>) -> Json<'static> {
    obj(alloc::vec![("attribute", s(attribute)), ("op", s(op)), ("values", Json::Array(values))])
}

/// flagd's scheme for a bucketing string `prefix` + unit, hashed as flagd (Go) does (UTF-8), or
/// as flagd-core does (`js`: UTF-16 code units through imurmurhash).
/// flagd's scheme; with `cat`, the suffix after the unit, which is written as flagd-core's `cat`
/// writes it, compiled or (`true`) interpreted.
pub(super) fn scheme(prefix: &str, js: bool, cat: Option<(&str, bool)>) -> Json<'static> {
    let encoding = if js { "utf16-imurmurhash" } else { "utf8" };
    let mut members = alloc::vec![("name", s("flagd-v2")), ("prefix", s(prefix)), ("encoding", s(encoding))];
    if let Some((suffix, interpreted)) = cat {
        let unit = if interpreted { "cat-interpreted" } else { "cat" };
        members.extend([("suffix", s(suffix)), ("unit", s(unit))]);
    }
    obj(members)
}

/// Matches when `attribute`'s whole value (missing: `null`) is of one of `types`.
pub(super) fn is_type(attribute: &str, types: &[&str]) -> Json<'static> {
    leaf(attribute, "type", types.iter().map(|t| s(t)).collect())
}

/// `clause` on a string value only: the leaf then reads that one string, never an array's items.
pub(super) fn on_string(attribute: &str, clause: Json<'static>) -> Json<'static> {
    composite("all", alloc::vec![is_type(attribute, &["string"]), clause], false)
}

/// Matches when `attribute` holds a non-empty string, and nothing else: its whole value is a
/// string (`type`), and not `""`.
pub(super) fn non_empty_string(attribute: &str) -> Json<'static> {
    let empty = obj(alloc::vec![
        ("attribute", s(attribute)),
        ("op", s("in")),
        ("values", Json::Array(alloc::vec![s("")])),
        ("negate", Json::Bool(true)),
    ]);
    composite("all", alloc::vec![is_type(attribute, &["string"]), empty], false)
}

/// Matches when `attribute` holds a unit: a non-empty string or an integer, never an array.
pub(super) fn unit(attribute: &str) -> Json<'static> {
    obj(alloc::vec![
        ("op", s("inBucket")),
        ("bucketBy", s(attribute)),
        ("scheme", scheme("", false, None)),
        ("buckets", n(1)),
        ("range", Json::Array(alloc::vec![n(0), n(1)])),
    ])
}

/// An array index in a path.
pub(super) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

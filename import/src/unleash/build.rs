//! Snapshot pieces as the core's `Json`: objects, clauses and composites.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

pub use crate::json::{obj, s as text};

use super::context::Sdk;

/// A JSON array of strings.
pub fn texts<S: AsRef<str>>(items: &[S]) -> Json<'static> {
    Json::Array(items.iter().map(|s| text(s.as_ref())).collect())
}

/// Matches when every clause does (`[]`: always).
pub fn all(clauses: Vec<Json<'static>>) -> Json<'static> {
    obj(alloc::vec![("op", text("all")), ("clauses", Json::Array(clauses))])
}

/// Matches when some clause does (`[]`: never).
pub fn any(clauses: Vec<Json<'static>>) -> Json<'static> {
    obj(alloc::vec![("op", text("any")), ("clauses", Json::Array(clauses))])
}

/// The opposite of `clause`, for every context (a leaf's own `negate` keeps "missing → no
/// match", which Unleash's inversions do not).
pub fn not(clause: Json<'static>) -> Json<'static> {
    obj(alloc::vec![("op", text("all")), ("clauses", Json::Array(alloc::vec![clause])), ("negate", Json::Bool(true))])
}

/// A clause that always matches.
pub fn always() -> Json<'static> {
    all(Vec::new())
}

/// A clause that never matches.
pub fn never() -> Json<'static> {
    any(Vec::new())
}

/// `attribute op values` (string values).
pub fn leaf<S: AsRef<str>>(attribute: &str, op: &str, values: &[S]) -> Json<'static> {
    obj(alloc::vec![("attribute", text(attribute)), ("op", text(op)), ("values", texts(values))])
}

/// The attribute is present and not null.
pub fn exists(attribute: &str) -> Json<'static> {
    obj(alloc::vec![("attribute", text(attribute)), ("op", text("exists"))])
}

/// Unleash's rollout `bucket < percent` of the unit in `attribute`, groupId `group`.
pub fn in_bucket(attribute: &str, group: &str, percent: u32, sdk: Sdk) -> Json<'static> {
    obj(alloc::vec![
        ("op", text("inBucket")),
        ("bucketBy", text(attribute)),
        ("scheme", scheme(group, "rollout", sdk)),
        ("buckets", Json::Number(100.0)),
        ("range", Json::Array(alloc::vec![Json::Number(0.0), Json::Number(f64::from(percent))])),
    ])
}

/// The `unleash` scheme with its groupId and purpose (`rollout` or `variant`), hashing as `sdk`
/// does (UTF-8, the default, for Yggdrasil).
pub fn scheme(group: &str, purpose: &str, sdk: Sdk) -> Json<'static> {
    let mut members = alloc::vec![("name", text("unleash")), ("groupId", text(group)), ("purpose", text(purpose))];
    if sdk == Sdk::Node {
        members.push(("encoding", text("utf16-low-byte")));
    }
    obj(members)
}

/// Collapses `all` of one clause to the clause itself (smaller snapshots, same answers).
pub fn all_of(mut clauses: Vec<Json<'static>>) -> Json<'static> {
    if clauses.len() == 1 {
        if let Some(only) = clauses.pop() {
            return only;
        }
    }
    all(clauses)
}

/// A path member: `.name` or `[i]`.
pub fn at(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        alloc::format!("{path}.{member}")
    }
}

/// A path index.
pub fn idx(path: &str, i: usize) -> String {
    alloc::format!("{path}[{i}]")
}

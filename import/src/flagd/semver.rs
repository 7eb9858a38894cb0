//! `sem_ver` `[A, OP, B]` as flagd's Go evaluator answers it: `true` / `false` when both A and B
//! read as versions (`normalizeVersion`, `golang.org/x/mod/semver`), else `null`; with the
//! reference flagd-core, as its `normalizeVersion` and npm's `semver` read them. A context
//! value against a literal becomes edgeflag's `flagdSemver…` (`flagdCoreSemver…`) clauses,
//! which read the value exactly so (docs/snapshot.md, "Clauses"); literals are decided by
//! edgeflag itself, on a one-rule snapshot, so the converter and the engine cannot read a
//! version differently.

use super::build::{composite, leaf, obj, s};
use super::var::attribute;
use crate::ImportError;
use alloc::borrow::Cow;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::{Context, Json, Snapshot};

/// What `sem_ver` answers: the same for every context (`None`: `null`), or `holds` (`true`)
/// where the context value is a version (`defined`), `false` for other versions, else `null`.
pub(super) enum Answer {
    Const(Option<bool>),
    Clause { defined: Json<'static>, holds: Json<'static> },
}

/// The lowest version of all: every version is at least it, so `>=` it means "a version".
const LOWEST: &str = "0.0.0-0";

/// The clause operators' names: flagd's (Go) or flagd-core's.
#[derive(Clone, Copy)]
pub(super) struct Ops {
    prefix: &'static str,
}

impl Ops {
    pub fn of(js: bool) -> Ops {
        Ops { prefix: if js { "flagdCoreSemver" } else { "flagdSemver" } }
    }

    /// The clause operators for flagd's `op`, with the two sides swapped when the context value
    /// is the second argument (`1.0.0 < x` is `x > 1.0.0`); `!=` is `<` or `>`.
    fn operators(self, op: &str, swapped: bool) -> Vec<alloc::string::String> {
        let tests: &[&str] = match (op, swapped) {
            ("=", _) => &["Eq"],
            ("!=", _) => &["Lt", "Gt"],
            ("<", false) | (">", true) => &["Lt"],
            ("<=", false) | (">=", true) => &["Lte"],
            (">", false) | ("<", true) => &["Gt"],
            (">=", false) | ("<=", true) => &["Gte"],
            ("^", _) => &["Major"],
            _ => &["Minor"],
        };
        tests.iter().map(|t| [self.prefix, t].concat()).collect()
    }

    /// "A version": at least the lowest of all.
    fn defined(self, attr: &str) -> Json<'static> {
        leaf(attr, &[self.prefix, "Gte"].concat(), vec![s(LOWEST)])
    }
}

fn is_var(v: &Json<'static>) -> bool {
    matches!(v, Json::Object(m) if m.len() == 1 && m[0].0 == "var")
}

/// `sem_ver` with three arguments and a known operator `op` (the rest answers `null` for every
/// context, decided by the caller).
pub(super) fn read(items: &[Json<'static>], op: &str, ops: Ops, path: &str) -> Result<Answer, ImportError> {
    let refuse = |why: &str| ImportError::unsupported(path, why);
    let (var, literal, swapped) = match (is_var(&items[0]), is_var(&items[2])) {
        (true, false) => (Some(&items[0]), &items[2], false),
        (false, true) => (Some(&items[2]), &items[0], true),
        (false, false) => (None, &items[2], false),
        (true, true) => return Err(refuse("between two context values")),
    };
    // flagd's text of a literal: a string, a number as Go writes it; `null` and booleans are
    // never versions. Other objects are operations, arrays may hold some.
    let version = |v: &Json<'static>| match v {
        Json::String(_) | Json::Number(_) => Ok(Some(v.clone())),
        Json::Null | Json::Bool(_) => Ok(None),
        _ => Err(refuse("on a computed value or an array")),
    };
    let Some(literal) = version(literal)?.filter(|v| is_version(ops, v, path)) else {
        return Ok(Answer::Const(None));
    };
    let clause = |attr: &str| {
        let mut clauses: Vec<Json<'static>> =
            ops.operators(op, swapped).iter().map(|name| leaf(attr, name, vec![literal.clone()])).collect();
        if clauses.len() == 1 {
            clauses.remove(0)
        } else {
            composite("any", clauses, false)
        }
    };
    let Some(var) = var else {
        // Two literals: flagd's answer, computed by edgeflag on the first as a value.
        let Some(first) = version(&items[0])?.filter(|v| is_version(ops, v, path)) else {
            return Ok(Answer::Const(None));
        };
        return Ok(Answer::Const(Some(evaluate(clause("x"), &first, path)?)));
    };
    let Some(attr) = attribute(var, path)? else {
        return Err(refuse("on a $flagd property"));
    };
    Ok(Answer::Clause { defined: ops.defined(&attr), holds: clause(&attr) })
}

/// Whether flagd (or flagd-core) reads the literal `v` as a version.
fn is_version(ops: Ops, v: &Json<'static>, path: &str) -> bool {
    evaluate(ops.defined("x"), v, path).unwrap_or(false)
}

/// Whether `clause` (on attribute `x`) matches the context `{x: value}`, by edgeflag.
fn evaluate(clause: Json<'static>, value: &Json<'static>, path: &str) -> Result<bool, ImportError> {
    let variation = |name: &str, value: bool| obj(vec![("name", s(name)), ("value", Json::Bool(value))]);
    let rule = obj(vec![
        ("id", s("sem_ver")),
        ("clauses", Json::Array(vec![clause])),
        ("serve", obj(vec![("variation", s("yes"))])),
    ]);
    let flag = obj(vec![
        ("on", Json::Bool(true)),
        ("variations", Json::Array(vec![variation("no", false), variation("yes", true)])),
        ("rules", Json::Array(vec![rule])),
        ("fallthrough", obj(vec![("variation", s("no"))])),
    ]);
    let doc = obj(vec![
        ("version", Json::Number(1.0)),
        ("generatedAt", s("1970-01-01T00:00:00Z")),
        ("flags", Json::Object(vec![(Cow::Borrowed("sem_ver"), flag)])),
    ]);
    let snapshot = Snapshot::from_json(&doc)
        .map_err(|e| ImportError::unsupported(path, [e.message.as_str(), " (", e.kind.code(), ")"].concat()))?;
    let ctx = Context::new(Json::Object(vec![(Cow::Borrowed("x"), value.clone())]));
    Ok(snapshot.evaluate("sem_ver", &ctx, 0, None).value == Some(&Json::Bool(true)))
}

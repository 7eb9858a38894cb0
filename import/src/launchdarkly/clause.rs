//! A clause: LaunchDarkly's operator on an attribute of a context kind, its values ORed, `negate`
//! flipping the outcome only when the attribute is there (a missing or `null` one never matches).

use super::json::{list, member, obj, s, text};
use super::reference;
use super::semver;
use super::Segments;
use crate::ImportError;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// A clause that never matches (`any` of nothing) or, negated, always does.
pub fn never(negate: bool) -> Json<'static> {
    obj(vec![("op", s(if negate { "all" } else { "any" })), ("clauses", Json::Array(Vec::new()))])
}

/// The context kind a clause, target or rollout names (`user` by default), refused when it is
/// none LaunchDarkly reads.
pub fn kind<'a>(v: &'a Json<'_>, name: &str, path: &str) -> Result<(&'a str, bool), ImportError> {
    match text(v, name, path)? {
        None => Ok(("user", false)),
        Some(k) if valid_kind(k) => Ok((k, true)),
        Some(_) => Err(ImportError::unsupported(member(path, name), "not a context kind LaunchDarkly reads")),
    }
}

/// LaunchDarkly's rule for kinds: ASCII letters, digits, `.`, `_`, `-`; not `kind` (nor `multi`,
/// which names no single context).
pub fn valid_kind(k: &str) -> bool {
    !k.is_empty() && k != "kind" && k != "multi" && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The clause `c` at `path`.
pub fn clause(c: &Json<'_>, path: &str, segments: &Segments) -> Result<Json<'static>, ImportError> {
    let sdk = segments.sdk;
    let op = text(c, "op", path)?.unwrap_or_default();
    let negate = super::json::flag(c, "negate", path)?;
    let values = list(c, "values", path)?;
    if op == "segmentMatch" {
        return segment_match(values, negate, path, segments);
    }
    let (kind, named) = kind(c, "contextKind", path)?;
    let attribute = text(c, "attribute", path)?.unwrap_or_default();
    let names = reference::names(attribute, named, &member(path, "attribute"))?;
    if let [only] = &names[..] {
        if only == "kind" {
            return kinds(op, values, negate, path);
        }
    }
    let attr = reference::written(&names);
    let strings = || values.iter().filter_map(Json::as_str).map(s).collect::<Vec<_>>();
    let numbers = || values.iter().filter(|v| matches!(v, Json::Number(_))).map(Json::to_owned_json);
    let (edgeflag_op, operands): (&str, Vec<Json<'static>>) = match op {
        "in" => {
            if let Some(i) = values.iter().position(|v| matches!(v, Json::Null | Json::Array(_) | Json::Object(_))) {
                return Err(ImportError::unsupported(
                    super::json::index(&member(path, "values"), i),
                    "a null, array or object value: LaunchDarkly compares it as JSON, edgeflag's in takes strings, numbers and booleans",
                ));
            }
            ("in", values.iter().map(Json::to_owned_json).collect())
        }
        "startsWith" | "endsWith" | "contains" => (op, strings()),
        "lessThan" => ("lt", numbers().collect()),
        "lessThanOrEqual" => ("lte", numbers().collect()),
        "greaterThan" => ("gt", numbers().collect()),
        "greaterThanOrEqual" => ("gte", numbers().collect()),
        "before" => {
            (if sdk.node { "ldBeforeNode" } else { "ldBefore" }, values.iter().map(Json::to_owned_json).collect())
        }
        "after" => (if sdk.node { "ldAfterNode" } else { "ldAfter" }, values.iter().map(Json::to_owned_json).collect()),
        "semVerEqual" | "semVerLessThan" | "semVerGreaterThan" => {
            let name = match op {
                "semVerEqual" => "semverEq",
                "semVerLessThan" => "semverLt",
                _ => "semverGt",
            };
            (name, values.iter().filter_map(Json::as_str).filter(|v| semver::readable(v)).map(s).collect())
        }
        "matches" if sdk.node => ("matches", patterns(values, path)?),
        "matches" => return Err(ImportError::unsupported(
            member(path, "op"),
            "matches with the reference go: RE2's dialect (LaunchDarkly's JavaScript SDKs, the reference node, use JavaScript's RegExp, which edgeflag imports)",
        )),
        // An operator the SDKs do not know matches nothing.
        _ => ("", Vec::new()),
    };
    let positive = match (edgeflag_op, operands.is_empty()) {
        ("", _) | (_, true) => never(false),
        _ => obj(vec![
            ("attribute", s(&attr)),
            ("contextKind", s(kind)),
            ("op", s(edgeflag_op)),
            ("values", Json::Array(operands)),
        ]),
    };
    if !negate {
        return Ok(positive);
    }
    // Negated: the attribute is there, and the operator does not hold for any item.
    let exists = obj(vec![("attribute", s(&attr)), ("contextKind", s(kind)), ("op", s("exists"))]);
    let not = obj(vec![("op", s("all")), ("clauses", Json::Array(vec![positive])), ("negate", Json::Bool(true))]);
    Ok(obj(vec![("op", s("all")), ("clauses", Json::Array(vec![exists, not]))]))
}

/// `matches`' patterns as LaunchDarkly's JavaScript SDKs use them (`new RegExp(pattern).test`):
/// a value that is no string, or a pattern JavaScript refuses, matches nothing (their `catch`);
/// a pattern outside the subset every runtime's engine matches alike is refused.
fn patterns(values: &[Json<'_>], path: &str) -> Result<Vec<Json<'static>>, ImportError> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let Some(p) = v.as_str() else { continue };
        match edgeflag::regex::check(p) {
            Ok(()) => out.push(s(p)),
            Err(refusal) if refusal.invalid => {}
            Err(refusal) => {
                let at = super::json::index(&member(path, "values"), i);
                let why = refusal.why;
                return Err(ImportError::unsupported(
                    at,
                    alloc::format!("a pattern outside the subset every runtime matches alike: {why}"),
                ));
            }
        }
    }
    Ok(out)
}

/// A clause on the attribute `kind`: LaunchDarkly tests each kind the context has.
fn kinds(op: &str, values: &[Json<'_>], negate: bool, path: &str) -> Result<Json<'static>, ImportError> {
    if op != "in" {
        let why = match op {
            "matches" => "matches: regular expressions are not in edgeflag (and LaunchDarkly's SDKs use their platform's dialect)",
            _ => "an operator other than in on the attribute kind (a context's kinds are not an attribute in edgeflag)",
        };
        return Err(ImportError::unsupported(member(path, "op"), why));
    }
    // A context has kind K when its context of kind K has a key (every LaunchDarkly context has).
    let has: Vec<Json<'static>> = values
        .iter()
        .filter_map(Json::as_str)
        .filter(|k| valid_kind(k))
        .map(|k| obj(vec![("attribute", s("key")), ("contextKind", s(k)), ("op", s("exists"))]))
        .collect();
    let mut members = vec![("op", s("any")), ("clauses", Json::Array(has))];
    if negate {
        members.push(("negate", Json::Bool(true)));
    }
    Ok(obj(members))
}

/// `segmentMatch`: the context is in one of the segments; keys of segments the payload lacks are
/// skipped, as LaunchDarkly skips them.
fn segment_match(
    values: &[Json<'_>],
    negate: bool,
    path: &str,
    segments: &Segments,
) -> Result<Json<'static>, ImportError> {
    let mut keys: Vec<String> = Vec::new();
    for v in values {
        let Some(key) = v.as_str() else { continue };
        if segments.refused.iter().any(|k| k == key) {
            return Err(ImportError::unsupported(
                member(path, "values"),
                alloc::format!("segment {key:?} was not imported"),
            ));
        }
        if segments.known.iter().any(|k| k == key) && !keys.iter().any(|k| k == key) {
            keys.push(key.into());
        }
    }
    if keys.is_empty() {
        return Ok(never(negate));
    }
    let mut members = vec![("op", s("segmentMatch")), ("values", Json::Array(keys.iter().map(|k| s(k)).collect()))];
    if negate {
        members.push(("negate", Json::Bool(true)));
    }
    Ok(obj(members))
}

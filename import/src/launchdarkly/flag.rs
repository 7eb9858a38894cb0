//! A flag: on/off, variations kept by index, prerequisites, targets and context targets in
//! LaunchDarkly's order, rules (their ids being their indexes) and the fallthrough.

use super::clause::{clause, kind, never};
use super::json::{index as at, integer, list, member, obj, s, text, variation};
use super::serve::{index, serve, FlagSide};
use super::{Sdk, Segments};
use crate::ImportError;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// The flag `f`, keyed `key`, at `path`; `variations_of` gives another flag's variation count
/// (`None`: not imported), for prerequisites.
pub fn flag(
    key: &str,
    f: &Json<'_>,
    path: &str,
    sdk: Sdk,
    segments: &Segments,
    variations_of: &dyn Fn(&str) -> Option<usize>,
) -> Result<Json<'static>, ImportError> {
    if super::json::flag(f, "deleted", path)? {
        return Err(ImportError::invalid(path, "a deleted flag (the caller drops it)"));
    }
    if f.get("migration").is_some_and(|m| !matches!(m, Json::Null)) {
        return Err(ImportError::unsupported(
            member(path, "migration"),
            "migration flags have stages and checks edgeflag has no equivalent for",
        ));
    }
    let values = list(f, "variations", path)?;
    let variations = variations_json(values, &member(path, "variations"))?;
    let salt = text(f, "salt", path)?.unwrap_or_default();
    let side = FlagSide { key, salt, variations: values.len(), sdk };
    let on = super::json::flag(f, "on", path)?;
    let mut out = vec![("on", Json::Bool(on)), ("variations", variations)];
    if let Some(off) = f.get("offVariation").filter(|v| !matches!(v, Json::Null)) {
        out.push(("offVariation", variation(index(off, values.len(), &member(path, "offVariation"))?)));
    }
    if !on {
        // An off flag serves its off variation and reads nothing else: LaunchDarkly does not look
        // at the rest, so neither does the converter (any fallthrough stands in for none).
        out.push(("fallthrough", obj(vec![("variation", variation(0))])));
        return Ok(obj(out));
    }
    let mut prerequisites = Vec::new();
    for (i, p) in list(f, "prerequisites", path)?.iter().enumerate() {
        let p_at = at(&member(path, "prerequisites"), i);
        let Some(pk) = text(p, "key", &p_at)? else {
            return Err(ImportError::invalid(member(&p_at, "key"), "a prerequisite needs a key"));
        };
        let Some(n) = variations_of(pk) else {
            return Err(ImportError::unsupported(
                member(&p_at, "key"),
                alloc::format!(
                    "flag {pk:?} is not imported (a prerequisite on a missing flag always fails in LaunchDarkly)"
                ),
            ));
        };
        let v = index(p.get("variation").unwrap_or(&Json::Null), n, &member(&p_at, "variation"))?;
        prerequisites.push(obj(vec![("flag", s(pk)), ("variation", variation(v))]));
    }
    if !prerequisites.is_empty() {
        out.push(("prerequisites", Json::Array(prerequisites)));
    }
    let targets = targets(f, path, values.len(), sdk)?;
    if !targets.is_empty() {
        out.push(("targets", Json::Array(targets)));
    }
    let mut rules = Vec::new();
    for (i, r) in list(f, "rules", path)?.iter().enumerate() {
        let r_at = at(&member(path, "rules"), i);
        let clauses = clauses(r, &r_at, segments)?;
        let served = serve(r, &r_at, &side)?;
        rules.push(obj(vec![("id", s(&alloc::format!("{i}"))), ("clauses", Json::Array(clauses)), ("serve", served)]));
    }
    if !rules.is_empty() {
        out.push(("rules", Json::Array(rules)));
    }
    let fallthrough = match f.get("fallthrough") {
        Some(ft @ Json::Object(_)) => serve(ft, &member(path, "fallthrough"), &side)?,
        _ => {
            return Err(ImportError::unsupported(
                member(path, "fallthrough"),
                "no fallthrough: LaunchDarkly answers MALFORMED_FLAG",
            ))
        }
    };
    out.push(("fallthrough", fallthrough));
    Ok(obj(out))
}

/// A rule's clauses (ANDed); none always matches.
pub fn clauses(r: &Json<'_>, path: &str, segments: &Segments) -> Result<Vec<Json<'static>>, ImportError> {
    let mut out = Vec::new();
    for (i, c) in list(r, "clauses", path)?.iter().enumerate() {
        out.push(clause(c, &at(&member(path, "clauses"), i), segments)?);
    }
    if out.is_empty() {
        out.push(never(true));
    }
    Ok(out)
}

/// The variations, named by index; values of one kind, none `null`.
fn variations_json(values: &[Json<'_>], path: &str) -> Result<Json<'static>, ImportError> {
    fn kind(v: &Json<'_>) -> &'static str {
        match v {
            Json::Bool(_) => "boolean",
            Json::String(_) => "string",
            Json::Number(_) => "number",
            _ => "json",
        }
    }
    if values.is_empty() {
        return Err(ImportError::unsupported(path, "no variations: an edgeflag flag serves at least one"));
    }
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if matches!(v, Json::Null) {
            return Err(ImportError::unsupported(at(path, i), "a null value: edgeflag variations hold values"));
        }
        if kind(v) != kind(&values[0]) {
            return Err(ImportError::unsupported(
                at(path, i),
                "values of more than one kind: an edgeflag flag's values are of one kind",
            ));
        }
        out.push(obj(vec![("name", variation(i)), ("value", v.to_owned_json())]));
    }
    Ok(Json::Array(out))
}

/// A target list: its kind, keys, variation and path.
type Listing<'a, 'j> = (&'a str, &'a [Json<'j>], usize, String);

/// Targets in the order LaunchDarkly tries them: `contextTargets` (a `user` one without values
/// standing for the `targets` entry of its variation), or `targets` when there are none. A key
/// listed again for the same kind is left out (the first listing wins).
///
/// A `user` context target with values: Go and Rust list them; the JavaScript SDKs (`node`) read
/// the first `targets` entry of its variation instead, whatever it lists.
fn targets(f: &Json<'_>, path: &str, variations: usize, sdk: Sdk) -> Result<Vec<Json<'static>>, ImportError> {
    let users = list(f, "targets", path)?;
    let contexts = list(f, "contextTargets", path)?;
    let mut order: Vec<Listing<'_, '_>> = Vec::new();
    let user_target = |v: usize| -> Result<Vec<Listing<'_, '_>>, ImportError> {
        let mut out = Vec::new();
        for (i, t) in users.iter().enumerate() {
            let t_at = at(&member(path, "targets"), i);
            if integer(t, "variation", &t_at)? == Some(v as i64) {
                out.push(("user", list(t, "values", &t_at)?, v, t_at));
                if sdk.node {
                    break; // JavaScript's `find`: the first only
                }
            }
        }
        Ok(out)
    };
    if contexts.is_empty() {
        for (i, t) in users.iter().enumerate() {
            let t_at = at(&member(path, "targets"), i);
            let v = index(t.get("variation").unwrap_or(&Json::Null), variations, &member(&t_at, "variation"))?;
            order.push(("user", list(t, "values", &t_at)?, v, t_at));
        }
    } else {
        for (i, t) in contexts.iter().enumerate() {
            let t_at = at(&member(path, "contextTargets"), i);
            let v = index(t.get("variation").unwrap_or(&Json::Null), variations, &member(&t_at, "variation"))?;
            let (k, _) = kind(t, "contextKind", &t_at)?;
            let values = list(t, "values", &t_at)?;
            if k == "user" && (values.is_empty() || sdk.node) {
                order.extend(user_target(v)?);
            } else {
                order.push((k, values, v, t_at));
            }
        }
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for (k, values, v, t_at) in order {
        let mut listed = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let Some(text) = value.as_str() else { continue }; // a key is a string: nothing else matches
            if text.is_empty() {
                return Err(ImportError::unsupported(
                    at(&member(&t_at, "values"), i),
                    "an empty key: edgeflag's targets list non-empty keys",
                ));
            }
            if seen.iter().any(|(sk, sv)| sk == k && sv == text) {
                continue;
            }
            seen.push((k.into(), text.into()));
            listed.push(s(text));
        }
        if !listed.is_empty() {
            out.push(obj(vec![("variation", variation(v)), ("contextKind", s(k)), ("values", Json::Array(listed))]));
        }
    }
    Ok(out)
}

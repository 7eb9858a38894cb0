//! A segment: included keys (by kind), then excluded ones, then rules whose clauses all match
//! and whose `weight`, when given, takes that share of contexts by LaunchDarkly's scheme salted
//! with the segment. As an edgeflag segment of rules: one for the included lists, each LaunchDarkly
//! rule guarded by "not excluded".

use super::clause::{kind, never};
use super::flag::clauses;
use super::json::{index as at, integer, list, member, obj, s, text};
use super::reference;
use super::{Sdk, Segments};
use crate::ImportError;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// The segment `g`, keyed `key`, at `path`.
pub fn segment(
    key: &str,
    g: &Json<'_>,
    path: &str,
    sdk: Sdk,
    segments: &Segments,
) -> Result<Json<'static>, ImportError> {
    if super::json::flag(g, "unbounded", path)? {
        return Err(ImportError::unsupported(
            member(path, "unbounded"),
            "a big segment: its members are in an external store the SDK queries",
        ));
    }
    let salt = text(g, "salt", path)?.unwrap_or_default();
    let included = lists(g, "included", "includedContexts", path)?;
    let excluded = lists(g, "excluded", "excludedContexts", path)?;
    let mut rules = Vec::new();
    if !included.is_empty() {
        rules.push(obj(vec![("id", s("included")), ("clauses", Json::Array(vec![any(included, false)]))]));
    }
    for (i, r) in list(g, "rules", path)?.iter().enumerate() {
        let r_at = at(&member(path, "rules"), i);
        let mut cs = Vec::new();
        if !excluded.is_empty() {
            cs.push(any(excluded.clone(), true));
        }
        let own = clauses(r, &r_at, segments)?;
        cs.extend(own.into_iter().filter(|c| *c != never(true)));
        match r.get("weight") {
            None | Some(Json::Null) => {}
            Some(_) => {
                let weight = match integer(r, "weight", &r_at)? {
                    Some(w) if (0..=i64::from(i32::MAX)).contains(&w) => w,
                    _ => {
                        return Err(ImportError::unsupported(
                            member(&r_at, "weight"),
                            "a weight below 0 or past 2147483647 (the SDKs read a negative one differently)",
                        ))
                    }
                };
                let (k, named) = kind(r, "rolloutContextKind", &r_at)?;
                let by = match text(r, "bucketBy", &r_at)? {
                    Some(b) => reference::written(&reference::names(b, named, &member(&r_at, "bucketBy"))?),
                    None => "key".into(),
                };
                let prefix = alloc::format!("{key}.{salt}");
                let scheme =
                    obj(vec![("name", s("launchdarkly")), ("prefix", s(&prefix)), ("encoding", s(sdk.encoding()))]);
                cs.push(obj(vec![
                    ("op", s("inBucket")),
                    ("scheme", scheme),
                    ("contextKind", s(k)),
                    ("bucketBy", s(&by)),
                    ("range", Json::Array(vec![Json::Number(0.0), Json::Number(weight as f64)])),
                ]));
            }
        }
        if cs.is_empty() {
            cs.push(never(true));
        }
        rules.push(obj(vec![("id", s(&alloc::format!("{i}"))), ("clauses", Json::Array(cs))]));
    }
    Ok(obj(vec![("rules", Json::Array(rules))]))
}

/// `in` clauses on the key of each kind listed: `users` (kind `user`) and `contexts`
/// (`[{contextKind, values}]`).
fn lists(g: &Json<'_>, users: &str, contexts: &str, path: &str) -> Result<Vec<Json<'static>>, ImportError> {
    let mut out = Vec::new();
    for (i, t) in list(g, contexts, path)?.iter().enumerate() {
        let t_at = at(&member(path, contexts), i);
        let (k, _) = kind(t, "contextKind", &t_at)?;
        out.extend(keys(k, list(t, "values", &t_at)?));
    }
    out.extend(keys("user", list(g, users, path)?));
    Ok(out)
}

fn keys(kind: &str, values: &[Json<'_>]) -> Option<Json<'static>> {
    let strings: Vec<Json<'static>> = values.iter().filter_map(Json::as_str).map(s).collect();
    (!strings.is_empty()).then(|| {
        obj(vec![("attribute", s("key")), ("contextKind", s(kind)), ("op", s("in")), ("values", Json::Array(strings))])
    })
}

/// Some of `clauses` matches (or, `negate`, none does).
fn any(clauses: Vec<Json<'static>>, negate: bool) -> Json<'static> {
    let mut members = vec![("op", s("any")), ("clauses", Json::Array(clauses))];
    if negate {
        members.push(("negate", Json::Bool(true)));
    }
    obj(members)
}

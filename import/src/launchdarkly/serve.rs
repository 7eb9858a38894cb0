//! What a rule or the fallthrough serves: a variation by index, or a rollout (percentage or
//! experiment) bucketed by LaunchDarkly's scheme in the context of its kind.

use super::clause::kind;
use super::json::{integer, list, member, obj, s, text, variation};
use super::reference;
use super::Sdk;
use crate::ImportError;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// What a flag's serves need to know of it.
pub struct FlagSide<'a> {
    pub key: &'a str,
    pub salt: &'a str,
    pub variations: usize,
    pub sdk: Sdk,
}

/// A variation index of the flag, or refused (LaunchDarkly answers MALFORMED_FLAG).
pub fn index(v: &Json<'_>, variations: usize, path: &str) -> Result<usize, ImportError> {
    match v.as_integer() {
        Some(i) if i >= 0 && (i as u64) < variations as u64 => Ok(i as usize),
        _ => Err(ImportError::unsupported(
            path,
            "not an index of the flag's variations: LaunchDarkly answers MALFORMED_FLAG",
        )),
    }
}

/// The `variation` or `rollout` of `v` (a rule or the fallthrough) at `path`.
pub fn serve(v: &Json<'_>, path: &str, flag: &FlagSide<'_>) -> Result<Json<'static>, ImportError> {
    if let Some(i) = v.get("variation").filter(|i| !matches!(i, Json::Null)) {
        let i = index(i, flag.variations, &member(path, "variation"))?;
        return Ok(obj(vec![("variation", variation(i))]));
    }
    let Some(r) = v.get("rollout").filter(|r| matches!(r, Json::Object(_))) else {
        return Err(ImportError::unsupported(
            path,
            "neither a variation nor a rollout: LaunchDarkly answers MALFORMED_FLAG",
        ));
    };
    let path = member(path, "rollout");
    let experiment = text(r, "kind", &path)? == Some("experiment");
    let (context_kind, named) = kind(r, "contextKind", &path)?;
    // Experiments always bucket by the key.
    let by = match text(r, "bucketBy", &path)? {
        Some(b) if !experiment => reference::written(&reference::names(b, named, &member(&path, "bucketBy"))?),
        _ => String::from("key"),
    };
    let seed = integer(r, "seed", &path)?;
    let prefix = match (seed, flag.sdk.node) {
        // JavaScript's `seed ? … : key.salt`: a seed of 0 is none.
        (Some(0), true) | (None, _) => format!("{}.{}", flag.key, flag.salt),
        (Some(seed), _) => format!("{seed}"),
    };
    let items = list(r, "variations", &path)?;
    if items.is_empty() {
        return Err(ImportError::unsupported(
            member(&path, "variations"),
            "no variations: LaunchDarkly answers MALFORMED_FLAG",
        ));
    }
    let mut slices = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = super::json::index(&member(&path, "variations"), i);
        let v = index(item.get("variation").unwrap_or(&Json::Null), flag.variations, &member(&at, "variation"))?;
        let weight = match integer(item, "weight", &at)? {
            Some(w) if (0..=i64::from(i32::MAX)).contains(&w) => w,
            None => 0,
            Some(_) => {
                return Err(ImportError::unsupported(member(&at, "weight"), "a weight below 0 or past 2147483647"))
            }
        };
        slices.push(obj(vec![("variation", variation(v)), ("weight", Json::Number(weight as f64))]));
    }
    let scheme = obj(vec![("name", s("launchdarkly")), ("prefix", s(&prefix)), ("encoding", s(flag.sdk.encoding()))]);
    Ok(obj(vec![(
        "rollout",
        obj(vec![
            ("scheme", scheme),
            ("contextKind", s(context_kind)),
            ("bucketBy", s(&by)),
            ("variations", Json::Array(slices)),
        ]),
    )]))
}

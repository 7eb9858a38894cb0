//! The clauses that bucket a unit: force rules' `coverage` and `range`, experiments' variation
//! ranges, `filters` and `namespace`, each as `inBucket` clauses with GrowthBook's scheme.

use super::buckets::{in_range, runs};
use super::condition::{any, never};
use super::json::{index, items, member, n, number, obj, s, text_or};
use super::path;
use crate::ImportError;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// How a rule hashes: the attribute, the seed and the hash version.
#[derive(Clone, Debug)]
pub struct Hashing {
    /// The edgeflag reference of the hash attribute (a top-level member).
    pub attribute: String,
    /// The seed, as the SDK joins it to the unit.
    pub seed: String,
    /// 1 or 2; `None`: a version the SDK does not hash with (its `hash` gives `null`).
    pub version: Option<u32>,
}

impl Hashing {
    /// Buckets: 1000 (v1) or 10000 (v2).
    pub fn scale(&self) -> u32 {
        if self.version == Some(2) {
            10_000
        } else {
            1_000
        }
    }

    /// The clause "the unit's bucket is in one of `runs`" (none: never).
    pub fn clause(&self, runs: &[(u32, u32)]) -> Json<'static> {
        let Some(version) = self.version else { return never() };
        if runs.is_empty() {
            return never();
        }
        let scheme = obj(vec![("name", s(&format!("growthbook-v{version}"))), ("seed", s(&self.seed))]);
        any(runs
            .iter()
            .map(|&(lo, hi)| {
                obj(vec![
                    ("op", s("inBucket")),
                    ("bucketBy", s(&self.attribute)),
                    ("scheme", scheme.clone()),
                    ("buckets", n(self.scale())),
                    ("range", Json::Array(vec![n(lo), n(hi)])),
                ])
            })
            .collect())
    }
}

/// `hashVersion || default`, then the SDK's `version === 2` / `=== 1`.
pub fn version(v: Option<&Json<'_>>, default: u32) -> Option<u32> {
    match v {
        None | Some(Json::Null) | Some(Json::Bool(false)) => Some(default),
        Some(Json::Number(x)) if *x == 0.0 => Some(default),
        Some(Json::Number(x)) if *x == 1.0 => Some(1),
        Some(Json::Number(x)) if *x == 2.0 => Some(2),
        Some(Json::String(t)) if t.is_empty() => Some(default),
        Some(_) => None,
    }
}

/// The hash attribute `rule.hashAttribute || "id"` (or a filter's `attribute`).
pub fn attribute(rule: &Json<'_>, name: &str, path: &str) -> Result<String, ImportError> {
    let at = member(path, name);
    let name = text_or(rule, name, path)?.unwrap_or("id");
    path::hash_attribute(name, &at)
}

/// A `[start, end)` pair of numbers.
pub fn range(v: &Json<'_>, path: &str) -> Result<(f64, f64), ImportError> {
    match items(v, path)? {
        [a, b] => Ok((number(a, &index(path, 0))?, number(b, &index(path, 1))?)),
        _ => Err(ImportError::unsupported(path, "a range that is not a pair [start, end]")),
    }
}

/// `filters`: every filter must hold (its unit present and in one of its ranges; hash version
/// 2 by default). One clause per filter.
pub fn filters(v: &Json<'_>, path: &str) -> Result<Vec<Json<'static>>, ImportError> {
    let mut out = Vec::new();
    for (i, f) in items(v, path)?.iter().enumerate() {
        let at = index(path, i);
        let seed = match f.get("seed") {
            Some(Json::String(t)) => t.to_string(),
            _ => {
                return Err(ImportError::unsupported(member(&at, "seed"), "a filter's seed is joined as String(seed)"))
            }
        };
        let hashing =
            Hashing { attribute: attribute(f, "attribute", &at)?, seed, version: version(f.get("hashVersion"), 2) };
        let ranges_at = member(&at, "ranges");
        let mut ranges = Vec::new();
        for (k, r) in items(f.get("ranges").unwrap_or(&Json::Null), &ranges_at)?.iter().enumerate() {
            ranges.push(range(r, &index(&ranges_at, k))?);
        }
        let runs = runs(hashing.scale(), |n| ranges.iter().any(|&r| in_range(n, r)));
        out.push(hashing.clause(&runs));
    }
    Ok(out)
}

/// `namespace: [id, start, end]`: `hash("__" + id, unit, 1)` in `[start, end)`, on the
/// experiment's hash attribute.
pub fn namespace(v: &Json<'_>, attribute: &str, path: &str) -> Result<Json<'static>, ImportError> {
    let [id, start, end] = items(v, path)? else {
        return Err(ImportError::unsupported(path, "a namespace that is not [id, start, end]"));
    };
    let Json::String(id) = id else {
        return Err(ImportError::unsupported(index(path, 0), "a namespace id is joined as String(id)"));
    };
    let (start, end) = (number(start, &index(path, 1))?, number(end, &index(path, 2))?);
    let hashing = Hashing { attribute: attribute.into(), seed: format!("__{id}"), version: Some(1) };
    Ok(hashing.clause(&runs(1_000, |n| n >= start && n < end)))
}

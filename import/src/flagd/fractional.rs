//! `fractional` (flagd ≥ 0.15.0, "v2"): `(murmur3(string) × Σweights) >> 32` picks the first
//! entry whose running sum of weights exceeds it. Imported when the bucketing string is the
//! default one (flag key + `targetingKey`) or a literal; a computed one (`var`, `cat`) is
//! refused (docs/import-flagd.md says why).

use super::build::{composite, n, non_empty_string, obj, s, scheme};
use super::logic::{check_variant, Cond, Flag};
use crate::ImportError;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::bucketing::flagd::{fractional_v2, FlagdEncoding};
use edgeflag::Json;

/// What one entry serves: a variant name, or `None` for `null` (flagd's default variant).
#[derive(Clone)]
pub(super) struct Entry {
    pub name: Option<String>,
    /// Whether the entry's value is truthy where `fractional` is a condition.
    pub truthy: bool,
}

/// A split by flagd's default bucketing string, flag key + `targetingKey`.
pub(super) struct Fractional {
    prefix: String,
    slices: Vec<(Entry, u32)>,
    total: u32,
}

/// What a `fractional` answers.
pub(super) enum Picked {
    /// `null` for every context.
    Null,
    /// The same entry for every context (a literal bucketing string).
    Entry(Entry),
    /// A split of the targeting keys.
    Split(Fractional),
}

/// The context attribute of the default bucketing string.
const TARGETING_KEY: &str = "targetingKey";

/// Reads `fractional`'s arguments; `as_result`: its entries name variants (not only truthy).
pub(super) fn read(flag: &Flag<'_>, args: &Json<'static>, path: &str, as_result: bool) -> Result<Picked, ImportError> {
    let Json::Array(items) = args else {
        return Err(ImportError::unsupported(path, "without an array of arguments"));
    };
    let Some(first) = items.first() else { return Ok(Picked::Null) };
    let (fixed, entries) = match first {
        Json::Array(_) => (None, &items[..]),
        // A null first argument is dropped: the default bucketing string.
        Json::Null => (None, &items[1..]),
        Json::String(text) => (Some(text.to_string()), &items[1..]),
        // Neither a string nor null: flagd reads it as an entry, which is not an array: null.
        Json::Bool(_) | Json::Number(_) => return Ok(Picked::Null),
        // Computed: read below, once the entries are known not to make it null anyway.
        Json::Object(_) => (None, &items[1..]),
    };
    let mut slices = Vec::new();
    let mut total: u64 = 0;
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("{path}[{}]", i + items.len() - entries.len());
        let Json::Array(parts) = entry else { return Ok(Picked::Null) };
        let Some(value) = parts.first() else { return Ok(Picked::Null) };
        let weight = match parts.get(1) {
            None | Some(Json::Null) => 1,
            Some(Json::Number(w)) => {
                if (*w as i64) as f64 != *w {
                    return Ok(Picked::Null);
                }
                if *w > f64::from(i32::MAX) {
                    return Ok(Picked::Null);
                }
                // Negative weights count as 0.
                if *w < 0.0 {
                    0
                } else {
                    *w as u64
                }
            }
            Some(Json::Object(_)) => return Err(ImportError::unsupported(format!("{at}[1]"), "a computed weight")),
            Some(_) => return Ok(Picked::Null),
        };
        let entry = match value {
            Json::Null => Entry { name: None, truthy: false },
            Json::String(name) => Entry { name: Some(name.to_string()), truthy: !name.is_empty() },
            Json::Bool(b) => Entry { name: Some(if *b { "true" } else { "false" }.to_string()), truthy: *b },
            Json::Number(_) => return Err(ImportError::unsupported(format!("{at}[0]"), "a number as a variant name")),
            Json::Array(_) => return Ok(Picked::Null),
            Json::Object(_) => return Err(ImportError::unsupported(format!("{at}[0]"), "a computed variant name")),
        };
        if weight > 0 {
            if let Some(name) = entry.name.as_ref().filter(|_| as_result) {
                check_variant(flag, name, &format!("{at}[0]"))?;
            }
            slices.push((entry, weight as u32));
        }
        total += weight;
    }
    // No weight (or too much): null whatever the bucketing string.
    if total == 0 || total > i32::MAX as u64 {
        return Ok(Picked::Null);
    }
    if matches!(first, Json::Object(_)) {
        return Err(ImportError::unsupported(
            format!("{path}[0]"),
            "a computed bucketing string: flagd hashes whatever string it yields (the empty string too, which an array holding it cannot be told from), and Go's text of numbers or booleans through cat, trimmed; only the default (flag key + targetingKey) and literal strings are imported",
        ));
    }
    let total = total as u32;
    if let Some(text) = fixed {
        let bucket = fractional_v2(&[&text], total, FlagdEncoding::Utf8);
        let mut end = 0u32;
        for (entry, weight) in slices {
            end += weight;
            if bucket < end {
                return Ok(Picked::Entry(entry));
            }
        }
        return Ok(Picked::Null);
    }
    Ok(Picked::Split(Fractional { prefix: flag.key.to_string(), slices, total }))
}

impl Fractional {
    /// Whether some bucket serves a variant (not `null`).
    pub fn serves_something(&self) -> bool {
        self.slices.iter().any(|(e, _)| e.name.is_some())
    }

    /// flagd answers `null` unless `targetingKey` is a non-empty string.
    pub fn guard(&self) -> Json<'static> {
        non_empty_string(TARGETING_KEY)
    }

    /// The rollout: each entry a slice, `null` entries slices without a variation.
    pub fn rollout(&self) -> Json<'static> {
        let variations = self
            .slices
            .iter()
            .map(|(e, w)| match &e.name {
                Some(name) => obj(alloc::vec![("variation", s(name)), ("weight", n(u64::from(*w)))]),
                None => obj(alloc::vec![("weight", n(u64::from(*w)))]),
            })
            .collect();
        obj(alloc::vec![(
            "rollout",
            obj(alloc::vec![
                ("bucketBy", s(TARGETING_KEY)),
                ("scheme", scheme(&self.prefix)),
                ("variations", Json::Array(variations)),
            ]),
        )])
    }

    /// The same split with every variant replaced by `to` (`null` entries stay without one).
    pub fn rollout_as(&self, to: &str) -> Json<'static> {
        let slices = self
            .slices
            .iter()
            .map(|(e, w)| (Entry { name: e.name.as_ref().map(|_| to.to_string()), truthy: e.truthy }, *w))
            .collect();
        Fractional { prefix: self.prefix.clone(), slices, total: self.total }.rollout()
    }

    /// Where `fractional` is a condition: the buckets whose entry is truthy.
    pub fn truthy_clause(&self) -> Cond {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut start = 0u32;
        for (entry, weight) in &self.slices {
            let end = start + weight;
            if entry.truthy {
                match ranges.last_mut() {
                    Some(last) if last.1 == start => last.1 = end,
                    _ => ranges.push((start, end)),
                }
            }
            start = end;
        }
        if ranges.is_empty() {
            return Cond::Const(false);
        }
        let buckets = ranges
            .into_iter()
            .map(|(a, b)| {
                obj(alloc::vec![
                    ("op", s("inBucket")),
                    ("bucketBy", s(TARGETING_KEY)),
                    ("scheme", scheme(&self.prefix)),
                    ("buckets", n(u64::from(self.total))),
                    ("range", Json::Array(alloc::vec![n(u64::from(a)), n(u64::from(b))])),
                ])
            })
            .collect();
        Cond::Clause(composite("all", alloc::vec![self.guard(), composite("any", buckets, false)], false))
    }
}

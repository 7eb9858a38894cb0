//! `fractional` (flagd ≥ 0.15.0, "v2"): `(murmur3(string) × Σweights) >> 32` picks the first
//! entry whose running sum of weights exceeds it. Imported when the bucketing string is the
//! default one (flag key + `targetingKey`) or a literal; with flagd-core's semantics also a
//! context value (`var`) and a `cat` of constants around one context value; other computed ones
//! are refused (docs/import.md, flagd says why).

use super::build::{composite, leaf, n, non_empty_string, obj, on_string, s, scheme};
use super::logic::{check_variant, Cond, Flag, Outcome};
use super::var::{attribute, flag_key_var};
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
    /// Whether the entry's value is a string (not `true`, `false` or `null`).
    pub string: bool,
}

/// A split of the units of `by` (flagd's default bucketing string: `prefix` = the flag key and
/// `by` = `targetingKey`; a context value: no prefix; a `cat`: the constants before and after
/// the value, which is then written as flagd-core's `cat` writes it).
pub(super) struct Fractional {
    prefix: String,
    suffix: String,
    by: String,
    js: bool,
    /// The unit written as flagd-core's `cat` writes it: `Some(interpreted)`.
    cat: Option<bool>,
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
    /// A context value hashed (flagd-core): `empty` is what the empty string picks, `split`
    /// what a non-empty string does; any other value answers `null`.
    ByValue { attribute: String, empty: Entry, split: Fractional },
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
        // flagd-core reads a null first argument as an entry, which is not an array: null.
        Json::Null if flag.js => return Ok(Picked::Null),
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
        // flagd-core refuses an entry of more than two items, and a weight that is no integer.
        if flag.js && (parts.len() > 2 || matches!(parts.get(1), Some(Json::Null))) {
            return Ok(Picked::Null);
        }
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
            Json::Null => Entry { name: None, truthy: false, string: false },
            Json::String(name) => Entry { name: Some(name.to_string()), truthy: !name.is_empty(), string: true },
            Json::Bool(b) => {
                Entry { name: Some(if *b { "true" } else { "false" }.to_string()), truthy: *b, string: false }
            }
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
    let total = total as u32;
    if let Some(items) = first.get("cat").filter(|_| flag.js && matches!(first, Json::Object(m) if m.len() == 1)) {
        return cat(flag, items, &format!("{path}[0].cat"), slices, total);
    }
    if matches!(first, Json::Object(_)) {
        let is_var = matches!(first, Json::Object(m) if m.len() == 1 && m[0].0 == "var");
        let by = if flag.js && is_var { attribute(first, &format!("{path}[0]"))? } else { None };
        let Some(by) = by else {
            return Err(ImportError::unsupported(
                format!("{path}[0]"),
                "a computed bucketing string: flagd (Go) hashes Go's text of numbers or booleans through cat, trimmed, and falls back to flag key + targetingKey for a missing var; only the default (flag key + targetingKey) and literal strings are imported, and a context value (var) with flagd-core's semantics",
            ));
        };
        let empty = pick(&slices, fractional_v2(&[""], total, encoding(flag.js)));
        let empty = empty.unwrap_or(Entry { name: None, truthy: false, string: false });
        let split = Fractional { prefix: String::new(), suffix: String::new(), by, js: true, cat: None, slices, total };
        return Ok(Picked::ByValue { attribute: split.by.clone(), empty, split });
    }
    if let Some(text) = fixed {
        let bucket = fractional_v2(&[&text], total, encoding(flag.js));
        return Ok(pick(&slices, bucket).map_or(Picked::Null, Picked::Entry));
    }
    Ok(Picked::Split(Fractional {
        prefix: flag.key.to_string(),
        suffix: String::new(),
        by: TARGETING_KEY.to_string(),
        js: flag.js,
        cat: None,
        slices,
        total,
    }))
}

/// flagd-core's `cat` as the bucketing string: string literals and `$flagd.flagKey` around at
/// most one context value, which `cat` writes as JavaScript's `String()` does (a missing one
/// `null` where flagd-core compiles the expression, nothing where it interprets it). Without a
/// context value the string is constant and its entry is picked here.
fn cat(
    flag: &Flag<'_>,
    items: &Json<'static>,
    path: &str,
    slices: Vec<(Entry, u32)>,
    total: u32,
) -> Result<Picked, ImportError> {
    // One argument that is no array: flagd-core calls `toString` on its value, which fails for
    // a missing one.
    let Json::Array(items) = items else {
        return Err(ImportError::unsupported(path, "cat of one value that is not in an array"));
    };
    let (mut before, mut after, mut by) = (String::new(), String::new(), None);
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let text = match item {
            Json::String(text) => text.as_ref(),
            Json::Object(_) if flag_key_var(item) => flag.key,
            Json::Object(m) if m.len() == 1 && m[0].0 == "var" => {
                let Some(name) = attribute(item, &at)? else {
                    return Err(ImportError::unsupported(
                        at,
                        "a $flagd property other than flagKey in a bucketing string",
                    ));
                };
                if by.replace(name).is_some() {
                    return Err(ImportError::unsupported(
                        at,
                        "a second context value in a bucketing string (one rollout hashes one attribute)",
                    ));
                }
                continue;
            }
            _ => {
                return Err(ImportError::unsupported(
                    at,
                    "a bucketing string's part that is neither a string, $flagd.flagKey nor a context value",
                ))
            }
        };
        if by.is_some() { &mut after } else { &mut before }.push_str(text);
    }
    let Some(by) = by else {
        let bucket = fractional_v2(&[&before], total, encoding(true));
        return Ok(pick(&slices, bucket).map_or(Picked::Null, Picked::Entry));
    };
    let cat = Some(flag.interpreted);
    Ok(Picked::Split(Fractional { prefix: before, suffix: after, by, js: true, cat, slices, total }))
}

fn encoding(js: bool) -> FlagdEncoding {
    if js {
        FlagdEncoding::Utf16Imurmurhash
    } else {
        FlagdEncoding::Utf8
    }
}

/// The entry whose slice holds `bucket`.
fn pick(slices: &[(Entry, u32)], bucket: u32) -> Option<Entry> {
    let mut end = 0u32;
    for (entry, weight) in slices {
        end += weight;
        if bucket < end {
            return Some(entry.clone());
        }
    }
    None
}

/// A context value hashed: the empty string's entry, the split of non-empty strings, else null.
pub(super) fn by_value(attribute: &str, empty: Entry, split: Fractional, path: &str) -> Outcome {
    let empty_string = on_string(attribute, leaf(attribute, "in", alloc::vec![s("")]));
    let empty_outcome = match empty.name {
        Some(name) => Outcome::Variant { name, path: format!("{path}[0]") },
        None => Outcome::Null,
    };
    let split = if split.serves_something() { Outcome::Split { split, path: path.to_string() } } else { Outcome::Null };
    Outcome::If {
        branches: alloc::vec![(Cond::Clause(empty_string), empty_outcome), (Cond::Const(true), split)],
        otherwise: alloc::boxed::Box::new(Outcome::Null),
    }
}

/// Where a hashed context value is a condition: the empty string's entry, or a truthy slice.
pub(super) fn by_value_truthy(attribute: &str, empty: &Entry, split: &Fractional) -> Cond {
    by_value_where(attribute, empty, split, |e| e.truthy)
}

/// Where a hashed context value picks an entry that `holds`: the empty string's, or a slice's.
pub(super) fn by_value_where(
    attribute: &str,
    empty: &Entry,
    split: &Fractional,
    holds: impl Fn(&Entry) -> bool,
) -> Cond {
    let mut any = Vec::new();
    if holds(empty) {
        any.push(on_string(attribute, leaf(attribute, "in", alloc::vec![s("")])));
    }
    if let Cond::Clause(c) = split.clause_where(holds) {
        any.push(c);
    }
    match any.len() {
        0 => Cond::Const(false),
        1 => Cond::Clause(any.remove(0)),
        _ => Cond::Clause(composite("any", any, false)),
    }
}

impl Fractional {
    /// The entries that have a slice.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.slices.iter().map(|(e, _)| e)
    }

    /// Whether some bucket serves a variant (not `null`).
    pub fn serves_something(&self) -> bool {
        self.slices.iter().any(|(e, _)| e.name.is_some())
    }

    /// The split serves units that are non-empty strings: flagd answers `null` unless
    /// `targetingKey` is one (the empty string of a context value is decided apart). A `cat`
    /// writes every value: no guard.
    pub fn guard(&self) -> Option<Json<'static>> {
        self.cat.is_none().then(|| non_empty_string(&self.by))
    }

    /// The scheme of this split's rollout or buckets.
    fn scheme(&self) -> Json<'static> {
        scheme(&self.prefix, self.js, self.cat.map(|interpreted| (self.suffix.as_str(), interpreted)))
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
                ("bucketBy", s(&self.by)),
                ("scheme", self.scheme()),
                ("variations", Json::Array(variations)),
            ]),
        )])
    }

    /// The same split with every variant replaced by `to` (`null` entries stay without one).
    pub fn rollout_as(&self, to: &str) -> Json<'static> {
        let slices = self
            .slices
            .iter()
            .map(|(e, w)| (Entry { name: e.name.as_ref().map(|_| to.to_string()), ..e.clone() }, *w))
            .collect();
        Fractional {
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            by: self.by.clone(),
            js: self.js,
            cat: self.cat,
            slices,
            total: self.total,
        }
        .rollout()
    }

    /// Where `fractional` is a condition: the buckets whose entry is truthy.
    pub fn truthy_clause(&self) -> Cond {
        self.clause_where(|e| e.truthy)
    }

    /// The buckets whose entry `holds`.
    pub fn clause_where(&self, holds: impl Fn(&Entry) -> bool) -> Cond {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut start = 0u32;
        for (entry, weight) in &self.slices {
            let end = start + weight;
            if holds(entry) {
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
                    ("bucketBy", s(&self.by)),
                    ("scheme", self.scheme()),
                    ("buckets", n(u64::from(self.total))),
                    ("range", Json::Array(alloc::vec![n(u64::from(a)), n(u64::from(b))])),
                ])
            })
            .collect();
        let any = composite("any", buckets, false);
        Cond::Clause(match self.guard() {
            Some(guard) => composite("all", alloc::vec![guard, any], false),
            None => any,
        })
    }
}

//! Segments: included / excluded lists and rules.

use super::{attribute, clause, Names};
use crate::error::LoadErrorKind as K;
use crate::json::schema::{at_most, check, fail, first_repeat, opt, req, unit_text, Field, Obj, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_RULES;
use crate::model::segment::Segment;
use crate::sets::KeySet;
use alloc::string::String;
use alloc::vec::Vec;

// Listed values are checked as they are scanned, so that a repeat before a bad value is the
// error reported (the first in document order).
const SEGMENT: &[Field] = &[
    opt("attribute", Attribute),
    opt("included", List(&Any)),
    opt("excluded", List(&Any)),
    opt("includedHashes", List(&Str)),
    opt("excludedHashes", List(&Str)),
    opt("rules", List(&Object)),
];
const RULE: &[Field] = &[opt("id", Name), req("clauses", Items(&Object))];

pub(super) fn segment(names: &Names, key: &str, v: &Json<'_>) -> Result<Segment> {
    let o = Obj::read(v, SEGMENT)?;
    let attr = attribute::attribute(o.str("attribute"));
    // Every value listed so far, across both lists: a repeat is reported where a scan in
    // document order meets it, before any later error.
    let mut seen: Vec<(String, &Json<'_>)> = Vec::new();
    let included = list(o.items("included"), &mut seen);
    let excluded = match included {
        Ok(_) => list(o.items("excluded"), &mut seen),
        Err(_) => Ok(KeySet::default()),
    };
    let units: Vec<&str> = seen.iter().map(|(unit, _)| unit.as_str()).collect();
    if let Some(i) = first_repeat(&units) {
        return fail(K::Duplicate, seen[i].1, "\u{1} is listed twice in this segment", units[i], "");
    }
    let (included, excluded) = (included?, excluded?);
    // Hashes likewise: a hash both included and excluded is the same value on both lists.
    let mut hashes: Vec<(&str, &Json<'_>)> = Vec::new();
    for name in ["includedHashes", "excludedHashes"] {
        for v in o.items(name) {
            hashes.push((super::hash_of(names, v)?, v));
        }
    }
    let digests: Vec<&str> = hashes.iter().map(|(d, _)| *d).collect();
    if let Some(i) = first_repeat(&digests) {
        return fail(K::Duplicate, hashes[i].1, "hash \u{1} is listed twice in this segment", digests[i], "");
    }
    let included_count = o.items("includedHashes").len();
    let set = |range: &[&str]| KeySet::new(range.iter().map(|d| String::from(*d)).collect());
    let (included_hashed, excluded_hashed) = (set(&digests[..included_count]), set(&digests[included_count..]));
    let mut rules = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    at_most(o.value("rules"), o.items("rules").len(), MAX_RULES, "rules")?;
    for rule in o.items("rules") {
        let r = Obj::read(rule, RULE)?;
        if let Some(id) = r.str("id") {
            if ids.contains(&id) {
                return fail(K::Duplicate, r.value("id"), "rule id \u{1} is used twice", id, "");
            }
            ids.push(id);
        }
        rules.push(clause::clauses(names, r.value("clauses"), r.items("clauses"))?);
    }
    Ok(Segment { key: key.into(), attr, included, excluded, included_hashed, excluded_hashed, rules })
}

/// An included or excluded list; a value may appear once across both.
fn list<'j>(items: &'j [Json<'j>], seen: &mut Vec<(String, &'j Json<'j>)>) -> Result<KeySet> {
    let mut keys = Vec::new();
    for item in items {
        check(item, Unit)?;
        let unit = unit_text(item);
        seen.push((unit.clone(), item));
        keys.push(unit);
    }
    Ok(KeySet::new(keys))
}

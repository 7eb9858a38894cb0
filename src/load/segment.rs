//! Segments: included / excluded lists and rules.

use super::{attribute, clause, Names};
use crate::error::LoadErrorKind as K;
use crate::json::schema::{at_most, check, fail, first_repeat, members, unit_text, At, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_RULES;
use crate::message::message;
use crate::model::segment::Segment;
use crate::sets::KeySet;
use alloc::string::String;
use alloc::vec::Vec;

// Listed values are checked as they are scanned, so that a repeat before a bad value is the
// error reported (the first in document order).
members! {
    struct SegmentDoc<'j> {
        attribute: opt Attribute => &'j str,
        included: opt List(&Any) => &'j [Json<'j>],
        excluded: opt List(&Any) => &'j [Json<'j>],
        included_hashes "includedHashes": opt List(&Str) => &'j [Json<'j>],
        excluded_hashes "excludedHashes": opt List(&Str) => &'j [Json<'j>],
        rules: opt List(&Object) => At<'j, &'j [Json<'j>]>,
    }
}
members! {
    struct RuleDoc<'j> {
        id: opt Name => At<'j, &'j str>,
        clauses: req Items(&Object) => At<'j, &'j [Json<'j>]>,
    }
}

pub(super) fn segment(names: &Names, key: &str, v: &Json<'_>) -> Result<Segment> {
    let o = SegmentDoc::read(v)?;
    let attr = attribute::attribute(o.attribute);
    // Every value listed so far, across both lists: a repeat is reported where a scan in
    // document order meets it, before any later error.
    let mut seen: Vec<(String, &Json<'_>)> = Vec::new();
    let included = list(o.included.unwrap_or_default(), &mut seen);
    let excluded = match included {
        Ok(_) => list(o.excluded.unwrap_or_default(), &mut seen),
        Err(_) => Ok(KeySet::default()),
    };
    let units: Vec<&str> = seen.iter().map(|(unit, _)| unit.as_str()).collect();
    if let Some(i) = first_repeat(&units) {
        return fail(K::Duplicate, seen[i].1, message!(quoted(units[i]), " is listed twice in this segment"));
    }
    let (included, excluded) = (included?, excluded?);
    // Hashes likewise: a hash both included and excluded is the same value on both lists.
    let mut hashes: Vec<(&str, &Json<'_>)> = Vec::new();
    let (included_hashes, excluded_hashes) =
        (o.included_hashes.unwrap_or_default(), o.excluded_hashes.unwrap_or_default());
    for list in [included_hashes, excluded_hashes] {
        for v in list {
            hashes.push((super::hash_of(names, v)?, v));
        }
    }
    let digests: Vec<&str> = hashes.iter().map(|(d, _)| *d).collect();
    if let Some(i) = first_repeat(&digests) {
        return fail(
            K::Duplicate,
            hashes[i].1,
            message!("hash ", quoted(digests[i]), " is listed twice in this segment"),
        );
    }
    let included_count = included_hashes.len();
    let set = |range: &[&str]| KeySet::new(range.iter().map(|d| String::from(*d)).collect());
    let (included_hashed, excluded_hashed) = (set(&digests[..included_count]), set(&digests[included_count..]));
    let mut rules = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    let (items, at) = o.rules.unwrap_or((&[], o.at));
    at_most(at, items.len(), MAX_RULES, "rules")?;
    for rule in items {
        let r = RuleDoc::read(rule)?;
        if let Some((id, at)) = r.id {
            if ids.contains(&id) {
                return fail(K::Duplicate, at, message!("rule id ", quoted(id), " is used twice"));
            }
            ids.push(id);
        }
        let (clauses, at) = r.clauses;
        rules.push(clause::clauses(names, at, clauses)?);
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

//! Segments: included / excluded lists and rules.

use super::reader::{check, fail, first_repeat, opt, req, unit_text, Field, Obj, Result, Ty::*};
use super::{clause, Names};
use crate::error::LoadErrorKind as K;
use crate::json::Json;
use crate::message::Part::*;
use crate::path::Path;
use crate::segment::Segment;
use crate::sets::KeySet;
use alloc::string::String;
use alloc::vec::Vec;

// Listed values are checked as they are scanned, so that a repeat before a bad value is the
// error reported (the first in document order).
const SEGMENT: &[Field] = &[
    opt("attribute", Attribute),
    opt("included", List(&Any)),
    opt("excluded", List(&Any)),
    opt("rules", List(&Object)),
];
const RULE: &[Field] = &[opt("id", Name), req("clauses", Items(&Object))];

pub(super) fn segment(names: &Names, key: &str, v: &Json<'_>, path: &Path) -> Result<Segment> {
    let o = Obj::read(v, path, SEGMENT)?;
    let attr = clause::attribute(o.str("attribute"));
    // Every value listed so far, across both lists: a repeat is reported where a scan in
    // document order meets it, before any later error.
    let mut seen: Vec<String> = Vec::new();
    let included = list(o.items("included"), &path.key("included"), &mut seen);
    let n_included = seen.len();
    let excluded = match included {
        Ok(_) => list(o.items("excluded"), &path.key("excluded"), &mut seen),
        Err(_) => Ok(KeySet::default()),
    };
    if let Some(i) = first_repeat(&seen) {
        let (p, at) = match i < n_included {
            true => (path.key("included"), i),
            false => (path.key("excluded"), i - n_included),
        };
        return fail(K::Duplicate, &p.index(at), &[Quoted(&seen[i]), Text(" is listed twice in this segment")]);
    }
    let (included, excluded) = (included?, excluded?);
    let mut rules = Vec::new();
    let rp = path.key("rules");
    let mut ids: Vec<&str> = Vec::new();
    for (i, rule) in o.items("rules").iter().enumerate() {
        let p = rp.index(i);
        let ro = Obj::read(rule, &p, RULE)?;
        if let Some(id) = ro.str("id") {
            if ids.contains(&id) {
                return fail(K::Duplicate, &p.key("id"), &[Text("rule id "), Quoted(id), Text(" is used twice")]);
            }
            ids.push(id);
        }
        rules.push(clause::clauses(names, ro.items("clauses"), &p.key("clauses"))?);
    }
    Ok(Segment { key: key.into(), attr, included, excluded, rules })
}

/// An included or excluded list; a value may appear once across both.
fn list(items: &[Json<'_>], path: &Path, seen: &mut Vec<String>) -> Result<KeySet> {
    let mut keys = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        check(item, Unit, &path.index(i))?;
        let unit = unit_text(item);
        seen.push(unit.clone());
        keys.push(unit);
    }
    Ok(KeySet::new(keys))
}

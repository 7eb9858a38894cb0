//! Segments: included / excluded lists and rules.

use super::reader::{array, fail, first_repeat, nonempty, unit_value, Obj, Result};
use super::{clause, Names};
use crate::attribute::AttrRef;
use crate::error::LoadErrorKind as K;
use crate::json::Json;
use crate::json::Quoted;
use crate::path::Path;
use crate::segment::Segment;
use crate::sets::KeySet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub(super) fn segment(names: &Names, key: &str, v: &Json<'_>, path: &Path) -> Result<Segment> {
    let o = Obj::new(v, path, &["attribute", "included", "excluded", "rules"])?;
    let attr = match o.get("attribute") {
        Some(a) => clause::attribute(a, &path.key("attribute"))?,
        None => AttrRef::key(),
    };
    // Every value listed so far, across both lists: a repeat is reported where a scan in
    // document order meets it, before any later error.
    let mut seen: Vec<String> = Vec::new();
    let included = list(o.get("included"), &path.key("included"), &mut seen);
    let n_included = seen.len();
    let excluded = match included {
        Ok(_) => list(o.get("excluded"), &path.key("excluded"), &mut seen),
        Err(_) => Ok(KeySet::default()),
    };
    if let Some(i) = first_repeat(&seen) {
        let p = match i < n_included {
            true => path.key("included"),
            false => path.key("excluded"),
        };
        let at = if i < n_included { i } else { i - n_included };
        return fail(K::Duplicate, &p.index(at), format!("{} is listed twice in this segment", Quoted(&seen[i])));
    }
    let (included, excluded) = (included?, excluded?);
    let mut rules = Vec::new();
    if let Some(r) = o.get("rules") {
        let rp = path.key("rules");
        let mut ids: Vec<&str> = Vec::new();
        for (i, rule) in array(r, &rp)?.iter().enumerate() {
            let p = rp.index(i);
            let ro = Obj::new(rule, &p, &["id", "clauses"])?;
            if let Some(id) = ro.get("id") {
                let idp = p.key("id");
                let id = nonempty(id, &idp)?;
                if ids.contains(&id) {
                    return fail(K::Duplicate, &idp, format!("rule id {} is used twice", Quoted(id)));
                }
                ids.push(id);
            }
            rules.push(clause::clauses(names, ro.req("clauses", &p)?, &p.key("clauses"))?);
        }
    }
    Ok(Segment { key: key.into(), attr, included, excluded, rules })
}

/// An included or excluded list; a value may appear once across both.
fn list(v: Option<&Json<'_>>, path: &Path, seen: &mut Vec<String>) -> Result<KeySet> {
    let Some(v) = v else {
        return Ok(KeySet::default());
    };
    let items = array(v, path)?;
    let mut keys = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let unit = unit_value(item, &p)?;
        seen.push(unit.clone());
        keys.push(unit);
    }
    Ok(KeySet::new(keys))
}

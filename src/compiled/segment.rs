//! Segments: key, the attribute their lists hold, the four lists (included, excluded, then the
//! hashed ones) in key order, and their rules (lists of clauses).

use super::bytes::{Reader, Result, Writer};
use super::clause::{self, attribute};
use super::Bounds;
use crate::limits::{MAX_LIST_ITEMS, MAX_RULES};
use crate::model::segment::Segment;
use crate::sets::KeySet;

pub(super) fn write(w: &mut Writer, s: &Segment) {
    w.str(&s.key);
    w.str(&s.attr.text);
    for set in [&s.included, &s.excluded, &s.included_hashed, &s.excluded_hashed] {
        w.list(set.items(), |w, k| w.str(k));
    }
    w.list(&s.rules, |w, clauses| clause::write_all(w, clauses));
}

pub(super) fn read(r: &mut Reader<'_>, b: &Bounds) -> Result<Segment> {
    let key = r.string()?;
    let attr = attribute(r)?;
    let mut set = || match KeySet::sorted(r.list(MAX_LIST_ITEMS, Reader::string)?) {
        Some(s) => Ok(s),
        None => r.fail("a list out of order"),
    };
    let (included, excluded, included_hashed, excluded_hashed) = (set()?, set()?, set()?, set()?);
    let rules = r.list(MAX_RULES, |r| clause::read_all(r, b))?;
    Ok(Segment { key, attr, included, excluded, included_hashed, excluded_hashed, rules })
}

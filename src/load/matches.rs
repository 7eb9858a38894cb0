//! `matches` (LaunchDarkly's, as its JavaScript SDKs read it): some string item of the value
//! matches one of the patterns, each JavaScript's `new RegExp(pattern).test(item)` on the subset
//! every runtime's engine matches alike (docs/snapshot.md, "Regular expressions").

use crate::json::schema::{empty, members, need, At, Result, Ty::*};
use crate::json::Json;
use crate::model::clause::{Clause, Test};
use alloc::vec::Vec;

members! {
    struct MatchesDoc<'j> {
        _op "op": req Str,
        attribute: req Attribute => &'j str,
        values: opt List(&Any) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
        context_kind "contextKind": opt Any,
    }
}

/// The clause `v`: its patterns compiled.
pub(super) fn clause(v: &Json<'_>, op: &'static str) -> Result<Clause> {
    let o = MatchesDoc::read(v)?;
    let values = o.values.map_or(&[][..], |(items, _)| items);
    if values.is_empty() {
        return empty(need(o.values, v, "values")?.1);
    }
    let patterns = values.iter().map(|item| super::js::pattern(item, false)).collect::<Result<Vec<_>>>()?;
    let test = Test::Matches(patterns);
    let work = test.work().min(u32::MAX as u64) as u32;
    let mut attr = super::attribute::attribute(Some(o.attribute));
    if let Some(kind) = o.context_kind {
        attr = super::scheme::kinded(&attr, kind)?;
    }
    Ok(Clause { op, attr: Some(attr), test, negate: o.negate == Some(true), work })
}

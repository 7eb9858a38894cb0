//! LaunchDarkly's `before` / `after` (`ldBefore`, `ldAfter`, `eval::ld_time`): its values as
//! its SDKs read them; a value that is no time is kept out, as it matches nothing there.

use crate::json::schema::{empty, members, need, At, Result, Ty::*};
use crate::json::Json;
use crate::model::clause::{Clause, Test};

members! {
    struct LdTimeDoc<'j> {
        _op "op": req Str,
        attribute: req Attribute => &'j str,
        values: opt List(&Any) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
        context_kind "contextKind": opt Any,
    }
}

/// The clause `v`, `ldBefore` or (`after`) `ldAfter`, or (`node`) their JavaScript readings.
pub(super) fn clause(v: &Json<'_>, op: &'static str, after: bool, node: bool) -> Result<Clause> {
    let o = LdTimeDoc::read(v)?;
    let values = o.values.map_or(&[][..], |(items, _)| items);
    if values.is_empty() {
        return empty(need(o.values, v, "values")?.1);
    }
    let test = match node {
        false => Test::LdTime(after, values.iter().filter_map(crate::eval::ld_time::time).collect()),
        true => Test::LdTimeNode(after, values.iter().filter_map(crate::eval::ld_time::time_node).collect()),
    };
    let work = test.work().min(u32::MAX as u64) as u32;
    let mut attr = super::attribute::attribute(Some(o.attribute));
    if let Some(kind) = o.context_kind {
        attr = super::scheme::kinded(&attr, kind)?;
    }
    Ok(Clause { op, attr: Some(attr), test, negate: o.negate == Some(true), work })
}

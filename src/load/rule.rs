//! Rules: ids unique within their flag, clauses, what they serve.

use super::serve::serve;
use super::{clause, Names};
use crate::error::LoadErrorKind as K;
use crate::json::schema::{at_most, fail, opt, req, Field, Obj, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_RULES;
use crate::model::rule::Rule;
use crate::model::variation::Variation;
use alloc::vec::Vec;

const RULE: &[Field] =
    &[req("id", Name), opt("description", Str), req("clauses", Items(&Object)), req("serve", Object)];
/// A flag's `rules` (the array `at`, of `items`); `salt` is the flag's.
pub(super) fn rules(
    names: &Names,
    salt: &str,
    at: &Json<'_>,
    items: &[Json<'_>],
    variations: &[Variation],
) -> Result<Vec<Rule>> {
    let mut rules: Vec<Rule> = Vec::new();
    at_most(at, items.len(), MAX_RULES, "rules")?;
    for item in items {
        let r = Obj::read(item, RULE)?;
        let id = r.str("id").unwrap_or_default();
        if rules.iter().any(|rule| rule.id == id) {
            return fail(K::Duplicate, r.value("id"), "rule id \u{1} is used twice", id, "");
        }
        let clauses = clause::clauses(names, r.value("clauses"), r.items("clauses"))?;
        let serve = serve(names, salt, r.value("serve"), variations)?;
        rules.push(Rule { id: id.into(), clauses, serve });
    }
    Ok(rules)
}

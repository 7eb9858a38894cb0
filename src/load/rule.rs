//! Rules: ids unique within their flag, clauses, what they serve.

use super::serve::serve;
use super::{clause, Names};
use crate::error::LoadErrorKind as K;
use crate::json::schema::{at_most, fail, members, At, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_RULES;
use crate::message::message;
use crate::model::rule::Rule;
use crate::model::variation::Variation;
use alloc::vec::Vec;

members! {
    struct RuleDoc<'j> {
        id: req Name => At<'j, &'j str>,
        _description "description": opt Str,
        clauses: req Items(&Object) => At<'j, &'j [Json<'j>]>,
        serve: req Object,
        // Read by `flag::rule_prerequisites`, once every flag is compiled.
        _prerequisites "prerequisites": opt List(&Object),
    }
}

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
        let r = RuleDoc::read(item)?;
        let (id, at) = r.id;
        if rules.iter().any(|rule| rule.id == id) {
            return fail(K::Duplicate, at, message!("rule id ", quoted(id), " is used twice"));
        }
        let (items, at) = r.clauses;
        let clauses = clause::clauses(names, at, items)?;
        let serve = serve(names, salt, r.serve, variations, true)?;
        rules.push(Rule {
            id: id.into(),
            clauses,
            serve,
            #[cfg(feature = "peers")]
            prerequisites: Vec::new(),
        });
    }
    Ok(rules)
}

//! An `Outcome` tree as ordered rules. Each result becomes one rule whose clauses are the whole
//! path to it (every earlier condition false, its own true), so the rules exclude each other
//! and a rule that does not serve (a `null` slice of a split) falls through to the default
//! variant, as flagd's `null` does. An earlier condition whose branch always serves is not
//! tested again: rules match first to last, so a later rule is reached only where it is false.

use super::build::{always, not, obj, s};
use super::logic::{Cond, Outcome};
use alloc::string::String;
use alloc::vec::Vec;
use edgeflag::Json;

/// One rule: its id (the result's path in the flag), its clauses and what it serves.
pub(super) struct Rule {
    pub id: String,
    pub clauses: Vec<Json<'static>>,
    pub serve: Serve,
}

/// What a rule serves.
pub(super) enum Serve {
    Variant(String),
    Split(super::fractional::Fractional),
}

/// The rules for `outcome`, in flagd's order.
pub(super) fn rules(outcome: Outcome) -> Vec<Rule> {
    let mut out = Vec::new();
    walk(outcome, &mut Vec::new(), &mut out);
    out
}

fn walk(outcome: Outcome, path: &mut Vec<Json<'static>>, out: &mut Vec<Rule>) {
    match outcome {
        Outcome::Null => {}
        Outcome::Variant { name, path: id } => {
            out.push(Rule { id, clauses: clauses(path, None), serve: Serve::Variant(name) })
        }
        Outcome::Split { split, path: id } => {
            let guard = split.guard();
            out.push(Rule { id, clauses: clauses(path, guard), serve: Serve::Split(split) });
        }
        Outcome::If { branches, otherwise } => {
            let depth = path.len();
            for (cond, then) in branches {
                match cond {
                    Cond::Const(false) => continue,
                    Cond::Const(true) => {
                        walk(then, path, out);
                        path.truncate(depth);
                        return;
                    }
                    Cond::Clause(c) => {
                        // Where the branch serves whenever its condition holds, a context that
                        // reaches a later rule does not hold it: that rule need not test it again.
                        let covers = serves_always(&then);
                        path.push(c.clone());
                        walk(then, path, out);
                        path.pop();
                        if !covers {
                            path.push(not(c));
                        }
                    }
                }
            }
            walk(*otherwise, path, out);
            path.truncate(depth);
        }
    }
}

/// Whether `outcome` gives a rule that serves whenever the path to it holds: a variant, or a
/// split with no guard and no slice without a variation.
fn serves_always(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Variant { .. } => true,
        Outcome::Split { split, .. } => split.guard().is_none() && split.entries().all(|e| e.name.is_some()),
        Outcome::Null | Outcome::If { .. } => false,
    }
}

fn clauses(path: &[Json<'static>], extra: Option<Json<'static>>) -> Vec<Json<'static>> {
    let mut list: Vec<Json<'static>> = path.to_vec();
    list.extend(extra);
    if list.is_empty() {
        list.push(always());
    }
    list
}

impl Rule {
    /// The snapshot's rule; `as_matched` serves that variation instead of the variants (the
    /// helper flag of a flag without a default variant).
    pub fn to_json(&self, as_matched: Option<&str>) -> Json<'static> {
        let serve = match (&self.serve, as_matched) {
            (Serve::Variant(_), Some(m)) => obj(alloc::vec![("variation", s(m))]),
            (Serve::Variant(v), None) => obj(alloc::vec![("variation", s(v))]),
            (Serve::Split(f), Some(m)) => f.rollout_as(m),
            (Serve::Split(f), None) => f.rollout(),
        };
        obj(alloc::vec![("id", s(&self.id)), ("clauses", Json::Array(self.clauses.clone())), ("serve", serve)])
    }
}

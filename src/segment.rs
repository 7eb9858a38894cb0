//! Segments: reusable audiences ("internal users", "beta customers").

use crate::attribute::{AttrRef, Unit};
use crate::eval::Env;
use crate::operators::{Clause, Outcome};
use crate::sets::KeySet;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug)]
pub(crate) struct Segment {
    pub key: String,
    pub attr: AttrRef,
    pub included: KeySet,
    pub excluded: KeySet,
    pub rules: Vec<Vec<Clause>>,
}

impl Segment {
    /// Included → in; excluded → out; otherwise in when some rule's clauses all match.
    pub fn contains(&self, env: &Env) -> bool {
        if !(self.included.is_empty() && self.excluded.is_empty()) {
            if let Ok(unit) = Unit::of(env.ctx.lookup(&self.attr)) {
                let mut buf = itoa::Buffer::new();
                let unit = unit.as_str(&mut buf);
                if self.included.contains(unit) {
                    return true;
                }
                if self.excluded.contains(unit) {
                    return false;
                }
            }
        }
        self.rules.iter().any(|clauses| clauses.iter().all(|c| c.outcome(env) == Outcome::Match))
    }
}

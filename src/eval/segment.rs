//! Segment membership: the lists first, then the rules.

use super::env::Env;
use super::operators::Outcome;
use crate::model::attribute::Unit;
use crate::model::segment::Segment;

impl Segment {
    /// Included → in; excluded → out; otherwise in when some rule's clauses all match.
    pub fn contains(&self, env: &Env) -> bool {
        let hashed = !(self.included_hashed.is_empty() && self.excluded_hashed.is_empty());
        if hashed || !(self.included.is_empty() && self.excluded.is_empty()) {
            if let Ok(unit) = Unit::of(env.ctx.lookup(&self.attr)) {
                let mut buf = itoa::Buffer::new();
                let unit = unit.as_str(&mut buf);
                let digest = env.snapshot.salt.filter(|_| hashed).map(|s| s.hash(unit));
                let digest = digest.as_ref().map(|d| &d[..]);
                if self.included.contains(unit) || digest.is_some_and(|d| self.included_hashed.contains_bytes(d)) {
                    return true;
                }
                if self.excluded.contains(unit) || digest.is_some_and(|d| self.excluded_hashed.contains_bytes(d)) {
                    return false;
                }
            }
        }
        self.rules.iter().any(|clauses| clauses.iter().all(|c| c.outcome(env) == Outcome::Match))
    }
}

impl Env<'_, '_> {
    pub fn in_segment(&self, segment: u32) -> bool {
        self.charge(1) && self.snapshot.segments[segment as usize].contains(self)
    }
}

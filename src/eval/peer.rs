//! Evaluating what imported snapshots add (docs/import.md): rollouts by a peer's scheme, whose
//! units may skip the rule, `inBucket`, and the units they read.

use super::env::Env;
use super::flag::{bucket_step, served, unit_error, Trace};
use crate::eval::bucketing::{PeerKey, Purpose};
use crate::eval::result::{Evaluation, Reason};
use crate::model::attribute::NotUnit;
use crate::model::clause::InBucket;
use crate::model::flag::Flag;
use crate::model::serve::{BucketBy, MissingUnit, PeerRollout, SKIP};
use alloc::string::String;

impl<'s> Env<'s, '_> {
    /// The unit of the first attribute of `by` that holds one, as `key` reads units, written to
    /// `out`, with that attribute's position; else why the first attribute holds none.
    fn peer_unit(&self, by: &BucketBy, key: &PeerKey, out: &mut String) -> Result<usize, NotUnit> {
        let mut first = None;
        for (i, attr) in by.0.iter().enumerate() {
            out.clear();
            match key.unit(self.ctx.lookup(attr), out) {
                Ok(()) => {
                    // A long unit (GrowthBook joins arrays) costs as a long item does.
                    self.charge(1 + out.len() as u64 / 64);
                    return Ok(i);
                }
                Err(why) => first = first.or(Some(why)),
            }
        }
        Err(first.unwrap_or(NotUnit::Missing))
    }

    /// A peer's rollout: `None` when the unit's slice has no variation, or it has no unit and
    /// the rollout skips then (the rule does not match). `fixed` is the reason for a variation
    /// served to units that have none.
    pub(super) fn peer_rollout<T: Trace<'s>>(
        &self,
        flag: &'s Flag,
        r: &'s PeerRollout,
        fixed: Reason,
        trace: &mut T,
    ) -> Option<Evaluation<'s>> {
        let mut unit = String::new();
        let at = match self.peer_unit(&r.bucket_by, &r.key, &mut unit) {
            Ok(at) => at,
            Err(why) => {
                if let Some(b) = r.key.no_unit_bucket() {
                    return self.peer_served(flag, r, b);
                }
                return match r.missing {
                    MissingUnit::Error => Some(unit_error(&r.bucket_by.0[0], why)),
                    MissingUnit::Skip => None,
                    MissingUnit::Variation(v) => Some(served(flag, v, fixed)),
                };
            }
        };
        let b = r.key.bucket(&unit, r.slices.total());
        if T::ON {
            trace.step(bucket_step(flag, Purpose::Rollout, &r.bucket_by.0[at], &unit, b, &r.slices));
        }
        self.peer_served(flag, r, b)
    }

    /// What bucket `b` of a peer's rollout serves (`None`: a slice with no variation).
    fn peer_served(&self, flag: &'s Flag, r: &'s PeerRollout, b: u32) -> Option<Evaluation<'s>> {
        let variation = r.slices.pick(b);
        if variation == SKIP {
            return None;
        }
        let mut e = served(flag, variation, Reason::Split);
        e.bucket = Some(b);
        Some(e)
    }

    /// `inBucket`: whether the unit's bucket is in the range; `None` when there is no unit.
    pub(crate) fn in_bucket(&self, b: &InBucket) -> Option<bool> {
        let mut unit = String::new();
        let bucket = match self.peer_unit(&b.by, &b.key, &mut unit) {
            // One bucket: every unit is in it, and hashing would say nothing more.
            Ok(_) if b.buckets == 1 => 0,
            Ok(_) => b.key.bucket(&unit, b.buckets),
            Err(_) => b.key.no_unit_bucket()?,
        };
        Some(b.from <= bucket && bucket < b.to)
    }
}

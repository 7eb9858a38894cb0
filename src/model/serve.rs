//! What a rule or the fallthrough serves: a fixed variation, a weighted rollout or an experiment.

use super::attribute::AttrRef;
use crate::eval::bucketing::BucketKey;
use alloc::vec::Vec;

#[derive(Clone, Debug)]
pub(crate) enum Serve {
    Variation(u32),
    Rollout(Rollout),
    Experiment(Experiment),
    /// A rollout bucketed by a peer's scheme.
    #[cfg(feature = "peers")]
    Peer(PeerRollout),
}

/// Variations and the exclusive upper ends of their bucket ranges, in listed order.
#[derive(Clone, Debug)]
pub(crate) struct Slices(pub Vec<Slice>);

#[derive(Clone, Copy, Debug)]
pub(crate) struct Slice {
    pub variation: u32,
    pub end: u32,
}

impl Slices {
    /// How many buckets the slices cover: the last one's end.
    pub fn total(&self) -> u32 {
        self.0.last().map_or(0, |s| s.end)
    }

    /// The variation owning `bucket`: the first whose running total exceeds it.
    pub fn pick(&self, bucket: u32) -> u32 {
        let mut last = 0;
        for s in &self.0 {
            if bucket < s.end {
                return s.variation;
            }
            last = s.variation;
        }
        // Unreachable: buckets are below the last end.
        last
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    pub bucket_by: AttrRef,
    pub key: BucketKey,
    pub slices: Slices,
}

#[derive(Clone, Debug)]
pub(crate) struct Experiment {
    pub bucket_by: AttrRef,
    pub traffic: u32,
    pub fallback: u32,
    /// Purpose `rollout`: enrolment.
    pub enrol: BucketKey,
    /// Purpose `variant`: the enrolled unit's variation.
    pub variant: BucketKey,
    pub slices: Slices,
}

/// A rollout whose buckets a peer's scheme computes (`docs/bucketing.md` §8). Its slices may
/// hold no variation (`SKIP`): a rule whose unit falls there does not match.
#[cfg(feature = "peers")]
#[derive(Clone, Debug)]
pub(crate) struct PeerRollout {
    pub bucket_by: BucketBy,
    pub key: crate::eval::bucketing::PeerKey,
    pub slices: Slices,
    pub missing: MissingUnit,
}

/// A slice's variation when it has none.
#[cfg(feature = "peers")]
pub(crate) const SKIP: u32 = u32::MAX;

/// Where a peer's scheme finds its unit: the first of these attributes that holds one
/// (Unleash's default stickiness is `userId`, then `sessionId`). Never empty.
#[cfg(feature = "peers")]
#[derive(Clone, Debug)]
pub(crate) struct BucketBy(pub Vec<AttrRef>);

/// What a peer's rollout does when no attribute of its `bucketBy` holds a unit.
#[cfg(feature = "peers")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MissingUnit {
    /// An error result, as edgeflag's own rollouts.
    Error,
    /// The rule does not match (only in rules).
    Skip,
    /// Serves this variation.
    Variation(u32),
}

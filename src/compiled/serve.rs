//! What rules and fallthroughs serve: a tag (0 a variation, 1 a rollout, 2 an experiment), then
//! its parts. Bucket keys are stored as the bytes loading built (`docs/bucketing.md`), so a
//! decoder hashes exactly what the loader would have.

use super::bytes::{Reader, Result, Writer};
use super::clause::attribute;
use super::Bounds;
use crate::eval::bucketing::BucketKey;
use crate::limits::MAX_LIST_ITEMS;
use crate::model::serve::{Experiment, Rollout, Serve, Slice, Slices};

/// Buckets run 0..BUCKETS, and the last slice ends there.
const BUCKETS: u32 = 100_000;

pub(super) fn write(w: &mut Writer, s: &Serve) {
    match s {
        Serve::Variation(v) => {
            w.u8(0);
            w.uint(*v as u64);
        }
        Serve::Rollout(r) => {
            w.u8(1);
            w.str(&r.bucket_by.text);
            w.bytes(r.key.prefix());
            slices(w, &r.slices);
        }
        Serve::Experiment(e) => {
            w.u8(2);
            w.str(&e.bucket_by.text);
            w.uint(e.traffic as u64);
            w.uint(e.fallback as u64);
            w.bytes(e.enrol.prefix());
            w.bytes(e.variant.prefix());
            slices(w, &e.slices);
        }
        #[cfg(feature = "peers")]
        Serve::Peer(p) => {
            w.u8(3);
            w.str(&p.bucket_by.text);
            peer::write(w, &p.key);
            slices(w, &p.slices);
        }
    }
}

fn slices(w: &mut Writer, s: &Slices) {
    w.list(&s.0, |w, s| {
        w.uint(s.variation as u64);
        w.uint(s.end as u64);
    });
}

/// A serve choosing among `variations` variations.
pub(super) fn read(r: &mut Reader<'_>, b: &Bounds, variations: usize) -> Result<Serve> {
    let key = |r: &mut Reader<'_>| Ok(BucketKey::from_prefix(b.scheme, r.bytes()?));
    Ok(match r.u8()? {
        0 => Serve::Variation(r.below(variations)?),
        1 => {
            Serve::Rollout(Rollout { bucket_by: attribute(r)?, key: key(r)?, slices: edgeflag_slices(r, variations)? })
        }
        2 => Serve::Experiment(Experiment {
            bucket_by: attribute(r)?,
            traffic: r.below(BUCKETS as usize + 1)?,
            fallback: r.below(variations)?,
            enrol: key(r)?,
            variant: key(r)?,
            slices: edgeflag_slices(r, variations)?,
        }),
        #[cfg(feature = "peers")]
        3 if b.peers => {
            let bucket_by = attribute(r)?;
            let key = peer::read(r)?;
            let slices = read_slices(r, variations, i32::MAX as u32, &|total| key.accepts_total(total))?;
            Serve::Peer(crate::model::serve::PeerRollout { bucket_by, key, slices })
        }
        _ => return r.fail("unknown serve tag"),
    })
}

/// Slices of edgeflag's scheme (one call for rollouts and experiments: one copy in the module).
fn edgeflag_slices(r: &mut Reader<'_>, variations: usize) -> Result<Slices> {
    read_slices(r, variations, BUCKETS, &|total| total == BUCKETS)
}

/// Slices in order of their ends, each at most `limit`, the last at a total the scheme
/// `accepts`: every bucket falls in one.
fn read_slices(r: &mut Reader<'_>, variations: usize, limit: u32, accepts: &dyn Fn(u32) -> bool) -> Result<Slices> {
    let slices =
        r.list(MAX_LIST_ITEMS, |r| Ok(Slice { variation: r.below(variations)?, end: r.below(limit as usize + 1)? }))?;
    let ordered = slices.windows(2).all(|w| w[0].end <= w[1].end);
    match slices.last() {
        Some(last) if ordered && accepts(last.end) => Ok(Slices(slices)),
        _ => r.fail("slices that do not cover every bucket in order"),
    }
}

/// A peer's scheme: its position (flagd-v2, unleash, growthbook-v1, growthbook-v2), its text
/// parameter (prefix, groupId, seed), Unleash's purpose (0 rollout, 1 variant), and the
/// encoding's position among the scheme's names.
#[cfg(feature = "peers")]
mod peer {
    use super::{Reader, Result, Writer};
    use crate::eval::bucketing::flagd::FlagdEncoding;
    use crate::eval::bucketing::growthbook::{GrowthBookEncoding, HashVersion};
    use crate::eval::bucketing::unleash::UnleashEncoding;
    use crate::eval::bucketing::{PeerKey, Purpose};

    fn position<T: PartialEq>(names: &[(&str, T)], e: &T) -> u8 {
        names.iter().position(|(_, n)| n == e).unwrap_or(0) as u8
    }

    pub(super) fn write(w: &mut Writer, key: &PeerKey) {
        match key {
            PeerKey::FlagdV2 { prefix, encoding } => {
                w.u8(0);
                w.str(prefix);
                w.u8(position(&FlagdEncoding::NAMES, encoding));
            }
            PeerKey::Unleash { group_id, purpose, encoding } => {
                w.u8(1);
                w.str(group_id);
                w.u8((*purpose == Purpose::Variant) as u8);
                w.u8(position(&UnleashEncoding::NAMES, encoding));
            }
            PeerKey::GrowthBook { seed, version, encoding } => {
                w.u8(2 + (*version == HashVersion::V2) as u8);
                w.str(seed);
                w.u8(position(&GrowthBookEncoding::NAMES, encoding));
            }
        }
    }

    // The encodings by position, as values only: a reader needs no names.
    const FLAGD: [FlagdEncoding; 2] = [FlagdEncoding::NAMES[0].1, FlagdEncoding::NAMES[1].1];
    const UNLEASH: [UnleashEncoding; 2] = [UnleashEncoding::NAMES[0].1, UnleashEncoding::NAMES[1].1];
    const GROWTHBOOK: [GrowthBookEncoding; 2] = [GrowthBookEncoding::NAMES[0].1, GrowthBookEncoding::NAMES[1].1];

    fn named<T: Copy>(r: &mut Reader<'_>, values: &[T]) -> Result<T> {
        let i = r.below(values.len())?;
        Ok(values[i as usize])
    }

    pub(super) fn read(r: &mut Reader<'_>) -> Result<PeerKey> {
        Ok(match r.u8()? {
            0 => PeerKey::FlagdV2 { prefix: r.str()?.into(), encoding: named(r, &FLAGD)? },
            1 => {
                let group_id = r.str()?.into();
                let purpose = if r.bool()? { Purpose::Variant } else { Purpose::Rollout };
                PeerKey::Unleash { group_id, purpose, encoding: named(r, &UNLEASH)? }
            }
            tag @ (2 | 3) => {
                let version = if tag == 2 { HashVersion::V1 } else { HashVersion::V2 };
                PeerKey::GrowthBook { seed: r.str()?.into(), version, encoding: named(r, &GROWTHBOOK)? }
            }
            _ => return r.fail("unknown bucketing scheme"),
        })
    }
}

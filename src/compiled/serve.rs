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
            use crate::model::serve::{MissingUnit, SKIP};
            w.u8(3);
            peer::write_by(w, &p.bucket_by);
            peer::write(w, &p.key);
            match p.missing {
                MissingUnit::Error => w.u8(0),
                MissingUnit::Skip => w.u8(1),
                MissingUnit::Variation(v) => {
                    w.u8(2);
                    w.uint(v as u64);
                }
            }
            // A variation's index plus one; 0 for a slice with none.
            w.list(&p.slices.0, |w, s| {
                w.uint(if s.variation == SKIP { 0 } else { s.variation as u64 + 1 });
                w.uint(s.end as u64);
            });
        }
    }
}

fn slices(w: &mut Writer, s: &Slices) {
    w.list(&s.0, |w, s| {
        w.uint(s.variation as u64);
        w.uint(s.end as u64);
    });
}

/// A serve choosing among `variations` variations, a rule's when `in_rule` (which may leave
/// units out), else the fallthrough.
pub(super) fn read(r: &mut Reader<'_>, b: &Bounds, variations: usize, in_rule: bool) -> Result<Serve> {
    let _ = in_rule; // read by peers' rollouts only
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
            use crate::model::serve::{MissingUnit, PeerRollout};
            let bucket_by = peer::read_by(r)?;
            let key = peer::read(r)?;
            let missing = match r.u8()? {
                0 => MissingUnit::Error,
                1 if in_rule => MissingUnit::Skip,
                2 => MissingUnit::Variation(r.below(variations)?),
                _ => return r.fail("unknown missing-unit policy"),
            };
            let slices = read_slices(r, variations + 1, i32::MAX as u32, &|total| key.accepts_total(total))?;
            let skip = |s: &Slice| s.variation == 0;
            if !in_rule && slices.0.iter().any(skip) {
                return r.fail("a fallthrough slice with no variation");
            }
            // Index 0 becomes `SKIP` (u32::MAX).
            let slices = slices.0.into_iter().map(|s| Slice { variation: s.variation.wrapping_sub(1), ..s });
            let slices = Slices(slices.collect());
            Serve::Peer(PeerRollout { bucket_by, key, slices, missing })
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
pub(super) mod peer {
    use super::{attribute, Reader, Result, Writer};
    use crate::eval::bucketing::flagd::{FlagdEncoding, FlagdUnit};
    use crate::eval::bucketing::growthbook::{GrowthBookEncoding, HashVersion};
    use crate::eval::bucketing::launchdarkly::Float;
    use crate::eval::bucketing::unleash::UnleashEncoding;
    use crate::eval::bucketing::{PeerKey, Purpose};
    use crate::model::serve::BucketBy;

    fn position<T: PartialEq>(names: &[(&str, T)], e: &T) -> u8 {
        names.iter().position(|(_, n)| n == e).unwrap_or(0) as u8
    }

    /// `bucketBy`: its attributes as written.
    pub(in crate::compiled) fn write_by(w: &mut Writer, by: &BucketBy) {
        w.list(&by.0, |w, a| w.str(&a.text));
    }

    /// `bucketBy`, at least one attribute (loading takes at most 8).
    pub(in crate::compiled) fn read_by(r: &mut Reader<'_>) -> Result<BucketBy> {
        let by = r.list(8, attribute)?;
        if by.is_empty() {
            return r.fail("a bucketBy with no attribute");
        }
        Ok(BucketBy(by))
    }

    pub(in crate::compiled) fn write(w: &mut Writer, key: &PeerKey) {
        match key {
            PeerKey::FlagdV2 { prefix, suffix, encoding, unit } => {
                // Tag 0 as before for the default form; 5 with the suffix and the unit's form.
                let plain = suffix.is_empty() && *unit == FlagdUnit::Edgeflag;
                w.u8(if plain { 0 } else { 5 });
                w.str(prefix);
                w.u8(position(&FlagdEncoding::NAMES, encoding));
                if !plain {
                    w.str(suffix);
                    w.u8(position(&FlagdUnit::NAMES, unit));
                }
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
            PeerKey::LaunchDarkly { prefix, float, bounds } => {
                w.u8(4);
                w.str(prefix);
                w.u8(position(&Float::NAMES, float));
                w.list(bounds, |w, b| w.uint(*b));
            }
        }
    }

    // The encodings by position, as values only: a reader needs no names.
    const FLAGD: [FlagdEncoding; 2] = [FlagdEncoding::NAMES[0].1, FlagdEncoding::NAMES[1].1];
    const UNLEASH: [UnleashEncoding; 2] = [UnleashEncoding::NAMES[0].1, UnleashEncoding::NAMES[1].1];
    const GROWTHBOOK: [GrowthBookEncoding; 2] = [GrowthBookEncoding::NAMES[0].1, GrowthBookEncoding::NAMES[1].1];
    const FLOAT: [Float; 2] = [Float::NAMES[0].1, Float::NAMES[1].1];
    const UNIT: [FlagdUnit; 3] = [FlagdUnit::NAMES[0].1, FlagdUnit::NAMES[1].1, FlagdUnit::NAMES[2].1];

    fn named<T: Copy>(r: &mut Reader<'_>, values: &[T]) -> Result<T> {
        let i = r.below(values.len())?;
        Ok(values[i as usize])
    }

    pub(in crate::compiled) fn read(r: &mut Reader<'_>) -> Result<PeerKey> {
        Ok(match r.u8()? {
            tag @ (0 | 5) => {
                let prefix = r.str()?.into();
                let encoding = named(r, &FLAGD)?;
                let (suffix, unit) = if tag == 5 { (r.str()?.into(), named(r, &UNIT)?) } else { ("".into(), UNIT[0]) };
                PeerKey::FlagdV2 { prefix, suffix, encoding, unit }
            }
            1 => {
                let group_id = r.str()?.into();
                let purpose = if r.bool()? { Purpose::Variant } else { Purpose::Rollout };
                PeerKey::Unleash { group_id, purpose, encoding: named(r, &UNLEASH)? }
            }
            tag @ (2 | 3) => {
                let version = if tag == 2 { HashVersion::V1 } else { HashVersion::V2 };
                PeerKey::GrowthBook { seed: r.str()?.into(), version, encoding: named(r, &GROWTHBOOK)? }
            }
            4 => {
                let prefix = r.str()?.into();
                let float = named(r, &FLOAT)?;
                // Ascending bounds within 2⁶⁰ (slices then cover every hash in order).
                let bounds = r.list(crate::limits::MAX_LIST_ITEMS, |r| r.uint())?;
                if bounds.windows(2).any(|w| w[0] > w[1]) || bounds.last().is_some_and(|&b| b > 1 << 60) {
                    return r.fail("launchdarkly bounds out of order");
                }
                PeerKey::LaunchDarkly { prefix, float, bounds: bounds.into() }
            }
            _ => return r.fail("unknown bucketing scheme"),
        })
    }
}

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
        1 => Serve::Rollout(Rollout { bucket_by: attribute(r)?, key: key(r)?, slices: read_slices(r, variations)? }),
        2 => Serve::Experiment(Experiment {
            bucket_by: attribute(r)?,
            traffic: r.below(BUCKETS as usize + 1)?,
            fallback: r.below(variations)?,
            enrol: key(r)?,
            variant: key(r)?,
            slices: read_slices(r, variations)?,
        }),
        _ => return r.fail("unknown serve tag"),
    })
}

/// Slices in order of their ends, the last at `BUCKETS`: every bucket falls in one.
fn read_slices(r: &mut Reader<'_>, variations: usize) -> Result<Slices> {
    let slices =
        r.list(MAX_LIST_ITEMS, |r| Ok(Slice { variation: r.below(variations)?, end: r.below(BUCKETS as usize + 1)? }))?;
    let ordered = slices.windows(2).all(|w| w[0].end <= w[1].end);
    match slices.last() {
        Some(last) if ordered && last.end == BUCKETS => Ok(Slices(slices)),
        _ => r.fail("slices that do not cover every bucket in order"),
    }
}

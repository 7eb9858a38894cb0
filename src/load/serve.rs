//! What a rule or the fallthrough serves: a variation, a rollout or an experiment.

use super::variation::variation_ref;
use super::{attribute, hashable, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing::{self, BucketKey, Purpose, BUCKETS};
use crate::json::schema::{fail, members, At, Result, Ty::*};
use crate::json::Json;
use crate::message::message;
use crate::model::attribute::AttrRef;
use crate::model::serve::{Experiment, Rollout, Serve, Slice, Slices};
use crate::model::variation::Variation;
use alloc::vec::Vec;

members! {
    struct ServeDoc<'j> {
        variation: opt Variation,
        rollout: opt Object,
        experiment: opt Object,
    }
}
members! {
    struct RolloutDoc<'j> {
        variations: req List(&Object),
        bucket_by "bucketBy": opt Attribute => At<'j, &'j str>,
        salt: opt Str => At<'j, &'j str>,
    }
}
members! {
    struct ExperimentDoc<'j> {
        traffic: req Integer(&(0, BUCKETS as i64)) => i64,
        fallback: req Variation,
        variations: req List(&Object),
        bucket_by "bucketBy": opt Attribute => At<'j, &'j str>,
        salt: opt Str => At<'j, &'j str>,
    }
}
members! {
    struct SliceDoc<'j> {
        variation: req Variation,
        weight: req Integer(&(0, BUCKETS as i64)) => i64,
    }
}

pub(super) fn serve(names: &Names, flag_salt: &str, v: &Json<'_>, variations: &[Variation]) -> Result<Serve> {
    let o = ServeDoc::read(v)?;
    match (o.variation, o.rollout, o.experiment) {
        (Some(r), None, None) => Ok(Serve::Variation(variation_ref(r, variations)?)),
        (None, Some(r), None) => {
            let o = RolloutDoc::read(r)?;
            let (bucket_by, salt) = unit_and_salt(o.bucket_by, o.salt, flag_salt)?;
            let slices = slices(o.variations, variations)?;
            let key = BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text);
            Ok(Serve::Rollout(Rollout { bucket_by, key, slices }))
        }
        (None, None, Some(e)) => {
            let o = ExperimentDoc::read(e)?;
            let (bucket_by, salt) = unit_and_salt(o.bucket_by, o.salt, flag_salt)?;
            let traffic = o.traffic as u32;
            let fallback = variation_ref(o.fallback, variations)?;
            let slices = slices(o.variations, variations)?;
            Ok(Serve::Experiment(Experiment {
                traffic,
                fallback,
                enrol: BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text),
                variant: BucketKey::new(names.scheme, salt, Purpose::Variant, &bucket_by.text),
                bucket_by,
                slices,
            }))
        }
        _ => fail(K::InvalidValue, v, message!("must have exactly one of \"variation\", \"rollout\", \"experiment\"")),
    }
}

/// `bucketBy` (default `key`) and the salt (rollout's, else the flag's).
fn unit_and_salt<'j>(
    bucket_by: Option<At<'j, &'j str>>,
    salt: Option<At<'j, &'j str>>,
    flag_salt: &'j str,
) -> Result<(AttrRef, &'j str)> {
    if let Some((text, at)) = bucket_by {
        hashable(bucketing::check_attribute(text), at)?;
    }
    let attr = attribute::attribute(bucket_by.map(|(text, _)| text));
    let salt = match salt {
        Some((s, at)) => {
            hashable(bucketing::check_salt(s), at)?;
            s
        }
        None => flag_salt,
    };
    Ok((attr, salt))
}

/// A rollout's or experiment's `variations` (the value `v`).
fn slices(v: &Json<'_>, variations: &[Variation]) -> Result<Slices> {
    let items = match v {
        Json::Array(items) => &items[..],
        _ => &[],
    };
    let mut out: Vec<Slice> = Vec::new();
    let mut total: i64 = 0;
    for item in items {
        let o = SliceDoc::read(item)?;
        let r = o.variation;
        let variation = variation_ref(r, variations)?;
        if out.iter().any(|s| s.variation == variation) {
            return fail(K::Duplicate, r, message!("variation listed twice in one rollout"));
        }
        total += o.weight;
        out.push(Slice { variation, end: total.min(BUCKETS as i64) as u32 });
    }
    if total != BUCKETS as i64 {
        return fail(K::WeightsSum, v, message!("weights sum to ", itoa::Buffer::new().format(total), ", not 100000"));
    }
    Ok(Slices(out))
}

// The message above writes the sum out.
const _: () = assert!(BUCKETS == 100_000);

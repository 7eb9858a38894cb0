//! What a rule or the fallthrough serves: a variation, a rollout or an experiment.

use super::variation::variation_ref;
use super::{attribute, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing::{BucketKey, Purpose, BUCKETS};
use crate::json::schema::{fail, no_separator, opt, req, Field, Obj, Result, Ty::*};
use crate::json::Json;
use crate::model::attribute::AttrRef;
use crate::model::serve::{Experiment, Rollout, Serve, Slice, Slices};
use crate::model::variation::Variation;
use alloc::vec::Vec;

const SERVE: &[Field] = &[opt("variation", Variation), opt("rollout", Object), opt("experiment", Object)];
const ROLLOUT: &[Field] = &[req("variations", List(&Object)), opt("bucketBy", Attribute), opt("salt", Str)];
const EXPERIMENT: &[Field] = &[
    req("traffic", Integer(&(0, BUCKETS as i64))),
    req("fallback", Variation),
    req("variations", List(&Object)),
    opt("bucketBy", Attribute),
    opt("salt", Str),
];
const SLICE: &[Field] = &[req("variation", Variation), req("weight", Integer(&(0, BUCKETS as i64)))];

pub(super) fn serve(names: &Names, flag_salt: &str, v: &Json<'_>, variations: &[Variation]) -> Result<Serve> {
    let o = Obj::read(v, SERVE)?;
    let (variation, rollout, experiment) = (o.get("variation"), o.get("rollout"), o.get("experiment"));
    match (variation, rollout, experiment) {
        (Some(r), None, None) => Ok(Serve::Variation(variation_ref(r, variations)?)),
        (None, Some(r), None) => {
            let o = Obj::read(r, ROLLOUT)?;
            let (bucket_by, salt) = unit_and_salt(&o, flag_salt)?;
            let slices = slices(o.value("variations"), variations)?;
            let key = BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text);
            Ok(Serve::Rollout(Rollout { bucket_by, key, slices }))
        }
        (None, None, Some(e)) => {
            let o = Obj::read(e, EXPERIMENT)?;
            let (bucket_by, salt) = unit_and_salt(&o, flag_salt)?;
            let traffic = o.int("traffic").unwrap_or_default() as u32;
            let fallback = variation_ref(o.value("fallback"), variations)?;
            let slices = slices(o.value("variations"), variations)?;
            Ok(Serve::Experiment(Experiment {
                traffic,
                fallback,
                enrol: BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text),
                variant: BucketKey::new(names.scheme, salt, Purpose::Variant, &bucket_by.text),
                bucket_by,
                slices,
            }))
        }
        _ => fail(K::InvalidValue, v, "must have exactly one of \"variation\", \"rollout\", \"experiment\"", "", ""),
    }
}

/// `bucketBy` (default `key`) and the salt (rollout's, else the flag's).
fn unit_and_salt<'j>(o: &Obj<'j>, flag_salt: &'j str) -> Result<(AttrRef, &'j str)> {
    let bucket_by = attribute::attribute(o.str("bucketBy"));
    no_separator(&bucket_by.text, o.value("bucketBy"))?;
    let salt = match o.str("salt") {
        Some(s) => {
            no_separator(s, o.value("salt"))?;
            s
        }
        None => flag_salt,
    };
    Ok((bucket_by, salt))
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
        let o = Obj::read(item, SLICE)?;
        let r = o.value("variation");
        let variation = variation_ref(r, variations)?;
        if out.iter().any(|s| s.variation == variation) {
            return fail(K::Duplicate, r, "variation listed twice in one rollout", "", "");
        }
        total += o.int("weight").unwrap_or_default();
        out.push(Slice { variation, end: total.min(BUCKETS as i64) as u32 });
    }
    if total != BUCKETS as i64 {
        return fail(K::WeightsSum, v, "weights sum to \u{2}, not 100000", itoa::Buffer::new().format(total), "");
    }
    Ok(Slices(out))
}

// The message above writes the sum out.
const _: () = assert!(BUCKETS == 100_000);

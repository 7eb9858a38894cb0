//! What a rule or the fallthrough serves: a variation, a rollout or an experiment.

use super::reader::{fail, no_separator, opt, req, Field, Obj, Result, Ty::*};
use super::{clause, Names};
use crate::attribute::AttrRef;
use crate::bucketing::{BucketKey, Purpose, BUCKETS};
use crate::error::LoadErrorKind as K;
use crate::flag::Variation;
use crate::json::Json;
use crate::message::Part::*;
use crate::path::Path;
use crate::rule::{Experiment, Rollout, Serve, Slice, Slices};
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

/// A checked `Variation` member, resolved: the index into `variations`.
pub(super) fn variation_ref(v: &Json<'_>, path: &Path, variations: &[Variation]) -> Result<u32> {
    let found = match v {
        Json::String(name) => variations.iter().position(|x| x.name == *name),
        _ => v.as_integer().filter(|i| *i < variations.len() as i64).map(|i| i as usize),
    };
    match (found, v) {
        (Some(i), _) => Ok(i as u32),
        (None, Json::String(name)) => fail(K::UnknownVariation, path, &[Text("no variation named "), Quoted(name)]),
        (None, _) => {
            let i = v.as_integer().unwrap_or_default();
            let n = variations.len() as i64;
            fail(K::UnknownVariation, path, &[Text("no variation "), Int(i), Text(" (there are "), Int(n), Text(")")])
        }
    }
}

pub(super) fn serve(
    names: &Names,
    flag_salt: &str,
    v: &Json<'_>,
    path: &Path,
    variations: &[Variation],
) -> Result<Serve> {
    let o = Obj::read(v, path, SERVE)?;
    let chosen: Vec<&str> = ["variation", "rollout", "experiment"].into_iter().filter(|k| o.get(k).is_some()).collect();
    let [kind] = chosen[..] else {
        return fail(
            K::InvalidValue,
            path,
            &[Text("must have exactly one of \"variation\", \"rollout\", \"experiment\"")],
        );
    };
    let p = path.key(kind);
    let v = o.value(kind);
    match kind {
        "variation" => Ok(Serve::Variation(variation_ref(v, &p, variations)?)),
        "rollout" => {
            let o = Obj::read(v, &p, ROLLOUT)?;
            let (bucket_by, salt) = unit_and_salt(&o, &p, flag_salt)?;
            let slices = slices(o.items("variations"), &p.key("variations"), variations)?;
            let key = BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text);
            Ok(Serve::Rollout(Rollout { bucket_by, key, slices }))
        }
        _ => {
            let o = Obj::read(v, &p, EXPERIMENT)?;
            let (bucket_by, salt) = unit_and_salt(&o, &p, flag_salt)?;
            let traffic = o.int("traffic").unwrap_or_default() as u32;
            let fallback = variation_ref(o.value("fallback"), &p.key("fallback"), variations)?;
            let slices = slices(o.items("variations"), &p.key("variations"), variations)?;
            Ok(Serve::Experiment(Experiment {
                traffic,
                fallback,
                enrol: BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text),
                variant: BucketKey::new(names.scheme, salt, Purpose::Variant, &bucket_by.text),
                bucket_by,
                slices,
            }))
        }
    }
}

/// `bucketBy` (default `key`) and the salt (rollout's, else the flag's).
fn unit_and_salt<'j>(o: &Obj<'j>, path: &Path, flag_salt: &'j str) -> Result<(AttrRef, &'j str)> {
    let bucket_by = clause::attribute(o.str("bucketBy"));
    no_separator(&bucket_by.text, &path.key("bucketBy"))?;
    let salt = match o.str("salt") {
        Some(s) => {
            no_separator(s, &path.key("salt"))?;
            s
        }
        None => flag_salt,
    };
    Ok((bucket_by, salt))
}

fn slices(items: &[Json<'_>], path: &Path, variations: &[Variation]) -> Result<Slices> {
    let mut out: Vec<Slice> = Vec::with_capacity(items.len());
    let mut total: i64 = 0;
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::read(item, &p, SLICE)?;
        let vp = p.key("variation");
        let variation = variation_ref(o.value("variation"), &vp, variations)?;
        if out.iter().any(|s| s.variation == variation) {
            return fail(K::Duplicate, &vp, &[Text("variation listed twice in one rollout")]);
        }
        total += o.int("weight").unwrap_or_default();
        out.push(Slice { variation, end: total.min(BUCKETS as i64) as u32 });
    }
    if total != BUCKETS as i64 {
        return fail(K::WeightsSum, path, &[Text("weights sum to "), Int(total), Text(", not "), Int(BUCKETS as i64)]);
    }
    Ok(Slices(out))
}

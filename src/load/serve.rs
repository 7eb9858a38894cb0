//! What a rule or the fallthrough serves: a variation, a rollout or an experiment.

use super::reader::{array, fail, integer, no_separator, string, Obj, Result};
use super::{clause, Names};
use crate::attribute::AttrRef;
use crate::bucketing::{BucketKey, Purpose, BUCKETS};
use crate::error::LoadErrorKind as K;
use crate::flag::Variation;
use crate::json::Json;
use crate::json::Quoted;
use crate::path::Path;
use crate::rule::{Experiment, Rollout, Serve, Slice, Slices};
use alloc::format;
use alloc::vec::Vec;

/// A variation named or indexed; the index into `variations`.
pub(super) fn variation_ref(v: &Json<'_>, path: &Path, variations: &[Variation]) -> Result<u32> {
    match v {
        Json::String(name) => match variations.iter().position(|x| x.name == *name) {
            Some(i) => Ok(i as u32),
            None => fail(K::UnknownVariation, path, format!("no variation named {}", Quoted(name))),
        },
        Json::Number(_) => {
            let i = integer(v, path, 0, i64::MAX / 2)?;
            if i as usize >= variations.len() {
                return fail(K::UnknownVariation, path, format!("no variation {i} (there are {})", variations.len()));
            }
            Ok(i as u32)
        }
        _ => super::reader::wrong_type(v, path, "a variation name or index"),
    }
}

pub(super) fn serve(
    names: &Names,
    flag_salt: &str,
    v: &Json<'_>,
    path: &Path,
    variations: &[Variation],
) -> Result<Serve> {
    let o = Obj::new(v, path, &["variation", "rollout", "experiment"])?;
    let chosen: Vec<&str> = ["variation", "rollout", "experiment"].into_iter().filter(|k| o.get(k).is_some()).collect();
    let [kind] = chosen[..] else {
        return fail(K::InvalidValue, path, "must have exactly one of \"variation\", \"rollout\", \"experiment\"");
    };
    let p = path.key(kind);
    let v = o.req(kind, path)?;
    match kind {
        "variation" => Ok(Serve::Variation(variation_ref(v, &p, variations)?)),
        "rollout" => {
            let o = Obj::new(v, &p, &["variations", "bucketBy", "salt"])?;
            let (bucket_by, salt) = unit_and_salt(&o, &p, flag_salt)?;
            let slices = slices(o.req("variations", &p)?, &p.key("variations"), variations)?;
            let key = BucketKey::new(names.scheme, salt, Purpose::Rollout, &bucket_by.text);
            Ok(Serve::Rollout(Rollout { bucket_by, key, slices }))
        }
        _ => {
            let o = Obj::new(v, &p, &["traffic", "fallback", "variations", "bucketBy", "salt"])?;
            let (bucket_by, salt) = unit_and_salt(&o, &p, flag_salt)?;
            let traffic = integer(o.req("traffic", &p)?, &p.key("traffic"), 0, BUCKETS as i64)? as u32;
            let fallback = variation_ref(o.req("fallback", &p)?, &p.key("fallback"), variations)?;
            let slices = slices(o.req("variations", &p)?, &p.key("variations"), variations)?;
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
    let bucket_by = match o.get("bucketBy") {
        Some(b) => {
            let p = path.key("bucketBy");
            let attr = clause::attribute(b, &p)?;
            no_separator(&attr.text, &p)?;
            attr
        }
        None => AttrRef::key(),
    };
    let salt = match o.get("salt") {
        Some(s) => {
            let p = path.key("salt");
            let s = string(s, &p)?;
            no_separator(s, &p)?;
            s
        }
        None => flag_salt,
    };
    Ok((bucket_by, salt))
}

fn slices(v: &Json<'_>, path: &Path, variations: &[Variation]) -> Result<Slices> {
    let items = array(v, path)?;
    let mut out: Vec<Slice> = Vec::with_capacity(items.len());
    let mut total: i64 = 0;
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::new(item, &p, &["variation", "weight"])?;
        let vp = p.key("variation");
        let variation = variation_ref(o.req("variation", &p)?, &vp, variations)?;
        if out.iter().any(|s| s.variation == variation) {
            return fail(K::Duplicate, &vp, "variation listed twice in one rollout");
        }
        total += integer(o.req("weight", &p)?, &p.key("weight"), 0, BUCKETS as i64)?;
        out.push(Slice { variation, end: total.min(BUCKETS as i64) as u32 });
    }
    if total != BUCKETS as i64 {
        return fail(K::WeightsSum, path, format!("weights sum to {total}, not {BUCKETS}"));
    }
    Ok(Slices(out))
}

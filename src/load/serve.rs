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

/// What `v` serves; `in_rule` for a rule's (which may skip to the next rule), else the fallthrough.
pub(super) fn serve(
    names: &Names,
    flag_salt: &str,
    v: &Json<'_>,
    variations: &[Variation],
    in_rule: bool,
) -> Result<Serve> {
    let o = ServeDoc::read(v)?;
    match (o.variation, o.rollout, o.experiment) {
        (Some(r), None, None) => Ok(Serve::Variation(variation_ref(r, variations)?)),
        (None, Some(r), None) => {
            if r.get("scheme").is_some() {
                return peer::rollout(r, variations, in_rule);
            }
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

/// A rollout's or experiment's `variations` (the value `v`), whose weights sum to 100000.
fn slices(v: &Json<'_>, variations: &[Variation]) -> Result<Slices> {
    let read = |item| SliceDoc::read(item).map(|o| (o.variation, o.weight));
    weighted(v, variations, |total| total == BUCKETS, ", not 100000", read)
}

/// Weighted variations, each item read by `read` (its variation and weight), their sum one the
/// scheme `accepts`; `wanted` ends the message about another sum.
fn weighted<'j>(
    v: &'j Json<'j>,
    variations: &[Variation],
    accepts: impl Fn(u32) -> bool,
    wanted: &str,
    read: impl Fn(&'j Json<'j>) -> Result<(&'j Json<'j>, i64)>,
) -> Result<Slices> {
    let items = match v {
        Json::Array(items) => &items[..],
        _ => &[],
    };
    let mut out: Vec<Slice> = Vec::new();
    let mut total: i64 = 0;
    for item in items {
        let (r, weight) = read(item)?;
        let variation = variation_ref(r, variations)?;
        if out.iter().any(|s| s.variation == variation) {
            return fail(K::Duplicate, r, message!("variation listed twice in one rollout"));
        }
        total += weight;
        out.push(Slice { variation, end: total.min(u32::MAX as i64) as u32 });
    }
    if total > u32::MAX as i64 || !accepts(total as u32) {
        return fail(K::WeightsSum, v, message!("weights sum to ", itoa::Buffer::new().format(total), wanted));
    }
    Ok(Slices(out))
}

// The message above writes the sum out.
const _: () = assert!(BUCKETS == 100_000);

/// Rollouts that name a peer's scheme (`scheme`): refused where the build has none.
#[cfg(not(feature = "peers"))]
mod peer {
    use super::*;

    pub(super) fn rollout(r: &Json<'_>, _: &[Variation], _: bool) -> Result<Serve> {
        let scheme = r.get("scheme").unwrap_or(r);
        let name = scheme.get("name").unwrap_or(scheme);
        fail(K::UnknownBucketing, name, message!("peers' bucketing schemes are not in this build"))
    }
}

/// Rollouts that name a peer's scheme (`scheme`).
#[cfg(feature = "peers")]
mod peer {
    use super::*;
    use crate::load::scheme;
    use crate::model::serve::{MissingUnit, PeerRollout, SKIP};

    members! {
        struct PeerRolloutDoc<'j> {
            variations: req List(&Object),
            scheme: req Object,
            bucket_by "bucketBy": opt Any,
            missing_unit "missingUnit": opt Any,
            salt: opt Str => At<'j, &'j str>,
            context_kind "contextKind": opt Any,
        }
    }
    members! {
        struct PeerSliceDoc<'j> {
            variation: opt Variation,
            weight: req Integer(&(0, i32::MAX as i64)) => i64,
        }
    }

    /// The rollout `r`, served by a rule when `in_rule` (else by the fallthrough, where every
    /// unit must get a variation).
    pub(super) fn rollout(r: &Json<'_>, variations: &[Variation], in_rule: bool) -> Result<Serve> {
        let o = PeerRolloutDoc::read(r)?;
        if let Some((_, at)) = o.salt {
            return fail(
                K::InvalidValue,
                at,
                message!("a rollout with a peer's scheme is salted by the scheme's own members"),
            );
        }
        let mut key = scheme::scheme(o.scheme)?;
        let bucket_by = scheme::bucket_by_of(o.bucket_by, o.context_kind)?;
        let missing = match o.missing_unit {
            None => MissingUnit::Error,
            Some(Json::String(m)) if m == "error" => MissingUnit::Error,
            Some(at @ Json::String(m)) if m == "skip" => match in_rule {
                true => MissingUnit::Skip,
                false => {
                    return fail(
                        K::InvalidValue,
                        at,
                        message!("only a rule can skip: the fallthrough serves every unit"),
                    )
                }
            },
            Some(Json::Object(ms)) if ms.len() == 1 && ms[0].0 == "variation" => {
                MissingUnit::Variation(variation_ref(&ms[0].1, variations)?)
            }
            Some(at) => {
                return fail(K::InvalidValue, at, message!("must be \"error\", \"skip\" or {\"variation\": …}"))
            }
        };
        let mut slices: Vec<Slice> = Vec::new();
        let mut total: i64 = 0;
        let items = match o.variations {
            Json::Array(items) => &items[..],
            _ => &[],
        };
        for item in items {
            let s = PeerSliceDoc::read(item)?;
            let variation = match s.variation {
                Some(r) => variation_ref(r, variations)?,
                None if in_rule => SKIP,
                None => {
                    return fail(
                        K::MissingField,
                        item,
                        message!("the fallthrough serves every unit: a slice needs \"variation\""),
                    )
                }
            };
            total += s.weight;
            slices.push(Slice { variation, end: total.min(u32::MAX as i64) as u32 });
        }
        if total > u32::MAX as i64 {
            let t = alloc::string::String::from(itoa::Buffer::new().format(total));
            return fail(K::WeightsSum, o.variations, message!("weights sum to ", &t, key.totals()));
        }
        if let crate::eval::bucketing::PeerKey::LaunchDarkly { float, bounds, .. } = &mut key {
            // The SDK's float comparisons as bounds on the hash, and one bucket per slice.
            let weights: Vec<u32> =
                slices.iter().scan(0, |start, s| Some(s.end - core::mem::replace(start, s.end))).collect();
            *bounds = crate::eval::bucketing::launchdarkly::rollout_bounds(&weights, *float).into();
            for (i, s) in slices.iter_mut().enumerate() {
                s.end = i as u32 + 1;
            }
            if slices.is_empty() {
                return fail(K::InvalidValue, o.variations, message!("a rollout needs a variation"));
            }
        } else if let Some(at) = o.context_kind {
            return fail(K::UnknownField, at, message!("contextKind is for the launchdarkly scheme"));
        }
        let total = slices.last().map_or(0, |s| s.end);
        if !key.accepts_total(total) {
            let t = alloc::string::String::from(itoa::Buffer::new().format(total));
            return fail(K::WeightsSum, o.variations, message!("weights sum to ", &t, key.totals()));
        }
        Ok(Serve::Peer(PeerRollout { bucket_by, key, slices: Slices(slices), missing }))
    }
}

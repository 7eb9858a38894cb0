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
        scheme: opt Object,
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
            if let Some(scheme) = o.scheme {
                return peer::rollout(o.bucket_by, o.salt, scheme, o.variations, variations);
            }
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

    pub(super) fn rollout(
        _: Option<At<'_, &str>>,
        _: Option<At<'_, &str>>,
        scheme: &Json<'_>,
        _: &Json<'_>,
        _: &[Variation],
    ) -> Result<Serve> {
        let name = scheme.get("name").unwrap_or(scheme);
        fail(K::UnknownBucketing, name, message!("peers' bucketing schemes are not in this build"))
    }
}

/// Rollouts that name a peer's scheme (`scheme`).
#[cfg(feature = "peers")]
mod peer {
    use super::*;
    use crate::eval::bucketing::flagd::FlagdEncoding;
    use crate::eval::bucketing::growthbook::{GrowthBookEncoding, HashVersion};
    use crate::eval::bucketing::unleash::UnleashEncoding;
    use crate::eval::bucketing::PeerKey;
    use crate::model::serve::PeerRollout;

    members! {
        struct PeerSliceDoc<'j> {
            variation: req Variation,
            weight: req Integer(&(0, i32::MAX as i64)) => i64,
        }
    }
    members! {
        struct SchemeDoc<'j> {
            name: req Str => At<'j, &'j str>,
            prefix: opt Str => At<'j, &'j str>,
            group_id "groupId": opt Str => At<'j, &'j str>,
            purpose: opt Str => At<'j, &'j str>,
            seed: opt Str => At<'j, &'j str>,
            encoding: opt Str => At<'j, &'j str>,
        }
    }

    pub(super) fn rollout(
        bucket_by: Option<At<'_, &str>>,
        salt: Option<At<'_, &str>>,
        scheme: &Json<'_>,
        weights: &Json<'_>,
        variations: &[Variation],
    ) -> Result<Serve> {
        let o = SchemeDoc::read(scheme)?;
        if let Some((_, at)) = salt {
            return fail(
                K::InvalidValue,
                at,
                message!("a rollout with a peer's scheme is salted by the scheme's own members"),
            );
        }
        // Each scheme's members; any other is refused where it is.
        let (name, at) = o.name;
        let allowed: &[&str] = match name {
            "flagd-v2" => &["name", "prefix", "encoding"],
            "unleash" => &["name", "groupId", "purpose", "encoding"],
            "growthbook-v1" | "growthbook-v2" => &["name", "seed", "encoding"],
            _ => return fail(K::UnknownBucketing, at, message!("unknown bucketing scheme ", quoted(name))),
        };
        if let Json::Object(members) = scheme {
            if let Some((m, v)) = members.iter().find(|(m, _)| !allowed.contains(&m.as_ref())) {
                return fail(K::UnknownField, v, message!("scheme ", quoted(name), " has no member ", quoted(m)));
            }
        }
        let key = match name {
            "flagd-v2" => {
                let prefix = o.prefix.map_or("", |(t, _)| t).into();
                PeerKey::FlagdV2 { prefix, encoding: encoding(o.encoding, &FlagdEncoding::NAMES)? }
            }
            "unleash" => {
                let Some((group_id, _)) = o.group_id else {
                    return fail(K::MissingField, scheme, message!("scheme \"unleash\" needs \"groupId\""));
                };
                let purpose = match o.purpose {
                    None | Some(("rollout", _)) => Purpose::Rollout,
                    Some(("variant", _)) => Purpose::Variant,
                    Some((_, at)) => return fail(K::InvalidValue, at, message!("must be \"rollout\" or \"variant\"")),
                };
                PeerKey::Unleash {
                    group_id: group_id.into(),
                    purpose,
                    encoding: encoding(o.encoding, &UnleashEncoding::NAMES)?,
                }
            }
            _ => {
                let version = if name == "growthbook-v1" { HashVersion::V1 } else { HashVersion::V2 };
                let seed = o.seed.map_or("", |(t, _)| t).into();
                PeerKey::GrowthBook { seed, version, encoding: encoding(o.encoding, &GrowthBookEncoding::NAMES)? }
            }
        };
        if let Some((text, at)) = bucket_by {
            hashable(bucketing::check_attribute(text), at)?;
        }
        let bucket_by = attribute::attribute(bucket_by.map(|(text, _)| text));
        let read = |item| PeerSliceDoc::read(item).map(|o| (o.variation, o.weight));
        let slices = weighted(weights, variations, |total| key.accepts_total(total), key.totals(), read)?;
        Ok(Serve::Peer(PeerRollout { bucket_by, key, slices }))
    }

    /// `encoding` among a scheme's names (the first by default).
    fn encoding<T: Copy>(member: Option<At<'_, &str>>, names: &[(&'static str, T)]) -> Result<T> {
        match member {
            None => Ok(names[0].1),
            Some((name, at)) => match names.iter().find(|(n, _)| *n == name) {
                Some((_, e)) => Ok(*e),
                None => fail(K::InvalidValue, at, message!("not an encoding of this scheme (docs/bucketing.md §8)")),
            },
        }
    }
}

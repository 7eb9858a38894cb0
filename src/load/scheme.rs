//! A peer's scheme as a rollout or an `inBucket` clause names it (`scheme`, `bucketBy`): its
//! parameters checked member by member (docs/snapshot.md, "Serving a variation or a rollout").

use super::{attribute, hashable};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing::flagd::{FlagdEncoding, FlagdUnit};
use crate::eval::bucketing::growthbook::{GrowthBookEncoding, HashVersion};
use crate::eval::bucketing::launchdarkly::Float;
use crate::eval::bucketing::unleash::UnleashEncoding;
use crate::eval::bucketing::{self, PeerKey, Purpose};
use crate::json::schema::{at_most, check, fail, members, At, Result, Ty::*};
use crate::json::Json;
use crate::message::message;
use crate::model::serve::BucketBy;
use alloc::vec::Vec;

members! {
    struct SchemeDoc<'j> {
        name: req Str => At<'j, &'j str>,
        prefix: opt Str => At<'j, &'j str>,
        suffix: opt Str => At<'j, &'j str>,
        unit: opt Str => At<'j, &'j str>,
        group_id "groupId": opt Str => At<'j, &'j str>,
        purpose: opt Str => At<'j, &'j str>,
        seed: opt Str => At<'j, &'j str>,
        encoding: opt Str => At<'j, &'j str>,
    }
}

/// The scheme object `scheme`.
pub(super) fn scheme(scheme: &Json<'_>) -> Result<PeerKey> {
    let o = SchemeDoc::read(scheme)?;
    // Each scheme's members; any other is refused where it is.
    let (name, at) = o.name;
    let allowed: &[&str] = match name {
        "flagd-v2" => &["name", "prefix", "suffix", "encoding", "unit"],
        "unleash" => &["name", "groupId", "purpose", "encoding"],
        "growthbook-v1" | "growthbook-v2" => &["name", "seed", "encoding"],
        "launchdarkly" => &["name", "prefix", "encoding"],
        _ => return fail(K::UnknownBucketing, at, message!("unknown bucketing scheme ", quoted(name))),
    };
    if let Json::Object(members) = scheme {
        if let Some((m, v)) = members.iter().find(|(m, _)| !allowed.contains(&m.as_ref())) {
            return fail(K::UnknownField, v, message!("scheme ", quoted(name), " has no member ", quoted(m)));
        }
    }
    Ok(match name {
        "flagd-v2" => {
            let prefix = o.prefix.map_or("", |(t, _)| t).into();
            let suffix = o.suffix.map_or("", |(t, _)| t).into();
            let units = encoding(o.encoding, &FlagdEncoding::NAMES)?;
            PeerKey::FlagdV2 { prefix, suffix, encoding: units, unit: encoding(o.unit, &FlagdUnit::NAMES)? }
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
        "launchdarkly" => {
            let Some((prefix, _)) = o.prefix else {
                return fail(K::MissingField, scheme, message!("scheme \"launchdarkly\" needs \"prefix\""));
            };
            // The bounds come from the weights, which the rollout or clause reads next.
            PeerKey::LaunchDarkly {
                prefix: prefix.into(),
                float: encoding(o.encoding, &Float::NAMES)?,
                bounds: alloc::boxed::Box::default(),
            }
        }
        _ => {
            let version = if name == "growthbook-v1" { HashVersion::V1 } else { HashVersion::V2 };
            let seed = o.seed.map_or("", |(t, _)| t).into();
            PeerKey::GrowthBook { seed, version, encoding: encoding(o.encoding, &GrowthBookEncoding::NAMES)? }
        }
    })
}

/// `encoding` (or another named parameter) among a scheme's names (the first by default).
fn encoding<T: Copy>(member: Option<At<'_, &str>>, names: &[(&'static str, T)]) -> Result<T> {
    match member {
        None => Ok(names[0].1),
        Some((name, at)) => match names.iter().find(|(n, _)| *n == name) {
            Some((_, e)) => Ok(*e),
            None => fail(K::InvalidValue, at, message!("not a name this scheme takes here (docs/bucketing.md §8)")),
        },
    }
}

/// Most attributes a `bucketBy` list tries (each is one lookup per evaluation).
const MAX_BUCKET_BY: usize = 8;

/// `bucketBy` read in the context of kind `kind` (`contextKind`), when there is one.
pub(super) fn bucket_by_of(v: Option<&Json<'_>>, kind: Option<&Json<'_>>) -> Result<BucketBy> {
    let mut by = bucket_by(v)?;
    if let Some(kind) = kind {
        for a in &mut by.0 {
            *a = kinded(a, kind)?;
        }
    }
    Ok(by)
}

/// The reference `a` read in the context of the kind `kind` names (`contextKind`).
pub(super) fn kinded(
    a: &crate::model::attribute::AttrRef,
    kind: &Json<'_>,
) -> Result<crate::model::attribute::AttrRef> {
    let name = context_kind(kind)?;
    crate::model::context_kind::kinded(name, &a.text)
        .or_else(|_| fail(K::InvalidValue, kind, message!("not a context kind")))
}

/// A `contextKind`: a name of ASCII letters, digits, `.`, `_`, `-`, other than `kind`.
pub(super) fn context_kind<'j>(v: &'j Json<'j>) -> Result<&'j str> {
    check(v, Str)?;
    match v.as_str() {
        Some(k) if crate::model::context_kind::valid_kind(k) => Ok(k),
        _ => fail(K::InvalidValue, v, message!("not a context kind (letters, digits, '.', '_', '-'; not \"kind\")")),
    }
}

/// `bucketBy`: an attribute reference or a non-empty list of them (default `key`).
pub(super) fn bucket_by(v: Option<&Json<'_>>) -> Result<BucketBy> {
    let items = match v {
        None => return Ok(BucketBy(alloc::vec![attribute::attribute(None)])),
        Some(list @ Json::Array(items)) => {
            check(list, Items(&Attribute))?;
            at_most(list, items.len(), MAX_BUCKET_BY, "attributes")?;
            &items[..]
        }
        Some(one) => core::slice::from_ref(one),
    };
    let mut out = Vec::new();
    for item in items {
        check(item, Attribute)?;
        let text = item.as_str().unwrap_or_default();
        hashable(bucketing::check_attribute(text), item)?;
        out.push(attribute::attribute(Some(text)));
    }
    Ok(BucketBy(out))
}

//! A rollout bucketed by a peer's scheme (docs/snapshot.md, "Serving a variation or a rollout"):
//! the scheme and its parameters as the rollout names them, and the one call that buckets a unit
//! with it. Slices are then integer ranges of `0..total`, as for edgeflag's own scheme.

use super::flagd::{self, FlagdEncoding, FlagdUnit};
use super::growthbook::{self, GrowthBookEncoding, HashVersion};
use super::launchdarkly::{self, Float};
use super::unleash::{self, UnleashEncoding};
use super::Purpose;
use crate::json::Json;
use crate::model::attribute::{NotUnit, Unit};
use alloc::boxed::Box;
use alloc::string::String;

/// A peer's scheme with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PeerKey {
    /// `flagd-v2`: the bucketing string is `prefix`, the unit (as `unit` writes it), `suffix`.
    FlagdV2 { prefix: Box<str>, suffix: Box<str>, encoding: FlagdEncoding, unit: FlagdUnit },
    /// `unleash`: `groupId:unit`, seeded for rollouts or variants.
    Unleash { group_id: Box<str>, purpose: Purpose, encoding: UnleashEncoding },
    /// `growthbook-v1`, `growthbook-v2`.
    GrowthBook { seed: Box<str>, version: HashVersion, encoding: GrowthBookEncoding },
    /// `launchdarkly`: SHA-1 of `prefix.unit`; `bounds` are the integer bounds on its hash that
    /// the SDK's floating-point comparisons amount to (the loader computes them from the
    /// weights), and the bucket is the slice `h` falls in.
    LaunchDarkly { prefix: Box<str>, float: Float, bounds: Box<[u64]> },
}

impl PeerKey {
    /// Whether slices may end at `total` (the sum of the weights): flagd and Unleash any total
    /// from 1 to 2³¹ − 1 (flagd's own bound), GrowthBook exactly its scale (1000 or 10000).
    pub(crate) fn accepts_total(&self, total: u32) -> bool {
        match self {
            PeerKey::FlagdV2 { .. } | PeerKey::Unleash { .. } => (1..=i32::MAX as u32).contains(&total),
            PeerKey::GrowthBook { version, .. } => total == version.scale(),
            // One bucket per slice.
            PeerKey::LaunchDarkly { bounds, .. } => total as usize == bounds.len() + 1,
        }
    }

    /// GrowthBook's one scale (1000 or 10000); `None` for the schemes whose total is a parameter.
    pub(crate) fn growthbook_scale(&self) -> Option<u32> {
        match self {
            PeerKey::GrowthBook { version, .. } => Some(version.scale()),
            _ => None,
        }
    }

    /// What [`PeerKey::accepts_total`] takes, as the end of a message about another sum.
    pub(crate) fn totals(&self) -> &'static str {
        match self {
            PeerKey::FlagdV2 { .. } => ", not 1 to 2147483647 (flagd-v2)",
            PeerKey::Unleash { .. } => ", not 1 to 2147483647 (unleash)",
            PeerKey::GrowthBook { version: HashVersion::V1, .. } => ", not 1000 (growthbook-v1)",
            PeerKey::GrowthBook { version: HashVersion::V2, .. } => ", not 10000 (growthbook-v2)",
            PeerKey::LaunchDarkly { .. } => ", not one per slice (launchdarkly)",
        }
    }

    /// The bucket, `0 ≤ bucket < total`, of `unit` (`total` as [`PeerKey::accepts_total`]).
    pub(crate) fn bucket(&self, unit: &str, total: u32) -> u32 {
        match self {
            PeerKey::FlagdV2 { prefix, suffix, encoding, .. } => {
                flagd::fractional_v2(&[prefix, unit, suffix], total, *encoding)
            }
            PeerKey::Unleash { group_id, purpose, encoding } => {
                let seed = match purpose {
                    Purpose::Rollout => unleash::ROLLOUT_SEED,
                    Purpose::Variant => unleash::VARIANT_SEED,
                };
                unleash::normalized(group_id, unit, seed, total, *encoding)
            }
            PeerKey::GrowthBook { seed, version, encoding } => growthbook::bucket(seed, unit, *version, *encoding),
            PeerKey::LaunchDarkly { prefix, bounds, .. } => {
                launchdarkly::slice(bounds, launchdarkly::hash(prefix, unit))
            }
        }
    }

    /// The bucket of a context with no unit, for the schemes that give one: LaunchDarkly's SDKs
    /// bucket a missing context kind or attribute, or a value they cannot hash, as 0.
    pub(crate) fn no_unit_bucket(&self) -> Option<u32> {
        match self {
            PeerKey::LaunchDarkly { bounds, .. } => Some(launchdarkly::slice(bounds, 0)),
            _ => None,
        }
    }

    /// Appends the unit an attribute's `value` gives (docs/bucketing.md §8, "Units"). GrowthBook's
    /// schemes read it as its SDK does: a falsy value (missing, `null`, `false`, `0`, `""`) is
    /// none, anything else JavaScript's `String()` of it. flagd-v2 with a `cat` unit writes every
    /// value as flagd-core's `cat` does. The others take edgeflag's units.
    pub(crate) fn unit(&self, value: Option<&Json<'_>>, out: &mut String) -> Result<(), NotUnit> {
        if let PeerKey::FlagdV2 { unit: cat @ (FlagdUnit::Cat | FlagdUnit::CatInterpreted), .. } = self {
            match value {
                None | Some(Json::Null) if *cat == FlagdUnit::Cat => out.push_str("null"),
                None => {}
                Some(v) => crate::eval::js::string(v, out),
            }
            return Ok(());
        }
        if let PeerKey::GrowthBook { .. } = self {
            return match value {
                None | Some(Json::Null | Json::Bool(false)) => Err(NotUnit::Missing),
                Some(Json::Number(n)) if *n == 0.0 => Err(NotUnit::Missing),
                Some(Json::String(s)) if s.is_empty() => Err(NotUnit::Missing),
                Some(v) => {
                    crate::eval::js::string(v, out);
                    Ok(())
                }
            };
        }
        if let PeerKey::LaunchDarkly { float, .. } = self {
            // Strings as they are (`""` too), integers in decimal; nothing else hashes. Go and
            // Rust take integers within ±(2⁵³ − 1); JavaScript any integral number, as `String()`
            // writes it (`1e+21`).
            return match value {
                Some(Json::String(s)) => {
                    out.push_str(s);
                    Ok(())
                }
                Some(v @ Json::Number(n))
                    if *float == Float::F64 && (n.abs() >= 9_007_199_254_740_992.0 || *n as i64 as f64 == *n) =>
                {
                    crate::eval::js::string(v, out);
                    Ok(())
                }
                Some(Json::Number(n)) => match crate::json::safe_integer(*n) {
                    Some(i) => {
                        out.push_str(itoa::Buffer::new().format(i));
                        Ok(())
                    }
                    None => Err(NotUnit::Invalid),
                },
                None | Some(Json::Null) => Err(NotUnit::Missing),
                Some(_) => Err(NotUnit::Invalid),
            };
        }
        let unit = Unit::of(value)?;
        out.push_str(unit.as_str(&mut itoa::Buffer::new()));
        Ok(())
    }
}

//! `edgeflag bucket`: the bytes a scheme hashes for its inputs, the hash and the bucket
//! (docs/bucketing.md), for edgeflag's own scheme and each peer's.

use edgeflag::bucketing::flagd::{self, FlagdEncoding};
use edgeflag::bucketing::growthbook::{self, GrowthBookEncoding, HashVersion};
use edgeflag::bucketing::launchdarkly::{self, Float};
use edgeflag::bucketing::text::{self, Units};
use edgeflag::bucketing::unleash::{self, UnleashEncoding};
use edgeflag::bucketing::{bucket, check_attribute, check_salt, BucketKey, Purpose, Scheme};
use serde_json::{json, Value};

/// What `edgeflag bucket` was given.
pub struct Request<'a> {
    pub scheme: &'a str,
    pub salt: &'a str,
    pub unit: &'a str,
    pub attribute: &'a str,
    pub purpose: &'a str,
    pub total: Option<u32>,
    pub encoding: Option<&'a str>,
}

/// The schemes `--scheme` takes.
pub const SCHEMES: &str = "edgeflag-v1, flagd-v2, unleash, growthbook-v1, growthbook-v2, launchdarkly";

pub fn run(r: &Request) -> Result<Value, String> {
    let purpose = match r.purpose {
        "rollout" => Purpose::Rollout,
        "variant" => Purpose::Variant,
        other => return Err(format!("purpose must be rollout or variant, not {other:?}")),
    };
    match r.scheme {
        "edgeflag-v1" => edgeflag_v1(r, purpose),
        "flagd-v2" => {
            let encoding = encoding(r, &FlagdEncoding::NAMES)?;
            let total = r.total.ok_or("--total (the sum of the weights) is needed by flagd-v2")?;
            if total == 0 || total > i32::MAX as u32 {
                return Err(String::from("--total must be 1 to 2147483647, as flagd requires"));
            }
            // The bucketing string: the salt (the flag key, in the default) then the unit.
            let input = format!("{}{}", r.salt, r.unit);
            let hash = flagd::hash(&[r.salt, r.unit], encoding.1);
            Ok(json!({
                "scheme": r.scheme, "encoding": encoding.0, "input": input, "hashed": hashed(&[r.salt, r.unit], encoding.1.units()),
                "murmur3": hash, "total": total, "bucket": flagd::fractional_v2(&[r.salt, r.unit], total, encoding.1),
            }))
        }
        "unleash" => {
            let encoding = encoding(r, &UnleashEncoding::NAMES)?;
            let (seed, default_n) = match purpose {
                Purpose::Rollout => (unleash::ROLLOUT_SEED, 100),
                Purpose::Variant => (unleash::VARIANT_SEED, 1000),
            };
            let n = r.total.unwrap_or(default_n);
            if n == 0 {
                return Err(String::from("--total must not be 0"));
            }
            let input = unleash::input(r.salt, r.unit);
            let b = unleash::normalized(r.salt, r.unit, seed, n, encoding.1);
            Ok(json!({
                "scheme": r.scheme, "encoding": encoding.0, "input": input, "hashed": hashed(&[&input], encoding.1.units()),
                "seed": seed, "murmur3": unleash::hash(r.salt, r.unit, seed, encoding.1), "n": n, "bucket": b, "normalized": b + 1,
            }))
        }
        "growthbook-v1" | "growthbook-v2" => {
            let version = if r.scheme == "growthbook-v1" { HashVersion::V1 } else { HashVersion::V2 };
            let encoding = encoding(r, &GrowthBookEncoding::NAMES)?;
            let input = growthbook::input(r.salt, r.unit, version);
            let b = growthbook::bucket(r.salt, r.unit, version, encoding.1);
            Ok(json!({
                "scheme": r.scheme, "encoding": encoding.0, "input": input, "hashed": hashed(&[&input], encoding.1.units()),
                "fnv1a": growthbook::hash(r.salt, r.unit, version, encoding.1), "scale": version.scale(), "bucket": b,
                "n": f64::from(b) / f64::from(version.scale()),
            }))
        }
        "launchdarkly" => {
            let float = encoding(r, &Float::NAMES)?;
            let h = launchdarkly::hash(r.salt, r.unit);
            Ok(json!({
                "scheme": r.scheme, "encoding": float.0, "input": format!("{}.{}", r.salt, r.unit),
                "hashed": hex(format!("{}.{}", r.salt, r.unit).as_bytes()), "sha1": hex(&launchdarkly::sha1(r.salt, r.unit)),
                "hash": h, "bucket": launchdarkly::bucket_value(h, float.1),
            }))
        }
        other => Err(format!("unknown scheme {other:?}: one of {SCHEMES}")),
    }
}

fn edgeflag_v1(r: &Request, purpose: Purpose) -> Result<Value, String> {
    if r.encoding.is_some() || r.total.is_some() {
        return Err(String::from("edgeflag-v1 takes no --encoding or --total: UTF-8, 100000 buckets"));
    }
    // What the loader refuses in a snapshot, refused here too: two inputs that hash the same
    // bytes, and a unit no evaluation would bucket (an empty one is missing).
    check_salt(r.salt).map_err(|why| format!("--salt {why}"))?;
    check_attribute(r.attribute).map_err(|why| format!("--attribute {why}"))?;
    if r.unit.is_empty() {
        return Err(String::from(
            "--unit must not be empty: an empty unit is missing, and a rollout does not bucket it",
        ));
    }
    let key = BucketKey::new(Scheme::EdgeflagV1, r.salt, purpose, r.attribute);
    let b = bucket(&key, r.unit.as_bytes());
    Ok(
        json!({ "bytes": hex(&key.input(r.unit.as_bytes())), "bucket": b, "percentile": format!("{}.{:03}", b / 1000, b % 1000) }),
    )
}

/// `--encoding` among a scheme's names, the first by default.
fn encoding<T: Copy>(r: &Request, names: &[(&'static str, T)]) -> Result<(&'static str, T), String> {
    match r.encoding {
        None => Ok(names[0]),
        Some(name) => names.iter().find(|(n, _)| *n == name).copied().ok_or_else(|| {
            let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            format!("--encoding for {} is one of {}, not {name:?}", r.scheme, all.join(", "))
        }),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a scheme hashes, as hex: whole UTF-16 code units four digits each, bytes two.
fn hashed(parts: &[&str], units: Units) -> String {
    let all = text::units(parts, units);
    match units {
        Units::Utf16 => all.iter().map(|u| format!("{u:04x}")).collect::<Vec<_>>().join(" "),
        _ => all.iter().map(|u| format!("{u:02x}")).collect(),
    }
}

//! Bucketing: which of 100000 buckets a unit falls in, for a rollout.
//!
//! The one place that hashes ([`hash`]). Scheme `edgeflag-v1` is specified byte for byte in
//! docs/bucketing.md; integer arithmetic only. Other schemes are added as [`Scheme`] variants,
//! and evaluation never needs to change for them.
//!
//! Beside it, one function per peer's scheme, each reproducing that peer's buckets exactly
//! (docs/bucketing.md, "Peers' schemes"): [`flagd::fractional_v2`], [`unleash::normalized`],
//! [`growthbook::bucket`], [`launchdarkly::hash`]; and the hashes they use ([`murmur3`],
//! [`fnv`]; SHA-1 from `sha1_smol`).

pub mod flagd;
pub mod fnv;
pub mod growthbook;
#[cfg(feature = "peers")]
mod js_text;
pub mod launchdarkly;
pub mod murmur3;
#[cfg(feature = "peers")]
mod peer;
pub mod text;
pub mod unleash;

#[cfg(feature = "peers")]
pub(crate) use peer::PeerKey;

use alloc::boxed::Box;
use alloc::vec::Vec;
use xxhash_rust::xxh64::xxh64;

/// Number of buckets; rollout weights are out of this.
pub const BUCKETS: u32 = 100_000;

/// Separates the parts of the hashed string (U+001F). Salts and `bucketBy` may not contain it.
pub const SEPARATOR: char = '\u{1F}';

/// A bucketing scheme, named by the snapshot's `bucketing` member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// XXH64 (seed 0) of `salt ␟ purpose ␟ attribute ␟ unit` in UTF-8, modulo 100000.
    EdgeflagV1,
}

impl Scheme {
    /// The scheme a snapshot names, if this evaluator implements it.
    pub fn from_name(name: &str) -> Option<Scheme> {
        match name {
            "edgeflag-v1" => Some(Scheme::EdgeflagV1),
            _ => None,
        }
    }

    /// The name used in snapshots.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::EdgeflagV1 => "edgeflag-v1",
        }
    }
}

/// Why `salt` cannot be hashed (`docs/bucketing.md`, "What may be hashed"): it must not be empty
/// (every flag would share one salt's buckets) and must not hold [`SEPARATOR`] (two different
/// inputs would hash the same bytes). The loader refuses such salts, and `edgeflag bucket` too.
pub fn check_salt(salt: &str) -> Result<(), &'static str> {
    if salt.is_empty() {
        return Err("must not be empty");
    }
    check_separator(salt)
}

/// Why `attribute` cannot be a `bucketBy` (`docs/bucketing.md`, "What may be hashed"): besides
/// what a salt may not be, a reference is hashed as written, so each attribute has one spelling:
/// a top-level member by its name, a JSON Pointer only for a nested member (or a top-level name
/// that starts with `/`). `/tier` would bucket apart from `tier`, and is refused.
pub fn check_attribute(attribute: &str) -> Result<(), &'static str> {
    if attribute.is_empty() {
        return Err("must not be empty");
    }
    check_separator(attribute)?;
    let b = attribute.as_bytes();
    if b[0] != b'/' {
        return Ok(());
    }
    // A pointer (RFC 6901): `~` only as `~0` or `~1`. Read as bytes: all of these are ASCII.
    if b.iter().enumerate().any(|(i, &c)| c == b'~' && !matches!(b.get(i + 1), Some(b'0' | b'1'))) {
        return Err("malformed JSON Pointer (`~` must be followed by 0 or 1)");
    }
    // One segment (no second `/`) names a top-level member, writable plainly unless its name
    // starts with `/` (written `~1`).
    if !b[1..].contains(&b'/') && !b[1..].starts_with(b"~1") {
        return Err("a pointer to a top-level member: write the member's name (bucketBy is hashed as written, so an attribute has one spelling)");
    }
    Ok(())
}

fn check_separator(text: &str) -> Result<(), &'static str> {
    match text.bytes().any(|b| b == SEPARATOR as u8) {
        true => Err("must not contain U+001F"),
        false => Ok(()),
    }
}

/// What a bucket is for: a rollout (and an experiment's enrolment) or an experiment's variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Rollout weights and experiment traffic.
    Rollout,
    /// The variant of an enrolled experiment unit.
    Variant,
}

impl Purpose {
    /// The word hashed for this purpose.
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Rollout => "rollout",
            Purpose::Variant => "variant",
        }
    }
}

/// The fixed part of a rollout's hashed string, built once at load.
#[derive(Clone, Debug)]
pub struct BucketKey {
    scheme: Scheme,
    /// `salt ␟ purpose ␟ attribute ␟` as UTF-8.
    prefix: Box<[u8]>,
}

impl BucketKey {
    /// The key for one rollout: `salt` already resolved (rollout → flag → flag key) and
    /// `attribute` as written in `bucketBy`.
    pub fn new(scheme: Scheme, salt: &str, purpose: Purpose, attribute: &str) -> BucketKey {
        let mut prefix = Vec::with_capacity(salt.len() + attribute.len() + 11);
        let mut sep = [0u8; 4];
        let sep = SEPARATOR.encode_utf8(&mut sep).as_bytes();
        for part in [salt, purpose.name(), attribute] {
            prefix.extend_from_slice(part.as_bytes());
            prefix.extend_from_slice(sep);
        }
        BucketKey { scheme, prefix: prefix.into_boxed_slice() }
    }

    /// `salt ␟ purpose ␟ attribute ␟`, as the compiled form stores it.
    pub(crate) fn prefix(&self) -> &[u8] {
        &self.prefix
    }

    /// A key from its stored prefix.
    pub(crate) fn from_prefix(scheme: Scheme, prefix: &[u8]) -> BucketKey {
        BucketKey { scheme, prefix: prefix.into() }
    }

    /// The exact bytes hashed for `unit`, for explanations and cross-checks.
    // Not inlined: `bucket` calls it only for rare long units, and stays small enough to inline.
    #[inline(never)]
    pub fn input(&self, unit: &[u8]) -> Vec<u8> {
        match self.scheme {
            Scheme::EdgeflagV1 => [&self.prefix[..], unit].concat(),
        }
    }
}

/// The bucket, 0..=99999, of a unit (its UTF-8 bytes, or an integer's decimal digits).
pub fn bucket(key: &BucketKey, unit: &[u8]) -> u32 {
    match key.scheme {
        Scheme::EdgeflagV1 => {
            // One-shot hashing of the joined bytes is much faster than streaming them; inputs
            // too long for the stack are joined on the heap, which gives the same hash and keeps
            // the streaming hasher out of the Wasm module.
            let mut buf = [0u8; 128];
            let heap: Vec<u8>;
            let n = key.prefix.len() + unit.len();
            let joined: &[u8] = match buf.get_mut(..n) {
                Some(joined) => {
                    let (head, tail) = joined.split_at_mut(key.prefix.len());
                    head.copy_from_slice(&key.prefix);
                    tail.copy_from_slice(unit);
                    joined
                }
                None => {
                    heap = key.input(unit);
                    &heap
                }
            };
            (hash(joined) % BUCKETS as u64) as u32
        }
    }
}

/// XXH64 with seed 0: the crate's one hash function. Bucketing uses it, and so do exposures
/// (deduplication fingerprints and salted context keys, docs/exposures.md), and hosts that need
/// a fingerprint (the Worker notices an unchanged snapshot by it) call it rather than another.
#[inline]
pub fn hash(bytes: &[u8]) -> u64 {
    xxh64(bytes, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_the_documented_bytes() {
        let key = BucketKey::new(Scheme::EdgeflagV1, "ai_search", Purpose::Rollout, "key");
        let mut bytes = key.prefix.to_vec();
        bytes.extend_from_slice("josé".as_bytes());
        assert_eq!(
            bytes,
            [
                0x61, 0x69, 0x5f, 0x73, 0x65, 0x61, 0x72, 0x63, 0x68, 0x1f, 0x72, 0x6f, 0x6c, 0x6c, 0x6f, 0x75, 0x74,
                0x1f, 0x6b, 0x65, 0x79, 0x1f, 0x6a, 0x6f, 0x73, 0xc3, 0xa9
            ]
        );
        let one_shot = xxhash_rust::xxh64::xxh64(&bytes, 0) % 100_000;
        assert_eq!(bucket(&key, "josé".as_bytes()) as u64, one_shot);
    }

    #[test]
    fn long_units_hash_the_same_bytes() {
        let key = BucketKey::new(Scheme::EdgeflagV1, "flag", Purpose::Rollout, "key");
        for len in [0, 200, 239, 240, 241, 300, 5000] {
            let unit = "é".repeat(len / 2);
            let expected = xxhash_rust::xxh64::xxh64(&key.input(unit.as_bytes()), 0) % 100_000;
            assert_eq!(bucket(&key, unit.as_bytes()) as u64, expected, "{len}");
        }
    }

    #[test]
    fn purposes_and_salts_separate_buckets() {
        let a = BucketKey::new(Scheme::EdgeflagV1, "flag-a", Purpose::Rollout, "key");
        let b = BucketKey::new(Scheme::EdgeflagV1, "flag-b", Purpose::Rollout, "key");
        let v = BucketKey::new(Scheme::EdgeflagV1, "flag-a", Purpose::Variant, "key");
        let same = (0..1000)
            .filter(|i| {
                let mut buf = itoa::Buffer::new();
                let u = buf.format(*i).as_bytes();
                bucket(&a, u) == bucket(&b, u) || bucket(&a, u) == bucket(&v, u)
            })
            .count();
        assert!(same < 3, "{same} collisions in 1000");
    }

    #[test]
    fn attributes_are_checked_as_pointers_define_them() {
        // Every string of up to four pieces from these, against the definition on parsed segments.
        let pieces = ["/", "~", "0", "1", "a", "\u{1f}"];
        let mut texts = alloc::vec![alloc::string::String::new()];
        let mut at = 0;
        while at < texts.len() {
            let t = texts[at].clone();
            at += 1;
            if t.chars().count() < 4 {
                texts.extend(pieces.iter().map(|p| t.clone() + p));
            }
        }
        for t in &texts {
            let expected = !t.is_empty()
                && !t.contains(SEPARATOR)
                && (!t.starts_with('/')
                    || crate::json::pointer::segments(t).is_ok_and(|s| s.len() > 1 || s[0].starts_with('/')));
            assert_eq!(check_attribute(t).is_ok(), expected, "{t:?}");
        }
    }
}

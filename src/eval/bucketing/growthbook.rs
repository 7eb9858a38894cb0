//! GrowthBook's hash versions 1 and 2 (`docs/bucketing.md`, "GrowthBook"), as integers: the
//! SDK's `n` is the bucket divided by [`HashVersion::scale`], and the importer turns its float
//! ranges into integer bounds on the bucket, so evaluation compares integers only.

use super::fnv::{self, fnv1a_32};
use super::text::Units;
use alloc::string::String;

/// `hashVersion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashVersion {
    /// `fnv(value + seed) % 1000`: the SDK's default for rules and experiments.
    V1,
    /// `fnv(decimal(fnv(seed + value))) % 10000`: the default of `filters`.
    V2,
}

impl HashVersion {
    /// How many buckets: the SDK's `n` is `bucket / scale`.
    pub fn scale(self) -> u32 {
        match self {
            HashVersion::V1 => 1_000,
            HashVersion::V2 => 10_000,
        }
    }
}

/// What FNV-1a folds in: the one parameter in which GrowthBook's SDKs disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrowthBookEncoding {
    /// UTF-16 code units, whole: the JavaScript SDK (and the back end). The default.
    Utf16,
    /// UTF-8 bytes: growthbook-rust. The same as UTF-16 for ASCII.
    Utf8,
}

impl GrowthBookEncoding {
    /// The names used in snapshots and by `edgeflag bucket --encoding`; the first is the default.
    pub const NAMES: [(&'static str, GrowthBookEncoding); 2] =
        [("utf16", GrowthBookEncoding::Utf16), ("utf8", GrowthBookEncoding::Utf8)];

    /// The units FNV-1a folds in.
    pub fn units(self) -> Units {
        match self {
            GrowthBookEncoding::Utf16 => Units::Utf16,
            GrowthBookEncoding::Utf8 => Units::Utf8,
        }
    }
}

/// The bucket, `0 ≤ bucket < version.scale()`, of `value` (the hash attribute's value as the
/// SDK writes it as a string) for `seed`.
pub fn bucket(seed: &str, value: &str, version: HashVersion, encoding: GrowthBookEncoding) -> u32 {
    hash(seed, value, version, encoding) % version.scale()
}

/// The text first hashed: `value + seed` (v1) or `seed + value` (v2).
pub fn input(seed: &str, value: &str, version: HashVersion) -> String {
    match version {
        HashVersion::V1 => [value, seed].concat(),
        HashVersion::V2 => [seed, value].concat(),
    }
}

/// The last FNV-1a before the modulo: of [`input`] (v1), or of the decimal digits of that (v2,
/// ASCII, so both encodings hash them alike).
pub fn hash(seed: &str, value: &str, version: HashVersion, encoding: GrowthBookEncoding) -> u32 {
    let parts = match version {
        HashVersion::V1 => [value, seed],
        HashVersion::V2 => [seed, value],
    };
    let first = fnv::text(&parts, encoding.units());
    match version {
        HashVersion::V1 => first,
        HashVersion::V2 => fnv1a_32(itoa::Buffer::new().format(i64::from(first)).bytes().map(u16::from)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_above_ascii_hash_apart_by_encoding() {
        // The README of the peer suites: v2, seed "exp", value "josé" gives n = 0.3584 in the
        // JavaScript SDK and 0.5681 over UTF-8.
        assert_eq!(bucket("exp", "josé", HashVersion::V2, GrowthBookEncoding::Utf16), 3584);
        assert_eq!(bucket("exp", "josé", HashVersion::V2, GrowthBookEncoding::Utf8), 5681);
    }
}

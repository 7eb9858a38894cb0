//! flagd's `fractional`, version 2 (flagd 0.15.0 and later, flagd-core 3.0.0 and later):
//! `docs/bucketing.md`, "flagd".

use super::murmur3;
use super::text::Units;

/// How the bucketing string becomes what MurmurHash3 reads: the one parameter in which flagd's
/// own evaluators disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagdEncoding {
    /// Its UTF-8 bytes: flagd (Go), the reference server. The default.
    Utf8,
    /// Its UTF-16 code units as `imurmurhash` mixes them: flagd-core, the JavaScript evaluator.
    /// The same as UTF-8 for ASCII.
    Utf16Imurmurhash,
}

impl FlagdEncoding {
    /// The names used in snapshots and by `edgeflag bucket --encoding`; the first is the default.
    pub const NAMES: [(&'static str, FlagdEncoding); 2] =
        [("utf8", FlagdEncoding::Utf8), ("utf16-imurmurhash", FlagdEncoding::Utf16Imurmurhash)];

    /// The units MurmurHash3 mixes.
    pub fn units(self) -> Units {
        match self {
            FlagdEncoding::Utf8 => Units::Utf8,
            FlagdEncoding::Utf16Imurmurhash => Units::Utf16,
        }
    }
}

/// How a context value becomes the unit hashed between `prefix` and `suffix`: the other
/// parameter, for the bucketing strings flagd-core builds with `cat` (a prefix, one context value,
/// a suffix), whose two JSON Logic modes write a missing value differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagdUnit {
    /// edgeflag's units (docs/bucketing.md §8): a string or an integer; none for anything else.
    Edgeflag,
    /// JavaScript's `String()` of the value, a missing one or `null` written `null`: flagd-core's
    /// `cat` in its default (compiled) mode.
    Cat,
    /// The same, a missing one or `null` written as nothing: flagd-core's `cat` interpreted
    /// (`disableDynamicCodeGeneration`).
    CatInterpreted,
}

impl FlagdUnit {
    /// The names used in snapshots; the first is the default.
    pub const NAMES: [(&'static str, FlagdUnit); 3] =
        [("edgeflag", FlagdUnit::Edgeflag), ("cat", FlagdUnit::Cat), ("cat-interpreted", FlagdUnit::CatInterpreted)];
}

/// The bucket, `0 ≤ bucket < total`, of the bucketing string: `parts` joined (by default the
/// flag key followed by the targeting key, with no separator), among weights summing to
/// `total`: `(murmur3(string) × total) >> 32`. The variant is the first whose running sum of
/// weights exceeds it. `total` is at most 2³¹ − 1, as flagd requires.
pub fn fractional_v2(parts: &[&str], total: u32, encoding: FlagdEncoding) -> u32 {
    ((u64::from(hash(parts, encoding)) * u64::from(total)) >> 32) as u32
}

/// MurmurHash3 (seed 0) of the bucketing string, `parts` joined, as `encoding` reads it.
pub fn hash(parts: &[&str], encoding: FlagdEncoding) -> u32 {
    murmur3::text(parts, encoding.units(), 0)
}

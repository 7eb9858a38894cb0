//! Unleash's normalised values (`docs/bucketing.md`, "Unleash"): MurmurHash3 of
//! `groupId:value`, modulo the range.

use super::murmur3;
use super::text::Units;
use alloc::string::String;

/// The seed of rollouts (`flexibleRollout`, `gradualRollout*`).
pub const ROLLOUT_SEED: u32 = 0;
/// The seed of variants (since the 2023 change, client-specification 5.0.0).
pub const VARIANT_SEED: u32 = 86_028_157;

/// How `groupId:value` becomes bytes: the one parameter in which Unleash's SDKs disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnleashEncoding {
    /// UTF-8: Yggdrasil, the engine most SDKs embed. The default.
    Utf8,
    /// The low byte of each UTF-16 code unit (npm `murmurhash3js`): unleash-client for Node.
    /// The same as UTF-8 for ASCII.
    Utf16LowByte,
}

impl UnleashEncoding {
    /// The names used in snapshots and by `edgeflag bucket --encoding`; the first is the default.
    pub const NAMES: [(&'static str, UnleashEncoding); 2] =
        [("utf8", UnleashEncoding::Utf8), ("utf16-low-byte", UnleashEncoding::Utf16LowByte)];

    /// The units MurmurHash3 mixes (bytes either way).
    pub fn units(self) -> Units {
        match self {
            UnleashEncoding::Utf8 => Units::Utf8,
            UnleashEncoding::Utf16LowByte => Units::Utf16LowByte,
        }
    }
}

/// The bucket, `0 ≤ bucket < n`: Unleash's normalised value minus one. A rollout of `p` percent
/// (`n` = 100, [`ROLLOUT_SEED`]) includes the unit when `bucket < p`, that is when the
/// normalised value is at most `p`; variants (`n` = the sum of weights, [`VARIANT_SEED`]) take
/// the first whose running sum exceeds it. `n` must not be 0.
pub fn normalized(group_id: &str, value: &str, seed: u32, n: u32, encoding: UnleashEncoding) -> u32 {
    hash(group_id, value, seed, encoding) % n.max(1)
}

/// The text hashed: `groupId:value`.
pub fn input(group_id: &str, value: &str) -> String {
    [group_id, ":", value].concat()
}

/// MurmurHash3 of `groupId:value` with `seed`, as `encoding` turns it into bytes.
pub fn hash(group_id: &str, value: &str, seed: u32, encoding: UnleashEncoding) -> u32 {
    murmur3::text(&[group_id, ":", value], encoding.units(), seed)
}

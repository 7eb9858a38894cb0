//! LaunchDarkly's bucket (`docs/bucketing.md`, "LaunchDarkly"): SHA-1 of `prefix.value`, its
//! first 15 hex digits as an integer below 2⁶⁰. The SDKs then divide by 0xFFFFFFFFFFFFFFF in
//! floating point and compare with sums of `weight / 100000`; the importer turns those
//! comparisons into integer bounds on this hash, reproducing each SDK's rounding exactly.

/// The scale the SDKs divide by: `0xFFFFFFFFFFFFFFF`.
pub const SCALE: u64 = 0x0FFF_FFFF_FFFF_FFFF;

/// In which floating point the SDK compares: the one parameter in which LaunchDarkly's SDKs
/// disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Float {
    /// 32-bit: the Go SDK (which the Relay Proxy runs), Java and Rust. The default.
    F32,
    /// 64-bit: the JavaScript SDKs (Node, edge).
    F64,
}

impl Float {
    /// The names used in snapshots and by `edgeflag bucket --encoding`; the first is the default.
    pub const NAMES: [(&'static str, Float); 2] = [("float32", Float::F32), ("float64", Float::F64)];
}

/// `int(hex(SHA-1(prefix + "." + value))[0..15], 16)`, `0 ≤ h < 2⁶⁰`. `prefix` is the rollout's
/// seed in decimal when it has one, else `flagKey.salt` (`segmentKey.salt` in segments).
pub fn hash(prefix: &str, value: &str) -> u64 {
    let d = sha1(prefix, value);
    // 15 hex digits are the first 60 bits: the first 8 bytes without their last 4 bits.
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]) >> 4
}

/// SHA-1 of the UTF-8 bytes of `prefix.value`.
pub fn sha1(prefix: &str, value: &str) -> [u8; 20] {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(prefix.as_bytes());
    sha.update(b".");
    sha.update(value.as_bytes());
    sha.digest().bytes()
}

/// The SDK's bucket value, `h / 0xFFFFFFFFFFFFFFF`, as that SDK computes it (the 32-bit one
/// widened exactly to 64 bits).
pub fn bucket_value(h: u64, float: Float) -> f64 {
    match float {
        // `parseInt` rounds to the nearest double; 0xFFFFFFFFFFFFFFF as a double is 2⁶⁰.
        Float::F64 => h as f64 / SCALE as f64,
        Float::F32 => f64::from(h as f32 / SCALE as f32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdks_consistency_values() {
        // LaunchDarkly's bucketing consistency values (its SDKs' tests: key `hashKey`, salt
        // `saltyA`; seeds 61 and 60), printed to eight places.
        let cases = [
            ("hashKey.saltyA", "userKeyA", 0.421_575_87),
            ("hashKey.saltyA", "userKeyB", 0.670_848_5),
            ("hashKey.saltyA", "userKeyC", 0.103_431_06),
            ("61", "userKeyA", 0.098_012_07),
            ("61", "userKeyB", 0.144_837_77),
            ("61", "userKeyC", 0.924_264_1),
            ("60", "userKeyA", 0.700_881_61),
            ("hashKey.saltyA", "33333", 0.547_714_23),
        ];
        for (prefix, value, expected) in cases {
            let h = hash(prefix, value);
            assert!(h < 1 << 60);
            for float in [Float::F32, Float::F64] {
                let v = bucket_value(h, float);
                assert!((v - expected).abs() < 5e-8, "{prefix}.{value} {float:?}: {v} against {expected}");
            }
        }
    }
}

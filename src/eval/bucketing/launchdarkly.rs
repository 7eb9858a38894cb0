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

#[cfg(feature = "peers")]
/// The SDK's comparison `bucket < threshold` as an integer bound: the least `h` (up to 2⁶⁰) for
/// which it fails. The bucket value never decreases as `h` grows, so a search finds it.
fn bound(holds: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (0u64, 1u64 << 60);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(feature = "peers")]
/// A rollout's integer bounds: for each variation but the last, the least `h` past its share,
/// as the SDK adds up `weight / 100000` in its floating point and compares (the first
/// variation whose running sum exceeds the bucket, else the last). `h` below `bounds[0]` is
/// the first variation's, and so on.
pub fn rollout_bounds(weights: &[u32], float: Float) -> alloc::vec::Vec<u64> {
    let n = weights.len().saturating_sub(1);
    let mut out = alloc::vec::Vec::with_capacity(n);
    let (mut sum32, mut sum64) = (0f32, 0f64);
    for &w in &weights[..n] {
        out.push(match float {
            Float::F32 => {
                sum32 += w as f32 / 100_000f32;
                let s = sum32;
                bound(|h| (h as f32 / SCALE as f32) < s)
            }
            Float::F64 => {
                sum64 += f64::from(w) / 100_000f64;
                let s = sum64;
                bound(|h| (h as f64 / SCALE as f64) < s)
            }
        });
    }
    out
}

#[cfg(feature = "peers")]
/// A segment rule's bound: the least `h` for which `bucket < weight / 100000` fails.
pub fn weight_bound(weight: u32, float: Float) -> u64 {
    match float {
        Float::F32 => {
            let s = weight as f32 / 100_000f32;
            bound(|h| (h as f32 / SCALE as f32) < s)
        }
        Float::F64 => {
            let s = f64::from(weight) / 100_000f64;
            bound(|h| (h as f64 / SCALE as f64) < s)
        }
    }
}

#[cfg(feature = "peers")]
/// Which slice `h` falls in: the first whose bound exceeds it, else the last.
pub fn slice(bounds: &[u64], h: u64) -> u32 {
    bounds.iter().position(|&b| h < b).unwrap_or(bounds.len()) as u32
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

    #[cfg(feature = "peers")]
    #[test]
    fn bounds_agree_with_the_comparisons_around_them() {
        let weights = [33_333, 0, 33_333, 1, 33_333, 0];
        for float in [Float::F32, Float::F64] {
            let bounds = rollout_bounds(&weights, float);
            assert_eq!(bounds.len(), weights.len() - 1);
            let (mut sum32, mut sum64) = (0f32, 0f64);
            for (i, &w) in weights[..5].iter().enumerate() {
                sum32 += w as f32 / 100_000f32;
                sum64 += f64::from(w) / 100_000f64;
                let below = |h: u64| match float {
                    Float::F32 => (h as f32 / SCALE as f32) < sum32,
                    Float::F64 => (h as f64 / SCALE as f64) < sum64,
                };
                let b = bounds[i];
                assert!(b == 0 || below(b - 1), "{float:?} {i}");
                assert!(b == 1 << 60 || !below(b), "{float:?} {i}");
            }
            // A whole share: h rounds up to 2⁶⁰ near the top, a bucket of 1.0, which is not below 1.
            let full = rollout_bounds(&[100_000, 0], float);
            assert!(full[0] < 1 << 60);
            assert_eq!(slice(&full, (1 << 60) - 1), 1);
            assert_eq!(slice(&full, 0), 0);
            assert_eq!(weight_bound(0, float), 0);
        }
    }
}

//! The SDK's float arithmetic on `n`, turned into integer bucket intervals at import time.
//!
//! `n` is `bucket / 1000` (hash version 1) or `bucket / 10000` (version 2), a binary64 division.
//! Each comparison the SDK makes is evaluated here, in binary64 as JavaScript does, for every
//! bucket; the buckets where it holds become `inBucket` ranges. No rounding formula is involved,
//! so a bound such as `coverage: 0.1` includes exactly the buckets the SDK includes.

use alloc::vec::Vec;

/// The SDK's `n` for a bucket.
pub fn n(bucket: u32, scale: u32) -> f64 {
    f64::from(bucket) / f64::from(scale)
}

/// The runs `[lo, hi)` of buckets `0 ≤ b < scale` where `holds(n(b))`.
pub fn runs(scale: u32, holds: impl Fn(f64) -> bool) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for b in 0..scale {
        if holds(n(b, scale)) {
            match out.last_mut() {
                Some((_, hi)) if *hi == b => *hi = b + 1,
                _ => out.push((b, b + 1)),
            }
        }
    }
    out
}

/// `inRange`: `start ≤ n < end`.
pub fn in_range(n: f64, range: (f64, f64)) -> bool {
    n >= range.0 && n < range.1
}

/// `chooseVariation`: the first range holding `n`, if any.
pub fn choose_variation(n: f64, ranges: &[(f64, f64)]) -> Option<usize> {
    ranges.iter().position(|&r| in_range(n, r))
}

/// `getEqualWeights`.
pub fn equal_weights(count: usize) -> Vec<f64> {
    let w = 1.0 / count as f64;
    (0..count).map(|_| w).collect()
}

/// `getBucketRanges(numVariations, coverage, weights)`, in the SDK's order of float operations:
/// coverage clamped to `[0, 1]`; weights of another length, or summing outside `[0.99, 1.01]`,
/// replaced by equal weights; then `[start, start + coverage × w)` with `start` the running sum.
pub fn bucket_ranges(count: usize, coverage: f64, weights: Option<&[f64]>) -> Vec<(f64, f64)> {
    let coverage = coverage.clamp(0.0, 1.0);
    let equal = equal_weights(count);
    let mut weights = match weights {
        Some(w) if w.len() == count => w.to_vec(),
        _ => equal.clone(),
    };
    let total = weights.iter().fold(0.0, |sum, w| w + sum);
    // The SDK's two comparisons, as written (a NaN sum keeps the weights).
    #[allow(clippy::manual_range_contains)]
    if total < 0.99 || total > 1.01 {
        weights = equal;
    }
    let mut cumulative = 0.0;
    weights
        .iter()
        .map(|w| {
            let start = cumulative;
            cumulative += w;
            (start, start + coverage * w)
        })
        .collect()
}

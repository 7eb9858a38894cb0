//! FNV-1a, 32 bits: GrowthBook's hash (`docs/bucketing.md`, "GrowthBook"). Its JavaScript SDK
//! folds in UTF-16 code units, so the hash takes units of up to 16 bits, not only bytes.

/// FNV-1a 32 of a sequence of units (bytes or UTF-16 code units), each XORed in whole.
pub fn fnv1a_32(units: impl IntoIterator<Item = u16>) -> u32 {
    units.into_iter().fold(0x811c_9dc5, |h: u32, u| (h ^ u32::from(u)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors() {
        // The FNV authors' test suite (Landon Curt Noll, fnv/test_fnv.c), FNV-1a 32.
        for (text, expected) in [("", 0x811c_9dc5), ("a", 0xe40c_292c), ("foobar", 0xbf9c_f968)] {
            assert_eq!(fnv1a_32(text.bytes().map(u16::from)), expected, "{text:?}");
        }
    }
}

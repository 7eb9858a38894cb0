//! FNV-1a, 32 bits: GrowthBook's hash (`docs/bucketing.md`, "GrowthBook"). Its JavaScript SDK
//! folds in UTF-16 code units, so the hash takes units of up to 16 bits, not only bytes.

/// FNV-1a 32 of a sequence of units (bytes or UTF-16 code units), each XORed in whole.
pub fn fnv1a_32(units: impl IntoIterator<Item = u16>) -> u32 {
    let mut h = OFFSET;
    units.into_iter().for_each(|u| step(&mut h, u));
    h
}

/// FNV-1a 32 of `parts` joined, as `units` of text (one loop in the module, through `dyn`).
pub(crate) fn text(parts: &[&str], units: super::text::Units) -> u32 {
    let mut h = OFFSET;
    super::text::each(parts, units, &mut |u| step(&mut h, u));
    h
}

const OFFSET: u32 = 0x811c_9dc5;

fn step(h: &mut u32, u: u16) {
    *h = (*h ^ u32::from(u)).wrapping_mul(0x0100_0193);
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

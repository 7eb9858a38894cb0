//! How the peers' schemes turn text into the units they hash (`docs/bucketing.md` §8): UTF-8
//! bytes, or UTF-16 code units (whole, or their low byte). One walk over the parts for every
//! hash, handing each unit to the hash through `dyn`, so the module holds one copy of each loop.

/// What a unit of text is to a scheme (each scheme's encoding says: `units()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// UTF-8 bytes.
    Utf8,
    /// UTF-16 code units, whole.
    Utf16,
    /// The low byte of each UTF-16 code unit.
    Utf16LowByte,
}

/// The units of `parts` joined: what a scheme hashes (`edgeflag bucket` prints them).
pub fn units(parts: &[&str], units: Units) -> alloc::vec::Vec<u16> {
    let mut out = alloc::vec::Vec::new();
    each(parts, units, &mut |u| out.push(u));
    out
}

/// Each unit of `parts`, joined, in order.
pub(crate) fn each(parts: &[&str], units: Units, f: &mut dyn FnMut(u16)) {
    for part in parts {
        match units {
            Units::Utf8 => part.bytes().for_each(|b| f(u16::from(b))),
            Units::Utf16 => part.encode_utf16().for_each(&mut *f),
            Units::Utf16LowByte => part.encode_utf16().for_each(|u| f(u & 0xff)),
        }
    }
}

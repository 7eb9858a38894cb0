//! MurmurHash3 x86_32 (Austin Appleby's reference, `MurmurHash3_x86_32`), the hash of flagd's
//! `fractional` and of Unleash, over bytes; and the same function as the JavaScript package
//! `imurmurhash` computes it over a string's UTF-16 code units, which is how flagd-core hashes
//! (`docs/bucketing.md`, "flagd").

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

fn mix(k: u32) -> u32 {
    k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

fn round(h: u32, k: u32) -> u32 {
    (h ^ mix(k)).rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64)
}

fn finish(mut h: u32, len: u32) -> u32 {
    h ^= len;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// MurmurHash3 x86_32 of `bytes`: four-byte little-endian blocks, then the tail.
pub fn x86_32(bytes: &[u8], seed: u32) -> u32 {
    let mut m = Murmur::new(seed);
    bytes.iter().for_each(|&b| m.push(u16::from(b)));
    m.finish()
}

/// What `new MurmurHash3(text).result()` of the npm package `imurmurhash` 0.1.4 returns for the
/// UTF-16 code units of `text`: see [`Murmur`].
pub fn imurmurhash(units: &[u16], seed: u32) -> u32 {
    let mut m = Murmur::new(seed);
    units.iter().for_each(|&u| m.push(u));
    m.finish()
}

/// MurmurHash3 x86_32 over units of up to 16 bits, as `imurmurhash` mixes them: the blocks are
/// four units `a b c d` mixed as `a ^ b << 8 ^ c << 16 ^ (d & 0xff) << 24 ^ d >> 8`, so units
/// above 0xff overlap their neighbours; the tail (one to three units, mixed the same way without
/// `d`) is skipped when it is negative as a 32-bit signed integer, and the length counted is the
/// number of units. Units below 0x100 are bytes, and then this is the reference MurmurHash3 of
/// those bytes (a byte tail is never negative).
pub(crate) struct Murmur {
    h: u32,
    len: u32,
    n: usize,
    block: [u32; 4],
}

impl Murmur {
    pub(crate) fn new(seed: u32) -> Murmur {
        Murmur { h: seed, len: 0, n: 0, block: [0; 4] }
    }

    pub(crate) fn push(&mut self, u: u16) {
        self.block[self.n] = u32::from(u);
        self.n += 1;
        self.len = self.len.wrapping_add(1);
        if self.n == 4 {
            let [a, b, c, d] = self.block;
            self.h = round(self.h, a ^ b << 8 ^ c << 16 ^ (d & 0xff) << 24 ^ d >> 8);
            self.n = 0;
        }
    }

    pub(crate) fn finish(self) -> u32 {
        let k = self.block[..self.n].iter().enumerate().fold(0u32, |k, (i, &u)| k ^ u << (8 * i));
        let h = if (k as i32) > 0 { self.h ^ mix(k) } else { self.h };
        finish(h, self.len)
    }
}

/// MurmurHash3 with `seed` of `parts` joined, as `units` of text.
pub(crate) fn text(parts: &[&str], units: super::text::Units, seed: u32) -> u32 {
    // ASCII is the same in every encoding, and short: hashed four bytes at a time from the stack.
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len <= ASCII_BUFFER && parts.iter().all(|p| p.is_ascii()) {
        let mut buf = [0u8; ASCII_BUFFER];
        let mut at = 0;
        for p in parts {
            buf[at..at + p.len()].copy_from_slice(p.as_bytes());
            at += p.len();
        }
        return blocks(&buf[..at], seed);
    }
    let mut m = Murmur::new(seed);
    super::text::each(parts, units, &mut |u| m.push(u));
    m.finish()
}

/// The longest text [`text`] hashes from a buffer on the stack.
const ASCII_BUFFER: usize = 128;

/// MurmurHash3 x86_32 of `bytes` by four-byte blocks: the same as [`x86_32`], without the unit
/// at a time.
fn blocks(bytes: &[u8], seed: u32) -> u32 {
    let mut chunks = bytes.chunks_exact(4);
    let mut h = seed;
    for c in &mut chunks {
        h = round(h, u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    }
    // A tail of bytes is never negative as an i32; `mix(0)` is 0.
    let k = chunks.remainder().iter().enumerate().fold(0u32, |k, (i, &b)| k ^ u32::from(b) << (8 * i));
    finish(h ^ mix(k), bytes.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn reference_vectors() {
        // SMHasher's verification strings and values published with ports of MurmurHash3_x86_32.
        let cases: [(&[u8], u32, u32); 9] = [
            (b"", 0, 0),
            (b"", 1, 0x514e_28b7),
            (b"", 0xffff_ffff, 0x81f1_6f39),
            (b"\0\0\0\0", 0, 0x2362_f9de),
            (b"aaaa", 0x9747_b28c, 0x5a97_808a),
            (b"abc", 0, 0xb3dd_93fa),
            (b"Hello, world!", 0x9747_b28c, 0x2488_4cba),
            (b"The quick brown fox jumps over the lazy dog", 0, 0x2e4f_f723),
            (b"hello", 0, 0x248b_fa47),
        ];
        for (bytes, seed, expected) in cases {
            assert_eq!(x86_32(bytes, seed), expected, "{:?} seed {seed:#x}", core::str::from_utf8(bytes));
        }
    }

    #[test]
    fn blocks_equal_the_unit_at_a_time_hash() {
        use super::super::text::Units;
        let long = "x".repeat(200);
        for text in ["", "a", "ab", "abc", "abcd", "abcde", "flag-keyuser-1", "\0\0\0\0", &long[..130]] {
            let bytes = text.as_bytes();
            for seed in [0, 86_028_157] {
                assert_eq!(blocks(bytes, seed), x86_32(bytes, seed), "{text:?}");
                for units in [Units::Utf8, Units::Utf16, Units::Utf16LowByte] {
                    let (a, b) = text.split_at(text.len() / 3);
                    let mut m = Murmur::new(seed);
                    super::super::text::each(&[a, b], units, &mut |u| m.push(u));
                    assert_eq!(super::text(&[a, b], units, seed), m.finish(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn imurmurhash_equals_the_bytes_below_u_0100_and_not_above() {
        for text in ["", "a", "ab", "abc", "abcd", "abcde", "flag-keyuser-1", "caf\u{e9}", "\u{ff}\u{ff}\u{ff}"] {
            let units: Vec<u16> = text.encode_utf16().collect();
            let latin1: Vec<u8> = units.iter().map(|&u| u as u8).collect();
            assert_eq!(imurmurhash(&units, 0), x86_32(&latin1, 0), "{text:?}");
        }
        let units: Vec<u16> = "用户42".encode_utf16().collect();
        assert_ne!(imurmurhash(&units, 0), x86_32("用户42".as_bytes(), 0));
    }
}

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
    units(&mut bytes.iter().map(|&b| u16::from(b)), seed)
}

/// What `new MurmurHash3(text).result()` of the npm package `imurmurhash` 0.1.4 returns for the
/// UTF-16 code units of `text`: see [`units`].
pub fn imurmurhash(units_of_text: &[u16], seed: u32) -> u32 {
    units(&mut units_of_text.iter().copied(), seed)
}

/// MurmurHash3 x86_32 over units of up to 16 bits, as `imurmurhash` mixes them: the blocks are
/// four units `a b c d` mixed as `a ^ b << 8 ^ c << 16 ^ (d & 0xff) << 24 ^ d >> 8`, so units
/// above 0xff overlap their neighbours; the tail (one to three units, mixed the same way without
/// `d`) is skipped when it is negative as a 32-bit signed integer, and the length counted is the
/// number of units. Units below 0x100 are bytes, and then this is the reference MurmurHash3 of
/// those bytes (a byte tail is never negative). One loop for every encoding, through `dyn`, so
/// the module has one copy.
pub fn units(units: &mut dyn Iterator<Item = u16>, seed: u32) -> u32 {
    let (mut h, mut len, mut n) = (seed, 0u32, 0);
    let mut block = [0u32; 4];
    for u in units {
        block[n] = u32::from(u);
        n += 1;
        len = len.wrapping_add(1);
        if n == 4 {
            let [a, b, c, d] = block;
            h = round(h, a ^ b << 8 ^ c << 16 ^ (d & 0xff) << 24 ^ d >> 8);
            n = 0;
        }
    }
    let k = block[..n].iter().enumerate().fold(0u32, |k, (i, &u)| k ^ u << (8 * i));
    if (k as i32) > 0 {
        h ^= mix(k);
    }
    finish(h, len)
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

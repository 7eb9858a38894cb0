//! Hashed lists: target keys and segment members written as salted hashes, so that a snapshot a
//! browser holds does not say who is on which list, while membership evaluates exactly as from
//! the keys (`docs/snapshot.md`, "Hashed lists").
//!
//! A hash is the first 16 bytes of SHA-512(salt ‖ unit value as UTF-8), as 32 lowercase hex
//! digits; the salt is the snapshot's `keyHashing.salt` (16 bytes, 32 hex digits). SHA-512 is the
//! one Ed25519 already brings (src/signature/): hashing adds no code of its own.

use ed25519_compact::sha512;

/// The only algorithm: SHA-512 truncated to 128 bits.
pub const ALGORITHM: &str = "sha512-128";

/// A snapshot's salt for hashed lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Salt(pub [u8; 16]);

/// A hash as its 32 hex digits (ASCII).
pub(crate) type Digest = [u8; 32];

impl Salt {
    /// From 32 lowercase hex digits.
    pub fn from_hex(text: &str) -> Option<Salt> {
        crate::hex::decode(text, false).map(Salt)
    }

    /// The hash of a unit value (a key, or an integer written in decimal).
    pub fn hash(&self, unit: &str) -> Digest {
        let mut h = sha512::Hash::new();
        h.update(self.0);
        h.update(unit.as_bytes());
        let mut out = [0u8; 32];
        crate::hex::encode_into(&h.finalize()[..16], &mut out);
        out
    }
}

/// Whether `text` is a hash as written in snapshots: 32 lowercase hex digits.
pub(crate) fn is_digest(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A digest as text. Lookups take its bytes as they are (`KeySet::contains_bytes`): checking
/// them as UTF-8 would bring core's validator, 0.6 KB, into the Wasm module.
#[cfg(feature = "json")]
pub(crate) fn text(d: &Digest) -> alloc::string::String {
    d.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_sha512_prefixes() {
        let salt = Salt::from_hex("000102030405060708090a0b0c0d0e0f").expect("hex");
        // Python: hashlib.sha512(bytes(range(16)) + b"user-1").hexdigest()[:32]
        let want = *b"a1c4855c55d64d61f750c29f721e8170";
        assert_eq!(salt.hash("user-1"), want);
        assert!(is_digest(&text(&want)));
        assert_ne!(salt.hash("user-1"), salt.hash("user-2"));
        assert_ne!(Salt([0; 16]).hash("user-1"), salt.hash("user-1"));
        assert_eq!(Salt::from_hex("000102030405060708090A0B0C0D0E0F"), None, "lowercase only");
        assert_eq!(Salt::from_hex("0001"), None);
    }
}

//! Signing snapshots (feature `sign`): the CLI, and hosts that sign what they derive.

use super::{KeyError, PublicKey, DOMAIN};
use crate::json::scan::trim;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A secret Ed25519 key that signs snapshots. Its seed — 32 random bytes, the whole secret — is
/// what `edgeflag keygen` writes to a key file, as 64 hex digits.
#[derive(Clone)]
pub struct SigningKey {
    pair: ed25519_compact::KeyPair,
    public: PublicKey,
}

impl SigningKey {
    /// The key of a 32-byte seed (all zeros is refused: it is no secret).
    pub fn from_seed(seed: [u8; 32]) -> Result<SigningKey, KeyError> {
        let pair = ed25519_compact::KeyPair::try_from_seed(ed25519_compact::Seed::new(seed))
            .map_err(|_| KeyError(String::from("the seed is all zeros")))?;
        let public = PublicKey::from_bytes(*pair.pk)?;
        Ok(SigningKey { pair, public })
    }

    /// The key of a seed written as 64 hex digits (either case; whitespace around is ignored),
    /// as in a key file.
    pub fn from_hex(text: &str) -> Result<SigningKey, KeyError> {
        match crate::hex::decode(trim(text), true) {
            Some(seed) => SigningKey::from_seed(seed),
            None => Err(KeyError(String::from("a signing key is its 32-byte seed as 64 hex digits"))),
        }
    }

    /// The seed as 64 lowercase hex digits (the key file's content).
    pub fn seed_hex(&self) -> String {
        crate::hex::encode(&self.pair.sk.seed()[..])
    }

    /// The public key runtimes are given.
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The envelope of `snapshot` (JSON text; the whitespace around it is left out, as readers
    /// leave it out), signed: deterministic Ed25519 (RFC 8032), the same bytes every time.
    pub fn sign(&self, snapshot: &str) -> String {
        let snapshot = trim(snapshot);
        let mut message = Vec::with_capacity(DOMAIN.len() + snapshot.len());
        message.extend_from_slice(DOMAIN);
        message.extend_from_slice(snapshot.as_bytes());
        let signature = self.pair.sk.sign(&message, None);
        let mut out = String::with_capacity(snapshot.len() + 220);
        out.push_str("{\"signature\":{\"algorithm\":\"ed25519\",\"keyId\":\"");
        out.push_str(&self.public.id_hex());
        out.push_str("\",\"value\":\"");
        out.push_str(&crate::hex::encode(&signature[..]));
        out.push_str("\"},\"snapshot\":");
        out.push_str(snapshot);
        out.push('}');
        out
    }
}

/// Shows the public key only: a secret does not end up in logs.
impl SigningKey {
    /// `compiled` (an unsigned compiled snapshot, docs/compiled.md) signed: its header marked
    /// signed, then this key's id and its signature over `compiled::DOMAIN` and every byte before
    /// them. Refused (`unsupported_format`, `corrupt`) when `compiled` is not an unsigned compiled
    /// snapshot this evaluator reads.
    pub fn sign_compiled(&self, compiled: &[u8]) -> Result<Vec<u8>, crate::error::LoadError> {
        crate::compiled::check_unsigned(compiled)?;
        let mut out = Vec::with_capacity(compiled.len() + crate::compiled::TRAILER_BYTES);
        out.extend_from_slice(compiled);
        let features = u16::from_le_bytes([out[6], out[7]]) | crate::compiled::SIGNED;
        out[6..8].copy_from_slice(&features.to_le_bytes());
        let mut message = Vec::with_capacity(crate::compiled::DOMAIN.len() + out.len());
        message.extend_from_slice(crate::compiled::DOMAIN);
        message.extend_from_slice(&out);
        let signature = self.pair.sk.sign(&message, None);
        out.extend_from_slice(&self.public.id());
        out.extend_from_slice(&signature[..]);
        Ok(out)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("public", &self.public.to_hex()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::LoadErrorKind;
    use crate::signature::{Envelope, Keys};

    const SNAPSHOT: &str = r#"{"version":1,"generatedAt":"2026-11-20T00:00:00Z","flags":{}}"#;

    fn key() -> SigningKey {
        SigningKey::from_seed([7; 32]).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn round_trip_and_shape() {
        let k = key();
        let signed = k.sign(&alloc::format!("\n {SNAPSHOT}\n"));
        let e = Envelope::parse(&signed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.snapshot, SNAPSHOT);
        assert_eq!(e.key_id, k.public_key().id());
        let keys = Keys::new([k.public_key()]);
        assert_eq!(keys.open(&signed), Ok(SNAPSHOT));
        assert_eq!(Keys::default().open(&signed), Ok(SNAPSHOT));
        assert_eq!(Keys::default().open(SNAPSHOT), Ok(SNAPSHOT));
        assert_eq!(keys.open(SNAPSHOT).map_err(|e| e.kind), Err(LoadErrorKind::Unsigned));
        // Whitespace outside the snapshot changes nothing.
        let spaced = signed.replacen("{\"signature\":", " {\n \"signature\" : ", 1).replacen(
            ",\"snapshot\":",
            " ,\t\"snapshot\" :\n",
            1,
        );
        assert_eq!(keys.open(&alloc::format!("{spaced} \n")), Ok(SNAPSHOT));
        assert_eq!(SigningKey::from_hex(&k.seed_hex()).map(|k| k.public_key()), Ok(k.public_key()));
    }

    #[test]
    fn keys_parse() {
        let a = key().public_key();
        let b = SigningKey::from_seed([9; 32]).unwrap_or_else(|e| panic!("{e}")).public_key();
        let list = alloc::format!(" {},{}\n, {} ,", a.to_hex(), b.to_hex().to_uppercase(), a.to_hex());
        assert_eq!(Keys::parse(&list).map(|k| k.keys().to_vec()), Ok(alloc::vec![a, b]));
        assert_eq!(Keys::parse(""), Ok(Keys::default()));
        assert!(Keys::parse("abc").is_err());
        // Not a curve point, and a point of small order (the identity).
        let mut bad = [0xff; 32];
        bad[31] = 0x7f;
        assert!(PublicKey::from_bytes(bad).is_err());
        let mut identity = [0; 32];
        identity[0] = 1;
        assert!(PublicKey::from_bytes(identity).is_err());
        assert!(SigningKey::from_seed([0; 32]).is_err());
    }
}

//! Signed snapshots (`docs/snapshot.md`, "Signed snapshots"): an envelope
//! `{"signature":{"algorithm":"ed25519","keyId":"…","value":"…"},"snapshot":…}` whose Ed25519
//! signature covers [`DOMAIN`] followed by the `snapshot` member's value, byte for byte as it
//! stands in the envelope.
//!
//! Nothing is serialised again, so there is no canonical form to agree on: the verifier finds
//! those bytes, checks the signature, and only then parses them. With keys trusted, bytes no
//! trusted key signed never reach the loader. Verifying is all the npm package's modules do;
//! signing (feature `sign`) is for the CLI and hosts that sign what they derive.

mod envelope;
#[cfg(feature = "sign")]
mod sign;

pub(crate) use envelope::diagnose;
pub use envelope::{contents, is_envelope, Envelope};
#[cfg(feature = "sign")]
pub use sign::SigningKey;

use crate::error::{LoadError, LoadErrorKind};
use crate::json::scan::trim;
use crate::message::message;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use ed25519_compact::{sha512, Signature};

/// What is signed before the snapshot's bytes: a signature over a snapshot cannot be taken for
/// one over anything else the same key signs.
pub const DOMAIN: &[u8] = b"edgeflag-snapshot-v1\n";

/// The `algorithm` of every signature.
pub const ALGORITHM: &str = "ed25519";

/// An Ed25519 public key a runtime trusts, with its key id: the first 8 bytes of the SHA-512 of
/// its 32 bytes, which envelopes name it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
    id: [u8; 8],
}

impl PublicKey {
    /// A key from its 32 bytes; refused when they are not a point of the curve, or one of small
    /// order (no signature could be trusted under it).
    pub fn from_bytes(bytes: [u8; 32]) -> Result<PublicKey, KeyError> {
        match ed25519_compact::PublicKey::new(bytes).validate() {
            Ok(()) => {
                let mut id = [0; 8];
                id.copy_from_slice(&sha512::Hash::hash(bytes)[..8]);
                Ok(PublicKey { bytes, id })
            }
            Err(_) => {
                Err(KeyError(String::from("not an Ed25519 public key (not a curve point, or one of small order)")))
            }
        }
    }

    /// A key from 64 hex digits (either case), as runtimes are given keys.
    pub fn from_hex(text: &str) -> Result<PublicKey, KeyError> {
        let text = trim(text);
        let why = match crate::hex::decode(text, true).map(PublicKey::from_bytes) {
            Some(Ok(key)) => return Ok(key),
            Some(Err(e)) => e.0,
            None => String::from("expected 64 hex digits"),
        };
        // Keys are ASCII when they are keys at all; anything else is shown by its length.
        let shown = if text.len() <= 64 && text.is_ascii() { text } else { "…" };
        Err(KeyError(message!("public key ", quoted(shown), ": ", &why).text()))
    }

    /// The key's 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// The key as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.bytes)
    }

    /// The key id: SHA-512 of the key, first 8 bytes.
    pub fn id(&self) -> [u8; 8] {
        self.id
    }

    /// The key id as envelopes write it: 16 lowercase hex digits.
    pub fn id_hex(&self) -> String {
        crate::hex::encode(&self.id)
    }

    /// Whether `signature` is this key's over the concatenation of `parts` (a domain, then what
    /// it signs).
    fn verifies(&self, signature: &[u8; 64], parts: &[&[u8]]) -> bool {
        let key = ed25519_compact::PublicKey::new(self.bytes);
        // Streamed: the parts are hashed where they are, not copied together.
        match key.verify_incremental(&Signature::new(*signature)) {
            Ok(mut state) => {
                parts.iter().for_each(|p| state.absorb(p));
                state.verify().is_ok()
            }
            Err(_) => false,
        }
    }
}

/// A key that could not be read (a setting, not a snapshot: no path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError(pub String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for KeyError {}

/// The public keys a runtime trusts; several at once while keys rotate. None trusted (the
/// default) means unsigned snapshots load as they always have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    keys: Vec<PublicKey>,
}

impl Keys {
    /// These keys (a key given twice counts once).
    pub fn new(keys: impl IntoIterator<Item = PublicKey>) -> Keys {
        let mut out = Keys::default();
        for k in keys {
            if !out.keys.contains(&k) {
                out.keys.push(k);
            }
        }
        out
    }

    /// Keys as 64 hex digits each, separated by commas (whitespace around each ignored; an empty
    /// text: none).
    pub fn parse(list: &str) -> Result<Keys, KeyError> {
        let mut keys = Vec::new();
        // Split on bytes (a comma is ASCII, so each piece is whole text): core's pattern search
        // would cost the Wasm module more than the loop.
        let mut rest = list;
        while !rest.is_empty() {
            let end = rest.bytes().position(|b| b == b',').unwrap_or(rest.len());
            let item = trim(rest.get(..end).unwrap_or_default());
            rest = rest.get(end + 1..).unwrap_or_default();
            if !item.is_empty() {
                keys.push(PublicKey::from_hex(item)?);
            }
        }
        Ok(Keys::new(keys))
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys, in the order given.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The snapshot text to load from `text`. With keys: `text` must be an envelope whose
    /// signature verifies with one of them. Without: a plain snapshot is `text` itself, and an
    /// envelope gives its snapshot, the signature's shape checked but not the signature (so
    /// snapshots can be signed before every runtime has the key).
    pub fn open<'t>(&self, text: &'t str) -> Result<&'t str, LoadError> {
        if !is_envelope(text) {
            return if self.is_empty() { Ok(text) } else { Err(self.unsigned()) };
        }
        let envelope = Envelope::parse(text)?;
        if !self.is_empty() {
            envelope.verify(self)?;
        }
        Ok(envelope.snapshot)
    }

    /// Checks a signature with its key id against these keys: `unknown_key` (at `paths[0]`) when
    /// none has that id, `bad_signature` (at `paths[1]`) when it does not verify over `parts`.
    /// Returns the key that verified it.
    pub(crate) fn verify(
        &self,
        key_id: &[u8; 8],
        signature: &[u8; 64],
        parts: &[&[u8]],
        paths: [&str; 2],
    ) -> Result<&PublicKey, LoadError> {
        let named = self.named(key_id, paths[0])?;
        // Ids are 64 bits: two trusted keys could share one, so each is tried.
        named.into_iter().find(|k| k.verifies(signature, parts)).ok_or_else(|| bad_signature(key_id, paths[1]))
    }

    /// The trusted keys with id `key_id`; `unknown_key` at `path` when there is none.
    fn named(&self, key_id: &[u8; 8], path: &str) -> Result<Vec<&PublicKey>, LoadError> {
        let named: Vec<&PublicKey> = self.keys.iter().filter(|k| k.id == *key_id).collect();
        if named.is_empty() {
            let message =
                message!("key ", &crate::hex::encode(key_id), " is not trusted (trusted: ", &self.ids(), ")").text();
            return Err(error(LoadErrorKind::UnknownKey, path, message));
        }
        Ok(named)
    }

    /// What verifying a compiled snapshot (docs/compiled.md) takes, for a host that verifies
    /// Ed25519 itself (the npm package in browsers, with WebCrypto): `unsigned` or `unknown_key`
    /// at `signature` as [`Keys::check_compiled`] refuses them, before anything past the header
    /// is read. With no keys trusted every snapshot is `unsigned`: ask only with keys.
    pub fn signed_compiled<'b>(&self, bytes: &'b [u8]) -> Result<Signed<'b, '_>, LoadError> {
        let (signed, key_id, signature) = crate::compiled::signed_parts(bytes).ok_or_else(|| self.unsigned())?;
        let keys = self.named(&key_id, "signature")?;
        Ok(Signed { parts: [crate::compiled::DOMAIN, signed], key_id, signature, keys })
    }

    /// With keys, that `bytes` are a compiled snapshot (docs/compiled.md) signed by one of them:
    /// `unsigned`, `unknown_key` or `bad_signature` otherwise, all at `signature`, before anything
    /// past the header is read. Without keys, anything passes (the decoder checks the rest).
    pub fn check_compiled(&self, bytes: &[u8]) -> Result<(), LoadError> {
        if self.is_empty() {
            return Ok(());
        }
        let (signed, key_id, signature) = crate::compiled::signed_parts(bytes).ok_or_else(|| self.unsigned())?;
        let paths = ["signature", "signature"];
        self.verify(&key_id, &signature, &[crate::compiled::DOMAIN, signed], paths).map(|_| ())
    }

    /// The refusal of a snapshot that is not signed.
    pub(crate) fn unsigned(&self) -> LoadError {
        error(
            LoadErrorKind::Unsigned,
            "signature",
            message!("the snapshot is not signed; only snapshots signed with a trusted key load (", &self.ids(), ")")
                .text(),
        )
    }

    /// The trusted key ids, comma-separated, for messages.
    fn ids(&self) -> String {
        let mut out = String::new();
        for k in &self.keys {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(&k.id_hex());
        }
        out
    }
}

/// A signed compiled snapshot to verify ([`Keys::signed_compiled`]): it loads when `signature`
/// is one of `keys`' over the concatenation of `parts` (the domain, then the bytes signed).
pub struct Signed<'b, 'k> {
    /// [`crate::compiled::DOMAIN`], then every byte before the trailer.
    pub parts: [&'b [u8]; 2],
    /// The key id the trailer names.
    pub key_id: [u8; 8],
    /// The trailer's Ed25519 signature.
    pub signature: [u8; 64],
    /// The trusted keys with the signature's key id (ids are 64 bits: rarely, more than one).
    pub keys: Vec<&'k PublicKey>,
}

impl Signed<'_, '_> {
    /// The refusal when no key in `keys` verifies the signature.
    pub fn refusal(&self) -> LoadError {
        bad_signature(&self.key_id, "signature")
    }
}

fn bad_signature(key_id: &[u8; 8], path: &str) -> LoadError {
    let id = crate::hex::encode(key_id);
    let message = message!(
        "the signature does not verify with key ",
        &id,
        ": the snapshot changed after it was signed, or another key signed it"
    );
    error(LoadErrorKind::BadSignature, path, message.text())
}

fn error(kind: LoadErrorKind, path: &str, message: String) -> LoadError {
    LoadError { kind, path: String::from(path), message }
}

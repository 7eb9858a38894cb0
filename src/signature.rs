//! Signed snapshots (`docs/snapshot.md`, "Signed snapshots"): an envelope
//! `{"signature":{"algorithm":"ed25519","keyId":"…","value":"…"},"snapshot":…}` whose Ed25519
//! signature covers [`DOMAIN`] followed by the `snapshot` member's value, byte for byte as it
//! stands in the envelope.
//!
//! Nothing is serialised again, so there is no canonical form to agree on: the verifier finds
//! those bytes, checks the signature, and only then parses them. With keys trusted, bytes no
//! trusted key signed never reach the loader. Verifying is all the npm package's modules do;
//! signing (feature `sign`) is for the CLI and hosts that sign what they derive.

use crate::error::{LoadError, LoadErrorKind};
use crate::json::Json;
use crate::message::fill;
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
        Err(KeyError(fill("public key \u{1}: \u{4}", shown, &why)))
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

    /// Whether `signature` is this key's over [`DOMAIN`] and `snapshot`.
    fn verifies(&self, signature: &[u8; 64], snapshot: &str) -> bool {
        let key = ed25519_compact::PublicKey::new(self.bytes);
        // Streamed: the domain and the snapshot are hashed where they are, not copied together.
        match key.verify_incremental(&Signature::new(*signature)) {
            Ok(mut state) => {
                state.absorb(DOMAIN);
                state.absorb(snapshot.as_bytes());
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
        for item in list.split(',').map(trim).filter(|s| !s.is_empty()) {
            keys.push(PublicKey::from_hex(item)?);
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

    /// The refusal of a snapshot that is not signed.
    pub(crate) fn unsigned(&self) -> LoadError {
        error(
            LoadErrorKind::Unsigned,
            "signature",
            fill("the snapshot is not signed; only snapshots signed with a trusted key load (\u{2})", &self.ids(), ""),
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

/// A signed snapshot, read but not verified: the key id and signature it names and the bytes of
/// its snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope<'t> {
    /// The signing key's id.
    pub key_id: [u8; 8],
    /// The signature's 64 bytes.
    pub signature: [u8; 64],
    /// The `snapshot` member's value exactly as it stands in the envelope (what is signed, after
    /// [`DOMAIN`]).
    pub snapshot: &'t str,
}

impl<'t> Envelope<'t> {
    /// Reads an envelope: `{`, `"signature"`, its object, `"snapshot"` and the snapshot, then
    /// `}`, in this order, JSON whitespace allowed between. The snapshot is everything between
    /// its `:` and the envelope's closing brace (the text's last byte but whitespace), without
    /// the whitespace around it, so finding it does not read it; it is parsed when loaded.
    pub fn parse(text: &'t str) -> Result<Envelope<'t>, LoadError> {
        let mut s = Scan { text, i: 0 };
        if !(s.eat(b'{') && s.name() == Some("signature") && s.eat(b':')) {
            return Err(not_json(text));
        }
        let Some(signature) = s.value() else { return Err(not_json(text)) };
        if s.eat(b'}') {
            return Err(error(
                LoadErrorKind::MissingField,
                "snapshot",
                String::from("missing required member \"snapshot\""),
            ));
        }
        if !s.eat(b',') {
            return Err(not_json(text));
        }
        match s.name() {
            Some("snapshot") => {}
            Some(name) => return Err(member(name)),
            None => return Err(not_json(text)),
        }
        if !s.eat(b':') {
            return Err(not_json(text));
        }
        s.whitespace();
        let closing = trim_end(text).strip_suffix('}');
        let end = closing.map_or(0, |before| trim_end(before).len());
        let Some(snapshot) = text.get(s.i..end).filter(|v| !v.is_empty()) else { return Err(not_json(text)) };
        let (key_id, signature) = read_signature(text, signature)?;
        Ok(Envelope { key_id, signature, snapshot })
    }

    /// Checks the signature against the trusted keys with its key id: `unknown_key` when none has
    /// it, `bad_signature` when it does not verify. Returns the key that verified it.
    pub fn verify<'k>(&self, keys: &'k Keys) -> Result<&'k PublicKey, LoadError> {
        let mut named = keys.keys.iter().filter(|k| k.id == self.key_id).peekable();
        if named.peek().is_none() {
            let message =
                fill("key \u{2} is not trusted (trusted: \u{4})", &crate::hex::encode(&self.key_id), &keys.ids());
            return Err(error(LoadErrorKind::UnknownKey, "signature.keyId", message));
        }
        // Ids are 64 bits: two trusted keys could share one, so each is tried.
        match named.find(|k| k.verifies(&self.signature, self.snapshot)) {
            Some(k) => Ok(k),
            None => Err(error(
                LoadErrorKind::BadSignature,
                "signature.value",
                fill(
                    "the signature does not verify with key \u{2}: the snapshot changed after it was signed, or another key signed it",
                    &crate::hex::encode(&self.key_id),
                    "",
                ),
            )),
        }
    }
}

/// Whether `text` is an envelope rather than a plain snapshot: an object whose first member is
/// `signature` (which a snapshot does not have). Reads only that far.
pub fn is_envelope(text: &str) -> bool {
    let mut s = Scan { text, i: 0 };
    s.eat(b'{') && s.name() == Some("signature")
}

/// The snapshot text inside `text` when it is an envelope (its signature not checked: for text
/// already verified), else `text`.
pub fn contents(text: &str) -> Result<&str, LoadError> {
    Keys::default().open(text)
}

/// The error for an envelope whose snapshot did not parse: the whole text's own (its line and
/// column), or the member that follows `snapshot` when the text is JSON after all.
pub(crate) fn diagnose(text: &str, fallback: LoadError) -> LoadError {
    match crate::snapshot::parse_document(text) {
        Err(e) => e,
        Ok(Json::Object(members)) => members.get(2).map_or(fallback, |(name, _)| named(name)),
        Ok(_) => fallback,
    }
}

/// `signature`'s object: algorithm, key id, signature value.
fn read_signature(text: &str, (start, end): (usize, usize)) -> Result<([u8; 8], [u8; 64]), LoadError> {
    let Ok(value) = Json::parse(text.get(start..end).unwrap_or_default()) else { return Err(not_json(text)) };
    let Json::Object(members) = &value else {
        return Err(error(LoadErrorKind::WrongType, "signature", String::from("expected an object")));
    };
    let mut seen = [false; 3];
    for (name, _) in members {
        let at = match &**name {
            "algorithm" => 0,
            "keyId" => 1,
            "value" => 2,
            other => {
                return Err(in_signature(LoadErrorKind::UnknownField, other, fill("unknown member \u{1}", other, "")))
            }
        };
        if seen[at] {
            return Err(in_signature(LoadErrorKind::Duplicate, name, fill("duplicate member \u{1}", name, "")));
        }
        seen[at] = true;
    }
    let algorithm = string(&value, "algorithm")?;
    if algorithm != ALGORITHM {
        let message = fill("unsupported algorithm \u{1}; signatures are \u{3}", algorithm, ALGORITHM);
        return Err(error(LoadErrorKind::InvalidValue, "signature.algorithm", message));
    }
    let key_id = string(&value, "keyId")?;
    let Some(key_id) = crate::hex::decode(key_id, false) else {
        return Err(error(
            LoadErrorKind::InvalidValue,
            "signature.keyId",
            String::from("expected 16 lowercase hex digits"),
        ));
    };
    let Some(signature) = crate::hex::decode(string(&value, "value")?, false) else {
        return Err(error(
            LoadErrorKind::InvalidValue,
            "signature.value",
            String::from("expected 128 lowercase hex digits"),
        ));
    };
    Ok((key_id, signature))
}

/// The string member `name` of `signature`.
fn string<'v>(signature: &'v Json<'_>, name: &'static str) -> Result<&'v str, LoadError> {
    match signature.get(name) {
        Some(Json::String(s)) => Ok(s),
        Some(_) => Err(in_signature(LoadErrorKind::WrongType, name, String::from("expected a string"))),
        None => Err(in_signature(LoadErrorKind::MissingField, name, fill("missing required member \u{1}", name, ""))),
    }
}

/// An error at `signature.<name>`.
fn in_signature(kind: LoadErrorKind, name: &str, message: String) -> LoadError {
    let mut path = String::from("signature");
    crate::path::push_key(&mut path, name);
    LoadError { kind, path, message }
}

/// The error for the member after `signature` when it is not `snapshot`, named as written:
/// names are compared as written, so `"snap\u0073hot"` is refused rather than decoded.
fn member(raw: &str) -> LoadError {
    if raw.contains('\\') {
        let message = fill("\u{2}: the envelope's member names are written without escapes", raw, "");
        return error(LoadErrorKind::InvalidValue, "", message);
    }
    named(raw)
}

/// The error for an envelope member `name` in the place of `snapshot`.
fn named(name: &str) -> LoadError {
    let mut path = String::new();
    crate::path::push_key(&mut path, name);
    let (kind, template) = match name {
        "signature" | "snapshot" => (LoadErrorKind::Duplicate, "duplicate member \u{1}"),
        _ => (
            LoadErrorKind::UnknownField,
            "unknown member \u{1}; a signed snapshot has only \"signature\" and \"snapshot\"",
        ),
    };
    LoadError { kind, path, message: fill(template, name, "") }
}

/// The `invalid_json` error of text that is not an envelope's JSON: the parser's own.
fn not_json(text: &str) -> LoadError {
    match crate::snapshot::parse_document(text) {
        Err(e) => e,
        // JSON, but not shaped as an envelope (the parts out of order, say).
        Ok(_) => error(
            LoadErrorKind::InvalidValue,
            "",
            String::from("a signed snapshot is {\"signature\": {…}, \"snapshot\": {…}}, in this order"),
        ),
    }
}

fn error(kind: LoadErrorKind, path: &str, message: String) -> LoadError {
    LoadError { kind, path: String::from(path), message }
}

/// `text` without JSON whitespace (space, tab, LF, CR) at its end, or at its start too when
/// `trim` is used: byte loops, lighter in the Wasm module than `str`'s pattern trimming.
fn trim_end(text: &str) -> &str {
    let mut end = text.len();
    while end > 0 && is_whitespace(text.as_bytes()[end - 1]) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

fn trim(text: &str) -> &str {
    let text = trim_end(text);
    let start = text.bytes().take_while(|&b| is_whitespace(b)).count();
    text.get(start..).unwrap_or_default()
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Finds an envelope's parts without parsing them: member names as written and where values
/// end. Only structure is read here; each part is parsed afterwards.
struct Scan<'t> {
    text: &'t str,
    i: usize,
}

impl<'t> Scan<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }

    fn whitespace(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.i += 1;
        }
    }

    /// `byte` after optional whitespace: consumed, or false.
    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        let found = self.peek() == Some(byte);
        self.i += usize::from(found);
        found
    }

    /// A string after optional whitespace, as written between its quotes (escapes kept).
    fn name(&mut self) -> Option<&'t str> {
        self.whitespace();
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.i + 1;
        self.string()?;
        self.text.get(start..self.i - 1)
    }

    /// Skips a string at its opening quote, leaving `i` after the closing one.
    fn string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }

    /// Skips a value up to the `,` or `}` that ends it (outside strings, at its own level):
    /// its byte range without the whitespace after it.
    fn value(&mut self) -> Option<(usize, usize)> {
        self.whitespace();
        let start = self.i;
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b',' | b'}' | b']' if depth == 0 => break,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
            self.i += 1;
        }
        let end = start + trim_end(self.text.get(start..self.i)?).len();
        Some((start, end))
    }
}

/// A secret Ed25519 key that signs snapshots. Its seed — 32 random bytes, the whole secret — is
/// what `edgeflag keygen` writes to a key file, as 64 hex digits.
#[cfg(feature = "sign")]
#[derive(Clone)]
pub struct SigningKey {
    pair: ed25519_compact::KeyPair,
    public: PublicKey,
}

#[cfg(feature = "sign")]
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
#[cfg(feature = "sign")]
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("public", &self.public.to_hex()).finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "sign"))]
mod tests {
    use super::*;

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

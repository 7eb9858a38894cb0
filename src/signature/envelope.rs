//! The envelope of a signed snapshot: found by a structural scan, its signature read, verified
//! against the trusted keys before the snapshot inside is parsed.

use super::{error, Keys, PublicKey, ALGORITHM};
use crate::error::{LoadError, LoadErrorKind};
use crate::json::scan::{trim_end, Scan};
use crate::json::Json;
use crate::message::message;
use alloc::string::String;

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
        let paths = ["signature.keyId", "signature.value"];
        keys.verify(&self.key_id, &self.signature, &[super::DOMAIN, self.snapshot.as_bytes()], paths)
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
    match crate::json::document(text) {
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
                return Err(in_signature(
                    LoadErrorKind::UnknownField,
                    other,
                    message!("unknown member ", quoted(other)).text(),
                ))
            }
        };
        if seen[at] {
            return Err(in_signature(
                LoadErrorKind::Duplicate,
                name,
                message!("duplicate member ", quoted(name)).text(),
            ));
        }
        seen[at] = true;
    }
    let algorithm = string(&value, "algorithm")?;
    if algorithm != ALGORITHM {
        let message =
            message!("unsupported algorithm ", quoted(algorithm), "; signatures are ", quoted(ALGORITHM)).text();
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
        None => Err(in_signature(
            LoadErrorKind::MissingField,
            name,
            message!("missing required member ", quoted(name)).text(),
        )),
    }
}

/// An error at `signature.<name>`.
fn in_signature(kind: LoadErrorKind, name: &str, message: String) -> LoadError {
    let mut path = String::from("signature");
    crate::json::path::push_key(&mut path, name);
    LoadError { kind, path, message }
}

/// The error for the member after `signature` when it is not `snapshot`, named as written:
/// names are compared as written, so `"snap\u0073hot"` is refused rather than decoded.
fn member(raw: &str) -> LoadError {
    if raw.contains('\\') {
        let message = message!(raw, ": the envelope's member names are written without escapes").text();
        return error(LoadErrorKind::InvalidValue, "", message);
    }
    named(raw)
}

/// The error for an envelope member `name` in the place of `snapshot`.
fn named(name: &str) -> LoadError {
    let mut path = String::new();
    crate::json::path::push_key(&mut path, name);
    let (kind, message) = match name {
        "signature" | "snapshot" => (LoadErrorKind::Duplicate, message!("duplicate member ", quoted(name))),
        _ => (
            LoadErrorKind::UnknownField,
            message!("unknown member ", quoted(name), "; a signed snapshot has only \"signature\" and \"snapshot\""),
        ),
    };
    LoadError { kind, path, message: message.text() }
}

/// The `invalid_json` error of text that is not an envelope's JSON: the parser's own.
fn not_json(text: &str) -> LoadError {
    match crate::json::document(text) {
        Err(e) => e,
        // JSON, but not shaped as an envelope (the parts out of order, say).
        Ok(_) => error(
            LoadErrorKind::InvalidValue,
            "",
            String::from("a signed snapshot is {\"signature\": {…}, \"snapshot\": {…}}, in this order"),
        ),
    }
}

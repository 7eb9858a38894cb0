//! Signed contexts. Attributes that decide what a user may see (tier, beta opt-in, staff) cannot
//! come from the browser; the site's backend signs them. The `x-edgeflag-context` header holds a
//! JWT (RFC 7519) with the HS256 algorithm, so any JWT library can produce one:
//!
//! ```text
//! header  {"alg":"HS256","typ":"JWT"}
//! payload {"context":{"key":"user-42","tier":"pro"},"exp":1795000000}
//! ```
//!
//! `context` is the evaluation context (a JSON object). `exp` and `nbf` (seconds), when present,
//! are checked with a minute of leeway for clock skew. Other claims are ignored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use edgeflag::Json;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
const LEEWAY_S: i64 = 60;

/// Why a signed context was refused; `code()` is what the 401 answer names.
#[derive(Debug, PartialEq, Eq)]
pub enum SignedError {
    /// Not three base64url parts of JSON.
    Malformed(&'static str),
    /// An `alg` other than HS256 (including `none`).
    Algorithm,
    /// The signature does not match.
    Signature,
    /// Past `exp`.
    Expired,
    /// Before `nbf`.
    NotYetValid,
    /// No `context` object in the payload.
    NoContext,
}

impl SignedError {
    pub fn code(&self) -> &'static str {
        match self {
            SignedError::Malformed(_) => "malformed",
            SignedError::Algorithm => "algorithm",
            SignedError::Signature => "signature",
            SignedError::Expired => "expired",
            SignedError::NotYetValid => "not_yet_valid",
            SignedError::NoContext => "no_context",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            SignedError::Malformed(why) => why,
            SignedError::Algorithm => "the signed context must use HS256",
            SignedError::Signature => "the signed context's signature does not match",
            SignedError::Expired => "the signed context has expired",
            SignedError::NotYetValid => "the signed context is not valid yet",
            SignedError::NoContext => "the signed context has no \"context\" object",
        }
    }
}

/// Verifies `token` with `secret` at `now_ms` and returns the `context` object.
pub fn verify(token: &str, secret: &[u8], now_ms: i64) -> Result<Json<'static>, SignedError> {
    const PARTS: SignedError = SignedError::Malformed("the signed context must have three parts");
    let (signed, signature) = token.trim().rsplit_once('.').ok_or(PARTS)?;
    let (header, payload) = signed.split_once('.').ok_or(PARTS)?;
    if payload.contains('.') {
        return Err(PARTS);
    }
    let header = decode_json(header)?;
    if header.get("alg").and_then(Json::as_str) != Some("HS256") {
        return Err(SignedError::Algorithm);
    }
    let signature =
        URL_SAFE_NO_PAD.decode(signature).map_err(|_| SignedError::Malformed("signature is not base64url"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| SignedError::Signature)?;
    mac.update(signed.as_bytes());
    // Constant-time comparison (hmac's verify).
    mac.verify_slice(&signature).map_err(|_| SignedError::Signature)?;

    let claims = decode_json(payload)?;
    let now_s = now_ms.div_euclid(1000);
    if let Some(exp) = claims.get("exp").and_then(Json::as_integer) {
        if now_s > exp + LEEWAY_S {
            return Err(SignedError::Expired);
        }
    }
    if let Some(nbf) = claims.get("nbf").and_then(Json::as_integer) {
        if now_s + LEEWAY_S < nbf {
            return Err(SignedError::NotYetValid);
        }
    }
    match claims.get("context") {
        Some(context @ Json::Object(_)) => Ok(context.to_owned_json()),
        _ => Err(SignedError::NoContext),
    }
}

fn decode_json(part: &str) -> Result<Json<'static>, SignedError> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| SignedError::Malformed("a part is not base64url"))?;
    let text = core::str::from_utf8(&bytes).map_err(|_| SignedError::Malformed("a part is not UTF-8"))?;
    let json = Json::parse(text).map_err(|_| SignedError::Malformed("a part is not JSON"))?;
    Ok(json.to_owned_json())
}

#[cfg(test)]
pub(crate) fn sign(claims: &str, secret: &[u8], alg: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
    let payload = URL_SAFE_NO_PAD.encode(claims);
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(format!("{header}.{payload}").as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"context-secret";
    const NOW: i64 = 1_795_000_000_000;

    #[test]
    fn a_signed_context_verifies() {
        let token = sign(r#"{"context":{"key":"user-42","tier":"pro"},"exp":1795000100}"#, SECRET, "HS256");
        let ctx = verify(&token, SECRET, NOW).expect("valid");
        assert_eq!(ctx.get("tier").and_then(Json::as_str), Some("pro"));
        assert_eq!(ctx.get("key").and_then(Json::as_str), Some("user-42"));
    }

    #[test]
    fn refusals() {
        let good = sign(r#"{"context":{"key":"u"}}"#, SECRET, "HS256");
        assert_eq!(verify(&good, b"other-secret", NOW), Err(SignedError::Signature));
        // A payload swapped under a valid signature.
        let (head, rest) = good.split_once('.').unwrap();
        let sig = rest.rsplit_once('.').unwrap().1;
        let forged = format!("{head}.{}.{sig}", URL_SAFE_NO_PAD.encode(r#"{"context":{"key":"admin"}}"#));
        assert_eq!(verify(&forged, SECRET, NOW), Err(SignedError::Signature));
        assert_eq!(verify(&sign(r#"{"context":{}}"#, SECRET, "none"), SECRET, NOW), Err(SignedError::Algorithm));
        assert_eq!(verify(&sign(r#"{"context":{}}"#, SECRET, "HS512"), SECRET, NOW), Err(SignedError::Algorithm));
        let expired = sign(r#"{"context":{},"exp":1794999000}"#, SECRET, "HS256");
        assert_eq!(verify(&expired, SECRET, NOW), Err(SignedError::Expired));
        let early = sign(r#"{"context":{},"nbf":1795000100}"#, SECRET, "HS256");
        assert_eq!(verify(&early, SECRET, NOW), Err(SignedError::NotYetValid));
        let within_leeway = sign(r#"{"context":{},"exp":1794999950}"#, SECRET, "HS256");
        assert!(verify(&within_leeway, SECRET, NOW).is_ok());
        assert_eq!(verify(&sign(r#"{"context":[1]}"#, SECRET, "HS256"), SECRET, NOW), Err(SignedError::NoContext));
        assert_eq!(verify(&sign(r#"{"sub":"u"}"#, SECRET, "HS256"), SECRET, NOW), Err(SignedError::NoContext));
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.e30", "e30.!!.e30", "e30.e30.!!"] {
            assert!(
                matches!(verify(bad, SECRET, NOW), Err(SignedError::Malformed(_) | SignedError::Algorithm)),
                "{bad}"
            );
        }
    }
}

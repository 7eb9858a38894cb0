//! Who is asking: the evaluation context of a request (documented in worker/README.md).
//!
//! A signed context (`x-edgeflag-context`) is the context as the site's backend states it, key
//! included. Without one, the key comes from, in order, the `x-edgeflag-key` header, the `key`
//! query parameter and the `ef_key` cookie; with none of them a new anonymous key is issued in
//! that cookie, and issued keys are marked `anonymous: true`. Then Cloudflare's request data
//! (country and the like, which the client cannot set) fills attributes the context lacks.
//! Nothing unsigned from the client becomes an attribute: a query parameter cannot make someone
//! `tier: "enterprise"`.

use edgeflag::{Context, Json};
use std::borrow::Cow;

pub const KEY_COOKIE: &str = "ef_key";
pub const KEY_HEADER: &str = "x-edgeflag-key";
pub const CONTEXT_HEADER: &str = "x-edgeflag-context";
/// Issued keys start with this; a key with it (returned in the cookie) is marked `anonymous`.
pub const ANONYMOUS_PREFIX: &str = "anon-";
/// Longest accepted key, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 256;
/// An issued key lives a year in the browser.
const COOKIE_MAX_AGE_S: u32 = 365 * 24 * 3600;

/// What the request says, read from it by the caller (the pure part, testable natively).
#[derive(Default)]
pub struct Sources<'r> {
    /// The verified signed context, if any.
    pub signed: Option<Json<'static>>,
    pub header_key: Option<&'r str>,
    pub query_key: Option<&'r str>,
    pub cookie_key: Option<&'r str>,
    /// Attributes from Cloudflare (`country`, `continent`, ...), in that order.
    pub edge: Vec<(&'static str, Json<'static>)>,
}

/// The request's context and how its key was found.
pub struct Identity {
    pub context: Context<'static>,
    pub key: String,
    pub anonymous: bool,
    /// A cookie to set: the key was issued now.
    pub set_cookie: Option<String>,
}

/// Why no context could be built (answered 400).
#[derive(Debug, PartialEq, Eq)]
pub struct BadKey(pub &'static str);

pub fn identify(sources: Sources<'_>, issue: impl FnOnce() -> String) -> Result<Identity, BadKey> {
    let (mut members, key, set_cookie) = match sources.signed {
        // Signed: the context as the site's backend stated it, key (or its absence) included.
        Some(signed) => {
            let members = match signed {
                Json::Object(members) => members,
                _ => Vec::new(),
            };
            let key = members.iter().find(|(k, _)| k == "key").and_then(|(_, v)| v.as_str()).unwrap_or_default();
            let key = key.to_string();
            (members, key, None)
        }
        None => {
            let given = [sources.header_key, sources.query_key, sources.cookie_key].into_iter().flatten().next();
            let (key, issued) = match given {
                Some(k) => (check_key(k)?.to_string(), false),
                None => (issue(), true),
            };
            let mut members = vec![(Cow::Borrowed("key"), Json::from(key.clone()))];
            if key.starts_with(ANONYMOUS_PREFIX) {
                members.push((Cow::Borrowed("anonymous"), Json::Bool(true)));
            }
            let cookie = issued.then(|| {
                format!("{KEY_COOKIE}={key}; Path=/; Max-Age={COOKIE_MAX_AGE_S}; SameSite=Lax; Secure; HttpOnly")
            });
            (members, key, cookie)
        }
    };
    let anonymous = members.iter().any(|(k, v)| k == "anonymous" && *v == Json::Bool(true));
    for (name, value) in sources.edge {
        if !members.iter().any(|(k, _)| k == name) {
            members.push((Cow::Borrowed(name), value));
        }
    }
    Ok(Identity { context: Context::new(Json::Object(members)), key, anonymous, set_cookie })
}

fn check_key(key: &str) -> Result<&str, BadKey> {
    match key.len() {
        0 => Err(BadKey("the context key must not be empty")),
        n if n > MAX_KEY_BYTES => Err(BadKey("the context key is longer than 256 bytes")),
        _ => Ok(key),
    }
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"'))
    })
}

/// A new anonymous key from 16 random bytes.
pub fn anonymous_key(random: [u8; 16]) -> String {
    let mut key = String::with_capacity(ANONYMOUS_PREFIX.len() + 32);
    key.push_str(ANONYMOUS_PREFIX);
    for b in random {
        key.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        key.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue() -> String {
        anonymous_key([0xab; 16])
    }

    fn attr<'c>(id: &'c Identity, name: &str) -> Option<&'c Json<'static>> {
        id.context.get(name)
    }

    #[test]
    fn key_precedence() {
        let all =
            || Sources { header_key: Some("h"), query_key: Some("q"), cookie_key: Some("c"), ..Sources::default() };
        assert_eq!(identify(all(), issue).unwrap().key, "h");
        assert_eq!(identify(Sources { header_key: None, ..all() }, issue).unwrap().key, "q");
        let cookie_only = Sources { cookie_key: Some("c"), ..Sources::default() };
        let id = identify(cookie_only, issue).unwrap();
        assert_eq!((id.key.as_str(), id.anonymous, id.set_cookie.is_none()), ("c", false, true));
        let signed = Json::parse(r#"{"key":"s","tier":"pro"}"#).unwrap().to_owned_json();
        let id = identify(Sources { signed: Some(signed), ..all() }, issue).unwrap();
        assert_eq!((id.key.as_str(), attr(&id, "tier").and_then(Json::as_str)), ("s", Some("pro")));
        // A signed context without a key stays without one: unsigned keys do not join it.
        let keyless = Json::parse(r#"{"tier":"pro"}"#).unwrap().to_owned_json();
        let id = identify(Sources { signed: Some(keyless), ..all() }, issue).unwrap();
        assert!(id.context.key().is_none() && id.set_cookie.is_none() && !id.anonymous);
    }

    #[test]
    fn an_anonymous_key_is_issued_in_a_cookie() {
        let id = identify(Sources::default(), issue).unwrap();
        assert_eq!(id.key, format!("anon-{}", "ab".repeat(16)));
        assert!(id.anonymous);
        assert_eq!(attr(&id, "anonymous"), Some(&Json::Bool(true)));
        let cookie = id.set_cookie.unwrap();
        assert!(cookie.starts_with(&format!("ef_key={}; ", id.key)) && cookie.contains("HttpOnly"), "{cookie}");
        // Returned later in the cookie: still anonymous, no new cookie.
        let back = identify(Sources { cookie_key: Some(&id.key), ..Sources::default() }, issue).unwrap();
        assert!(back.anonymous && back.set_cookie.is_none());
    }

    #[test]
    fn signed_attributes_win_over_edge_attributes() {
        let signed = Json::parse(r#"{"key":"s","country":"DE"}"#).unwrap().to_owned_json();
        let edge = vec![("country", Json::from(String::from("FR"))), ("colo", Json::from(String::from("CDG")))];
        let id = identify(Sources { signed: Some(signed), edge, ..Sources::default() }, issue).unwrap();
        assert_eq!(attr(&id, "country").and_then(Json::as_str), Some("DE"));
        assert_eq!(attr(&id, "colo").and_then(Json::as_str), Some("CDG"));
    }

    #[test]
    fn bad_keys() {
        let long = "k".repeat(257);
        assert!(identify(Sources { query_key: Some(""), ..Sources::default() }, issue).is_err());
        assert!(identify(Sources { header_key: Some(&long), ..Sources::default() }, issue).is_err());
        // A signed non-string key is the context's problem: evaluation says INVALID_CONTEXT.
        let signed = Json::parse(r#"{"key":5}"#).unwrap().to_owned_json();
        let id = identify(Sources { signed: Some(signed), ..Sources::default() }, issue).unwrap();
        assert!(id.context.error().is_some());
    }

    #[test]
    fn cookies() {
        assert_eq!(cookie("a=1; ef_key=anon-x; b=2", "ef_key"), Some("anon-x"));
        assert_eq!(cookie("ef_key=\"q\"", "ef_key"), Some("q"));
        assert_eq!(cookie("xef_key=1", "ef_key"), None);
    }
}

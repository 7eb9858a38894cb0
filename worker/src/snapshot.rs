//! `GET /snapshot`, the client-safe snapshot of the one serving (for hosts that evaluate in the
//! browser), as JSON or compiled (docs/compiled.md) as `Accept` asks (`GET /admin/snapshot`, the
//! full text, is the writer of record's: `control/history.rs`). Each representation carries its own strong ETag
//! and answers a matching `If-None-Match` with 304; `no-cache` makes every cache ask again before
//! reusing a copy, so a publish is seen at the next request.

use crate::cache::{Cache, Served};
use crate::{http, state};
use worker::{Env, Headers, Request, Response, Result};

/// The compiled form's media type: served when `Accept` names it.
const COMPILED: &str = "application/vnd.edgeflag.compiled";
const JSON: &str = "application/json; charset=utf-8";

/// `GET /snapshot`: client-visible flags, their prerequisites and segments, no notes; signed with
/// `EDGEFLAG_CLIENT_SIGNING_KEY` when it is set, in either form.
pub fn client(req: &Request, env: &Env) -> Result<Response> {
    let wanted = wanted(req.headers().get("accept")?.as_deref());
    state::with(env, |s| {
        if let Some(message) = &s.cache.signing.client_key_error {
            return http::error(500, "invalid_setting", message, Some("EDGEFLAG_CLIENT_SIGNING_KEY"));
        }
        let resp = match wanted {
            Wanted::Json => client_json(req, &mut s.cache),
            Wanted::Compiled => client_compiled(req, &mut s.cache),
        };
        // The answer depends on Accept: caches must not give one client the other's form.
        resp.and_then(|mut r| r.headers_mut().append("vary", "Accept").map(|()| r))
    })
}

fn client_json(req: &Request, cache: &mut Cache) -> Result<Response> {
    match cache.client() {
        Some(served) => respond(req, served, JSON),
        None => unavailable(),
    }
}

/// The compiled form, signed with the client key when there is one (docs/compiled.md).
fn client_compiled(req: &Request, cache: &mut Cache) -> Result<Response> {
    match cache.client_compiled() {
        Some(Ok(served)) => respond(req, served, COMPILED),
        Some(Err(e)) => http::error(500, "compile_failed", &format!("the client-safe snapshot: {e}"), None),
        None => unavailable(),
    }
}

fn unavailable() -> Result<Response> {
    http::error(503, "unavailable", "no snapshot loaded yet (see /health)", None)
}

/// The body with its ETag, or 304 with no body when the request already holds it.
fn respond<B: AsRef<[u8]>>(req: &Request, served: &Served<B>, content_type: &str) -> Result<Response> {
    let headers = Headers::new();
    headers.set("etag", &served.etag)?;
    headers.set("cache-control", "no-cache")?;
    // Not a CORS-safelisted response header: pages elsewhere read it only when exposed.
    headers.set("access-control-expose-headers", "etag")?;
    if req.headers().get("if-none-match")?.is_some_and(|h| matches(&h, &served.etag)) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("content-type", content_type)?;
    Ok(Response::from_bytes(served.body.as_ref().to_vec())?.with_headers(headers))
}

/// The representation of `GET /snapshot` an `Accept` header asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Wanted {
    Json,
    Compiled,
}

/// Reads `Accept` (RFC 9110, 12.5.1): the compiled form when it is named, by its own type and
/// not a wildcard, with a quality above 0 and no lower than JSON's; JSON otherwise, as before
/// (no header, `*/*`, `application/json`, or none of them: a snapshot is still served).
fn wanted(accept: Option<&str>) -> Wanted {
    let Some(accept) = accept else { return Wanted::Json };
    // JSON's quality comes from the most specific range covering it (`application/json` over
    // `application/*` over `*/*`); the compiled form's only from its own type.
    let (mut compiled, mut json) = (0, (0, 0));
    for range in accept.split(',') {
        let (media, q) = media_range(range);
        let json_rank = match media.to_ascii_lowercase().as_str() {
            COMPILED => {
                compiled = q;
                continue;
            }
            "application/json" => 3,
            "application/*" => 2,
            "*/*" => 1,
            _ => continue,
        };
        if json_rank > json.0 {
            json = (json_rank, q);
        }
    }
    if compiled > 0 && compiled >= json.1 {
        Wanted::Compiled
    } else {
        Wanted::Json
    }
}

/// One range of `Accept`: its media type and quality in thousandths (`q`, 1000 when absent or
/// unreadable).
fn media_range(range: &str) -> (&str, u16) {
    let mut parts = range.split(';');
    let media = parts.next().unwrap_or_default().trim();
    let q = parts
        .filter_map(|p| p.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
        .and_then(|(_, v)| qvalue(v.trim()))
        .unwrap_or(1000);
    (media, q)
}

/// A qvalue (RFC 9110, 12.4.2: `0`, `0.5`, `1.000`) in thousandths; `None` if it is not one.
/// Integers, not floats: no float parser in the Worker for three digits.
fn qvalue(v: &str) -> Option<u16> {
    let (whole, fraction) = v.split_once('.').unwrap_or((v, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let padded = fraction.bytes().chain(core::iter::repeat(b'0')).take(3);
    let thousandths = padded.fold(0, |n, b| n * 10 + u16::from(b - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Whether an `If-None-Match` value names `etag`: a list of tags or `*`, compared weakly as
/// RFC 9110 says for this header (`W/"x"` matches `"x"`).
pub(crate) fn matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::{matches, qvalue, wanted, Wanted};

    #[test]
    fn if_none_match() {
        let etag = r#""7-0123456789abcdef""#;
        assert!(matches(etag, etag));
        assert!(matches(r#""6-ffff", "7-0123456789abcdef""#, etag));
        assert!(matches(r#"W/"7-0123456789abcdef""#, etag));
        assert!(matches("*", etag));
        assert!(!matches(r#""7-0123456789abcdee""#, etag));
        assert!(!matches("7-0123456789abcdef", etag), "unquoted");
        assert!(!matches("", etag));
    }

    #[test]
    fn accept() {
        for json in [None, Some(""), Some("*/*"), Some("application/json"), Some("text/html"), Some("application/*")] {
            assert_eq!(wanted(json), Wanted::Json, "{json:?}");
        }
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled")), Wanted::Compiled);
        assert_eq!(wanted(Some("Application/Vnd.Edgeflag.Compiled; q=0.9")), Wanted::Compiled);
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled, application/json")), Wanted::Compiled);
        assert_eq!(wanted(Some("application/json;q=0.5, application/vnd.edgeflag.compiled")), Wanted::Compiled);
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled, */*;q=0.1")), Wanted::Compiled);
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled, application/json;q=0, */*")), Wanted::Compiled);
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled;q=0.5, application/json")), Wanted::Json);
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled;q=0")), Wanted::Json);
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled;q=nan")), Wanted::Compiled, "unreadable: 1");
        assert_eq!(
            wanted(Some("application/vnd.edgeflag.compiled;q=0.002, application/json;q=0.001")),
            Wanted::Compiled
        );
        assert_eq!(wanted(Some("application/vnd.edgeflag.compiled;q=0.000")), Wanted::Json);
    }

    #[test]
    fn qvalues() {
        for (text, q) in
            [("0", 0), ("0.5", 500), ("0.25", 250), ("0.125", 125), ("0.", 0), ("1", 1000), ("1.000", 1000)]
        {
            assert_eq!(qvalue(text), Some(q), "{text}");
        }
        for text in ["", "1.5", "2", "0.1234", "-0", "0.x", ".5", "nan", "1e0"] {
            assert_eq!(qvalue(text), None, "{text}");
        }
    }
}

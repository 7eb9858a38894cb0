//! `GET /snapshot`, the client-safe snapshot of the one serving (for hosts that evaluate in the
//! browser), and `GET /admin/snapshot`, the serving snapshot's text, for operators. Both carry a
//! strong ETag and answer a matching `If-None-Match` with 304; `no-cache` makes every cache ask
//! again before reusing a copy, so a publish is seen at the next request.

use crate::cache::Served;
use crate::{admin, http, state, store};
use worker::{Env, Headers, Request, Response, Result};

/// `GET /snapshot`: client-visible flags, their prerequisites and segments, no notes; signed with
/// `EDGEFLAG_CLIENT_SIGNING_KEY` when it is set.
pub fn client(req: &Request, env: &Env) -> Result<Response> {
    state::with(env, |s| {
        if let Some(message) = &s.cache.signing.client_key_error {
            return http::error(500, "invalid_setting", message, Some("EDGEFLAG_CLIENT_SIGNING_KEY"));
        }
        match s.cache.client() {
            Some(served) => respond(req, served),
            None => unavailable(),
        }
    })
}

/// `GET /admin/snapshot`: the full text this isolate serves, with the admin token only (checked
/// before KV is read).
pub async fn full(req: &Request, env: &Env) -> Result<Response> {
    let token = state::with(env, |s| s.settings.admin_token.clone());
    if !admin::authorized(req.headers().get("authorization")?.as_deref(), token.as_deref()) {
        return admin::unauthorized("GET /admin/snapshot");
    }
    store::refresh(env).await;
    state::with(env, |s| match s.cache.full() {
        Some(served) => respond(req, served),
        None => unavailable(),
    })
}

fn unavailable() -> Result<Response> {
    http::error(503, "unavailable", "no snapshot loaded yet (see /health)", None)
}

/// The text with its ETag, or 304 with no body when the request already holds it.
fn respond(req: &Request, served: &Served) -> Result<Response> {
    let headers = Headers::new();
    headers.set("etag", &served.etag)?;
    headers.set("cache-control", "no-cache")?;
    // Not a CORS-safelisted response header: pages elsewhere read it only when exposed.
    headers.set("access-control-expose-headers", "etag")?;
    if req.headers().get("if-none-match")?.is_some_and(|h| matches(&h, &served.etag)) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(Response::from_bytes(served.text.as_bytes().to_vec())?.with_headers(headers))
}

/// Whether an `If-None-Match` value names `etag`: a list of tags or `*`, compared weakly as
/// RFC 9110 says for this header (`W/"x"` matches `"x"`).
fn matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::matches;

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
}

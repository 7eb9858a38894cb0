//! Responses: JSON bodies, errors with a code (and a path where one applies), CORS.

use crate::state::Settings;
use serde_json::json;
use worker::{Headers, Request, Response, Result};

/// A JSON response that no cache keeps (answers depend on who asks and on the snapshot).
pub fn json(status: u16, body: String) -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    // Bytes, not a string: the body is not decoded into a JS string only to be encoded again.
    Ok(Response::from_bytes(body.into_bytes())?.with_status(status).with_headers(headers))
}

/// `{"error": code, "message": ..., "path": ...}`.
pub fn error(status: u16, code: &str, message: &str, path: Option<&str>) -> Result<Response> {
    let mut body = json!({ "error": code, "message": message });
    if let Some(path) = path {
        body["path"] = json!(path);
    }
    json(status, body.to_string())
}

/// Lets a browser page read the response. An origin listed in `ALLOWED_ORIGINS` gets its own
/// origin back with credentials (the anonymous-key cookie); with `*`, any other origin may read
/// the public endpoints without credentials (`*` never reflects an origin, `null` included).
/// The admin API answers only listed origins: a token-bearing dashboard on another origin must
/// be named.
pub fn cors(req: &Request, resp: Response, settings: &Settings, path: &str) -> Result<Response> {
    let origin = req.headers().get("origin")?;
    if path.starts_with("/admin/") {
        return cors_admin(origin.as_deref(), resp, settings);
    }
    let Some(origin) = origin else { return Ok(resp) };
    let mut resp = resp;
    let h = resp.headers_mut();
    if listed(&origin, settings) {
        h.set("access-control-allow-origin", &origin)?;
        h.set("access-control-allow-credentials", "true")?;
    } else if settings.allowed_origins.iter().any(|o| o == "*") {
        h.set("access-control-allow-origin", "*")?;
    }
    h.append("vary", "Origin")?;
    Ok(resp)
}

fn listed(origin: &str, settings: &Settings) -> bool {
    origin != "null" && settings.allowed_origins.iter().any(|o| o != "*" && o == origin)
}

/// The admin API's CORS: listed origins only, never `*`.
pub fn cors_admin(origin: Option<&str>, mut resp: Response, settings: &Settings) -> Result<Response> {
    let Some(origin) = origin else { return Ok(resp) };
    let h = resp.headers_mut();
    if listed(origin, settings) {
        h.set("access-control-allow-origin", origin)?;
        h.set("access-control-allow-credentials", "true")?;
        h.set("access-control-allow-methods", "GET, PUT, PATCH, POST, DELETE, OPTIONS")?;
        h.set(
            "access-control-allow-headers",
            "authorization, content-type, if-match, if-none-match, x-edgeflag-reason",
        )?;
        h.set("access-control-expose-headers", "etag")?;
    }
    h.append("vary", "Origin")?;
    Ok(resp)
}

/// The answer to a preflight `OPTIONS`.
pub fn preflight() -> Result<Response> {
    let headers = Headers::new();
    headers.set("access-control-allow-methods", "GET, POST, OPTIONS")?;
    headers.set("access-control-allow-headers", "content-type, if-none-match, x-edgeflag-key, x-edgeflag-context")?;
    headers.set("access-control-max-age", "86400")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

//! Responses: JSON bodies, errors with a code (and a path where one applies), CORS.

use crate::state::Settings;
use serde_json::json;
use worker::{Headers, Request, Response, Result};

/// The request body as UTF-8 text; `None` if it cannot be read or is not UTF-8. Bytes, then
/// strictly: `text()` would replace invalid bytes with U+FFFD unnoticed.
pub async fn body_text(req: &mut Request) -> Option<String> {
    req.bytes().await.ok().and_then(|b| String::from_utf8(b).ok())
}

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

/// Lets an allowed origin read the response (cookies included, for the anonymous key).
pub fn cors(req: &Request, mut resp: Response, settings: &Settings) -> Result<Response> {
    let Some(origin) = req.headers().get("origin")? else { return Ok(resp) };
    if settings.allowed_origins.iter().any(|o| o == "*" || *o == origin) {
        let h = resp.headers_mut();
        h.set("access-control-allow-origin", &origin)?;
        h.set("access-control-allow-credentials", "true")?;
        h.append("vary", "Origin")?;
    }
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

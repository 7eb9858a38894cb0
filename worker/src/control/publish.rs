//! Whole snapshots: `PUT /admin/snapshot` (as it is, or converted from a peer's payload with
//! `?from=`), and the peer source's publishes (`/internal/publish-next`).

use super::commit::{self, Actor, Expected, Proposal, Refused};
use super::records::Records;
use super::{auth::Caller, client, Control, Route, MAX_BODY};
use crate::body::{self, BodyError};
use crate::{convert, http, state};
use edgeflag::{Json, Snapshot};
use serde_json::json;
use worker::{Request, Response, Result};

/// The body as text, or the answer refusing it.
pub async fn read_body(req: &mut Request, limit: usize) -> std::result::Result<String, Result<Response>> {
    body::text(req, limit).await.map_err(|e| match e {
        BodyError::TooLarge { limit } => {
            http::error(413, "body_too_large", &format!("the body is over {limit} bytes"), None)
        }
        BodyError::NotUtf8 => http::error(400, "invalid_json", "the body is not UTF-8 text", None),
        BodyError::Unreadable(m) => http::error(400, "unreadable_body", &m, None),
    })
}

/// A write's `If-Match` and its body (at most `limit` bytes), or the answer refusing them.
pub async fn write_request(
    req: &mut Request,
    limit: usize,
) -> std::result::Result<(Expected, String), Result<Response>> {
    let expected = commit::expected(req).map_err(|r| r.respond())?;
    Ok((expected, read_body(req, limit).await?))
}

/// `x-edgeflag-reason`: why, for the history (at most 500 bytes).
pub fn reason(req: &Request) -> Option<String> {
    let r = req.headers().get("x-edgeflag-reason").ok().flatten()?;
    let mut end = r.len().min(500);
    while !r.is_char_boundary(end) {
        end -= 1;
    }
    Some(r[..end].to_string())
}

/// Loads text as every isolate will; the refusal as an answer.
pub fn load(control: &Control, text: &str) -> std::result::Result<Snapshot, Refused> {
    state::with(&control.env, |s| s.cache.load(text, crate::now())).map_err(|r| {
        let status = if r.kind == "invalid_setting" { 500 } else { 400 };
        Refused::new(status, r.kind, r.message, Some(&r.path))
    })
}

pub async fn put(control: &Control, req: &mut Request, records: &Records, caller: &Caller) -> Result<Response> {
    // The query first: a wrong parameter costs no upload's worth of work.
    let import = match convert::Params::from_url(&req.url()?) {
        Ok(p) => p,
        Err(e) => return http::error(400, "invalid_parameter", &e.message, Some(&e.path)),
    };
    let (expected, text) = match write_request(req, MAX_BODY).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    control.adopt_kv(records).await;
    let (reason, client) = (reason(req), client(req));
    let actor = Actor { name: &caller.name, client: &client, route: Route::PutSnapshot, reason: reason.as_deref() };
    let committed = match import {
        None => control.commit(records, &actor, expected, |head| {
            let snapshot = load(control, &text)?;
            match head {
                Some(h) if snapshot.version() == h.version && *h.text == *text => Ok(None),
                Some(h) if snapshot.version() == h.version => Err(Refused::new(
                    409,
                    "version_unchanged",
                    format!("version {} is already published with different content; raise the version", h.version),
                    Some("version"),
                )),
                Some(h) if snapshot.version() < h.version => Err(Refused::new(
                    409,
                    "version_backwards",
                    format!("version {} is older than the published version {}", snapshot.version(), h.version),
                    Some("version"),
                )),
                _ => Ok(Some(Proposal { text, snapshot, document: None, action: "publish", detail: None })),
            }
        })?,
        Some(import) => {
            let decryption_key = state::with(&control.env, |s| s.settings.peer.decryption_key.clone());
            let converted = match convert::convert(&import.how, &text, decryption_key) {
                Ok(c) => c,
                Err(e) => return http::error(400, e.kind.code(), &e.message, Some(&e.path)),
            };
            let detail = json!({ "from": import.how.name, "skipped": convert::skipped_json(&converted.skipped) });
            let now = convert::now_rfc3339();
            control.commit(records, &actor, expected, |head| {
                let version = import.version.unwrap_or(head.map_or(1, |h| h.version.saturating_add(1)));
                let text = converted.text(version, &now);
                let snapshot = load(control, &text)?;
                Ok(Some(Proposal { text, snapshot, document: None, action: "import", detail: Some(detail) }))
            })?
        }
    };
    match committed {
        Ok(c) => control.publish(records, c, Route::PutSnapshot).await,
        Err(r) => r.respond(),
    }
}

/// `/internal/publish-next`: the peer source's converted snapshot, published one above the head.
pub async fn next(control: &Control, req: &mut Request, records: &Records) -> Result<Response> {
    let text = match read_body(req, MAX_BODY).await {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    control.adopt_kv(records).await;
    let actor = Actor { name: "peer-source", client: "cron", route: Route::PutSnapshot, reason: None };
    let committed = control.commit(records, &actor, commit::Expected::Any, |head| {
        let mut doc =
            Json::parse(&text).map_err(|e| Refused::new(400, "invalid_json", e.to_string(), None))?.to_owned_json();
        doc.set("version", Json::Number(head.map_or(1, |h| h.version.saturating_add(1)) as f64));
        let text = doc.to_text();
        let snapshot = load(control, &text)?;
        Ok(Some(Proposal { text, snapshot, document: Some(doc), action: "peer", detail: None }))
    })?;
    match committed {
        Ok(c) => control.publish(records, c, Route::PutSnapshot).await,
        Err(r) => r.respond(),
    }
}

//! What was published: `GET /admin/snapshot[?version=N]`, `GET /admin/history[?flag=KEY]`,
//! `POST /admin/rollback` (version N's content as a new, higher version: versions only go up,
//! so every runtime accepts it) and `GET /admin/audit`.

use super::commit::{Actor, Proposal, Refused};
use super::publish::{load, reason, write_request};
use super::records::Records;
use super::{auth::Caller, client, Control, Route};
use crate::{convert, http};
use edgeflag::edit::Document;
use edgeflag::Json;
use serde_json::{json, Value};
use worker::{Headers, Request, Response, Result};

/// Entries per page of history and audit, unless `limit` asks fewer (or more, up to `MAX`).
const PAGE: u32 = 50;
const MAX: u32 = 500;

fn query(req: &Request, name: &str) -> Option<String> {
    req.url().ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn number(req: &Request, name: &str) -> std::result::Result<Option<u64>, Result<Response>> {
    match query(req, name) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            http::error(400, "invalid_parameter", &format!("{name} must be a non-negative integer"), Some(name))
        }),
    }
}

/// `GET /admin/snapshot`: the head's text (or version N's), byte for byte as committed, with
/// its strong ETag; `If-None-Match` naming it gets 304.
pub fn snapshot(control: &Control, req: &Request, records: &Records) -> Result<Response> {
    let wanted = match number(req, "version") {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let found = match wanted {
        Some(v) => records.text(v)?.map(|t| (crate::cache::etag(v, t.as_bytes()), t.into())),
        None => control.head.get(records)?.map(|h| (h.etag.to_string(), h.text)),
    };
    let Some((etag, text)) = found else {
        return match wanted {
            Some(v) => http::error(404, "version_not_found", &format!("no version {v} was committed"), Some("version")),
            None => http::error(503, "unavailable", "nothing published yet (see /health)", None),
        };
    };
    let headers = Headers::new();
    headers.set("etag", &etag)?;
    headers.set("cache-control", "no-cache")?;
    if req.headers().get("if-none-match")?.is_some_and(|h| crate::snapshot::matches(&h, &etag)) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(Response::from_bytes(text.as_bytes().to_vec())?.with_headers(headers))
}

/// `GET /admin/history`: newest first, each with its RFC 6902 patch from the version before.
pub fn list(req: &Request, records: &Records) -> Result<Response> {
    let (before, limit) = match (number(req, "before"), number(req, "limit")) {
        (Ok(b), Ok(l)) => (b, l.map_or(PAGE, |l| l.clamp(1, u64::from(MAX)) as u32)),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let flag = query(req, "flag");
    let entries = records.history(flag.as_deref(), before, limit)?;
    let mut out = Vec::with_capacity(entries.len());
    for e in &entries {
        let parse = |t: &str| serde_json::from_str::<Value>(t).unwrap_or(Value::Null);
        out.push(json!({
            "version": e.version,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "reason": e.reason,
            "flags": records.flags_of(e.version as u64)?,
            "patch": parse(&e.patch),
            "detail": e.detail.as_deref().map(parse),
        }));
    }
    let next = (entries.len() as u32 == limit).then(|| entries.last().map(|e| e.version)).flatten();
    http::json(200, json!({ "flag": flag, "entries": out, "nextBefore": next }).to_string())
}

/// `POST /admin/rollback {"version": N, "reason"?}`.
pub async fn rollback(control: &Control, req: &mut Request, records: &Records, caller: &Caller) -> Result<Response> {
    let (expected, text) = match write_request(req, 64 * 1024).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let body = match Json::parse(&text) {
        Ok(j) => j.to_owned_json(),
        Err(e) => return http::error(400, "invalid_json", &e.to_string(), None),
    };
    let Some(target) = body.get("version").and_then(Json::as_integer).and_then(|v| u64::try_from(v).ok()) else {
        return http::error(400, "invalid_change", "version: the version to roll back to", Some("version"));
    };
    let Some(old) = records.text(target)? else {
        return http::error(404, "version_not_found", &format!("no version {target} was committed"), Some("version"));
    };
    control.adopt_kv(records).await;
    let reason = body.get("reason").and_then(Json::as_str).map(String::from).or_else(|| reason(req));
    let client = client(req);
    let actor = Actor { name: &caller.name, client: &client, route: Route::Rollback, reason: reason.as_deref() };
    let now = convert::now_rfc3339();
    let committed = control.commit(records, &actor, expected, |head| {
        let version = head.map_or(1, |h| h.version.saturating_add(1));
        let mut doc = Document::parse(&old).map_err(|e| Refused::new(409, e.kind.code(), e.message, Some(&e.path)))?;
        let (text, _) =
            doc.finish(version, &now).map_err(|e| Refused::new(409, e.kind.code(), e.message, Some(&e.path)))?;
        // Loaded as isolates load it: with EDGEFLAG_PUBLIC_KEYS an unsigned copy is refused.
        let snapshot = load(control, &text)?;
        let (document, detail) = (Some(doc.into_json()), Some(json!({ "rolledBackTo": target })));
        Ok(Some(Proposal { text, snapshot, document, action: "rollback", detail }))
    })?;
    match committed {
        Ok(c) => control.publish(records, c, Route::Rollback).await,
        Err(r) => r.respond(),
    }
}

/// `GET /admin/audit`: every write attempt and failed authentication, newest first.
pub fn audit(req: &Request, records: &Records) -> Result<Response> {
    let (before, limit) = match (number(req, "before"), number(req, "limit")) {
        (Ok(b), Ok(l)) => (b.map(|b| b as i64), l.map_or(PAGE, |l| l.clamp(1, u64::from(MAX)) as u32)),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let rows = records.audit_log(before, limit)?;
    let next = (rows.len() as u32 == limit).then(|| rows.last().map(|r| r.id)).flatten();
    let entries: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let detail = r.detail.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok());
            json!({ "id": r.id, "at": r.at, "actor": r.actor, "client": r.client, "action": r.action,
                    "outcome": r.outcome, "version": r.version, "detail": detail })
        })
        .collect();
    http::json(200, json!({ "entries": entries, "nextBefore": next }).to_string())
}

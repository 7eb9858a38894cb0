//! `GET /health`: which snapshot serves, how old it is, whether each flag is on, and whether
//! the latest snapshot offered was refused. 200 while a snapshot serves (`ok` or `degraded`),
//! 503 when none does (`unavailable`).

use crate::cache::{Cache, Origin};
use crate::exposures::Exposures;
use crate::{control, http};
use serde_json::{json, Map, Value};
use worker::{Env, Headers, Method, Response, Result};

/// The writer of record's part: the versions it and KV hold, its subscribers; and whether it
/// is in trouble (unreachable, or KV behind it after a failed write).
pub async fn writer(env: &Env) -> (Value, bool) {
    let answer = match control::call(env, "status", Method::Get, Headers::new(), None).await {
        Ok(mut r) if r.status_code() == 200 => r.json::<Value>().await.map_err(|e| e.to_string()),
        Ok(r) => Err(format!("the writer answered HTTP {}", r.status_code())),
        Err(e) => Err(e.to_string()),
    };
    match answer {
        Ok(w) => {
            let behind = w["kv"]["written"] == Value::Bool(false);
            (w, behind)
        }
        Err(message) => (json!({ "error": message }), true),
    }
}

/// `peer`: the peer source's report and whether it is failing (`peer_source::health`);
/// `writer`: the writer of record's (`writer`).
pub fn report(
    cache: &Cache,
    exposures: &Exposures,
    now: i64,
    ttl_ms: i64,
    peer: Option<(Value, bool)>,
    writer: (Value, bool),
) -> Result<Response> {
    let status = match (cache.status(), &peer, writer.1) {
        ("ok", Some((_, true)), _) | ("ok", _, true) => "degraded",
        (status, _, _) => status,
    };
    let mut body = json!({ "status": status, "now": now, "ttlMs": ttl_ms, "checkedAt": cache.checked_at });
    if let Some(s) = cache.snapshot() {
        let flags: Map<String, Value> = s.flags().iter().map(|f| (f.key().to_string(), json!(f.is_on()))).collect();
        body["snapshot"] = json!({
            "version": s.version(),
            "generatedAt": s.generated_at(),
            "ageMs": now - s.generated_at(),
            "loadedAt": cache.loaded_at,
            "origin": match cache.origin {
                Some(Origin::Admin) => "admin",
                Some(Origin::Peer) => "peer",
                Some(Origin::LastGood) => "last-good",
                _ => "kv",
            },
            "flagCount": s.flags().len(),
        });
        body["flags"] = Value::Object(flags);
    }
    if let Some(r) = &cache.refused {
        body["refused"] = json!({ "at": r.at, "kind": r.kind, "path": r.path, "message": r.message });
    }
    // Which keys snapshots must be signed with, and which signs the client-safe one: ids only.
    let signing = &cache.signing;
    if !signing.keys.is_empty() || signing.client_key.is_some() {
        let trusted: Vec<String> = signing.keys.keys().iter().map(|k| k.id_hex()).collect();
        let client = signing.client_key.as_ref().map(|k| k.public_key().id_hex());
        body["signatures"] = json!({ "trustedKeyIds": trusted, "clientKeyId": client });
    }
    if let Some(t) = &cache.kv_trouble {
        body["kvError"] = json!({ "at": t.at, "message": t.message });
    }
    body["writer"] = writer.0;
    if let Some((p, _)) = peer {
        body["peer"] = p;
    }
    // Exposures still in this isolate: 0 shortly after the last response means a teardown now
    // would lose none.
    body["exposures"] = match &exposures.recorder {
        Some(r) => json!({ "pending": r.pending(), "sendScheduled": exposures.scheduled() }),
        None => json!({ "pending": 0, "off": true }),
    };
    http::json(if cache.snapshot().is_some() { 200 } else { 503 }, body.to_string())
}

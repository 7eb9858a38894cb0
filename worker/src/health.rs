//! `GET /health`: which snapshot serves, how old it is, whether each flag is on, and whether
//! the latest snapshot offered was refused. 200 while a snapshot serves (`ok` or `degraded`),
//! 503 when none does (`unavailable`).

use crate::cache::{Cache, Origin};
use crate::exposures::Exposures;
use crate::http;
use serde_json::{json, Map, Value};
use worker::{Response, Result};

/// `peer`: the peer source's report and whether it is failing (`peer_source::health`).
pub fn report(
    cache: &Cache,
    exposures: &Exposures,
    now: i64,
    ttl_ms: i64,
    peer: Option<(Value, bool)>,
) -> Result<Response> {
    let status = match (cache.status(), &peer) {
        ("ok", Some((_, true))) => "degraded",
        (status, _) => status,
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

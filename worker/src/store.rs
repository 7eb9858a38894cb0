//! The snapshot in KV, the read path: read again once the TTL has passed. Writes go through
//! the writer of record (`control/`), which writes KV after each commit; a change serves in the
//! isolate that forwarded it at once and in every other within the TTL (plus KV's own
//! propagation, up to 60 s across Cloudflare's network).

use crate::cache::{KvTrouble, Origin};
use crate::{http, state};
use edgeflag::Snapshot;
use serde_json::{json, Value};
use worker::{console_error, Env, Response, Result};

/// KV key of the copy of the last published snapshot, beside `SNAPSHOT_KEY`: a snapshot written
/// to KV directly (not through the endpoint) is not checked before isolates read it, and a new
/// isolate that finds it refused serves this copy rather than nothing.
pub fn last_good_key(key: &str) -> String {
    format!("{key}.last-good")
}

/// Largest snapshot accepted: the core's limit (KV values may be 25 MiB).
pub use edgeflag::limits::MAX_SNAPSHOT_BYTES;

/// Reads KV when the TTL has passed (or nothing serves yet) and offers what it holds.
pub async fn refresh(env: &Env) {
    read(env, Origin::Kv).await
}

/// Reads KV now, whatever the TTL, marking what it loads as coming from `origin`: after a write
/// committed by the writer of record, so this isolate serves it at once.
pub async fn reload(env: &Env, origin: Origin) {
    state::with(env, |s| s.cache.checked_at = None);
    read(env, origin).await
}

async fn read(env: &Env, origin: Origin) {
    let now = crate::now();
    let key = state::with(env, |s| {
        // With nothing loaded yet every request reads (each needs a snapshot to answer); after
        // that one read per TTL, marked before it so that requests meanwhile serve what is loaded.
        let due = s.cache.snapshot().is_none() || s.cache.due(now, s.settings.ttl_ms);
        if due {
            s.cache.checked_at = Some(now);
        }
        due.then(|| s.settings.snapshot_key.clone())
    });
    let Some(key) = key else { return };
    let read = match env.kv(state::FLAGS_KV) {
        Ok(kv) => kv.get(&key).text().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let stranded = state::with(env, |s| match read {
        Ok(Some(text)) => {
            s.cache.kv_trouble = None;
            let refused = s.cache.offer(&text, now, origin).err();
            if let Some(r) = &refused {
                console_error!("snapshot in KV refused, the last good one keeps serving: {r}");
            }
            refused.is_some() && s.cache.snapshot().is_none()
        }
        Ok(None) => {
            let message = format!("KV has no value under {key:?}");
            s.cache.kv_trouble = Some(KvTrouble { at: now, message });
            false
        }
        Err(message) => {
            console_error!("KV read failed: {message}");
            s.cache.kv_trouble = Some(KvTrouble { at: now, message });
            false
        }
    });
    if stranded {
        let copy = match env.kv(state::FLAGS_KV) {
            Ok(kv) => kv.get(&last_good_key(&key)).text().await.ok().flatten(),
            Err(_) => None,
        };
        if let Some(text) = copy {
            state::with(env, |s| s.cache.fall_back(&text, now));
        }
    }
}

/// After a write the object committed (and wrote to KV): reads KV at once, so this isolate
/// serves the new version now, and says which version it serves (`serving`) in the answer.
pub async fn serve_committed(env: &Env, resp: Response) -> Result<Response> {
    let mut resp = resp;
    let etag = resp.headers().get("etag")?;
    let text = resp.text().await?;
    reload(env, Origin::Admin).await;
    let serving = state::with(env, |s| s.cache.snapshot().map(Snapshot::version));
    let body = match serde_json::from_str::<Value>(&text) {
        Ok(mut body) => {
            body["serving"] = json!(serving);
            body.to_string()
        }
        Err(_) => text,
    };
    let mut out = http::json(200, body)?;
    if let Some(etag) = etag {
        out.headers_mut().set("etag", &etag)?;
    }
    Ok(out)
}

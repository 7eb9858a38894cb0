//! The snapshot in KV: read again once the TTL has passed, and published by operators with
//! `PUT /admin/snapshot` — the rollback path: a flag turned off in a new version serves in this
//! isolate at once and in every other within the TTL (plus KV's own propagation, up to 60 s
//! across Cloudflare's network).

use crate::cache::{KvTrouble, Origin};
use crate::{admin, http, state};
use edgeflag::signature::Keys;
use edgeflag::{Snapshot, Update};
use serde_json::json;
use worker::{console_error, Env, Request, Response, Result};

/// KV key of the copy of the last published snapshot, beside `SNAPSHOT_KEY`: a snapshot written
/// to KV directly (not through the endpoint) is not checked before isolates read it, and a new
/// isolate that finds it refused serves this copy rather than nothing.
pub fn last_good_key(key: &str) -> String {
    format!("{key}.last-good")
}

/// Largest snapshot accepted: the core's limit (KV values may be 25 MiB), checked on the body
/// so that the answer is a 413.
pub use edgeflag::limits::MAX_SNAPSHOT_BYTES;

/// Reads KV when the TTL has passed (or nothing serves yet) and offers what it holds.
pub async fn refresh(env: &Env) {
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
            let refused = s.cache.offer(&text, now, Origin::Kv).err();
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

/// `PUT /admin/snapshot`: checks the token, loads the body (refusing what does not load, is
/// older than KV's, or changes content without a new version), writes it to KV and serves it.
pub async fn publish(req: &mut Request, env: &Env) -> Result<Response> {
    let (token, key) = state::with(env, |s| (s.settings.admin_token.clone(), s.settings.snapshot_key.clone()));
    if !admin::authorized(req.headers().get("authorization")?.as_deref(), token.as_deref()) {
        return admin::unauthorized("PUT /admin/snapshot");
    }
    let Some(text) = http::body_text(req).await else {
        return http::error(400, "invalid_json", "the body is not UTF-8 text", None);
    };
    if text.len() > MAX_SNAPSHOT_BYTES {
        return http::error(413, "snapshot_too_large", "a snapshot may be at most 16 MiB", None);
    }
    // With EDGEFLAG_PUBLIC_KEYS, only a snapshot signed with one of them (docs/snapshot.md).
    let next = match state::with(env, |s| s.cache.load(&text, crate::now())) {
        Ok(s) => s,
        Err(r) => {
            let status = if r.kind == "invalid_setting" { 500 } else { 400 };
            return http::error(status, r.kind, &r.message, Some(&r.path));
        }
    };
    let kv = env.kv(state::FLAGS_KV)?;
    // KV's version, not this isolate's: another isolate may have published since. Only its
    // version is read, so a signed one is not verified again.
    let current = kv.get(&key).text().await?;
    let previous =
        current.as_deref().and_then(|t| Snapshot::parse_signed(t, &Keys::default()).ok()).map(|s| s.version());
    match previous {
        Some(v) if next.version() < v => {
            let message = format!("version {} is older than the published version {v}", next.version());
            return http::error(409, "version_backwards", &message, Some("version"));
        }
        Some(v) if next.version() == v && current.as_deref() != Some(text.as_str()) => {
            let message = format!("version {v} is already published with different content; raise the version");
            return http::error(409, "version_unchanged", &message, Some("version"));
        }
        _ => {}
    }
    if current.as_deref() != Some(text.as_str()) {
        kv.put(&key, text.as_str())?.execute().await?;
    }
    kv.put(&last_good_key(&key), text.as_str())?.execute().await?;
    let (version, flag_count) = (next.version(), next.flags().len());
    let now = crate::now();
    let serving = state::with(env, |s| {
        let offered = s.cache.offer_loaded(&text, next, now, Origin::Admin);
        s.cache.checked_at = Some(now);
        match offered {
            Ok(Update::Replaced { to, .. } | Update::Unchanged { version: to }) => Some(to),
            Err(_) => s.cache.snapshot().map(Snapshot::version),
        }
    });
    let body = json!({
        "published": version,
        "previous": previous,
        "flagCount": flag_count,
        "serving": serving,
    });
    http::json(200, body.to_string())
}

//! The snapshot in KV: read again once the TTL has passed, and published by operators with
//! `PUT /admin/snapshot` — the rollback path: a flag turned off in a new version serves in this
//! isolate at once and in every other within the TTL (plus KV's own propagation, up to 60 s
//! across Cloudflare's network). Every publish, a peer source's included, goes through `put`.

use crate::cache::{KvTrouble, Origin};
use crate::{admin, convert, http, state};
use edgeflag::signature::Keys;
use edgeflag::{Snapshot, Update};
use serde_json::{json, Value};
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

/// `PUT /admin/snapshot`: checks the token, reads the body and publishes it — as it is, or, with
/// `?from=<peer>`, converted from that peer's payload first (`convert.rs`).
pub async fn publish(req: &mut Request, env: &Env) -> Result<Response> {
    let token = state::with(env, |s| s.settings.admin_token.clone());
    if !admin::authorized(req.headers().get("authorization")?.as_deref(), token.as_deref()) {
        return admin::unauthorized("PUT /admin/snapshot");
    }
    // The query is read before the body: a wrong parameter costs no upload's worth of work.
    let import = match convert::Params::from_url(&req.url()?) {
        Ok(p) => p,
        Err(e) => return http::error(400, "invalid_parameter", &e.message, Some(&e.path)),
    };
    let Some(text) = http::body_text(req).await else {
        return http::error(400, "invalid_json", "the body is not UTF-8 text", None);
    };
    if text.len() > MAX_SNAPSHOT_BYTES {
        return http::error(413, "snapshot_too_large", "a snapshot may be at most 16 MiB", None);
    }
    let Some(import) = import else {
        return match put(env, &text, Origin::Admin).await? {
            Ok(p) => http::json(200, p.to_json().to_string()),
            Err(r) => r.respond(),
        };
    };
    let decryption_key = state::with(env, |s| s.settings.peer.decryption_key.clone());
    let converted = match convert::convert(&import.how, &text, decryption_key) {
        Ok(c) => c,
        Err(e) => return http::error(400, e.kind.code(), &e.message, Some(&e.path)),
    };
    let skipped = convert::skipped_json(&converted.skipped);
    let now = convert::now_rfc3339();
    let published = match import.version {
        Some(v) => put(env, &converted.text(v, &now), Origin::Admin).await?,
        None => put_next(env, Origin::Admin, |v| converted.text(v, &now)).await?,
    };
    match published {
        Ok(p) => {
            let mut body = p.to_json();
            body["from"] = json!(import.how.name);
            body["skipped"] = skipped;
            http::json(200, body.to_string())
        }
        Err(r) => r.respond(),
    }
}

/// A publish that took: the version written, KV's before, and what this isolate now serves.
pub struct Published {
    pub version: u64,
    pub previous: Option<u64>,
    pub flag_count: usize,
    pub serving: Option<u64>,
}

impl Published {
    fn to_json(&self) -> Value {
        json!({
            "published": self.version,
            "previous": self.previous,
            "flagCount": self.flag_count,
            "serving": self.serving,
        })
    }
}

/// A publish refused before KV was written: the answer's status, code, message and path.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub path: Option<String>,
}

impl Refused {
    pub fn respond(&self) -> Result<Response> {
        http::error(self.status, self.code, &self.message, self.path.as_deref())
    }
}

/// A snapshot text's version. Only its version is read, so a signed one is not verified again.
fn version_of(text: &str) -> Option<u64> {
    Snapshot::parse_signed(text, &Keys::default()).ok().map(|s| s.version())
}

/// Publishes snapshot text: the one way a snapshot reaches KV, whoever offers it (an operator's
/// body, a converted peer payload, the peer poller). Loads it in full (refusing what does not
/// load, is older than KV's, or changes content without a new version), writes KV and the
/// last-good copy, and serves it in this isolate. KV has no compare-and-swap: between the read
/// of KV's version and the write, another isolate's publish is not seen (worker/README.md).
pub async fn put(env: &Env, text: &str, origin: Origin) -> Result<core::result::Result<Published, Refused>> {
    let next = match load(env, text) {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    let current = kv_text(env).await?;
    put_loaded(env, text, next, origin, current).await
}

/// Publishes the snapshot `make` writes for the version one above KV's (1 when KV holds none):
/// KV is read, and its snapshot parsed, once for both the version and the checks.
pub async fn put_next(
    env: &Env,
    origin: Origin,
    make: impl FnOnce(u64) -> String,
) -> Result<core::result::Result<Published, Refused>> {
    let current = kv_text(env).await?;
    let text = make(current.as_deref().and_then(version_of).map_or(1, |v| v.saturating_add(1)));
    let next = match load(env, &text) {
        Ok(s) => s,
        Err(r) => return Ok(Err(r)),
    };
    put_loaded(env, &text, next, origin, current).await
}

/// Loads `text` as this isolate would serve it. With EDGEFLAG_PUBLIC_KEYS, only a snapshot
/// signed with one of them (docs/snapshot.md).
fn load(env: &Env, text: &str) -> core::result::Result<Snapshot, Refused> {
    state::with(env, |s| s.cache.load(text, crate::now())).map_err(|r| {
        let status = if r.kind == "invalid_setting" { 500 } else { 400 };
        Refused { status, code: r.kind, message: r.message, path: Some(r.path) }
    })
}

/// The snapshot text in KV: KV's, not this isolate's, since another isolate may have published.
async fn kv_text(env: &Env) -> Result<Option<String>> {
    let key = state::with(env, |s| s.settings.snapshot_key.clone());
    Ok(env.kv(state::FLAGS_KV)?.get(&key).text().await?)
}

/// `put`'s checks against KV's snapshot `current`, then the writes and this isolate's serving.
async fn put_loaded(
    env: &Env,
    text: &str,
    next: Snapshot,
    origin: Origin,
    current: Option<String>,
) -> Result<core::result::Result<Published, Refused>> {
    let key = state::with(env, |s| s.settings.snapshot_key.clone());
    let kv = env.kv(state::FLAGS_KV)?;
    let previous = current.as_deref().and_then(version_of);
    let version_refused = |code, message| Refused { status: 409, code, message, path: Some("version".into()) };
    match previous {
        Some(v) if next.version() < v => {
            let message = format!("version {} is older than the published version {v}", next.version());
            return Ok(Err(version_refused("version_backwards", message)));
        }
        Some(v) if next.version() == v && current.as_deref() != Some(text) => {
            let message = format!("version {v} is already published with different content; raise the version");
            return Ok(Err(version_refused("version_unchanged", message)));
        }
        _ => {}
    }
    if current.as_deref() != Some(text) {
        kv.put(&key, text)?.execute().await?;
    }
    kv.put(&last_good_key(&key), text)?.execute().await?;
    let (version, flag_count) = (next.version(), next.flags().len());
    let now = crate::now();
    let serving = state::with(env, |s| {
        let offered = s.cache.offer_loaded(text, next, now, origin);
        s.cache.checked_at = Some(now);
        match offered {
            Ok(Update::Replaced { to, .. } | Update::Unchanged { version: to }) => Some(to),
            Err(_) => s.cache.snapshot().map(Snapshot::version),
        }
    });
    Ok(Ok(Published { version, previous, flag_count, serving }))
}

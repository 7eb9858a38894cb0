//! KV, the read path every isolate uses, written by the object after each commit: the head's
//! text under `SNAPSHOT_KEY` and its last-good copy. One write at a time, always of the head
//! (so KV can never end on an older version than one it held); requests that commit meanwhile
//! wait for the write that covers their version. A failed write leaves the commit standing
//! (the object is the record), is reported, and is retried by the object's alarm with backoff.

use super::records::Records;
use super::Control;
use crate::{http, state, store};
use edgeflag::signature::Keys;
use edgeflag::Snapshot;
use futures_channel::oneshot;
use serde_json::{json, Value};
use std::cell::RefCell;
use worker::{Response, Result};

/// Meta row holding the version KV was last written with.
const KV_VERSION: &str = "kv_version";
/// Retries of a failed KV write: 1 s, doubling, at most a minute apart.
const RETRY_MS: (i64, i64) = (1_000, 60_000);

#[derive(Default)]
pub struct Sync {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    writing: bool,
    written: Option<u64>,
    error: Option<(i64, String)>,
    retry_ms: i64,
    waiting: Vec<(u64, oneshot::Sender<()>)>,
}

impl Control {
    /// Writes the head to KV unless KV already holds it; waits for a write already under way
    /// instead of starting a second. Reports `{version, written, error?}`.
    pub async fn sync_kv(&self, records: &Records) -> Value {
        let target = self.head.version();
        let written = self.kv_written(records);
        if target.is_none_or(|t| written.is_some_and(|w| w >= t)) {
            return self.kv_report(records, target);
        }
        if self.kv.inner.borrow().writing {
            let (tx, rx) = oneshot::channel();
            self.kv.inner.borrow_mut().waiting.push((target.unwrap_or(0), tx));
            let _ = rx.await;
            return self.kv_report(records, target);
        }
        self.kv.inner.borrow_mut().writing = true;
        loop {
            let head = match self.head.get(records) {
                Ok(Some(h)) => h,
                _ => break,
            };
            if self.kv_written(records).is_some_and(|w| w >= head.version) {
                break;
            }
            match write(&self.env, &head.text).await {
                Ok(()) => {
                    let _ = records.set_meta(KV_VERSION, head.version as i64);
                    let mut inner = self.kv.inner.borrow_mut();
                    inner.written = Some(head.version);
                    inner.error = None;
                    inner.retry_ms = 0;
                    let (done, waiting) =
                        std::mem::take(&mut inner.waiting).into_iter().partition(|(v, _)| *v <= head.version);
                    inner.waiting = waiting;
                    for (_, tx) in done {
                        let _ = tx.send(());
                    }
                }
                Err(e) => {
                    worker::console_error!("KV write of version {} failed: {e}", head.version);
                    let retry = {
                        let mut inner = self.kv.inner.borrow_mut();
                        inner.error = Some((crate::now(), e));
                        inner.retry_ms = (inner.retry_ms * 2).clamp(RETRY_MS.0, RETRY_MS.1);
                        for (_, tx) in inner.waiting.drain(..) {
                            let _ = tx.send(());
                        }
                        inner.retry_ms
                    };
                    let _ = self.state.storage().set_alarm(retry).await;
                    break;
                }
            }
        }
        self.kv.inner.borrow_mut().writing = false;
        self.kv_report(records, target)
    }

    fn kv_written(&self, records: &Records) -> Option<u64> {
        let known = self.kv.inner.borrow().written;
        known.or_else(|| {
            let stored = records.meta(KV_VERSION).ok().flatten().map(|v| v as u64);
            self.kv.inner.borrow_mut().written = stored;
            stored
        })
    }

    fn kv_report(&self, records: &Records, target: Option<u64>) -> Value {
        let written = self.kv_written(records);
        let mut report =
            json!({ "version": written, "written": target.is_none_or(|t| written.is_some_and(|w| w >= t)) });
        if let Some((at, message)) = &self.kv.inner.borrow().error {
            report["error"] = json!({ "at": at, "message": message });
        }
        report
    }

    /// Before the first commit, KV's snapshot (published before the object existed) is the
    /// version of record. Reads and `/health` check only then; writes check KV each time
    /// (`adopt_kv`), so a snapshot written to KV directly is adopted at the next write.
    pub async fn adopt_first(&self, records: &Records) {
        if self.head.version().is_none() {
            self.adopt_kv(records).await;
        }
    }

    /// Takes KV's snapshot as a version of record when it is newer than the head: the first
    /// time the object runs (a deployment that published to KV before it existed), or after
    /// someone wrote KV directly. Versions stay monotonic either way.
    pub async fn adopt_kv(&self, records: &Records) {
        let Some(text) = read(&self.env).await else { return };
        let head = self.head.get(records).ok().flatten();
        // What the object wrote, as it is after every write that went through it: nothing to parse.
        if head.as_ref().is_some_and(|h| *h.text == *text) {
            return;
        }
        let Ok(kv_version) = Snapshot::parse_signed(&text, &Keys::default()).map(|s| s.version()) else { return };
        if head.is_some_and(|h| h.version >= kv_version) {
            return;
        }
        let actor = super::commit::Actor { name: "kv", client: "kv", route: super::Route::PutSnapshot, reason: None };
        let committed = self.commit(records, &actor, super::commit::Expected::Any, |_| {
            // Loaded as any isolate would; a refused one is not adopted (isolates refuse it too).
            let snapshot = state::with(&self.env, |s| s.cache.load(&text, crate::now()))
                .map_err(|r| super::commit::Refused::new(400, r.kind, r.message, Some(&r.path)))?;
            Ok(Some(super::commit::Proposal {
                text: text.clone(),
                snapshot,
                document: None,
                action: "adopt",
                detail: None,
            }))
        });
        if let Ok(Ok(c)) = committed {
            let _ = records.set_meta(KV_VERSION, c.version as i64);
            self.kv.inner.borrow_mut().written = Some(c.version);
        }
    }
}

/// `GET /internal/status`: the versions the object and KV hold, for `/health`.
pub fn status(control: &Control, records: &Records) -> Result<Response> {
    let head = control.head.get(records)?;
    let version = head.as_ref().map(|h| h.version);
    let mut body = json!({
        "version": version,
        "kv": control.kv_report(records, version),
        "subscribers": super::push::count(&control.state),
    });
    if let Some(h) = &head {
        body["generatedAt"] = json!(h.snapshot.generated_at());
        body["etag"] = json!(*h.etag);
    }
    http::json(200, body.to_string())
}

async fn read(env: &worker::Env) -> Option<String> {
    let key = state::with(env, |s| s.settings.snapshot_key.clone());
    env.kv(state::FLAGS_KV).ok()?.get(&key).text().await.ok().flatten()
}

async fn write(env: &worker::Env, text: &str) -> std::result::Result<(), String> {
    let key = state::with(env, |s| s.settings.snapshot_key.clone());
    let kv = env.kv(state::FLAGS_KV).map_err(|e| e.to_string())?;
    let put = |k: String| kv.put(&k, text).map_err(|e| e.to_string());
    put(key.clone())?.execute().await.map_err(|e| e.to_string())?;
    put(store::last_good_key(&key))?.execute().await.map_err(|e| e.to_string())
}

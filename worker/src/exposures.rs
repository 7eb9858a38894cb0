//! Exposures: recorded in the isolate as `/flags` evaluates, sent to the Queue after the
//! response (`ctx.wait_until`), and written out by the Queue's consumer.
//!
//! Sending waits `EXPOSURE_FLUSH_MS` so one message carries many requests' exposures. Every
//! request that records schedules a send unless one is already scheduled and has not yet taken
//! the pending exposures; the scheduling request's `wait_until` keeps the isolate alive until it
//! is done. So nothing recorded waits on a later request, and an isolate torn down after its
//! last response has sent everything first.
//!
//! Queues deliver at least once. The consumer stores each batch under its (`source`,
//! `sequence`) with a create-only write, so a redelivered batch is recognised and stored once.

use crate::state::{self, Settings, EXPOSURE_ARCHIVE, EXPOSURE_QUEUE};
use edgeflag::{decode_batch, ExposureConfig, Recorder};
use std::time::Duration;
use worker::wasm_bindgen::JsValue;
use worker::Conditional;
use worker::{console_error, console_log, Delay, Env, MessageBatch, MessageExt, QueueContentType, RawMessageBuilder};

/// Largest batch in one Queue message (Queues accept up to 128 KB).
pub const MAX_MESSAGE_BYTES: usize = 100_000;

pub struct Exposures {
    pub recorder: Option<Recorder>,
    /// A send is scheduled and has not taken the pending exposures yet.
    scheduled: bool,
}

impl Exposures {
    pub fn new(settings: &Settings) -> Exposures {
        let mut config = ExposureConfig::new(&format!("worker-{}", crate::random_hex::<8>()));
        config.attributes = settings.exposure_attributes.clone();
        config.key_salt = settings.exposure_key_salt.clone();
        config.queue_capacity = settings.exposure_queue_capacity;
        config.dedupe_capacity = settings.exposure_dedupe_capacity;
        let recorder = match Recorder::new(config) {
            Ok(r) => Some(r),
            Err(e) => {
                // A bad EXPOSURE_* setting: flags keep serving, without exposures.
                console_error!("exposures off: {}: {}", e.setting, e.message);
                None
            }
        };
        Exposures { recorder, scheduled: false }
    }

    pub fn scheduled(&self) -> bool {
        self.scheduled
    }

    /// Whether the caller should schedule a send (and now owns that duty).
    pub fn schedule(&mut self) -> bool {
        let due = !self.scheduled && self.recorder.is_some();
        self.scheduled |= due;
        due
    }

    /// Everything pending, as Queue-sized batches.
    fn take_all(&mut self, now: i64) -> Vec<String> {
        self.scheduled = false;
        let Some(recorder) = &mut self.recorder else { return Vec::new() };
        std::iter::from_fn(|| recorder.take_batch(now, MAX_MESSAGE_BYTES)).collect()
    }
}

/// Waits, then sends what is pending to the Queue. Runs inside `ctx.wait_until`.
pub async fn send_later(env: Env, delay_ms: u64) {
    if delay_ms > 0 {
        Delay::from(Duration::from_millis(delay_ms)).await;
    }
    let now = crate::now();
    let batches = state::with(&env, |s| s.exposures.take_all(now));
    let mut lost = 0;
    for batch in batches {
        if let Err(e) = send(&env, &batch).await {
            // One retry: a failing Queue is rare, and the isolate may be near its end.
            Delay::from(Duration::from_millis(200)).await;
            if send(&env, &batch).await.is_err() {
                let n = decode_batch(&batch).map_or(0, |b| b.exposures as u64);
                console_error!("exposures: {n} lost, the Queue refused a batch: {e}");
                lost += n;
            }
        }
    }
    if lost > 0 {
        // Reported as `dropped` by the next batch.
        state::with(&env, |s| s.exposures.recorder.as_mut().map(|r| r.lost(lost)));
    }
}

/// Sends one batch (JSON text, already valid) as a text message.
pub async fn send(env: &Env, batch: &str) -> worker::Result<()> {
    let message = RawMessageBuilder::new(JsValue::from_str(batch)).build_with_content_type(QueueContentType::Text);
    env.queue(EXPOSURE_QUEUE)?.send_raw(message).await
}

/// The Queue consumer: stores each batch once in R2 (or logs it when no bucket is bound).
pub async fn consume(batch: MessageBatch<String>, env: Env) -> worker::Result<()> {
    let archive = env.bucket(EXPOSURE_ARCHIVE).ok();
    for message in batch.messages()? {
        let text = message.body();
        let decoded = match decode_batch(text) {
            Ok(b) => b,
            Err(e) => {
                // Checked before it was queued, so this is not a transient fault: retrying
                // would not help.
                console_error!("exposures: message {} is not a batch ({e}); dropped", message.id());
                message.ack();
                continue;
            }
        };
        let Some(bucket) = &archive else {
            console_log!("{text}");
            message.ack();
            continue;
        };
        let key = archive_key(&decoded.source, decoded.sequence);
        let create_only = Conditional { etag_does_not_match: Some("*".into()), ..Conditional::default() };
        match bucket.put(&key, text.clone()).only_if(create_only).execute().await {
            Ok(stored) => {
                let what = if stored.is_some() { "stored" } else { "already stored" };
                console_log!(
                    "exposures: {key} {what} ({} exposures, {} summaries)",
                    decoded.exposures,
                    decoded.summaries
                );
                message.ack();
            }
            Err(e) => {
                console_error!("exposures: {key} not stored ({e}); retried");
                message.retry();
            }
        }
    }
    Ok(())
}

/// `exposures/<source>/<sequence, 16 digits>.json`, the source percent-encoded (any text is a
/// valid source), so that keys list in sending order per source.
pub fn archive_key(source: &str, sequence: u64) -> String {
    let mut key = String::from("exposures/");
    for b in source.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            key.push(char::from(b));
        } else {
            key.push_str(&format!("%{b:02X}"));
        }
    }
    key.push_str(&format!("/{sequence:016}.json"));
    key
}

#[cfg(test)]
mod tests {
    #[test]
    fn archive_keys() {
        assert_eq!(super::archive_key("worker-ab", 7), "exposures/worker-ab/0000000000000007.json");
        assert_eq!(super::archive_key("a/b é", 12), "exposures/a%2Fb%20%C3%A9/0000000000000012.json");
    }
}

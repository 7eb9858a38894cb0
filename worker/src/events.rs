//! `POST /events`: exposure batches from clients (the npm package's `Reporter` posts them here),
//! checked against the batch format (docs/exposures.md) and forwarded to the Queue as they are.

use crate::body::{self, BodyError};
use crate::exposures::{self, MAX_MESSAGE_BYTES};
use crate::http;
use edgeflag::decode_batch;
use serde_json::json;
use worker::{console_error, Env, Request, Response, Result};

pub async fn collect(req: &mut Request, env: &Env) -> Result<Response> {
    // Counted as it streams: a batch over the limit is refused without being held.
    let text = match body::text(req, MAX_MESSAGE_BYTES).await {
        Ok(t) => t,
        Err(BodyError::TooLarge { .. }) => return too_large(),
        Err(_) => return http::error(400, "invalid_batch", "the body is not UTF-8 text", None),
    };
    let batch = match decode_batch(&text) {
        Ok(b) => b,
        Err(e) => return http::error(400, "invalid_batch", &e.message, Some(&e.path)),
    };
    if let Err(e) = exposures::send(env, &text).await {
        console_error!("events: the Queue refused a batch: {e}");
        // 503: the sender keeps the batch and retries (the Reporter does).
        return http::error(503, "queue_unavailable", "the batch could not be queued; retry", None);
    }
    let body = json!({ "accepted": true, "source": batch.source, "sequence": batch.sequence });
    http::json(202, body.to_string())
}

fn too_large() -> Result<Response> {
    let message = format!("a batch may be at most {MAX_MESSAGE_BYTES} bytes; send smaller batches");
    http::error(413, "batch_too_large", &message, None)
}

//! A peer's SDK endpoint as the snapshot's source: polled by the cron trigger, converted
//! (`convert.rs`) and published through `store::put` only when the converted flags changed. The
//! poll's outcome is kept in KV beside the snapshot, for `/health` in every isolate.

use crate::convert::{self, How, ParamError, Visible};
use crate::{control, state, store};
use edgeflag::bucketing::hash;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

/// The peer source's settings (`PEER_*`, worker/README.md). `source` is `None` when
/// `PEER_SOURCE` is unset: no polling.
#[derive(Clone, Debug, Default)]
pub struct PeerSettings {
    pub source: Option<Result<How, ParamError>>,
    /// `PEER_URL`, where `{key}` stands for `PEER_KEY` (GrowthBook's client key is a path segment).
    pub url: Option<String>,
    /// `PEER_AUTHORIZATION`: the `Authorization` header's value, `{key}` standing for `PEER_KEY`
    /// (Unleash: `{key}`; a bearer: `Bearer {key}`); unset, none is sent.
    pub authorization: Option<String>,
    /// `PEER_KEY` (secret).
    pub key: Option<String>,
    /// `PEER_DECRYPTION_KEY` (secret): GrowthBook's encrypted payloads, polled or published.
    pub decryption_key: Option<String>,
}

impl PeerSettings {
    /// From the settings' text (`text(name)` is a non-empty var or secret).
    pub fn read(text: impl Fn(&str) -> Option<String>) -> PeerSettings {
        let source = text("PEER_SOURCE").map(|name| {
            let (peer, name) = convert::peer_named(name.trim(), "PEER_SOURCE")?;
            Ok(How {
                peer,
                name,
                reference: text("PEER_REFERENCE"),
                skip_unsupported: convert::flag(
                    &text("PEER_SKIP_UNSUPPORTED").unwrap_or_default(),
                    "PEER_SKIP_UNSUPPORTED",
                )?,
                client_visible: Visible::parse(&text("PEER_CLIENT_VISIBLE").unwrap_or_default()),
            })
        });
        PeerSettings {
            source,
            url: text("PEER_URL"),
            authorization: text("PEER_AUTHORIZATION"),
            key: text("PEER_KEY"),
            decryption_key: text("PEER_DECRYPTION_KEY"),
        }
    }

    /// What decides the conversion besides the payload: a change converts again even when the
    /// peer answers 304 (the ETag is only sent while this is unchanged).
    fn fingerprint(&self, how: &How) -> String {
        let text = format!("{how:?}|{:?}|{:?}", self.url, self.authorization);
        format!("{:016x}", hash(text.as_bytes()))
    }
}

/// KV key of the poller's record, beside `SNAPSHOT_KEY`.
pub fn state_key(snapshot_key: &str) -> String {
    format!("{snapshot_key}.peer")
}

/// What the poller keeps in KV between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PollState {
    /// The peer's ETag of the payload last converted and published (or found unchanged).
    etag: Option<String>,
    /// `convert::Converted::content_hash` of that payload, 16 hex digits.
    content_hash: Option<String>,
    /// `PeerSettings::fingerprint` when they were recorded.
    settings: Option<String>,
    last_poll: Option<Poll>,
    /// The last publish by the poller: when, which version.
    last_change: Option<Value>,
}

/// One poll's outcome, as `/health` shows it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Poll {
    at: i64,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Value>,
    /// What `PEER_SKIP_UNSUPPORTED` left out of the payload converted.
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<Value>,
}

/// What a poll did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Published,
    /// A new payload (a new ETag, or none) that converts to the same flags.
    Unchanged,
    /// 304.
    NotModified,
    Failed,
}

/// A failed poll's error: `{"error": code, "message", "path"?, "httpStatus"?}`.
fn failure(code: &str, message: &str, path: Option<&str>) -> Value {
    let mut e = json!({ "error": code, "message": message });
    if let Some(p) = path.filter(|p| !p.is_empty()) {
        e["path"] = json!(p);
    }
    e
}

/// What a key keeps as it is in a URL: RFC 3986's unreserved characters.
const KEY_IN_URL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `{key}` in a template, replaced by the key (percent-encoded in URLs).
fn fill(template: &str, key: Option<&str>, encode: bool) -> Result<String, Value> {
    if !template.contains("{key}") {
        return Ok(template.to_string());
    }
    let Some(key) = key else {
        return Err(failure("invalid_setting", "{key} is used but the PEER_KEY secret is not set", Some("PEER_KEY")));
    };
    let key = if encode { utf8_percent_encode(key, KEY_IN_URL).to_string() } else { key.to_string() };
    Ok(template.replace("{key}", &key))
}

/// A message with the key taken out, as it is and percent-encoded: errors from the network may
/// quote the URL, and the key must not reach logs or `/health`.
fn scrub(message: &str, key: Option<&str>) -> String {
    let Some(key) = key.filter(|k| !k.is_empty()) else { return message.to_string() };
    let encoded = utf8_percent_encode(key, KEY_IN_URL).to_string();
    message.replace(key, "{key}").replace(&encoded, "{key}")
}

/// The cron trigger's work: fetches the peer's payload (conditionally), converts it, publishes it
/// when its flags changed, and records the outcome. Does nothing without `PEER_SOURCE`.
pub async fn poll(env: &Env) {
    let (settings, snapshot_key) = state::with(env, |s| (s.settings.peer.clone(), s.settings.snapshot_key.clone()));
    let Some(source) = &settings.source else { return };
    let Ok(kv) = env.kv(state::FLAGS_KV) else {
        worker::console_error!("peer source: the FLAGS binding is missing");
        return;
    };
    let key = state_key(&snapshot_key);
    let mut record: PollState = match kv.get(&key).text().await {
        Ok(Some(text)) => serde_json::from_str(&text).unwrap_or_default(),
        _ => PollState::default(),
    };
    let now = crate::now();
    let poll = match source {
        Ok(how) => run(env, &settings, how, &mut record, now).await,
        Err(e) => Err(failure("invalid_setting", &e.message, Some(&e.path))),
    };
    let poll = poll.unwrap_or_else(|error| {
        worker::console_error!("peer source: poll failed: {error}");
        Poll { at: now, status: Status::Failed, version: None, error: Some(error), skipped: None }
    });
    if poll.status == Status::Published {
        record.last_change = Some(json!({ "at": now, "version": poll.version }));
    }
    record.last_poll = Some(poll);
    let written = match serde_json::to_string(&record) {
        Ok(text) => match kv.put(&key, text) {
            Ok(put) => put.execute().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = written {
        worker::console_error!("peer source: the poll's record was not written: {e}");
    }
}

/// One poll; `record`'s ETag and hash move only when the payload was published or found
/// unchanged, so a failed one is fetched and converted again next time.
async fn run(env: &Env, settings: &PeerSettings, how: &How, record: &mut PollState, now: i64) -> Result<Poll, Value> {
    let secret = settings.key.as_deref();
    let Some(url) = &settings.url else {
        return Err(failure("invalid_setting", "PEER_SOURCE is set but PEER_URL is not", Some("PEER_URL")));
    };
    let url = fill(url, secret, true)?;
    let fingerprint = settings.fingerprint(how);
    let headers = Headers::new();
    let header_error = |e: worker::Error| failure("invalid_setting", &scrub(&e.to_string(), secret), None);
    headers.set("accept", "application/json").map_err(header_error)?;
    if let Some(template) = &settings.authorization {
        let value = fill(template, secret, false)?;
        headers.set("authorization", &value).map_err(|_| {
            failure("invalid_setting", "PEER_AUTHORIZATION is not a valid header value", Some("PEER_AUTHORIZATION"))
        })?;
    }
    if let (Some(etag), true) = (&record.etag, record.settings.as_deref() == Some(fingerprint.as_str())) {
        headers.set("if-none-match", etag).map_err(header_error)?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let fetch_error = |e: worker::Error| failure("fetch_failed", &scrub(&e.to_string(), secret), None);
    let request = Request::new_with_init(&url, &init).map_err(fetch_error)?;
    let mut resp = Fetch::Request(request).send().await.map_err(fetch_error)?;
    let status = resp.status_code();
    let done = |status, version, skipped| Poll { at: now, status, version, error: None, skipped };
    if status == 304 {
        return Ok(done(Status::NotModified, None, None));
    }
    if !(200..300).contains(&status) {
        let mut e = failure("peer_status", &format!("the peer answered HTTP {status}"), None);
        e["httpStatus"] = json!(status);
        return Err(e);
    }
    let etag = resp.headers().get("etag").ok().flatten();
    let bytes = resp.bytes().await.map_err(fetch_error)?;
    if bytes.len() > store::MAX_SNAPSHOT_BYTES {
        return Err(failure("payload_too_large", "the peer's payload is over 16 MiB", None));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| failure("invalid", "the peer's payload is not UTF-8 text", None))?;
    let converted = convert::convert(how, &text, settings.decryption_key.clone())
        .map_err(|e| failure(e.kind.code(), &e.message, Some(&e.path)))?;
    let content_hash = format!("{:016x}", converted.content_hash);
    let skipped = (!converted.skipped.is_empty()).then(|| convert::skipped_json(&converted.skipped));
    let unchanged = record.content_hash.as_deref() == Some(content_hash.as_str())
        && record.settings.as_deref() == Some(fingerprint.as_str());
    let result = if unchanged {
        done(Status::Unchanged, None, skipped)
    } else {
        // Through the writer of record, which gives it the version one above its head.
        let now = convert::now_rfc3339();
        let text = converted.text(0, &now);
        let committed = control::call(env, "publish-next", Method::Post, Headers::new(), Some(text)).await;
        let mut resp = committed.map_err(|e| failure("writer_unavailable", &e.to_string(), None))?;
        let answer: Value = resp.json().await.map_err(|e| failure("writer_unavailable", &e.to_string(), None))?;
        if resp.status_code() != 200 {
            let text = |k: &str| answer[k].as_str().unwrap_or_default().to_string();
            let path = answer["path"].as_str();
            return Err(failure(&text("error"), &text("message"), path));
        }
        store::reload(env, crate::cache::Origin::Peer).await;
        done(Status::Published, answer["version"].as_u64(), skipped)
    };
    (record.etag, record.content_hash, record.settings) = (etag, Some(content_hash), Some(fingerprint));
    Ok(result)
}

/// `/health`'s `peer` member, and whether the source is failing (the snapshot serving is then
/// older than the peer's flags may be: `degraded`). `None` without `PEER_SOURCE`.
pub async fn health(env: &Env) -> Option<(Value, bool)> {
    let (source, url, snapshot_key) = state::with(env, |s| {
        let p = &s.settings.peer;
        let source = p.source.as_ref()?.as_ref().map(|h| h.name).map_err(Clone::clone);
        Some((source, p.url.clone(), s.settings.snapshot_key.clone()))
    })?;
    let mut body = json!({ "source": source.as_ref().ok(), "url": url });
    if let Err(e) = &source {
        body["settingError"] = failure("invalid_setting", &e.message, Some(&e.path));
        return Some((body, true));
    }
    let record = match env.kv(state::FLAGS_KV) {
        Ok(kv) => kv.get(&state_key(&snapshot_key)).text().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let record: PollState = match record {
        Ok(Some(text)) => serde_json::from_str(&text).unwrap_or_default(),
        Ok(None) => PollState::default(),
        Err(message) => {
            body["kvError"] = json!(message);
            return Some((body, true));
        }
    };
    let failing = record.last_poll.as_ref().is_some_and(|p| p.status == Status::Failed);
    body["lastPoll"] = json!(record.last_poll);
    body["lastChange"] = json!(record.last_change);
    Some((body, failing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_templates_and_messages() {
        assert_eq!(
            fill("https://cdn/api/features/{key}", Some("sdk-a/b"), true).unwrap(),
            "https://cdn/api/features/sdk-a%2Fb"
        );
        assert_eq!(fill("Bearer {key}", Some("t0k"), false).unwrap(), "Bearer t0k");
        assert_eq!(fill("https://flagd/flags.json", None, true).unwrap(), "https://flagd/flags.json");
        assert_eq!(fill("{key}", None, false).unwrap_err()["path"], "PEER_KEY");
        assert_eq!(
            scrub("fetch https://cdn/api/features/sdk-a%2Fb failed", Some("sdk-a/b")),
            "fetch https://cdn/api/features/{key} failed"
        );
        assert_eq!(scrub("bad header: t0k", Some("t0k")), "bad header: {key}");
    }

    #[test]
    fn settings() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
        };
        assert!(PeerSettings::read(vars(&[])).source.is_none());
        let s = PeerSettings::read(vars(&[("PEER_SOURCE", "unleash"), ("PEER_SKIP_UNSUPPORTED", "true")]));
        let how = s.source.unwrap().unwrap();
        assert_eq!((how.name, how.skip_unsupported, how.client_visible), ("unleash", true, Visible::None));
        let s = PeerSettings::read(vars(&[("PEER_SOURCE", "statsig")]));
        assert_eq!(s.source.unwrap().unwrap_err().path, "PEER_SOURCE");
    }
}

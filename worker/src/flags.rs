//! `GET /flags` (every client-visible flag) and `GET /flags/:key` for the request's context.
//!
//! `?at=<time>` evaluates at another time (a scheduled launch, an off-peak window) for operators
//! with a token (any role); such previews record no exposures.

use crate::identity::{self, Identity, Sources, CONTEXT_HEADER, KEY_COOKIE, KEY_HEADER};
use crate::state::{self, Settings};
use crate::{control, http, signed};
use edgeflag::{parse_timestamp, Evaluation, EvaluationJson, Json, Recorder, Snapshot};
use serde::ser::{Serialize, SerializeMap, Serializer};
use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::{Env, Request, Response, Result};

/// What an evaluation request asked for, once read and checked.
struct Asked {
    id: Identity,
    now: i64,
    /// Record exposures (not for previews).
    track: bool,
}

pub async fn serve(req: &Request, env: &Env, only: Option<&str>) -> Result<Response> {
    // A preview needs a token (any role), checked by the writer of record, which counts and
    // records failures as for the admin API.
    if req.url()?.query_pairs().any(|(k, _)| k == "at") {
        if let Some(refusal) = control::authenticate(req, env).await? {
            return Ok(refusal);
        }
    }
    let asked = match state::with(env, |s| read(req, &s.settings)) {
        Ok(a) => a,
        Err(refusal) => return refusal,
    };
    let Asked { id, now, track } = asked;
    let rendered = state::with(env, |s| {
        let snapshot = s.cache.snapshot()?;
        let recorder = s.exposures.recorder.as_mut().filter(|_| track);
        let head = Head { version: snapshot.version(), evaluated_at: now, key: &id.key, anonymous: id.anonymous };
        let (status, body) = match only {
            None => (200, to_json(&AllBody { head, flags: evaluate_all(snapshot, &id, now, recorder) })),
            Some(key) => match evaluate_one(snapshot, key, &id, now, recorder) {
                Some(e) => (
                    200,
                    to_json(&OneBody { head, flag_key: key, result: EvaluationJson { evaluation: &e, default: None } }),
                ),
                None => (404, String::new()),
            },
        };
        Some((status, body))
    });
    let mut resp = match rendered {
        None => http::error(503, "unavailable", "no snapshot loaded yet (see /health)", None)?,
        Some((404, _)) => {
            let key = only.unwrap_or_default();
            http::error(404, "FLAG_NOT_FOUND", &format!("no client-visible flag {key:?}"), None)?
        }
        Some((status, body)) => http::json(status, body)?,
    };
    if let Some(cookie) = &id.set_cookie {
        resp.headers_mut().append("set-cookie", cookie)?;
    }
    Ok(resp)
}

/// The request's context and time, or the answer refusing it.
fn read(req: &Request, settings: &Settings) -> core::result::Result<Asked, Result<Response>> {
    let now = crate::now();
    let header = |name| req.headers().get(name).ok().flatten();
    let url = req.url().map_err(Err)?;
    let query = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let secret = &settings.context_secret;

    let mut at = None;
    // Authenticated by `serve` before this is called.
    if let Some(text) = query("at") {
        match parse_timestamp(&text) {
            Some(t) => at = Some(t),
            None => {
                return Err(http::error(
                    400,
                    "invalid_time",
                    "?at= takes an RFC 3339 time, a date or milliseconds",
                    None,
                ))
            }
        }
    }
    let signed = match (header(CONTEXT_HEADER), secret) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(http::error(401, "signed_context", "signed contexts are not configured (CONTEXT_SECRET)", None))
        }
        (Some(token), Some(secret)) => match signed::verify(&token, secret.as_bytes(), now) {
            Ok(context) => Some(context),
            Err(e) => return Err(http::error(401, "signed_context", e.message(), Some(e.code()))),
        },
    };
    let cookies = header("cookie").unwrap_or_default();
    let (header_key, query_key) = (header(KEY_HEADER), query("key"));
    let sources = Sources {
        signed,
        header_key: header_key.as_deref(),
        query_key: query_key.as_deref(),
        cookie_key: identity::cookie(&cookies, KEY_COOKIE),
        edge: edge_attributes(req),
    };
    let issue = || identity::anonymous_key(crate::random_bytes());
    match identity::identify(sources, issue) {
        Ok(id) => Ok(Asked { id, now: at.unwrap_or(now), track: at.is_none() }),
        Err(e) => Err(http::error(400, "invalid_key", e.0, None)),
    }
}

/// Where Cloudflare says the request comes from. The `cf-ipcountry` header is set by
/// Cloudflare (a client's own is replaced); the rest is the request's `cf` object.
fn edge_attributes(req: &Request) -> Vec<(&'static str, Json<'static>)> {
    let mut out = Vec::new();
    let cf = Reflect::get(req.inner(), &JsValue::from_str("cf")).unwrap_or(JsValue::UNDEFINED);
    let field = |name: &str| {
        if cf.is_object() {
            Reflect::get(&cf, &JsValue::from_str(name)).ok()
        } else {
            None
        }
    };
    let country = req.headers().get("cf-ipcountry").ok().flatten().or_else(|| field("country")?.as_string());
    if let Some(c) = country {
        out.push(("country", Json::from(c)));
    }
    for (name, from) in [
        ("continent", "continent"),
        ("region", "regionCode"),
        ("city", "city"),
        ("timezone", "timezone"),
        ("colo", "colo"),
    ] {
        if let Some(v) = field(from).and_then(|v| v.as_string()) {
            out.push((name, Json::from(v)));
        }
    }
    if let Some(asn) = field("asn").and_then(|v| v.as_f64()) {
        out.push(("asn", Json::from(asn)));
    }
    out
}

fn evaluate_all<'s>(
    snapshot: &'s Snapshot,
    id: &Identity,
    now: i64,
    mut recorder: Option<&mut Recorder>,
) -> Vec<(&'s str, Evaluation<'s>)> {
    let who = recorder.as_ref().map(|r| r.subject(&id.context));
    let mut out = Vec::new();
    for (i, flag) in snapshot.flags().iter().enumerate().filter(|(_, f)| f.client_visible()) {
        let e = snapshot.evaluate_at(i, &id.context, now, None);
        if let (Some(r), Some(who)) = (recorder.as_deref_mut(), &who) {
            r.record(who, snapshot, i, &e, now);
        }
        out.push((flag.key(), e));
    }
    out
}

fn evaluate_one<'s>(
    snapshot: &'s Snapshot,
    key: &str,
    id: &Identity,
    now: i64,
    recorder: Option<&mut Recorder>,
) -> Option<Evaluation<'s>> {
    // Server-only flags are as unknown here as missing ones.
    let i = snapshot.index_of(key).filter(|&i| snapshot.flags()[i].client_visible())?;
    let e = snapshot.evaluate_at(i, &id.context, now, None);
    if let Some(r) = recorder {
        let who = r.subject(&id.context);
        r.record(&who, snapshot, i, &e, now);
    }
    Some(e)
}

fn to_json(body: &impl Serialize) -> String {
    // Serializing these types cannot fail: keys are strings, numbers are finite.
    serde_json::to_string(body).unwrap_or_default()
}

struct Head<'a> {
    version: u64,
    evaluated_at: i64,
    key: &'a str,
    anonymous: bool,
}

impl Head<'_> {
    fn write<M: SerializeMap>(&self, m: &mut M) -> core::result::Result<(), M::Error> {
        m.serialize_entry("version", &self.version)?;
        m.serialize_entry("evaluatedAt", &self.evaluated_at)?;
        m.serialize_entry("key", self.key)?;
        m.serialize_entry("anonymous", &self.anonymous)
    }
}

/// `{"version", "evaluatedAt", "key", "anonymous", "flags": {key: result}}`.
struct AllBody<'a, 's> {
    head: Head<'a>,
    flags: Vec<(&'s str, Evaluation<'s>)>,
}

impl Serialize for AllBody<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        struct Flags<'b, 's>(&'b [(&'s str, Evaluation<'s>)]);
        impl Serialize for Flags<'_, '_> {
            fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (key, e) in self.0 {
                    m.serialize_entry(key, &EvaluationJson { evaluation: e, default: None })?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(None)?;
        self.head.write(&mut m)?;
        m.serialize_entry("flags", &Flags(&self.flags))?;
        m.end()
    }
}

/// `{"version", "evaluatedAt", "key", "anonymous", "flagKey", "result"}`.
struct OneBody<'a, 's> {
    head: Head<'a>,
    flag_key: &'a str,
    result: EvaluationJson<'a, 's>,
}

impl Serialize for OneBody<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        self.head.write(&mut m)?;
        m.serialize_entry("flagKey", self.flag_key)?;
        m.serialize_entry("result", &self.result)?;
        m.end()
    }
}

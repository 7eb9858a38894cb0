//! Per-flag changes: each applied by the core (`edgeflag::edit`) to the head's document, loaded
//! by the core's loader, and committed as a new version with a new `generatedAt`; refused with
//! the change's or the loader's error kind and path otherwise. And the flag list the dashboard
//! reads.

use super::commit::{Actor, Proposal, Refused};
use super::publish::{reason, write_request};
use super::records::Records;
use super::{auth::Caller, client, Control, Route, MAX_BODY};
use crate::{convert, http, state};
use edgeflag::edit::{self, Document, EditError, EditErrorKind, SegmentList};
use edgeflag::{Json, Snapshot};
use serde_json::{json, Value};
use worker::{Request, Response, Result};

/// Users sampled for a ramp's report unless the request says otherwise, and at most.
const SAMPLE: u32 = 10_000;
const MAX_SAMPLE: u32 = 100_000;

fn refused(e: EditError) -> Refused {
    let status = match e.kind {
        EditErrorKind::NotFound | EditErrorKind::SegmentNotFound => 404,
        EditErrorKind::Exists | EditErrorKind::Required => 409,
        _ => 400,
    };
    let code = e.kind.code();
    let message = match e.required_by.as_slice() {
        [] => e.message,
        flags => format!("{} (required by {})", e.message, flags.join(", ")),
    };
    Refused { status, code, message, path: Some(e.path), current: None }
}

fn invalid(message: impl Into<String>, path: &str) -> Refused {
    Refused::new(400, "invalid_change", message, Some(path))
}

/// A member of the request body.
fn member<'j>(body: &'j Json<'static>, name: &str) -> Option<&'j Json<'static>> {
    body.get(name)
}

fn string(body: &Json<'static>, name: &str) -> std::result::Result<Option<String>, Refused> {
    match member(body, name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.to_string())),
        Some(_) => Err(invalid(format!("{name} must be a string"), name)),
    }
}

fn keys(body: &Json<'static>, name: &str) -> std::result::Result<Vec<Json<'static>>, Refused> {
    match member(body, name) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => Ok(items.clone()),
        Some(_) => Err(invalid(format!("{name} must be an array of keys"), name)),
    }
}

/// A percentage as weight out of 100,000: a number or a string with at most three decimals.
fn percent(value: Option<&Json<'static>>) -> std::result::Result<u32, Refused> {
    let text = match value {
        Some(Json::String(s)) => s.to_string(),
        Some(number @ Json::Number(_)) => number.to_text(),
        _ => return Err(invalid("percent is required: a number from 0 to 100", "percent")),
    };
    edit::percent::parse(&text)
        .ok_or_else(|| invalid("percent is a number from 0 to 100 with at most 3 decimals", "percent"))
}

/// What one change does to the document; the report it adds to the answer.
type Apply<'a> = Box<dyn FnOnce(&mut Document) -> std::result::Result<ApplyResult, Refused> + 'a>;

/// What to report once the new snapshot is loaded (the ramp's sample needs both).
type Report = Box<dyn FnOnce(&Snapshot, &Snapshot) -> std::result::Result<Option<Value>, Refused>>;

struct ApplyResult {
    action: &'static str,
    report: Report,
}

fn done(action: &'static str, detail: Option<Value>) -> ApplyResult {
    ApplyResult { action, report: Box::new(move |_, _| Ok(detail)) }
}

pub async fn change(
    control: &Control,
    req: &mut Request,
    records: &Records,
    caller: &Caller,
    route: Route,
    key: &str,
) -> Result<Response> {
    let (expected, text) = match write_request(req, MAX_BODY).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let body = if text.trim().is_empty() && route == Route::ArchiveFlag {
        Json::Object(Vec::new())
    } else {
        match Json::parse(&text) {
            Ok(j) => j.to_owned_json(),
            Err(e) => return http::error(400, "invalid_json", &e.to_string(), None),
        }
    };
    if state::with(&control.env, |s| !s.cache.signing.keys.keys().is_empty()) {
        let message =
            "snapshots must be signed (EDGEFLAG_PUBLIC_KEYS): publish a signed snapshot whole with PUT /admin/snapshot";
        return Refused::new(409, "signed_snapshots_only", message, None).respond();
    }
    let apply = match plan(route, key, &body) {
        Ok(a) => a,
        Err(r) => return r.respond(),
    };
    control.adopt_kv(records).await;
    let reason = match route {
        Route::PatchFlag => reason(req),
        _ => string(&body, "reason").ok().flatten().or_else(|| reason(req)),
    };
    let client = client(req);
    let actor = Actor { name: &caller.name, client: &client, route, reason: reason.as_deref() };
    let now = convert::now_rfc3339();
    let committed = control.commit(records, &actor, expected, |head| {
        let Some(head) = head else {
            return Err(Refused::new(409, "nothing_published", "publish a snapshot first (PUT /admin/snapshot)", None));
        };
        let mut doc = Document::parse(&head.text).map_err(refused)?;
        let applied = apply(&mut doc)?;
        let (text, after) = doc.finish(head.version.saturating_add(1), &now).map_err(refused)?;
        let detail = (applied.report)(&head.snapshot, &after)?;
        let document = Some(doc.into_json());
        Ok(Some(Proposal { text, snapshot: after, document, action: applied.action, detail }))
    })?;
    match committed {
        Ok(c) => control.publish(records, c, route).await,
        Err(r) => r.respond(),
    }
}

/// Reads a change's body into what it does; its errors before anything is read from storage.
fn plan<'a>(route: Route, key: &'a str, body: &'a Json<'static>) -> std::result::Result<Apply<'a>, Refused> {
    Ok(match route {
        Route::PatchFlag => {
            if !matches!(body, Json::Object(_)) {
                return Err(invalid("a merge patch (RFC 7396) of the flag's document is a JSON object", ""));
            }
            Box::new(move |doc| {
                doc.patch_flag(key, body).map_err(refused)?;
                Ok(done("patch", None))
            })
        }
        Route::Switch => {
            let on = match member(body, "on") {
                Some(Json::Bool(on)) => *on,
                _ => return Err(invalid("on must be true or false", "on")),
            };
            Box::new(move |doc| {
                doc.set_on(key, on).map_err(refused)?;
                Ok(done(if on { "switch-on" } else { "switch-off" }, Some(json!({ "on": on }))))
            })
        }
        Route::CreateFlag => {
            let Some(new_key) = string(body, "key")? else { return Err(invalid("key is required", "key")) };
            let Some(flag) = member(body, "flag").cloned() else { return Err(invalid("flag is required", "flag")) };
            Box::new(move |doc| {
                doc.create_flag(&new_key, flag).map_err(refused)?;
                Ok(done("create", Some(json!({ "created": new_key }))))
            })
        }
        Route::ArchiveFlag => Box::new(move |doc| {
            doc.archive_flag(key).map_err(refused)?;
            Ok(done("archive", Some(json!({ "archived": key }))))
        }),
        Route::Ramp => {
            let rule = string(body, "rule")?;
            let variation = string(body, "variation")?;
            let weight = percent(member(body, "percent"))?;
            let sample = match member(body, "sample") {
                None => SAMPLE,
                Some(n) => {
                    n.as_integer().and_then(|n| u32::try_from(n).ok()).filter(|n| *n <= MAX_SAMPLE).ok_or_else(
                        || invalid(format!("sample is a count of users from 0 to {MAX_SAMPLE}"), "sample"),
                    )?
                }
            };
            let base = match member(body, "context") {
                None => Json::Object(Vec::new()),
                Some(c @ Json::Object(_)) => c.clone(),
                Some(_) => return Err(invalid("context must be a JSON object", "context")),
            };
            let flag = key.to_string();
            Box::new(move |doc| {
                let moved = doc.set_ramp(key, rule.as_deref(), variation.as_deref(), weight).map_err(refused)?;
                let now = crate::now();
                let report = Box::new(move |before: &Snapshot, after: &Snapshot| {
                    let what = edit::Sample::of_move(&flag, rule.as_deref(), &moved, &base, sample, now);
                    let counts = edit::compare_sample(before, after, &what).map_err(refused)?;
                    Ok(Some(json!({ "ramp": {
                        "rule": rule,
                        "variation": moved.variation,
                        "kind": if moved.kind == edit::RampKind::Ramp { "ramp" } else { "experiment traffic" },
                        "from": format!("{}%", edit::percent::format(moved.old_weight)),
                        "to": format!("{}%", edit::percent::format(moved.new_weight)),
                        "bucketBy": moved.bucket_by,
                        "sampled": sample,
                        "reached": counts.reached,
                        "gained": counts.added,
                        "lost": counts.removed,
                        "changedOtherwise": counts.other,
                        "onlyAdditions": counts.reached > 0 && counts.removed + counts.other == 0,
                    } })))
                });
                Ok(ApplyResult { action: "ramp", report })
            })
        }
        Route::Targets => {
            let Some(variation) = string(body, "variation")? else {
                return Err(invalid("variation is required", "variation"));
            };
            let attribute = string(body, "attribute")?;
            let (add, remove) = (keys(body, "add")?, keys(body, "remove")?);
            Box::new(move |doc| {
                let c = doc.edit_targets(key, &variation, attribute.as_deref(), &add, &remove).map_err(refused)?;
                Ok(done("targets", Some(json!({ "added": c.added, "removed": c.removed }))))
            })
        }
        Route::SegmentMembers => {
            let which = match string(body, "list")?.as_deref() {
                Some("included") | None => SegmentList::Included,
                Some("excluded") => SegmentList::Excluded,
                Some(_) => return Err(invalid("list is included or excluded", "list")),
            };
            let (add, remove) = (keys(body, "add")?, keys(body, "remove")?);
            Box::new(move |doc| {
                let c = doc.edit_segment(key, which, &add, &remove).map_err(refused)?;
                Ok(done("segment", Some(json!({ "added": c.added, "removed": c.removed }))))
            })
        }
        _ => return Err(Refused::new(405, "method_not_allowed", "not a change", None)),
    })
}

/// `GET /admin/flags`: every flag of the head with its state, owner, last change and staleness.
pub fn list(control: &Control, records: &Records) -> Result<Response> {
    let Some(head) = control.head.get(records)? else {
        return http::error(503, "unavailable", "nothing published yet", None);
    };
    let now = crate::now();
    let mut changes = records.last_changes()?;
    let mut flags = Vec::new();
    for f in head.snapshot.flags() {
        let m = f.metadata();
        let last = changes.remove(f.key());
        let expired = m.expires_at.is_some_and(|t| t < now);
        let unchanged_ms = last.as_ref().map(|e| now - e.at);
        let settled = f.is_on() && f.bucket_totals().next().is_none();
        let stale_for_30_days = settled && unchanged_ms.is_some_and(|ms| ms >= 30 * 86_400_000);
        flags.push(json!({
            "key": f.key(),
            "on": f.is_on(),
            "clientVisible": f.client_visible(),
            "variations": f.variations().iter().map(|v| v.name()).collect::<Vec<_>>(),
            "owner": m.owner,
            "description": m.description,
            "tags": m.tags,
            "expiresAt": m.expires_at,
            "lastChange": last.map(|e| json!({ "version": e.version, "at": e.at, "actor": e.actor, "action": e.action })),
            "stale": if expired { Some("expired") } else if stale_for_30_days { Some("unchanged-30-days") } else { None },
        }));
    }
    http::json(200, json!({ "version": head.version, "now": now, "flags": flags }).to_string())
}

/// `GET /admin/flags/:key`: the flag's document in the head.
pub fn get(control: &Control, records: &Records, key: &str) -> Result<Response> {
    let Some(head) = control.head.get(records)? else {
        return http::error(503, "unavailable", "nothing published yet", None);
    };
    let version = head.version;
    let doc = match Document::parse(&head.text) {
        Ok(d) => d,
        Err(e) => return http::error(500, e.kind.code(), &e.message, Some(&e.path)),
    };
    match doc.flag(key) {
        Some(flag) => {
            let mut resp = http::json(
                200,
                format!(
                    "{{\"version\":{version},\"key\":{},\"flag\":{}}}",
                    Json::from(key.to_string()).to_text(),
                    flag.to_text()
                ),
            )?;
            resp.headers_mut().set("etag", &head.etag)?;
            Ok(resp)
        }
        None => http::error(404, "flag_not_found", &format!("no flag {key:?} in version {version}"), Some("key")),
    }
}

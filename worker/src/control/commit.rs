//! Committing a version: the head read, the caller's change applied to it, the result loaded by
//! the core, the precondition checked and every row written — all in one synchronous stretch,
//! so no other request runs in between and the runtime stores the rows as one atomic write.
//! Then, asynchronously, KV and the subscribers learn of it.

use super::records::{Audit, NewVersion, Records};
use super::{Control, Route};
use crate::http;
use edgeflag::signature::Keys;
use edgeflag::{Json, Snapshot};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use worker::{Request, Response, Result};

/// The newest committed version: its text as committed, loaded, and its ETag.
#[derive(Clone)]
pub struct Head {
    pub version: u64,
    pub text: Rc<str>,
    pub snapshot: Rc<Snapshot>,
    pub etag: Rc<str>,
}

impl Head {
    fn new(text: Rc<str>, snapshot: Snapshot) -> Head {
        let version = snapshot.version();
        let etag = crate::cache::etag(version, text.as_bytes()).into();
        Head { version, text, snapshot: Rc::new(snapshot), etag }
    }
}

/// The head, kept in memory between requests: read from storage and loaded once per object,
/// then replaced by each commit with what it loaded.
#[derive(Default)]
pub struct HeadCache {
    head: RefCell<Option<Head>>,
}

impl HeadCache {
    pub fn version(&self) -> Option<u64> {
        self.head.borrow().as_ref().map(|h| h.version)
    }

    pub fn get(&self, records: &Records) -> Result<Option<Head>> {
        if let Some(h) = self.head.borrow().as_ref() {
            return Ok(Some(h.clone()));
        }
        let Some(version) = records.head()? else { return Ok(None) };
        let text: Rc<str> = records.text(version)?.unwrap_or_default().into();
        // Committed text loaded when it was committed: signatures were checked then.
        let snapshot = Snapshot::parse_signed(&text, &Keys::default())
            .map_err(|e| worker::Error::RustError(format!("version {version} in storage does not load: {e}")))?;
        let head = Head::new(text, snapshot);
        *self.head.borrow_mut() = Some(head.clone());
        Ok(Some(head))
    }
}

/// What `If-Match` asks: any version, or this one (`"7"`, or a snapshot ETag `"7-…"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Any,
    Version(u64),
}

/// Reads `If-Match`; `Err` for a value that names no version.
pub fn expected(req: &Request) -> std::result::Result<Expected, Refused> {
    let Some(header) = req.headers().get("if-match").ok().flatten() else { return Ok(Expected::Any) };
    parse_if_match(&header).ok_or_else(|| Refused {
        status: 400,
        code: "invalid_if_match",
        message: "If-Match takes a version as an entity tag: \"7\" (or the ETag of GET /admin/snapshot)".into(),
        path: Some("If-Match".into()),
        current: None,
    })
}

fn parse_if_match(header: &str) -> Option<Expected> {
    let tag = header.trim();
    if tag == "*" {
        return Some(Expected::Any);
    }
    let inner = tag.strip_prefix("W/").unwrap_or(tag).strip_prefix('"')?.strip_suffix('"')?;
    let version = inner.split_once('-').map_or(inner, |(v, _)| v);
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .then(|| version.parse().ok().map(Expected::Version))?
}

/// A change that was not committed: the answer's status, code, message, path, and for a stale
/// `If-Match` the version that is current.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub path: Option<String>,
    pub current: Option<u64>,
}

impl Refused {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>, path: Option<&str>) -> Refused {
        Refused { status, code, message: message.into(), path: path.map(String::from), current: None }
    }

    pub fn respond(&self) -> Result<Response> {
        let mut body = json!({ "error": self.code, "message": self.message });
        if let Some(p) = &self.path {
            body["path"] = json!(p);
        }
        if let Some(v) = self.current {
            body["current"] = json!(v);
        }
        let mut resp = http::json(self.status, body.to_string())?;
        if let Some(v) = self.current {
            resp.headers_mut().set("etag", &format!("\"{v}\""))?;
        }
        Ok(resp)
    }
}

/// A change ready to commit: the new text, loaded (and its JSON, where the change already has
/// it, so it is not parsed again for the patch); how it came about; what to report.
pub struct Proposal {
    pub text: String,
    pub snapshot: Snapshot,
    pub document: Option<Json<'static>>,
    pub action: &'static str,
    pub detail: Option<Value>,
}

/// A commit that took.
pub struct Committed {
    pub version: u64,
    pub previous: Option<u64>,
    pub flag_count: usize,
    pub flags: Vec<String>,
    pub etag: String,
    /// `false` when the proposal equalled the head (nothing written).
    pub new: bool,
    pub detail: Option<Value>,
}

/// Who asks, for the audit log.
pub struct Actor<'a> {
    pub name: &'a str,
    pub client: &'a str,
    pub route: Route,
    pub reason: Option<&'a str>,
}

impl Control {
    /// Commits what `build` makes of the head (`None` before the first version). `build`
    /// returning `Ok(None)` means the head already is what was asked (nothing is written).
    /// Every outcome is written to the audit log.
    pub fn commit(
        &self,
        records: &Records,
        actor: &Actor<'_>,
        expected: Expected,
        build: impl FnOnce(Option<&Head>) -> std::result::Result<Option<Proposal>, Refused>,
    ) -> Result<std::result::Result<Committed, Refused>> {
        let now = crate::now();
        let head = self.head.get(records)?;
        let current = head.as_ref().map(|h| h.version);
        let audit = |outcome: &str, version: Option<u64>, detail: Option<String>| {
            let entry = Audit {
                at: now,
                actor: Some(actor.name),
                client: actor.client,
                action: actor.route.name(),
                outcome,
                version,
                detail: detail.as_deref(),
            };
            records.audit(&entry).map(|_| ())
        };
        let refuse = |r: Refused| -> Result<std::result::Result<Committed, Refused>> {
            audit(
                &format!("refused:{}", r.code),
                current,
                Some(json!({ "message": r.message, "path": r.path }).to_string()),
            )?;
            Ok(Err(r))
        };
        if let Expected::Version(v) = expected {
            if current != Some(v) {
                let message = match current {
                    Some(c) => format!("If-Match names version {v}, but version {c} is current: read it and try again"),
                    None => format!("If-Match names version {v}, but nothing is published yet"),
                };
                return refuse(Refused {
                    status: 412,
                    code: "version_mismatch",
                    message,
                    path: Some("If-Match".into()),
                    current,
                });
            }
        }
        let mut proposal = match build(head.as_ref()) {
            Ok(Some(p)) => p,
            // Only a head can be what was asked again.
            Ok(None) => match &head {
                Some(h) => {
                    audit("unchanged", current, None)?;
                    return Ok(Ok(Committed {
                        version: h.version,
                        previous: current,
                        flag_count: h.snapshot.flags().len(),
                        flags: vec![],
                        etag: h.etag.to_string(),
                        new: false,
                        detail: None,
                    }));
                }
                None => return refuse(Refused::new(409, "nothing_published", "nothing is published yet", None)),
            },
            Err(r) => return refuse(r),
        };
        let version = proposal.snapshot.version();
        if let Some(c) = current.filter(|c| version <= *c) {
            let (code, message) = if version == c {
                (
                    "version_unchanged",
                    format!("version {c} is already published with different content; raise the version"),
                )
            } else {
                ("version_backwards", format!("version {version} is older than the published version {c}"))
            };
            return refuse(Refused { status: 409, code, message, path: Some("version".into()), current });
        }
        let before = head.as_ref().map_or(Json::Null, |h| parse(&h.text));
        let after = proposal.document.take().unwrap_or_else(|| parse(&proposal.text));
        let patch = edgeflag::json::diff::diff(&before, &after);
        let flags = changed_flags(&before, &after);
        let detail = proposal.detail.as_ref().map(Value::to_string);
        records.commit(&NewVersion {
            version,
            at: now,
            actor: actor.name,
            action: proposal.action,
            reason: actor.reason,
            patch: &patch.to_text(),
            detail: detail.as_deref(),
            flags: &flags,
            text: &proposal.text,
        })?;
        audit("committed", Some(version), detail)?;
        let head = Head::new(proposal.text.into(), proposal.snapshot);
        let (etag, flag_count) = (head.etag.to_string(), head.snapshot.flags().len());
        *self.head.head.borrow_mut() = Some(head);
        Ok(Ok(Committed { version, previous: current, flag_count, flags, etag, new: true, detail: proposal.detail }))
    }

    /// After a commit: KV written (waited for), subscribers told; the answer.
    pub async fn publish(&self, records: &Records, committed: Committed, route: Route) -> Result<Response> {
        let kv = self.sync_kv(records).await;
        if committed.new {
            super::push::broadcast(&self.state, committed.version);
        }
        let mut body = json!({
            "version": committed.version,
            "previous": committed.previous,
            "flagCount": committed.flag_count,
            "changed": committed.flags,
            "kv": kv,
        });
        if route == Route::PutSnapshot {
            // The name this answer has always had for the version published.
            body["published"] = json!(committed.version);
        }
        if let Some(Value::Object(detail)) = committed.detail {
            for (k, v) in detail {
                body[k] = v;
            }
        }
        let mut resp = http::json(200, body.to_string())?;
        resp.headers_mut().set("etag", &committed.etag)?;
        Ok(resp)
    }
}

/// A snapshot text as JSON for diffs: a signed one is diffed as its envelope.
fn parse(text: &str) -> Json<'static> {
    Json::parse(text).map(|j| j.to_owned_json()).unwrap_or(Json::Null)
}

/// Keys of the flags that differ between two snapshot documents (added and removed included).
fn changed_flags(before: &Json<'_>, after: &Json<'_>) -> Vec<String> {
    let flags = |doc: &Json<'_>| match doc.get("flags") {
        Some(Json::Object(m)) => m.iter().map(|(k, _)| k.to_string()).collect(),
        _ => Vec::new(),
    };
    let mut keys: Vec<String> = flags(before);
    keys.extend(flags(after));
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| flag(before, k) != flag(after, k)).collect()
}

fn flag<'j>(doc: &'j Json<'j>, key: &str) -> Option<&'j Json<'j>> {
    doc.get("flags").and_then(|f| f.get(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_values() {
        assert_eq!(parse_if_match("\"7\""), Some(Expected::Version(7)));
        assert_eq!(parse_if_match("W/\"12\""), Some(Expected::Version(12)));
        assert_eq!(parse_if_match("\"7-0123456789abcdef\""), Some(Expected::Version(7)));
        assert_eq!(parse_if_match(" * "), Some(Expected::Any));
        for bad in ["7", "\"\"", "\"x\"", "\"-1\"", "\"7", "\"99999999999999999999999\""] {
            assert_eq!(parse_if_match(bad), None, "{bad}");
        }
    }

    #[test]
    fn changed_flags_are_named() {
        let a = Json::parse(r#"{"flags":{"a":{"on":true},"b":{"on":true},"c":{}}}"#).unwrap();
        let b = Json::parse(r#"{"flags":{"a":{"on":false},"b":{"on":true},"d":{}}}"#).unwrap();
        assert_eq!(changed_flags(&a, &b), vec!["a", "c", "d"]);
        assert_eq!(changed_flags(&Json::Null, &b), vec!["a", "b", "d"]);
    }
}

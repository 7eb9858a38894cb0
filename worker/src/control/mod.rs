//! The writer of record: one Durable Object (`CONTROL`, named `control`) through which every
//! write goes — snapshots published whole, per-flag changes, rollbacks, tokens — one at a time.
//! It keeps every version, the audit log and the tokens in its SQLite storage (`records.rs`),
//! writes KV after each commit (`kv.rs`), and pushes each new version to subscribers
//! (`push.rs`). The Worker forwards `/admin/*` and `/subscribe` here unchanged; `/internal/*` is reachable only
//! from the Worker's own code (it never forwards those paths). Routes and roles:
//! worker/README.md and worker/openapi.json.

mod auth;
mod changes;
mod commit;
mod failures;
mod history;
mod kv;
mod publish;
mod push;
mod records;
mod tokens;

use auth::{bearer, Role};

use crate::http;
use auth::Caller;
use failures::{Failures, Gate};
use records::{Audit, Records};
use std::cell::RefCell;
use worker::{
    durable_object, DurableObject, Env, Method, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
};

/// The binding (wrangler.toml) and the one object's name.
pub const BINDING: &str = "CONTROL";
const NAME: &str = "control";

/// Largest request body the admin API reads: a snapshot's limit.
const MAX_BODY: usize = edgeflag::limits::MAX_SNAPSHOT_BYTES;

#[durable_object]
pub struct Control {
    state: State,
    env: Env,
    records: std::result::Result<Records, String>,
    failures: RefCell<Failures>,
    kv: kv::Sync,
    head: commit::HeadCache,
}

impl DurableObject for Control {
    fn new(state: State, env: Env) -> Self {
        let records = Records::open(state.storage().sql()).map_err(|e| e.to_string());
        push::auto_ping(&state);
        Control {
            state,
            env,
            records,
            failures: RefCell::new(Failures::default()),
            kv: kv::Sync::default(),
            head: commit::HeadCache::default(),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let records = match &self.records {
            Ok(r) => r,
            Err(e) => return http::error(500, "storage_unavailable", &format!("the object's storage: {e}"), None),
        };
        let path = req.path();
        if path == "/subscribe" {
            return push::subscribe(self, &req, records);
        }
        if let Some(internal) = path.strip_prefix("/internal/") {
            return self.internal(req, records, internal).await;
        }
        let route = route(&req.method(), &path);
        let caller = match self.authenticate(&req, records, route) {
            Ok(c) => c,
            Err(resp) => return resp,
        };
        self.admin(req, records, &caller, route, &path).await
    }

    async fn alarm(&self) -> Result<Response> {
        if let Ok(records) = &self.records {
            self.sync_kv(records).await;
        }
        Response::empty()
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        push::reply(&ws, message, self.head.version());
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, _reason: String, _was_clean: bool) -> Result<()> {
        // 1005 (no status) and 1006 (abnormal) may not be sent in a close frame.
        let code = if code == 1005 || code == 1006 { 1000 } else { code as u16 };
        let _ = ws.close(Some(code), Some("closing"));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}

/// What a route is, for its role and its audit entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    GetSnapshot,
    PutSnapshot,
    ListFlags,
    GetFlag,
    PatchFlag,
    CreateFlag,
    ArchiveFlag,
    Switch,
    Ramp,
    Targets,
    SegmentMembers,
    History,
    Rollback,
    Audit,
    Tokens,
    CreateToken,
    RemoveToken,
    /// `GET /flags?at=`: a preview, any role.
    Preview,
    NotFound,
    MethodNotAllowed,
}

impl Route {
    /// The role a route needs.
    pub fn role(self) -> Role {
        use Route::*;
        match self {
            GetSnapshot | ListFlags | GetFlag | History | Preview | NotFound | MethodNotAllowed => Role::Read,
            PutSnapshot | PatchFlag | CreateFlag | ArchiveFlag | Switch | Ramp | Targets | SegmentMembers => {
                Role::Write
            }
            Rollback | Audit | Tokens | CreateToken | RemoveToken => Role::Admin,
        }
    }

    pub fn name(self) -> &'static str {
        use Route::*;
        match self {
            GetSnapshot => "snapshot.get",
            PutSnapshot => "snapshot.put",
            ListFlags => "flags.list",
            GetFlag => "flag.get",
            PatchFlag => "flag.patch",
            CreateFlag => "flag.create",
            ArchiveFlag => "flag.archive",
            Switch => "flag.switch",
            Ramp => "flag.ramp",
            Targets => "flag.targets",
            SegmentMembers => "segment.members",
            History => "history",
            Rollback => "rollback",
            Audit => "audit",
            Tokens => "tokens.list",
            CreateToken => "token.create",
            RemoveToken => "token.remove",
            Preview => "flags.preview",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
        }
    }
}

/// The route of an admin request (`path` as the Worker received it).
pub fn route(method: &Method, path: &str) -> Route {
    use Method::*;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let known = |r: Route, ok: bool| if ok { r } else { Route::MethodNotAllowed };
    match segments.as_slice() {
        ["admin", "snapshot"] => match method {
            Get | Head => Route::GetSnapshot,
            Put => Route::PutSnapshot,
            _ => Route::MethodNotAllowed,
        },
        ["admin", "flags"] => match method {
            Get => Route::ListFlags,
            Post => Route::CreateFlag,
            _ => Route::MethodNotAllowed,
        },
        ["admin", "flags", key] if !key.is_empty() => match method {
            Get => Route::GetFlag,
            Patch => Route::PatchFlag,
            Delete => Route::ArchiveFlag,
            _ => Route::MethodNotAllowed,
        },
        ["admin", "flags", key, "switch"] if !key.is_empty() => known(Route::Switch, *method == Post),
        ["admin", "flags", key, "ramp"] if !key.is_empty() => known(Route::Ramp, *method == Post),
        ["admin", "flags", key, "targets"] if !key.is_empty() => known(Route::Targets, *method == Post),
        ["admin", "segments", key, "members"] if !key.is_empty() => known(Route::SegmentMembers, *method == Post),
        ["admin", "history"] => known(Route::History, *method == Get),
        ["admin", "rollback"] => known(Route::Rollback, *method == Post),
        ["admin", "audit"] => known(Route::Audit, *method == Get),
        ["admin", "tokens"] => match method {
            Get => Route::Tokens,
            Post => Route::CreateToken,
            _ => Route::MethodNotAllowed,
        },
        ["admin", "tokens", name] if !name.is_empty() => known(Route::RemoveToken, *method == Delete),
        _ => Route::NotFound,
    }
}

/// The client an admin request came from, for rate limits and the audit log: Cloudflare's
/// `cf-connecting-ip` (which a client cannot set), or `unknown` (local runs).
fn client(req: &Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_else(|| "unknown".into())
}

impl Control {
    /// The caller, or the 401 / 403 / 429 to answer. Failures are counted per client and
    /// written to the audit log; while a client is limited nothing is checked.
    fn authenticate(
        &self,
        req: &Request,
        records: &Records,
        route: Route,
    ) -> std::result::Result<Caller, Result<Response>> {
        let now = crate::now();
        let client = client(req);
        let audit = |actor: Option<&str>, outcome: &str, detail: Option<&str>| {
            let entry = Audit { at: now, actor, client: &client, action: route.name(), outcome, version: None, detail };
            records.audit(&entry)
        };
        let gate = self.failures.borrow_mut().gate(&client, now);
        if let Gate::Refuse { retry_after_ms, refused } = gate {
            // One entry per limited window, its count kept current: every refusal is recorded.
            let detail = format!("{{\"refusedWhileLimited\":{refused}}}");
            let id = self.failures.borrow().audit_entry(&client);
            match id {
                Some(id) => {
                    let _ = records.audit_detail(id, &detail);
                }
                None => {
                    if let Ok(id) = audit(None, "rate_limited", Some(&detail)) {
                        self.failures.borrow_mut().set_audit_entry(&client, id);
                    }
                }
            }
            let secs = (retry_after_ms + 999) / 1000;
            let resp = http::error(
                429,
                "too_many_failures",
                "too many failed authentications from this client; retry later",
                None,
            )
            .and_then(|mut r| r.headers_mut().set("retry-after", &secs.to_string()).map(|()| r));
            return Err(resp);
        }
        let header = req.headers().get("authorization").ok().flatten();
        let bootstrap = crate::state::with(&self.env, |s| s.settings.admin_token.clone());
        let tokens = records.tokens().unwrap_or_default();
        let caller = header.as_deref().and_then(bearer).and_then(|t| auth::identify(t, bootstrap.as_deref(), &tokens));
        let Some(caller) = caller else {
            let failures = self.failures.borrow_mut().fail(&client, now);
            let why = if header.is_none() { "no token" } else { "unknown token" };
            let _ =
                audit(None, "unauthorized", Some(&format!("{{\"why\":\"{why}\",\"failuresInWindow\":{failures}}}")));
            return Err(unauthorized());
        };
        if caller.role < route.role() {
            let _ = audit(Some(&caller.name), "forbidden", None);
            let message = format!(
                "{} needs a {} token; {}'s is {}",
                route.name(),
                route.role().name(),
                caller.name,
                caller.role.name()
            );
            return Err(http::error(403, "forbidden", &message, None));
        }
        Ok(caller)
    }

    async fn admin(
        &self,
        mut req: Request,
        records: &Records,
        caller: &Caller,
        route: Route,
        path: &str,
    ) -> Result<Response> {
        self.adopt_first(records).await;
        let key = || path.split('/').nth(3).map(crate::percent_decode).unwrap_or_default();
        match route {
            Route::GetSnapshot => history::snapshot(self, &req, records),
            Route::PutSnapshot => publish::put(self, &mut req, records, caller).await,
            Route::ListFlags => changes::list(self, records),
            Route::GetFlag => changes::get(self, records, &key()),
            Route::PatchFlag
            | Route::CreateFlag
            | Route::ArchiveFlag
            | Route::Switch
            | Route::Ramp
            | Route::Targets
            | Route::SegmentMembers => changes::change(self, &mut req, records, caller, route, &key()).await,
            Route::History => history::list(&req, records),
            Route::Rollback => history::rollback(self, &mut req, records, caller).await,
            Route::Audit => history::audit(&req, records),
            Route::Tokens => tokens::list(records),
            Route::CreateToken => tokens::create(self, &mut req, records, caller).await,
            Route::RemoveToken => tokens::remove(self, &req, records, caller, &key()),
            Route::Preview => http::error(404, "not_found", "previews are GET /flags?at=", None),
            Route::MethodNotAllowed => {
                http::error(405, "method_not_allowed", &format!("{} is not allowed on {path}", req.method()), None)
            }
            Route::NotFound => {
                http::error(404, "not_found", "no such admin route (worker/openapi.json lists them)", None)
            }
        }
    }

    /// Calls from the Worker's own code: the peer source's publishes, `/health`, previews'
    /// token checks.
    async fn internal(&self, mut req: Request, records: &Records, what: &str) -> Result<Response> {
        match what {
            "status" => {
                self.adopt_first(records).await;
                kv::status(self, records)
            }
            "publish-next" => publish::next(self, &mut req, records).await,
            "authenticate" => match self.authenticate(&req, records, Route::Preview) {
                Ok(c) => http::json(200, serde_json::json!({ "name": c.name, "role": c.role.name() }).to_string()),
                Err(resp) => resp,
            },
            _ => http::error(404, "not_found", "no such internal route", None),
        }
    }
}

fn unauthorized() -> Result<Response> {
    let mut resp = http::error(
        401,
        "unauthorized",
        "this needs Authorization: Bearer <token> (worker/README.md, \"Tokens\")",
        None,
    )?;
    resp.headers_mut().set("www-authenticate", "Bearer")?;
    Ok(resp)
}

/// The object's stub.
fn stub(env: &Env) -> Result<worker::Stub> {
    env.durable_object(BINDING)?.id_from_name(NAME)?.get_stub()
}

/// Hands an admin request to the object, body and all (streamed, not read here). The answer's
/// headers are copied: a fetched response's are immutable, and CORS adds to them.
pub async fn forward(req: Request, env: &Env) -> Result<Response> {
    let resp = stub(env)?.fetch_with_request(req).await?;
    if resp.status_code() == 101 {
        return Ok(resp);
    }
    let headers = worker::Headers::new();
    for (name, value) in resp.headers().entries() {
        headers.append(&name, &value)?;
    }
    Ok(resp.with_headers(headers))
}

/// Whether a request carries a valid token (any role), asked of the object so that failures
/// are counted and recorded in one place; `Some` is the answer to give instead (401, 429, 503).
pub async fn authenticate(req: &Request, env: &Env) -> Result<Option<Response>> {
    let headers = worker::Headers::new();
    for name in ["authorization", "cf-connecting-ip"] {
        if let Some(v) = req.headers().get(name).ok().flatten() {
            let _ = headers.set(name, &v);
        }
    }
    match call(env, "authenticate", Method::Get, headers, None).await {
        Ok(r) if r.status_code() == 200 => Ok(None),
        Ok(r) => Ok(Some(r)),
        Err(e) => http::error(503, "writer_unavailable", &e.to_string(), None).map(Some),
    }
}

/// An internal call: `what` (`status`, `publish-next`, `authenticate`) with `headers` and `body`.
pub async fn call(
    env: &Env,
    what: &str,
    method: Method,
    headers: worker::Headers,
    body: Option<String>,
) -> Result<Response> {
    let mut init = worker::RequestInit::new();
    init.with_method(method).with_headers(headers);
    if let Some(body) = body {
        init.with_body(Some(body.into()));
    }
    let req = Request::new_with_init(&format!("https://control/internal/{what}"), &init)?;
    stub(env)?.fetch_with_request(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every admin route served is in worker/openapi.json with the role it needs, and every
    /// admin operation there is served.
    #[test]
    fn the_openapi_document_lists_every_admin_route() {
        let doc: serde_json::Value = serde_json::from_str(include_str!("../../openapi.json")).expect("valid JSON");
        let mut documented = Vec::new();
        for (path, ops) in doc["paths"].as_object().expect("paths") {
            for (method, op) in ops.as_object().expect("operations") {
                if !path.starts_with("/admin/") {
                    continue;
                }
                let method = Method::from(method.to_ascii_uppercase());
                let r = route(&method, &path.replace("{key}", "k").replace("{name}", "n"));
                assert!(!matches!(r, Route::NotFound | Route::MethodNotAllowed), "{method:?} {path} is not served");
                assert_eq!(op["x-role"].as_str(), Some(r.role().name()), "{method:?} {path}");
                documented.push(r);
            }
        }
        use Route::*;
        for served in [
            GetSnapshot,
            PutSnapshot,
            ListFlags,
            GetFlag,
            PatchFlag,
            CreateFlag,
            ArchiveFlag,
            Switch,
            Ramp,
            Targets,
            SegmentMembers,
            History,
            Rollback,
            Audit,
            Tokens,
            CreateToken,
            RemoveToken,
        ] {
            assert!(documented.contains(&served), "{served:?} is not in worker/openapi.json");
        }
    }

    #[test]
    fn routes_and_roles() {
        use Method::*;
        let cases = [
            (Get, "/admin/snapshot", Route::GetSnapshot, Role::Read),
            (Put, "/admin/snapshot", Route::PutSnapshot, Role::Write),
            (Patch, "/admin/flags/a%20b", Route::PatchFlag, Role::Write),
            (Post, "/admin/flags/x/ramp", Route::Ramp, Role::Write),
            (Post, "/admin/rollback", Route::Rollback, Role::Admin),
            (Post, "/admin/tokens", Route::CreateToken, Role::Admin),
            (Delete, "/admin/tokens/ci", Route::RemoveToken, Role::Admin),
            (Get, "/admin/history", Route::History, Role::Read),
            (Get, "/admin/nothing", Route::NotFound, Role::Read),
            (Put, "/admin/flags/x", Route::MethodNotAllowed, Role::Read),
            (Get, "/admin/flags//ramp", Route::NotFound, Role::Read),
        ];
        for (method, path, r, role) in cases {
            assert_eq!((route(&method, path), route(&method, path).role()), (r, role), "{method:?} {path}");
        }
    }
}

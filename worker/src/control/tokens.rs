//! `GET /admin/tokens` (names, roles, who made them: never a token or its hash),
//! `POST /admin/tokens {"name", "role"}` (the token is in that answer only), and
//! `DELETE /admin/tokens/:name`. All audited.

use super::auth::{self, Caller, Role};
use super::publish::read_body;
use super::records::{Audit, Records};
use super::{client, Control, Route};
use crate::http;
use serde_json::json;
use worker::{Request, Response, Result};

pub fn list(records: &Records) -> Result<Response> {
    let rows = records.token_rows()?;
    let tokens: Vec<_> = rows
        .into_iter()
        .map(|r| json!({ "name": r.name, "role": r.role, "createdAt": r.created_at, "createdBy": r.created_by }))
        .collect();
    http::json(200, json!({ "tokens": tokens, "bootstrap": auth::BOOTSTRAP }).to_string())
}

fn audit(records: &Records, req: &Request, caller: &Caller, route: Route, outcome: &str, name: &str) -> Result<()> {
    let detail = json!({ "token": name }).to_string();
    let client = client(req);
    let entry = Audit {
        at: crate::now(),
        actor: Some(&caller.name),
        client: &client,
        action: route.name(),
        outcome,
        version: None,
        detail: Some(&detail),
    };
    records.audit(&entry).map(|_| ())
}

pub async fn create(_control: &Control, req: &mut Request, records: &Records, caller: &Caller) -> Result<Response> {
    let text = match read_body(req, 4096).await {
        Ok(t) => t,
        Err(resp) => return resp,
    };
    let body: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return http::error(400, "invalid_json", &e.to_string(), None),
    };
    let name = body["name"].as_str().unwrap_or_default();
    if !auth::valid_name(name) || name == auth::BOOTSTRAP {
        return http::error(
            400,
            "invalid_token_name",
            "name: 1 to 64 of A-Z a-z 0-9 - _ . @ (and not ADMIN_TOKEN)",
            Some("name"),
        );
    }
    let Some(role) = body["role"].as_str().and_then(Role::parse) else {
        return http::error(400, "invalid_role", "role: read, write or admin", Some("role"));
    };
    let token = auth::new_token(crate::random_bytes::<32>());
    if !records.add_token(name, role, auth::hash(&token), crate::now(), &caller.name)? {
        audit(records, req, caller, Route::CreateToken, "refused:token_exists", name)?;
        return http::error(
            409,
            "token_exists",
            &format!("a token named {name:?} exists; remove it first"),
            Some("name"),
        );
    }
    audit(records, req, caller, Route::CreateToken, "created", name)?;
    http::json(201, json!({ "name": name, "role": role.name(), "token": token }).to_string())
}

pub fn remove(_control: &Control, req: &Request, records: &Records, caller: &Caller, name: &str) -> Result<Response> {
    if !records.remove_token(name)? {
        return http::error(404, "token_not_found", &format!("no token named {name:?}"), Some("name"));
    }
    audit(records, req, caller, Route::RemoveToken, "removed", name)?;
    http::json(200, json!({ "removed": name }).to_string())
}

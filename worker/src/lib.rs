//! edgeflag as a Cloudflare Worker: flags evaluated at the edge from a snapshot in KV, published
//! and rolled back without a deploy, exposures sent through a Queue. The endpoints, bindings and
//! settings are documented in worker/README.md.

mod body;
mod cache;
mod control;
mod convert;
mod events;
mod exposures;
mod flags;
mod health;
mod http;
mod identity;
mod peer_source;
mod regex;
mod signed;
mod snapshot;
mod state;
mod store;

use worker::{event, Context, Env, MessageBatch, Method, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
    regex::install();
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, ctx: Context) -> Result<Response> {
    let path = req.path();
    let method = req.method();
    let resp = match (method.clone(), path.as_str()) {
        (Method::Options, _) => http::preflight(),
        (Method::Get, p) if p == "/flags" || p.starts_with("/flags/") => {
            let only = p.strip_prefix("/flags/").map(percent_decode);
            store::refresh(&env).await;
            let resp = flags::serve(&req, &env, only.as_deref()).await;
            schedule_exposures(&env, &ctx);
            resp
        }
        (Method::Post, "/events") => events::collect(&mut req, &env).await,
        (Method::Get, "/health") => {
            store::refresh(&env).await;
            let peer = peer_source::health(&env).await;
            let writer = health::writer(&env).await;
            let now = now();
            state::with(&env, |s| health::report(&s.cache, &s.exposures, now, s.settings.ttl_ms, peer, writer))
        }
        (Method::Get, "/snapshot") => {
            store::refresh(&env).await;
            snapshot::client(&req, &env)
        }
        (Method::Get, "/subscribe") => return control::forward(req, &env).await,
        (_, p) if p.starts_with("/admin/") => {
            let write = !matches!(method, Method::Get | Method::Head);
            let origin = req.headers().get("origin")?;
            let resp = control::forward(req, &env).await;
            let resp = match resp {
                // This isolate serves what was committed at once (the others within the TTL).
                Ok(r) if write && r.status_code() == 200 => store::serve_committed(&env, r).await,
                other => other,
            }?;
            return state::with(&env, |s| http::cors_admin(origin.as_deref(), resp, &s.settings));
        }
        (_, "/flags" | "/events" | "/health" | "/snapshot" | "/subscribe") => {
            http::error(405, "method_not_allowed", &format!("{method} is not allowed on {path}"), None)
        }
        (_, p) if p.starts_with("/flags/") => http::error(405, "method_not_allowed", "only GET", None),
        _ => http::error(
            404,
            "not_found",
            "endpoints: GET /flags, GET /flags/:key, GET /snapshot, GET /subscribe, POST /events, GET /health, /admin/* (worker/openapi.json)",
            None,
        ),
    }?;
    state::with(&env, |s| http::cors(&req, resp, &s.settings, &path))
}

#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    exposures::consume(batch, env).await
}

/// The cron trigger (wrangler.toml): polls the peer source, if one is configured.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    peer_source::poll(&env).await;
}

/// Sends the exposures just recorded after the response, unless a send already scheduled will
/// take them.
fn schedule_exposures(env: &Env, ctx: &Context) {
    let delay = state::with(env, |s| s.exposures.schedule().then_some(s.settings.flush_ms));
    if let Some(delay) = delay {
        ctx.wait_until(exposures::send_later(env.clone(), delay));
    }
}

/// The host's clock, in milliseconds since the epoch (the core reads none).
pub(crate) fn now() -> i64 {
    worker::Date::now().as_millis() as i64
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // crypto.getRandomValues does not fail for 16 bytes; zeros would still be a usable key.
    let _ = getrandom::fill(&mut bytes);
    bytes
}

pub(crate) fn random_hex<const N: usize>() -> String {
    random_bytes::<N>().iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

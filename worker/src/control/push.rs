//! Push: `GET /subscribe` upgrades to a WebSocket held by the object with the hibernation API
//! (an idle connection costs nothing: the object may be evicted while sockets stay open, and
//! `ping` is answered by the runtime without waking it). Each message is
//! `{"version": N}` — sent on connecting and after every commit — and nothing else: subscribers
//! fetch what they serve (`/snapshot`, `/flags`, `/admin/snapshot`) as before, so a version
//! number is all that crosses, and no secret. Public, since browsers cannot send
//! `Authorization` with a WebSocket.

use super::records::Records;
use super::Control;
use crate::http;
use worker::{Request, Response, Result, State, WebSocket, WebSocketIncomingMessage, WebSocketPair};

fn message(version: Option<u64>) -> String {
    match version {
        Some(v) => format!("{{\"version\":{v}}}"),
        None => "{\"version\":null}".into(),
    }
}

/// Answers `ping` with `pong` in the runtime itself, so keep-alives never wake the object.
pub fn auto_ping(state: &State) {
    if let Ok(pair) = worker::worker_sys::WebSocketRequestResponsePair::new("ping", "pong") {
        state.set_websocket_auto_response(&pair);
    }
}

pub fn subscribe(control: &Control, req: &Request, records: &Records) -> Result<Response> {
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        let mut resp =
            http::error(426, "upgrade_required", "GET /subscribe is a WebSocket (Upgrade: websocket)", None)?;
        resp.headers_mut().set("upgrade", "websocket")?;
        return Ok(resp);
    }
    let pair = WebSocketPair::new()?;
    control.state.accept_web_socket(&pair.server);
    let head = control.head.get(records)?.map(|h| h.version);
    pair.server.send_with_str(message(head))?;
    Response::from_websocket(pair.client)
}

/// Sends the new version to every subscriber; a socket that cannot take it is closed (its
/// client reconnects and is told the version then).
pub fn broadcast(state: &State, version: u64) {
    let text = message(Some(version));
    for ws in state.get_websockets() {
        if ws.send_with_str(&text).is_err() {
            let _ = ws.close(Some(1011), Some("send failed"));
        }
    }
}

pub fn count(state: &State) -> usize {
    state.get_websockets().len()
}

/// A subscriber's message: `version` asks for the current one again; anything else is ignored.
pub fn reply(ws: &WebSocket, incoming: WebSocketIncomingMessage, version: Option<u64>) {
    if let WebSocketIncomingMessage::String(text) = incoming {
        if text.trim() == "version" {
            let _ = ws.send_with_str(message(version));
        }
    }
}

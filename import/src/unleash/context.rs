//! Where Yggdrasil reads a context field, as an edgeflag attribute reference.
//!
//! The edgeflag context is Unleash's context as JSON: `userId`, `sessionId`, `remoteAddress`,
//! `environment`, `appName`, `currentTime` at the top level and custom fields under
//! `properties`, every value a string (Unleash's `Context` type). Yggdrasil resolves a name to
//! a standard field or else to `properties[name]`, never both (unleash-client for Node falls
//! back from the top level to `properties`); which names count as standard differs between its
//! constraints, its variant stickiness and its overrides, so each has its own list here.

use alloc::string::String;

/// Standard fields in constraints and rollout stickiness (Yggdrasil `upgrade_context_name`).
pub const CONSTRAINT_FIELDS: &[&str] =
    &["userId", "sessionId", "currentTime", "environment", "appName", "remoteAddress"];
/// Standard fields in variant stickiness (Yggdrasil `get_seed`: no `currentTime`).
pub const STICKINESS_FIELDS: &[&str] = &["userId", "sessionId", "environment", "appName", "remoteAddress"];
/// Standard fields in variant overrides (Yggdrasil `lookup_override_context`).
pub const OVERRIDE_FIELDS: &[&str] = &["userId", "sessionId", "environment", "appName", "currentTime", "remoteAddress"];

/// The attribute reference of `name` given the standard fields `standard`: the top-level member
/// itself, or the JSON Pointer `/properties/<name>`.
pub fn attribute(name: &str, standard: &[&str]) -> String {
    if standard.contains(&name) {
        return String::from(name);
    }
    let mut out = String::from("/properties/");
    for c in name.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

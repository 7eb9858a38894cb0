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

/// Whose reading of the payload the snapshot reproduces (`Options::reference`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sdk {
    /// Yggdrasil, Unleash's reference engine (the default).
    Yggdrasil,
    /// unleash-client for Node.
    Node,
}

impl Sdk {
    /// The bytes the `unleash` scheme hashes for this SDK.
    pub fn encoding(self) -> edgeflag::bucketing::unleash::UnleashEncoding {
        match self {
            Sdk::Yggdrasil => edgeflag::bucketing::unleash::UnleashEncoding::Utf8,
            Sdk::Node => edgeflag::bucketing::unleash::UnleashEncoding::Utf16LowByte,
        }
    }
}

/// Where a context name's value is read.
pub enum Field {
    /// One attribute (Yggdrasil).
    One(String),
    /// The top-level member unless it is missing or null, else the property (unleash-client
    /// for Node: `context[name] ?? context.properties?.[name]`).
    Fallback(String, String),
}

/// Names that a plain JavaScript object answers through its prototype (`context[name]` is then a
/// function, not the context's value), and `properties` itself: refused for Node.
pub const NODE_RESERVED: &[&str] = &[
    "properties",
    "constructor",
    "__proto__",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "toLocaleString",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// Where `name` is read by `sdk` (`standard`: Yggdrasil's standard fields for this use); `None`
/// for a name Node reads through the object's prototype.
pub fn field(name: &str, standard: &[&str], sdk: Sdk) -> Option<Field> {
    match sdk {
        Sdk::Yggdrasil => Some(Field::One(attribute(name, standard))),
        Sdk::Node if NODE_RESERVED.contains(&name) => None,
        Sdk::Node => Some(Field::Fallback(top_level(name), attribute(name, &[]))),
    }
}

/// The top-level member `name` as an attribute reference (a JSON Pointer where the name holds a
/// `/` or is empty).
pub fn top_level(name: &str) -> String {
    if !name.is_empty() && !name.contains('/') {
        return String::from(name);
    }
    let mut out = String::from("/");
    for c in name.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

impl Field {
    /// The clause "`pred` holds of the value read": `pred(attribute)` must decide every value of
    /// that attribute, a missing one included.
    pub fn clause(&self, pred: &dyn Fn(&str) -> edgeflag::Json<'static>) -> edgeflag::Json<'static> {
        use super::build::{all, any, exists, not};
        match self {
            Field::One(a) => pred(a),
            Field::Fallback(top, props) => any(alloc::vec![
                all(alloc::vec![exists(top), pred(top)]),
                all(alloc::vec![not(exists(top)), pred(props)]),
            ]),
        }
    }
}

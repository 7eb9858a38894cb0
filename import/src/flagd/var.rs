//! `var`: jsonlogic's path into the context, as an attribute reference (top-level names).

use super::build::member;
use crate::ImportError;
use alloc::string::String;
use alloc::vec::Vec;
use edgeflag::Json;

/// The path of `{"var": PATH}` or `{"var": [PATH]}` (a default, `[PATH, DEFAULT]`, is not
/// taken: it changes what a missing value reads as).
fn var_path<'v>(value: &'v Json<'_>) -> Option<&'v str> {
    match value.get("var")? {
        Json::String(p) => Some(p),
        Json::Array(items) if items.len() == 1 => items[0].as_str(),
        _ => None,
    }
}

/// Whether `value` is `{"var": "$flagd.timestamp"}`: flagd's clock in unix seconds, set for
/// every evaluation over anything the context holds under `$flagd`.
pub(super) fn timestamp_var(value: &Json<'_>) -> bool {
    matches!(value, Json::Object(m) if m.len() == 1) && var_path(value) == Some("$flagd.timestamp")
}

/// Whether `value` is `{"var": "$flagd.flagKey"}`: the key of the flag evaluated.
pub(super) fn flag_key_var(value: &Json<'_>) -> bool {
    matches!(value, Json::Object(m) if m.len() == 1) && var_path(value) == Some("$flagd.flagKey")
}

/// The members of `Object.prototype`, which a JavaScript context has without holding them.
const INHERITED: [&str; 12] = [
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// Whether jsonlogic could read `part` as an array index (Go's `ParseFloat` accepts it).
fn index_like(part: &str) -> bool {
    let lower = part.to_ascii_lowercase();
    part.bytes().any(|b| b.is_ascii_digit()) || lower.contains("inf") || lower.contains("nan")
}

/// The attribute reference a `var` reads: a plain top-level name. `None` for `$flagd`
/// properties, which are not context values.
pub(super) fn attribute(value: &Json<'_>, path: &str) -> Result<Option<String>, ImportError> {
    let at = member(path, "var");
    let Some(p) = var_path(value) else {
        return Err(ImportError::unsupported(at, "a var other than a path string (a default value, a computed path)"));
    };
    if p == "$flagd" || p.starts_with("$flagd.") {
        return Ok(None);
    }
    let parts: Vec<&str> = p.split('.').collect();
    if p.is_empty() || parts.iter().any(|x| x.is_empty()) {
        return Err(ImportError::unsupported(
            at,
            "an empty path or path segment (jsonlogic reads the whole context or skips it)",
        ));
    }
    if parts.iter().any(|x| index_like(x)) {
        return Err(ImportError::unsupported(
            at,
            "a path segment jsonlogic may read as an array index, which a JSON Pointer never does",
        ));
    }
    // jsonlogic reads a name on an array as its index 0 (the name parses as the number 0), so
    // `a.b` of `{"a": [{"b": 1}]}` is 1, where a JSON Pointer finds nothing: only top-level
    // names are exact.
    if parts.len() > 1 {
        return Err(ImportError::unsupported(at, "a dotted path: jsonlogic reads a name on an array as its element 0, a JSON Pointer never looks into arrays"));
    }
    // flagd-core reads `\` as an escape and `../` as a step out, and finds the members every
    // JavaScript object inherits (`constructor`, `toString`, …) in any context.
    if p.contains('\\') || p.starts_with("../") || INHERITED.contains(&p) {
        return Err(ImportError::unsupported(
            at,
            "a name flagd-core reads otherwise (an escape, a step out, or a member every JavaScript object has)",
        ));
    }
    if p.starts_with('/') {
        return Err(ImportError::unsupported(
            at,
            "a name starting with / (an attribute reference would read it as a JSON Pointer)",
        ));
    }
    Ok(Some(String::from(p)))
}

//! Building the snapshot's JSON, and reading the payload's members with their paths.

use crate::ImportError;
use alloc::format;
use alloc::string::String;
use edgeflag::Json;

pub use crate::json::{index, member, members, obj, s};

/// A whole number.
pub fn n(value: u32) -> Json<'static> {
    Json::Number(f64::from(value))
}

/// JavaScript's truthiness of a JSON value (objects and arrays are truthy, even empty).
pub fn truthy(v: &Json<'_>) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(x) => *x != 0.0 && !x.is_nan(),
        Json::String(t) => !t.is_empty(),
        Json::Array(_) | Json::Object(_) => true,
    }
}

/// The items of an array, or why not.
pub fn items<'a, 'j>(v: &'a Json<'j>, path: &str) -> Result<&'a [Json<'j>], ImportError> {
    match v {
        Json::Array(a) => Ok(a),
        other => Err(ImportError::invalid(path, format!("expected an array, found {}", other.type_name()))),
    }
}

/// A finite number, or why not.
pub fn number(v: &Json<'_>, path: &str) -> Result<f64, ImportError> {
    match v {
        Json::Number(x) => Ok(*x),
        other => Err(ImportError::unsupported(
            path,
            format!("a {} here is compared by JavaScript's coercions; only numbers are imported", other.type_name()),
        )),
    }
}

/// An optional string member read as the SDK's `x || fallback`: absent, `null` or `""` fall back;
/// other non-strings are refused (the SDK would join them into text through `String()`).
pub fn text_or<'a>(rule: &'a Json<'_>, name: &str, path: &str) -> Result<Option<&'a str>, ImportError> {
    match rule.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(t)) if t.is_empty() => Ok(None),
        Some(Json::String(t)) => Ok(Some(t)),
        Some(Json::Bool(false)) => Ok(None),
        Some(other) => Err(ImportError::unsupported(
            member(path, name),
            format!(
                "a {} is joined into the hashed text through String(); only strings are imported",
                other.type_name()
            ),
        )),
    }
}

/// JavaScript's `String(v)` where it is certain here: numbers between 1e-6 and 1e21 (written
/// without an exponent, the shortest digits that read back, as Rust's `Display` writes them),
/// `null` as `"null"` at the top and as nothing inside an array; `None` otherwise.
pub fn js_string(v: &Json<'_>) -> Option<String> {
    fn item(v: &Json<'_>, out: &mut String) -> Option<()> {
        match v {
            Json::Null => {}
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::String(t) => out.push_str(t),
            Json::Number(x) if *x == 0.0 => out.push('0'),
            Json::Number(x) if x.abs() >= 1e-6 && x.abs() < 1e21 => out.push_str(&format!("{x}")),
            Json::Number(_) => return None,
            Json::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item(x, out)?;
                }
            }
            Json::Object(_) => out.push_str("[object Object]"),
        }
        Some(())
    }
    let mut out = String::new();
    match v {
        Json::Null => out.push_str("null"),
        v => item(v, &mut out)?,
    }
    Some(out)
}

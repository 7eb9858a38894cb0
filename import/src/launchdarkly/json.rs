//! Building the snapshot's JSON, and reading the payload's members with their paths.

use crate::ImportError;
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// An object from its members, in order.
pub fn obj(members: Vec<(&str, Json<'static>)>) -> Json<'static> {
    Json::Object(members.into_iter().map(|(k, v)| (Cow::Owned(k.to_string()), v)).collect())
}

/// A string value.
pub fn s(text: &str) -> Json<'static> {
    Json::String(Cow::Owned(text.to_string()))
}

/// A variation's name: its index in LaunchDarkly's list, in decimal.
pub fn variation(i: usize) -> Json<'static> {
    s(&format!("{i}"))
}

/// `path.name`, as import errors write paths.
pub fn member(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `path[i]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// `path.KEY`, or `path["KEY"]` for keys that are not plain names.
pub fn keyed(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        member(path, key)
    } else {
        format!("{path}[{}]", Json::String(Cow::Borrowed(key)).to_text())
    }
}

/// The members of an object, or why not.
pub fn members<'a, 'j>(v: &'a Json<'j>, path: &str) -> Result<&'a [(Cow<'j, str>, Json<'j>)], ImportError> {
    match v {
        Json::Object(m) => Ok(m),
        other => Err(ImportError::invalid(path, format!("expected an object, found {}", other.type_name()))),
    }
}

/// The items of an optional array member (absent or `null`: none), or why not.
pub fn list<'a, 'j>(v: &'a Json<'j>, name: &str, path: &str) -> Result<&'a [Json<'j>], ImportError> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(&[]),
        Some(Json::Array(a)) => Ok(a),
        Some(other) => {
            Err(ImportError::invalid(member(path, name), format!("expected an array, found {}", other.type_name())))
        }
    }
}

/// An optional string member (absent or `null`: none), or why not.
pub fn text<'a>(v: &'a Json<'_>, name: &str, path: &str) -> Result<Option<&'a str>, ImportError> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(t)) => Ok(Some(t)),
        Some(other) => {
            Err(ImportError::invalid(member(path, name), format!("expected a string, found {}", other.type_name())))
        }
    }
}

/// An optional boolean member, false when absent or `null`.
pub fn flag(v: &Json<'_>, name: &str, path: &str) -> Result<bool, ImportError> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(false),
        Some(Json::Bool(b)) => Ok(*b),
        Some(other) => {
            Err(ImportError::invalid(member(path, name), format!("expected a boolean, found {}", other.type_name())))
        }
    }
}

/// An optional whole-number member (absent or `null`: none), or why not.
pub fn integer(v: &Json<'_>, name: &str, path: &str) -> Result<Option<i64>, ImportError> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(n @ Json::Number(_)) => match n.as_integer() {
            Some(i) => Ok(Some(i)),
            None => Err(ImportError::unsupported(member(path, name), "not a whole number")),
        },
        Some(other) => {
            Err(ImportError::invalid(member(path, name), format!("expected a number, found {}", other.type_name())))
        }
    }
}

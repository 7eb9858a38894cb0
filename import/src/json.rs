//! What every converter shares: building the snapshot's JSON, and the paths of import errors,
//! written as the core's loader writes its own (`a.b`, `a[0]`, `a["not plain"]`).

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

/// `path.name`.
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

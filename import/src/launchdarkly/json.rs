//! Building the snapshot's JSON, and reading the payload's members with their paths.

use crate::ImportError;
use alloc::format;
use edgeflag::Json;

pub use crate::json::{index, keyed, member, members, obj, s};

/// A variation's name: its index in LaunchDarkly's list, in decimal.
pub fn variation(i: usize) -> Json<'static> {
    s(&format!("{i}"))
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

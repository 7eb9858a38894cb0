//! Attribute references: GrowthBook's dotted condition paths and top-level hash attributes.
//!
//! The SDK walks a condition path with JavaScript's `in`, which also finds what objects inherit
//! (`toString`, `constructor`…) and indexes arrays (`tags.0`, `tags.length`); an edgeflag JSON
//! Pointer finds own members only and never indexes an array. Segments where the two could
//! differ are refused.

use crate::ImportError;
use alloc::format;
use alloc::string::String;

/// Names every JavaScript object answers to through its prototype.
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

/// Whether every JavaScript object answers to `name` through its prototype.
pub fn inherited(name: &str) -> bool {
    INHERITED.contains(&name)
}

fn check(segment: &str, path: &str) -> Result<(), ImportError> {
    if inherited(segment) {
        return Err(ImportError::unsupported(
            path,
            format!("`{segment}` is inherited by every JavaScript object, so the SDK finds it on any attributes"),
        ));
    }
    let index = !segment.is_empty()
        && segment.bytes().all(|b| b.is_ascii_digit())
        && (segment == "0" || !segment.starts_with('0'));
    if index || segment == "length" {
        return Err(ImportError::unsupported(
            path,
            format!("`{segment}` indexes arrays in the SDK's path walk; edgeflag's references never index arrays"),
        ));
    }
    Ok(())
}

fn escape(segment: &str, out: &mut String) {
    out.push('/');
    for c in segment.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// The edgeflag reference for a condition path `a.b.c` (`path` is where it stands, for errors).
pub fn condition(dotted: &str, path: &str) -> Result<String, ImportError> {
    for segment in dotted.split('.') {
        check(segment, path)?;
    }
    if !dotted.contains('.') && !dotted.contains('/') && !dotted.is_empty() {
        return Ok(dotted.into());
    }
    let mut out = String::new();
    for segment in dotted.split('.') {
        escape(segment, &mut out);
    }
    Ok(out)
}

/// The edgeflag `bucketBy` for a hash attribute: the SDK reads `attributes[name]`, a top-level
/// member, which an edgeflag reference names literally when it has no `/`.
pub fn hash_attribute(name: &str, path: &str) -> Result<String, ImportError> {
    if INHERITED.contains(&name) {
        return Err(ImportError::unsupported(
            path,
            format!("`{name}` is inherited by every JavaScript object, so the SDK finds a unit on any attributes"),
        ));
    }
    if name.is_empty() || name.contains('/') {
        return Err(ImportError::unsupported(
            path,
            "a hash attribute that is empty or holds `/` has no edgeflag reference to a top-level member",
        ));
    }
    Ok(name.into())
}

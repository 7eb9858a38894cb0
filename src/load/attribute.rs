//! Attribute references: `key` unless given, a JSON Pointer when they start with `/`.

use crate::model::attribute::AttrRef;

/// A checked `Attribute` member (`key` when absent).
pub(super) fn attribute(text: Option<&str>) -> AttrRef {
    text.and_then(|t| AttrRef::parse(t).ok()).unwrap_or_else(AttrRef::key)
}

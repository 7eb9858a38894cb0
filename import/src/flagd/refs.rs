//! `$evaluators` and `$ref`: flagd replaces every `{"$ref": NAME}` object of the file by the
//! evaluator NAME before reading it (a text substitution on the file written compactly, so
//! whitespace around the colon does not matter). The converter expands them in place.

use super::build::index;
use super::build::member;
use crate::ImportError;
use alloc::borrow::Cow;
use alloc::string::ToString;
use alloc::vec::Vec;
use edgeflag::Json;

/// The `$ref` name when `value` is exactly `{"$ref": NAME}`.
pub(super) fn ref_name<'v>(value: &'v Json<'_>) -> Option<&'v str> {
    match value {
        Json::Object(members) if members.len() == 1 && members[0].0 == "$ref" => members[0].1.as_str(),
        _ => None,
    }
}

/// Whether `value` holds a `$ref` object anywhere.
pub(super) fn holds_ref(value: &Json<'_>) -> bool {
    match value {
        Json::Object(members) => ref_name(value).is_some() || members.iter().any(|(_, v)| holds_ref(v)),
        Json::Array(items) => items.iter().any(holds_ref),
        _ => false,
    }
}

/// flagd matches the name in its compact JSON text, where Go escapes `"`, `\`, control
/// characters, `<`, `>`, `&`, U+2028 and U+2029: a name with one of them never matches.
fn matchable(name: &str) -> bool {
    !name.chars().any(|c| matches!(c, '"' | '\\' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || c < ' ')
}

/// `value` with its `$ref` objects replaced by the evaluators they name.
pub(super) fn expand(
    value: &Json<'_>,
    evaluators: Option<&Json<'_>>,
    path: &str,
) -> Result<Json<'static>, ImportError> {
    if let Some(name) = ref_name(value) {
        let body = evaluators.and_then(|e| e.get(name)).filter(|_| matchable(name));
        let Some(body) = body else {
            return Err(ImportError::unsupported(
                member(path, "$ref"),
                "no evaluator of that name: flagd keeps the object and answers PARSE_ERROR (unknown operator) whenever it is evaluated",
            ));
        };
        // flagd substitutes evaluators in the order of a Go map, so a `$ref` inside an
        // evaluator is expanded or not depending on that order.
        if holds_ref(body) {
            return Err(ImportError::unsupported(
                member(path, "$ref"),
                "the evaluator itself holds a $ref, which flagd expands or not depending on its map order",
            ));
        }
        return Ok(body.to_owned_json());
    }
    Ok(match value {
        Json::Object(members) => {
            let mut out = Vec::with_capacity(members.len());
            for (k, v) in members {
                out.push((Cow::Owned(k.to_string()), expand(v, evaluators, &member(path, k))?));
            }
            Json::Object(out)
        }
        Json::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(expand(v, evaluators, &index(path, i))?);
            }
            Json::Array(out)
        }
        other => other.to_owned_json(),
    })
}

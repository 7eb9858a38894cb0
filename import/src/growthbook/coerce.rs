//! GrowthBook's comparisons that coerce, as edgeflag's JavaScript clauses (`jsStringIs`,
//! `jsNumberIs`, `truthy`, `jsLt` … `jsGte`, `type`, and its own `paddedVersion…` comparisons),
//! which read the attribute's value whole and
//! a missing one as `null`, as the SDK's `getPath` does. Each function is one branch of the SDK's
//! `evalConditionValue` / `evalOperatorCondition`.

use super::condition::{all, never, not};
use super::json::{js_string, obj, s};
use crate::ImportError;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::limits::MAX_STRING_BYTES;
use edgeflag::Json;

fn leaf(attribute: &str, op: &str, values: Vec<Json<'static>>, negate: bool) -> Json<'static> {
    let mut m = vec![("attribute", s(attribute)), ("op", s(op))];
    if !values.is_empty() {
        m.push(("values", Json::Array(values)));
    }
    if negate {
        m.push(("negate", Json::Bool(true)));
    }
    obj(m)
}

/// A string a clause may hold (a snapshot's strings are at most `MAX_STRING_BYTES`).
fn text(t: &str, path: &str) -> Result<Json<'static>, ImportError> {
    if t.len() > MAX_STRING_BYTES {
        return Err(ImportError::unsupported(
            path,
            format!("a string of {} bytes; a snapshot's strings hold at most {MAX_STRING_BYTES}", t.len()),
        ));
    }
    Ok(s(t))
}

/// The value's type is `name` (GrowthBook's `getType`, a missing value being `null`).
fn type_is(attribute: &str, name: &str) -> Json<'static> {
    leaf(attribute, "type", vec![s(name)], false)
}

/// `path: "s"`: `value + "" === s`.
pub fn string_is(attribute: &str, t: &str, path: &str) -> Result<Json<'static>, ImportError> {
    Ok(leaf(attribute, "jsStringIs", vec![text(t, path)?], false))
}

/// `path: n`: `value * 1 === n` (JavaScript's `Number(value)`; `0 === -0`).
pub fn number_is(attribute: &str, n: f64) -> Json<'static> {
    leaf(attribute, "jsNumberIs", vec![Json::Number(n)], false)
}

/// `path: b`: `value !== null && !!value === b` (`false`: a falsy value that is not `null`).
pub fn boolean_is(attribute: &str, b: bool) -> Json<'static> {
    if b {
        leaf(attribute, "truthy", Vec::new(), false)
    } else {
        all(vec![leaf(attribute, "truthy", Vec::new(), true), not(type_is(attribute, "null"))])
    }
}

/// `$eq`: `actual === expected`; an array or object read from JSON is never `===` another.
pub fn strict_equal(attribute: &str, expected: &Json<'_>, path: &str) -> Result<Json<'static>, ImportError> {
    Ok(match expected {
        Json::Null => type_is(attribute, "null"),
        Json::Bool(b) => all(vec![type_is(attribute, "boolean"), leaf(attribute, "truthy", Vec::new(), !b)]),
        Json::Number(n) => all(vec![type_is(attribute, "number"), number_is(attribute, *n)]),
        Json::String(t) => all(vec![type_is(attribute, "string"), string_is(attribute, t, path)?]),
        Json::Array(_) | Json::Object(_) => never(),
    })
}

/// `$lt` … `$gte` (`op` is edgeflag's `jsLt` … `jsGte`): JavaScript's `actual < expected`. The
/// literal is taken as JavaScript takes it: `null` and booleans are the numbers 0 and 1 (a
/// non-string never compares as text), arrays and objects their `String()` (text, when the other
/// side is text too, else its number, which is what a string literal does in edgeflag's clause).
pub fn compare(attribute: &str, op: &str, expected: &Json<'_>, path: &str) -> Result<Json<'static>, ImportError> {
    let literal =
        match expected {
            Json::Null => Json::Number(0.0),
            Json::Bool(b) => Json::Number(f64::from(u8::from(*b))),
            Json::Number(n) => Json::Number(*n),
            Json::String(t) => text(t, path)?,
            other => match js_string(other) {
                Some(t) => text(&t, path)?,
                None => return Err(ImportError::unsupported(
                    path,
                    "an array holding a number JavaScript writes with an exponent: its String() is not computed here",
                )),
            },
        };
    Ok(leaf(attribute, op, vec![literal], false))
}

/// `$type`: `getType(actual) === expected`; `getPath` never gives `undefined`, and anything but
/// the six type names matches nothing.
pub fn type_named(attribute: &str, expected: &Json<'_>) -> Json<'static> {
    match expected {
        Json::String(t) if ["null", "boolean", "number", "string", "array", "object"].contains(&&**t) => {
            type_is(attribute, t)
        }
        _ => never(),
    }
}

/// `$regex` / `$regexi`: the SDK's `new RegExp(expected, flags).test(value)` (its escaping of `/`
/// changes no pattern's meaning), a missing value tested as `"null"`. A pattern JavaScript refuses
/// makes the SDK throw, which it answers with false; one outside the subset every runtime's engine
/// matches alike (docs/snapshot.md, "Regular expressions") is refused, and so is one that is no
/// string (the SDK's answer depends on what its process compiled before).
pub fn regex(
    attribute: &str,
    ignore_case: bool,
    expected: &Json<'_>,
    path: &str,
) -> Result<Json<'static>, ImportError> {
    let Json::String(pattern) = expected else {
        return Err(ImportError::unsupported(
            path,
            "a pattern that is no string: the SDK caches its RegExps by their text, so it matches as its text where the same process compiled that text before, and never elsewhere",
        ));
    };
    let pattern = text(pattern, path)?;
    match pattern.as_str().map(edgeflag::regex::check) {
        // JavaScript throws for it: the SDK's catch answers false.
        Some(Err(refusal)) if refusal.invalid => return Ok(never()),
        Some(Err(refusal)) => {
            let why = refusal.why;
            return Err(ImportError::unsupported(
                path,
                format!("a pattern outside the subset every runtime matches alike: {why}"),
            ));
        }
        _ => {}
    }
    let op = if ignore_case { "jsRegexIgnoreCase" } else { "jsRegex" };
    Ok(leaf(attribute, op, vec![pattern], false))
}

/// `$veq` … `$vlte` (`op` is edgeflag's `paddedVersionEq` … `paddedVersionGte`): the SDK's
/// `paddedVersionString` of both sides compared as strings. The literal's padded string is the
/// core's to compute; a literal that is neither a string nor a number pads as `"0"`, as the SDK's.
pub fn version(attribute: &str, op: &str, expected: &Json<'_>, path: &str) -> Result<Json<'static>, ImportError> {
    let literal = match expected {
        Json::String(t) => text(t, path)?,
        Json::Number(n) => Json::Number(*n),
        _ => s("0"),
    };
    Ok(leaf(attribute, op, vec![literal], false))
}

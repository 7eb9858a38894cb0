//! A parent's condition (`parentConditions[].condition`) evaluated, at import time, on each value
//! the parent feature can serve, as the SDK evaluates it on `{ value: parentValue }`: the values
//! for which it holds become an edgeflag prerequisite. Only what can be decided exactly for
//! JSON values is evaluated; the rest is refused.

use super::json::{member, truthy};
use crate::ImportError;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

fn refuse(path: &str, what: &str) -> ImportError {
    ImportError::unsupported(path, format!("{what} is not evaluated on a parent's values at import time"))
}

/// `evalCondition(obj, cond)`.
pub fn holds(obj: &Json<'_>, cond: &Json<'_>, path: &str) -> Result<bool, ImportError> {
    let Json::Object(m) = cond else { return Err(refuse(path, "a condition that is not an object")) };
    for (k, v) in m {
        let at = member(path, k);
        let ok = match &**k {
            "$or" | "$nor" | "$and" => {
                let Json::Array(list) = v else { return Err(refuse(&at, "a non-array")) };
                let mut results = Vec::new();
                for (i, c) in list.iter().enumerate() {
                    results.push(holds(obj, c, &format!("{at}[{i}]"))?);
                }
                match &**k {
                    "$or" => list.is_empty() || results.contains(&true),
                    "$nor" => !(list.is_empty() || results.contains(&true)),
                    _ => !results.contains(&false),
                }
            }
            "$not" => !holds(obj, v, &at)?,
            key if key.starts_with('$') => return Err(refuse(&at, key)),
            key => value(v, lookup(obj, key), &at)?,
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `getPath`: own members of objects only (the parent's value is JSON, so nothing is inherited
/// unless the path names a prototype member, which `condition` paths refuse elsewhere).
fn lookup<'a, 'j>(obj: &'a Json<'j>, dotted: &str) -> &'a Json<'j> {
    let mut current = obj;
    for part in dotted.split('.') {
        match current.get(part) {
            Some(v) => current = v,
            None => return &Json::Null,
        }
    }
    current
}

fn value(cond: &Json<'_>, actual: &Json<'_>, path: &str) -> Result<bool, ImportError> {
    match cond {
        Json::String(c) => Ok(js_string(actual, path)? == **c),
        Json::Number(c) => match actual {
            Json::Number(x) => Ok(x == c),
            Json::Bool(b) => Ok(f64::from(u8::from(*b)) == *c),
            Json::Null => Ok(*c == 0.0),
            _ => Err(refuse(path, "`value * 1` of a string, array or object")),
        },
        Json::Bool(c) => Ok(!matches!(actual, Json::Null) && truthy(actual) == *c),
        Json::Null => Ok(matches!(actual, Json::Null)),
        Json::Object(m) if !m.is_empty() && m.iter().all(|(k, _)| k.starts_with('$')) => {
            for (op, expected) in m {
                if !operator(op, actual, expected, &member(path, op))? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Err(refuse(path, "JSON.stringify equality")),
    }
}

/// JavaScript's `===` between JSON values read separately: objects and arrays are never equal.
fn strict(a: &Json<'_>, b: &Json<'_>) -> bool {
    match (a, b) {
        (Json::Null, Json::Null) => true,
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::Number(x), Json::Number(y)) => x == y,
        (Json::String(x), Json::String(y)) => x == y,
        _ => false,
    }
}

fn operator(op: &str, actual: &Json<'_>, expected: &Json<'_>, path: &str) -> Result<bool, ImportError> {
    Ok(match op {
        "$eq" => strict(actual, expected),
        "$ne" => !strict(actual, expected),
        "$exists" => truthy(expected) != matches!(actual, Json::Null),
        "$not" => !value(expected, actual, path)?,
        "$in" | "$nin" => {
            let Json::Array(list) = expected else { return Ok(false) };
            let found = match actual {
                Json::Array(items) => items.iter().any(|a| list.iter().any(|e| strict(a, e))),
                a => list.iter().any(|e| strict(a, e)),
            };
            found == (op == "$in")
        }
        "$lt" | "$lte" | "$gt" | "$gte" => {
            let ord = match (actual, expected) {
                (Json::Number(a), Json::Number(b)) => a.partial_cmp(b),
                (Json::String(a), Json::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
                _ => return Err(refuse(path, "a comparison that JavaScript coerces")),
            };
            let Some(ord) = ord else { return Ok(false) };
            match op {
                "$lt" => ord.is_lt(),
                "$lte" => ord.is_le(),
                "$gt" => ord.is_gt(),
                _ => ord.is_ge(),
            }
        }
        other => return Err(refuse(path, other)),
    })
}

/// JavaScript's `String(v)` for the values where it is certain here.
fn js_string(v: &Json<'_>, path: &str) -> Result<String, ImportError> {
    Ok(match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::String(t) => t.to_string(),
        // Between 1e-6 and 1e21 JavaScript writes the shortest round-trip digits without an
        // exponent, as Rust's `Display` does.
        Json::Number(x) if *x == 0.0 => "0".into(),
        Json::Number(x) if x.abs() >= 1e-6 && x.abs() < 1e21 => format!("{x}"),
        Json::Number(_) => return Err(refuse(path, "String() of a number written with an exponent")),
        Json::Array(items) => {
            let mut parts = Vec::new();
            for item in items {
                parts.push(if matches!(item, Json::Null) { String::new() } else { js_string(item, path)? });
            }
            parts.join(",")
        }
        Json::Object(_) => "[object Object]".into(),
    })
}

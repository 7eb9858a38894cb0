//! Targeting conditions (GrowthBook's MongoDB-like `condition`) as edgeflag clauses, where the
//! two agree for every attributes object; the rest is refused at its path.
//!
//! Two kinds of edgeflag clause are used. GrowthBook's `$in`, `$nin`, `$inGroup`, `$notInGroup`
//! and `$savedGroup` lists intersect an array attribute with the list element by element, as an
//! edgeflag `in` leaf does. Everything that reads the value whole with JavaScript's coercions —
//! equality with a string (`value + ""`), a number (`value * 1`) or a boolean (`!!value`), `$eq`,
//! `$ne`, `$lt` … `$gte`, `$type` — becomes edgeflag's JavaScript clauses (`coerce.rs`), which
//! read the value whole too, a missing one as `null` as `getPath` does. `$and`/`$or`/`$nor`/`$not`
//! are composite clauses: a negated composite is the exact complement, where a negated `in` leaf
//! would not match a missing attribute.

use super::coerce;
use super::json::{index, member, members, obj, s, truthy};
use super::path;
use crate::ImportError;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// Composite clauses nest at most this deep in a snapshot.
const MAX_DEPTH: usize = 16;

/// A clause that always matches.
pub fn always() -> Json<'static> {
    obj(vec![("op", s("all")), ("clauses", Json::Array(Vec::new()))])
}

/// A clause that never matches.
pub fn never() -> Json<'static> {
    obj(vec![("op", s("any")), ("clauses", Json::Array(Vec::new()))])
}

/// Every clause matches (one clause stands for itself).
pub fn all(mut clauses: Vec<Json<'static>>) -> Json<'static> {
    if clauses.len() == 1 {
        return clauses.remove(0);
    }
    obj(vec![("op", s("all")), ("clauses", Json::Array(clauses))])
}

/// Some clause matches.
pub fn any(mut clauses: Vec<Json<'static>>) -> Json<'static> {
    if clauses.len() == 1 {
        return clauses.remove(0);
    }
    obj(vec![("op", s("any")), ("clauses", Json::Array(clauses))])
}

/// The exact complement.
pub fn not(clause: Json<'static>) -> Json<'static> {
    obj(vec![("op", s("all")), ("clauses", Json::Array(vec![clause])), ("negate", Json::Bool(true))])
}

/// How deep composites nest in `clause`.
pub fn depth(clause: &Json<'_>) -> usize {
    match clause.get("clauses") {
        Some(Json::Array(inner)) => 1 + inner.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn duplicate_free(m: &[(alloc::borrow::Cow<'_, str>, Json<'_>)], path: &str) -> Result<(), ImportError> {
    for (i, (k, _)) in m.iter().enumerate() {
        if m[..i].iter().any(|(j, _)| j == k) {
            // JSON.parse keeps the last of two; edgeflag would have to pick: neither is guessed.
            return Err(ImportError::invalid(member(path, k), "this member appears twice"));
        }
    }
    Ok(())
}

/// Translates conditions against the payload's `savedGroups`.
pub struct Conditions<'a, 'j> {
    /// The payload's `savedGroups` (an object), if any.
    pub saved_groups: Option<&'a Json<'j>>,
}

impl Conditions<'_, '_> {
    /// The clause for the condition `cond` at `path`.
    pub fn translate(&self, cond: &Json<'_>, path: &str) -> Result<Json<'static>, ImportError> {
        let clause = self.condition(cond, path, &mut Vec::new())?;
        if depth(&clause) > MAX_DEPTH {
            return Err(ImportError::unsupported(
                path,
                format!("nests deeper than the {MAX_DEPTH} levels of composite clauses a snapshot allows"),
            ));
        }
        Ok(clause)
    }

    fn condition(&self, cond: &Json<'_>, path: &str, visited: &mut Vec<String>) -> Result<Json<'static>, ImportError> {
        let m = members(cond, path)?;
        duplicate_free(m, path)?;
        let mut out = Vec::new();
        for (k, v) in m {
            let at = member(path, k);
            out.push(match &**k {
                "$or" => self.list(v, &at, visited, false)?,
                "$nor" => not(self.list(v, &at, visited, false)?),
                "$and" => self.list(v, &at, visited, true)?,
                "$not" => not(self.condition(v, &at, visited)?),
                "$savedGroup" => self.saved_group(v, &at, visited)?,
                _ => {
                    let attribute = path::condition(k, &at)?;
                    self.value(v, &attribute, &at)?
                }
            });
        }
        Ok(all(out))
    }

    /// `$or` (an empty list is true in the SDK) and `$and`.
    fn list(
        &self,
        v: &Json<'_>,
        path: &str,
        visited: &mut Vec<String>,
        and: bool,
    ) -> Result<Json<'static>, ImportError> {
        let Json::Array(conds) = v else {
            return Err(ImportError::unsupported(path, "the SDK reads a non-array here through `.length`"));
        };
        if conds.is_empty() {
            return Ok(always());
        }
        let mut out = Vec::new();
        for (i, c) in conds.iter().enumerate() {
            out.push(self.condition(c, &index(path, i), visited)?);
        }
        Ok(if and { all(out) } else { any(out) })
    }

    /// `{ "$savedGroup": { "id", "attributeKey"? } }`.
    fn saved_group(&self, v: &Json<'_>, path: &str, visited: &mut Vec<String>) -> Result<Json<'static>, ImportError> {
        let Json::Object(_) = v else { return Ok(never()) };
        let Some(Json::String(id)) = v.get("id") else { return Ok(never()) };
        if visited.iter().any(|x| x == &**id) {
            return Ok(never());
        }
        let key = match v.get("attributeKey") {
            None => None,
            Some(Json::String(k)) => Some(k.to_string()),
            Some(_) => return Ok(never()),
        };
        let Some(entry) = self.group(id, path)? else { return Ok(never()) };
        let Json::Object(_) = entry else { return Ok(never()) };
        match entry.get("type") {
            Some(Json::String(t)) if t == "list" => {
                let key = match (key, entry.get("attributeKey")) {
                    (Some(k), _) => k,
                    (None, Some(Json::String(k))) => k.to_string(),
                    _ => return Ok(never()),
                };
                let Some(Json::Array(values)) = entry.get("values") else { return Ok(never()) };
                let attribute = path::condition(&key, path)?;
                is_in(&attribute, values, &member(path, "values"))
            }
            Some(Json::String(t)) if t == "condition" => match entry.get("condition") {
                Some(c @ Json::Object(_)) => {
                    visited.push(id.to_string());
                    let out = self.condition(c, &format!("savedGroups.{id}.condition"), visited);
                    visited.pop();
                    out
                }
                _ => Ok(never()),
            },
            _ => Ok(never()),
        }
    }

    /// `savedGroups[id]`: `None` when absent (an own member only: an inherited name is refused).
    fn group(&self, id: &str, path: &str) -> Result<Option<&Json<'_>>, ImportError> {
        let found = self.saved_groups.and_then(|g| g.get(id));
        if found.is_none() && path::inherited(id) {
            return Err(ImportError::unsupported(path, format!("`{id}` is inherited by every JavaScript object")));
        }
        Ok(found)
    }

    /// A path's condition value: an operator object, or equality.
    fn value(&self, v: &Json<'_>, attribute: &str, path: &str) -> Result<Json<'static>, ImportError> {
        let operators = match v {
            Json::Object(m) if !m.is_empty() && m.iter().all(|(k, _)| k.starts_with('$')) => m,
            Json::Null => return Ok(not(exists(attribute))),
            Json::String(t) => return coerce::string_is(attribute, t, path),
            Json::Number(n) => return Ok(coerce::number_is(attribute, *n)),
            Json::Bool(b) => return Ok(coerce::boolean_is(attribute, *b)),
            other => {
                return Err(ImportError::unsupported(
                    path,
                    format!(
                        "equality with an {} compares JSON.stringify(value), which edgeflag clauses cannot test (they read no array item by its position, nor an object's members in order)",
                        other.type_name()
                    ),
                ))
            }
        };
        duplicate_free(operators, path)?;
        let mut out = Vec::new();
        for (op, expected) in operators {
            let at = member(path, op);
            out.push(match &**op {
                "$in" => match expected {
                    Json::Array(values) => is_in(attribute, values, &at)?,
                    _ => never(),
                },
                "$nin" => match expected {
                    Json::Array(values) => not(is_in(attribute, values, &at)?),
                    _ => never(),
                },
                "$eq" => coerce::strict_equal(attribute, expected, &at)?,
                "$ne" => not(coerce::strict_equal(attribute, expected, &at)?),
                "$lt" => coerce::compare(attribute, "jsLt", expected, &at)?,
                "$lte" => coerce::compare(attribute, "jsLte", expected, &at)?,
                "$gt" => coerce::compare(attribute, "jsGt", expected, &at)?,
                "$gte" => coerce::compare(attribute, "jsGte", expected, &at)?,
                "$type" => coerce::type_named(attribute, expected),
                "$veq" => coerce::version(attribute, "paddedVersionEq", expected, &at)?,
                "$vne" => not(coerce::version(attribute, "paddedVersionEq", expected, &at)?),
                "$vlt" => coerce::version(attribute, "paddedVersionLt", expected, &at)?,
                "$vlte" => coerce::version(attribute, "paddedVersionLte", expected, &at)?,
                "$vgt" => coerce::version(attribute, "paddedVersionGt", expected, &at)?,
                "$vgte" => coerce::version(attribute, "paddedVersionGte", expected, &at)?,
                "$regex" => coerce::regex(attribute, false, expected, &at)?,
                "$regexi" => coerce::regex(attribute, true, expected, &at)?,
                "$exists" if truthy(expected) => exists(attribute),
                "$exists" => not(exists(attribute)),
                "$not" => not(self.value(expected, attribute, &at)?),
                "$inGroup" | "$notInGroup" => {
                    let Json::String(id) = expected else {
                        return Err(ImportError::unsupported(&at, "a group id that is not a string"));
                    };
                    let values: Option<&[Json<'_>]> = match self.group(id, &at)? {
                        None => Some(&[]),
                        Some(Json::Array(values)) => Some(values),
                        Some(entry @ Json::Object(_)) => match (entry.get("type"), entry.get("values")) {
                            (Some(Json::String(t)), Some(Json::Array(values))) if t == "list" => Some(values),
                            _ => None,
                        },
                        Some(_) => None,
                    };
                    match values {
                        // A condition group or a malformed entry matches nobody either way.
                        None => never(),
                        Some(values) => {
                            let clause = is_in(attribute, values, &format!("savedGroups.{id}"))?;
                            if op == "$inGroup" {
                                clause
                            } else {
                                not(clause)
                            }
                        }
                    }
                }
                // An operator the SDK does not know: it logs and does not match.
                other if !KNOWN.contains(&other) => never(),
                other => return Err(unsupported_operator(other, &at)),
            });
        }
        Ok(all(out))
    }
}

/// The operators of the SDK's `evalOperatorCondition`.
const KNOWN: [&str; 27] = [
    "$veq",
    "$vne",
    "$vgt",
    "$vgte",
    "$vlt",
    "$vlte",
    "$eq",
    "$ne",
    "$lt",
    "$lte",
    "$gt",
    "$gte",
    "$exists",
    "$in",
    "$ini",
    "$inGroup",
    "$notInGroup",
    "$nin",
    "$nini",
    "$not",
    "$size",
    "$elemMatch",
    "$all",
    "$alli",
    "$regex",
    "$regexi",
    "$type",
];

fn unsupported_operator(op: &str, path: &str) -> ImportError {
    let why = match op {
        "$ini" | "$nini" | "$alli" => "edgeflag compares strings case-sensitively",
        "$elemMatch" | "$all" | "$size" => {
            "it tests an array's items one by one with GrowthBook's coercions (or its length), which edgeflag clauses cannot"
        }
        _ => "not an operator on a value",
    };
    ImportError::unsupported(path, format!("`{op}`: {why}"))
}

/// `attribute` is present and not `null` (the SDK's `value != null`).
fn exists(attribute: &str) -> Json<'static> {
    obj(vec![("attribute", s(attribute)), ("op", s("exists"))])
}

/// The SDK's `isIn(actual, values)`: `values.includes(actual)`, or for an array attribute some
/// element included; the same as an edgeflag `in` leaf, once objects and arrays (never strictly
/// equal to anything read from JSON) are left out of the list.
fn is_in(attribute: &str, values: &[Json<'_>], path: &str) -> Result<Json<'static>, ImportError> {
    let mut kept: Vec<Json<'static>> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Json::Null => {
                return Err(ImportError::unsupported(
                    index(path, i),
                    "null in the list matches a missing attribute and a null array element, which an edgeflag leaf never matches",
                ))
            }
            Json::Bool(_) | Json::Number(_) | Json::String(_) => {
                if !kept.iter().any(|k| k == v) {
                    kept.push(v.to_owned_json());
                }
            }
            Json::Array(_) | Json::Object(_) => {}
        }
    }
    if kept.is_empty() {
        return Ok(never());
    }
    Ok(obj(vec![("attribute", s(attribute)), ("op", s("in")), ("values", Json::Array(kept))]))
}

//! One Unleash constraint as an edgeflag clause that matches exactly when Yggdrasil's does.

use super::build::{all_of, at, exists, idx, leaf, never, not, obj, text};
use super::context::{field, Sdk, CONSTRAINT_FIELDS};
use super::fail::{check_quotable, invalid, refuse, Fail};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// Case variants beyond which a case-insensitive string constraint is refused (snapshot size).
const MAX_CASE_VARIANTS: usize = 256;
/// Addresses beyond which an IPv4 range is refused (it is listed address by address).
pub const MAX_ADDRESSES: usize = 1024;

/// The clause for the constraint `c` at `path`, as `sdk` evaluates it.
pub fn constraint(c: &Json<'_>, path: &str, sdk: Sdk) -> Result<Json<'static>, Fail> {
    let name = c
        .get("contextName")
        .and_then(Json::as_str)
        .ok_or_else(|| invalid(&at(path, "contextName"), "expected a string"))?;
    let operator =
        c.get("operator").and_then(Json::as_str).ok_or_else(|| invalid(&at(path, "operator"), "expected a string"))?;
    let inverted = flag(c, "inverted", path)?;
    let case_insensitive = flag(c, "caseInsensitive", path)?;
    if sdk == Sdk::Yggdrasil {
        check_quotable(name, &at(path, "contextName"), false)?;
    }
    let field = field(name, CONSTRAINT_FIELDS, sdk).ok_or_else(|| {
        refuse(&at(path, "contextName"), "a name JavaScript reads from the context object's prototype")
    })?;
    let values_path = at(path, "values");
    let positive = match operator {
        "IN" | "NOT_IN" => {
            // caseInsensitive does not apply to IN / NOT_IN. A missing field is not in any list.
            let values = strings(c, &values_path, sdk)?;
            current_time(name, path)?;
            let is_in = if values.is_empty() { never() } else { field.clause(&|a| leaf(a, "in", &values)) };
            if operator == "IN" {
                is_in
            } else {
                not(is_in)
            }
        }
        "STR_STARTS_WITH" | "STR_ENDS_WITH" | "STR_CONTAINS" => {
            let values = strings(c, &values_path, sdk)?;
            current_time(name, path)?;
            if values.is_empty() {
                if sdk == Sdk::Node {
                    // `values.some(…)` of no values.
                    never()
                } else {
                    return Err(Fail::Broken(
                        "a string operator without values, which Yggdrasil's rule grammar rejects".into(),
                    ));
                }
            } else {
                let op = match operator {
                    "STR_STARTS_WITH" => "startsWith",
                    "STR_ENDS_WITH" => "endsWith",
                    _ => "contains",
                };
                match string_values(&values, case_insensitive, op == "endsWith", &values_path)? {
                    // Every string starts with, ends with and contains "": the field only has to be there.
                    None => field.clause(&exists),
                    Some(all) => field.clause(&|a| leaf(a, op, &all)),
                }
            }
        }
        "IN_CIDR" if sdk == Sdk::Node => {
            return Err(refuse(&at(path, "operator"), "unleash-client for Node reads addresses with ip-address, whose accepted texts are not listed here"))
        }
        "IN_CIDR" => {
            let values = strings(c, &values_path, sdk)?;
            current_time(name, path)?;
            if values.is_empty() {
                return Err(Fail::Broken("IN_CIDR without values, which Yggdrasil's rule grammar rejects".into()));
            }
            let mut addresses = Vec::new();
            for (i, v) in values.iter().enumerate() {
                ipv4_range(v, &idx(&values_path, i), &mut addresses)?;
            }
            if addresses.is_empty() {
                never()
            } else {
                field.clause(&|a| leaf(a, "in", &addresses))
            }
        }
        "NUM_EQ" | "NUM_GT" | "NUM_GTE" | "NUM_LT" | "NUM_LTE" if sdk == Sdk::Node => {
            current_time(name, path)?;
            let value_path = at(path, "value");
            let Some(v) = node_number(c.get("value"), &value_path)? else {
                // Number(value) is NaN: no comparison holds.
                return Ok(never());
            };
            let op = match operator {
                "NUM_EQ" => "jsNumberIs",
                "NUM_GT" => "jsGt",
                "NUM_GTE" => "jsGte",
                "NUM_LT" => "jsLt",
                _ => "jsLte",
            };
            // Number(String(x)) of a string or number x; a missing value is NaN, no match.
            field.clause(&|a| {
                all_of(alloc::vec![
                    leaf(a, "type", &["string", "number"]),
                    obj(alloc::vec![
                        ("attribute", text(a)),
                        ("op", text(op)),
                        ("values", Json::Array(alloc::vec![Json::Number(v)])),
                    ]),
                ])
            })
        }
        "NUM_EQ" | "NUM_GT" | "NUM_GTE" | "NUM_LT" | "NUM_LTE" => {
            return Err(refuse(
                &at(path, "operator"),
                "Yggdrasil parses the context string as Rust's f64 does (`inf`, `NaN`, no white space), which no edgeflag operator reproduces",
            ))
        }
        "DATE_AFTER" | "DATE_BEFORE" => {
            return Err(refuse(
                &at(path, "operator"),
                "Unleash's SDKs read currentTime as their own dates (Yggdrasil: chrono, nanoseconds; Node: JavaScript's Date, the host's clock when absent), which edgeflag's timestamps do not reproduce",
            ))
        }
        "SEMVER_EQ" | "SEMVER_GT" | "SEMVER_GTE" | "SEMVER_LT" | "SEMVER_LTE" => {
            current_time(name, path)?;
            let value_path = at(path, "value");
            let node = sdk == Sdk::Node;
            let op = alloc::format!(
                "semver{}{}",
                if node { "Node" } else { "Strict" },
                match operator {
                    "SEMVER_EQ" => "Eq",
                    "SEMVER_GT" => "Gt",
                    "SEMVER_GTE" => "Gte",
                    "SEMVER_LT" => "Lt",
                    _ => "Lte",
                }
            );
            match c.get("value") {
                Some(Json::String(v)) if edgeflag::unleash_version_reads(node, v) => {
                    let v: String = v.to_string();
                    field.clause(&|a| leaf(a, &op, core::slice::from_ref(&v)))
                }
                // unleash-client: `new SemVer(value)` throws, and the constraint is false.
                _ if node => never(),
                None | Some(Json::Null) => {
                    return Err(Fail::Broken("a SEMVER constraint without a value, which Yggdrasil does not compile".into()))
                }
                // Yggdrasil writes the constraint `false`, its inversion dropped.
                Some(Json::String(v)) if v.starts_with('v') => return Ok(never()),
                // Yggdrasil's rule text would read another constraint, or none.
                Some(_) => return Err(refuse(&value_path, "a version Yggdrasil's semver does not read")),
            }
        }
        "REGEX" => return Err(refuse(&at(path, "operator"), "edgeflag has no regular-expression operator")),
        // unleash-client for Node: a constraint it has no operator for is false, inverted or not.
        _ if sdk == Sdk::Node => return Ok(never()),
        other => {
            return Err(Fail::Broken(alloc::format!(
                "unknown operator {other:?} at {path}: Yggdrasil does not compile the feature"
            )))
        }
    };
    Ok(if inverted { not(positive) } else { positive })
}

/// `Number(value)` of a NUM_* constraint's `value` as unleash-client for Node computes it: a JSON
/// number as it is, a string by [`js_number`]; `Ok(None)` for NaN (absent).
fn node_number(v: Option<&Json<'_>>, path: &str) -> Result<Option<f64>, Fail> {
    match v {
        None => Ok(None),
        // Number(null) is 0.
        Some(Json::Null) => Ok(Some(0.0)),
        Some(Json::Number(n)) => Ok(Some(*n)),
        Some(Json::String(s)) => js_number(s, path).map(Some),
        Some(_) => Err(refuse(path, "a value that is neither a number nor a string")),
    }
}

/// JavaScript's `Number(s)` where it is plain decimal after trimming (`[+-]digits[.digits]`, which
/// Rust and JavaScript round alike; white space alone is 0). Other texts are refused: their
/// reading by JavaScript's StringToNumber is not reproduced here.
pub fn js_number(s: &str, path: &str) -> Result<f64, Fail> {
    let t = js_trim(s);
    if t.is_empty() {
        return Ok(0.0);
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let why = "a number written other than in plain decimal digits";
    if !digits(int) || !digits(frac) || t.len() > 40 {
        return Err(refuse(path, why));
    }
    t.parse().map_err(|_| refuse(path, why))
}

/// An optional boolean member (`null` or absent is false).
fn flag(c: &Json<'_>, member: &str, path: &str) -> Result<bool, Fail> {
    match c.get(member) {
        None | Some(Json::Null) => Ok(false),
        Some(Json::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(&at(path, member), "expected a boolean")),
    }
}

/// `values`: strings, `null` or absent (no values). unleash-client for Node drops empty values
/// and trims the others (`cleanValues`), and fails on absent ones.
fn strings(c: &Json<'_>, path: &str, sdk: Sdk) -> Result<Vec<String>, Fail> {
    let items = match c.get("values") {
        None | Some(Json::Null) if sdk == Sdk::Node => {
            return Err(refuse(path, "no values: unleash-client for Node throws on reading them"))
        }
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(Json::Array(items)) => items,
        Some(_) => return Err(invalid(path, "expected an array of strings")),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let s = item.as_str().ok_or_else(|| invalid(&idx(path, i), "expected a string"))?;
        match sdk {
            Sdk::Yggdrasil => {
                check_quotable(s, &idx(path, i), true)?;
                out.push(s.to_string());
            }
            Sdk::Node if s.is_empty() => {}
            Sdk::Node => out.push(js_trim(s).to_string()),
        }
    }
    Ok(out)
}

/// JavaScript's `String.prototype.trim`: its white space and line terminators at both ends.
pub fn js_trim(s: &str) -> &str {
    s.trim_matches(is_js_space)
}

/// JavaScript's white space and line terminators (`\s`).
pub fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// Yggdrasil reads a missing `currentTime` as the host's clock formatted as text, which no
/// leaf of edgeflag compares as a string.
fn current_time(name: &str, path: &str) -> Result<(), Fail> {
    if name == "currentTime" {
        return Err(refuse(&at(path, "contextName"), "currentTime defaults to the host's clock as text in Yggdrasil"));
    }
    Ok(())
}

/// The texts STR_* compares the field with: `values`, or when case-insensitive every text whose
/// lowercase (Rust's `to_lowercase`, JavaScript's `toLowerCase`: alike for these) is a value's;
/// `None` when a value is empty (every string matches).
fn string_values(values: &[String], ci: bool, ends_with: bool, path: &str) -> Result<Option<Vec<String>>, Fail> {
    if values.iter().any(String::is_empty) {
        return Ok(None);
    }
    if !ci {
        return Ok(Some(values.to_vec()));
    }
    let mut all = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let variants = case_variants(v, ends_with).ok_or_else(|| {
            refuse(&idx(path, i), "a case-insensitive value that is not ASCII or has too many case variants to list")
        })?;
        all.extend(variants);
        if all.len() > MAX_CASE_VARIANTS {
            return Err(refuse(path, "too many case variants to list"));
        }
    }
    Ok(Some(all))
}

/// Every text whose `to_lowercase` equals `v`'s where a match can lie, for an ASCII `v`:
/// each letter in either case; `k` also as KELVIN SIGN (U+212A, lowercased to `k`); a final `i`
/// also as U+0130 (lowercased to `i` + U+0307, so only where nothing must follow: not for
/// `endsWith`). No other character lowercases to ASCII.
fn case_variants(v: &str, ends_with: bool) -> Option<Vec<String>> {
    if !v.is_ascii() {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    let mut out = alloc::vec![String::new()];
    let last = lower.len().checked_sub(1)?;
    for (pos, ch) in lower.chars().enumerate() {
        let mut options = alloc::vec![ch];
        if ch.is_ascii_lowercase() {
            options.push(ch.to_ascii_uppercase());
        }
        if ch == 'k' {
            options.push('\u{212A}');
        }
        if ch == 'i' && pos == last && !ends_with {
            options.push('\u{0130}');
        }
        if out.len() * options.len() > MAX_CASE_VARIANTS {
            return None;
        }
        out = out
            .iter()
            .flat_map(|prefix| {
                options.iter().map(move |&o| {
                    let mut s = prefix.clone();
                    s.push(o);
                    s
                })
            })
            .collect();
    }
    Some(out)
}

/// The addresses of an IPv4 address or range written `a.b.c.d` or `a.b.c.d/n`, in the canonical
/// text Rust's `IpAddr` reads from a context (the only text naming each address). Other forms
/// (IPv6, ranges past [`MAX_ADDRESSES`], text `ipnetwork` might read leniently) are refused.
pub fn ipv4_range(v: &str, path: &str, out: &mut Vec<String>) -> Result<(), Fail> {
    let (addr, prefix) = match v.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (v, None),
    };
    let octets = parse_ipv4(addr)
        .ok_or_else(|| refuse(path, "only IPv4 addresses and ranges written a.b.c.d[/n] are imported"))?;
    let prefix = match prefix {
        None => 32,
        Some(p) => {
            decimal(p).filter(|&n| n <= 32).ok_or_else(|| refuse(path, "a prefix length other than 0…32 in decimal"))?
        }
    };
    let size = 1u64 << (32 - prefix);
    if size as usize > MAX_ADDRESSES || out.len() + size as usize > MAX_ADDRESSES {
        return Err(refuse(path, "an address range too large to list address by address"));
    }
    let base = u32::from_be_bytes(octets) as u64 & !(size - 1);
    for n in base..base + size {
        let b = (n as u32).to_be_bytes();
        let s = alloc::format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(())
}

/// `a.b.c.d`, each 0…255 in decimal without leading zeros.
fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for slot in &mut out {
        *slot = u8::try_from(decimal(parts.next()?)?).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// A decimal number without sign or leading zeros, up to 999.
fn decimal(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

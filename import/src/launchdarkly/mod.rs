//! LaunchDarkly: the server-side SDK payload (`{flags, segments}`, as `GET /sdk/latest-all` and
//! the file data source give it, which may also hold `flagValues`) into an edgeflag snapshot in
//! which every flag serves what LaunchDarkly's server-side evaluation gives, for every context
//! passed as its SDKs take one (docs/snapshot.md, "Context kinds"). docs/import.md, LaunchDarkly
//! lists what is imported as what, and how a caller reads LaunchDarkly's value, variation index
//! and reason from a result.

mod clause;
mod flag;
mod json;
mod reference;
mod segment;
mod semver;
mod serve;

use crate::{ImportError, Options, Skips};
use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;
use json::{keyed, members, obj, s};

/// Whose answers the snapshot gives where LaunchDarkly's SDKs differ.
#[derive(Clone, Copy, Debug)]
pub struct Sdk {
    /// The JavaScript SDKs: bucket comparisons in binary64, and a `seed` of 0 is no seed.
    pub node: bool,
}

impl Sdk {
    /// The scheme's encoding: `float32` (Go, the Relay Proxy, Java, Rust) or `float64` (JavaScript).
    pub fn encoding(self) -> &'static str {
        if self.node {
            "float64"
        } else {
            "float32"
        }
    }
}

/// The payload's segments: those imported, and those refused (a clause naming one is refused).
pub struct Segments {
    known: Vec<String>,
    refused: Vec<String>,
    /// Whose answers (clauses read times as that SDK does).
    sdk: Sdk,
}

/// Converts LaunchDarkly's payload.
pub fn convert(doc: &Json<'_>, options: &Options, skips: &mut Skips) -> Result<Json<'static>, ImportError> {
    let sdk = match options.reference.as_deref() {
        None | Some("go") => Sdk { node: false },
        Some("node") => Sdk { node: true },
        Some(other) => {
            let why = alloc::format!("reference {other:?}: LaunchDarkly's are go (the default) and node");
            return Err(ImportError::invalid("", why));
        }
    };
    members(doc, "")?;
    let section = |name: &str| match doc.get(name) {
        None | Some(Json::Null) => Ok(&[][..]),
        Some(v) => members(v, name),
    };
    let (flags, segs, values) = (section("flags")?, section("segments")?, section("flagValues")?);
    let live = |v: &Json<'_>| !matches!(v.get("deleted"), Some(Json::Bool(true)));
    let mut segments = Segments {
        known: segs.iter().filter(|(_, g)| live(g)).map(|(k, _)| k.to_string()).collect(),
        refused: Vec::new(),
        sdk,
    };
    for key in cyclic(segs) {
        let why = "segments that include each other: LaunchDarkly answers MALFORMED_FLAG";
        skips.refuse(ImportError::unsupported(keyed("segments", &key), why))?;
        segments.known.retain(|k| *k != key);
        segments.refused.push(key);
    }
    // Refusing a segment refuses those that name it, until none is left to refuse.
    let segments_out = loop {
        let mut out = Vec::new();
        let mut dropped = None;
        for (key, g) in segs.iter().filter(|(k, g)| live(g) && segments.known.iter().any(|n| n == &**k)) {
            let path = keyed("segments", key);
            match key_ok(key, &path).and_then(|()| segment::segment(key, g, &path, sdk, &segments)) {
                Ok(j) => out.push((Cow::Owned(key.to_string()), j)),
                Err(e) => {
                    skips.refuse(e)?;
                    dropped = Some(key.to_string());
                    break;
                }
            }
        }
        match dropped {
            Some(key) => {
                segments.known.retain(|k| *k != key);
                segments.refused.push(key);
            }
            None => break out,
        }
    };
    let mut imported: Vec<(String, usize)> = Vec::new();
    for (key, f) in flags.iter().filter(|(_, f)| live(f)) {
        let n = match f.get("variations") {
            Some(Json::Array(a)) => a.len(),
            _ => 0,
        };
        imported.push((key.to_string(), n));
    }
    for key in prerequisite_cycles(flags) {
        skips.refuse(ImportError::unsupported(
            keyed("flags", &key),
            "prerequisites in a cycle: LaunchDarkly answers MALFORMED_FLAG",
        ))?;
        imported.retain(|(k, _)| *k != key);
    }
    let flags_out = loop {
        let mut out = Vec::new();
        let mut dropped = None;
        for (key, f) in flags.iter().filter(|(k, _)| imported.iter().any(|(n, _)| n == &**k)) {
            let path = keyed("flags", key);
            let count = |k: &str| imported.iter().find(|(n, _)| n == k).map(|(_, c)| *c);
            match key_ok(key, &path).and_then(|()| flag::flag(key, f, &path, sdk, &segments, &count)) {
                Ok(j) => out.push((Cow::Owned(key.to_string()), j)),
                Err(e) => {
                    skips.refuse(e)?;
                    dropped = Some(key.to_string());
                    break;
                }
            }
        }
        match dropped {
            Some(key) => imported.retain(|(k, _)| *k != key),
            None => break out,
        }
    };
    let mut flags_out = flags_out;
    for (key, value) in values {
        let path = keyed("flagValues", key);
        if flags_out.iter().any(|(k, _)| k == key) || flags.iter().any(|(k, _)| k == key) {
            return Err(ImportError::invalid(path, "a flag both in flags and in flagValues"));
        }
        let simple = key_ok(key, &path).and_then(|()| {
            let f = obj(vec![
                ("on", Json::Bool(true)),
                ("variations", Json::Array(vec![value.to_owned_json()])),
                ("fallthrough", obj(vec![("variation", Json::Number(0.0))])),
            ]);
            flag::flag(key, &f, &path, sdk, &segments, &|_| None)
        });
        match simple {
            Ok(j) => flags_out.push((Cow::Owned(key.to_string()), j)),
            Err(e) => skips.refuse(e)?,
        }
    }
    let mut out = vec![("version", Json::Number(options.version as f64)), ("generatedAt", s(&options.generated_at))];
    if !segments_out.is_empty() {
        out.push(("segments", Json::Object(segments_out)));
    }
    out.push(("flags", Json::Object(flags_out)));
    Ok(obj(out))
}

/// edgeflag's keys are non-empty and hold no U+001F.
fn key_ok(key: &str, path: &str) -> Result<(), ImportError> {
    if key.is_empty() || key.contains('\u{1f}') {
        return Err(ImportError::unsupported(path, "an edgeflag key is non-empty and holds no U+001F"));
    }
    Ok(())
}

/// The keys on a cycle of `edges` (each key with the keys it reaches in one step).
fn on_cycles(edges: &[(String, Vec<String>)]) -> Vec<String> {
    let reaches = |from: &str| {
        let mut seen: Vec<&str> = Vec::new();
        let mut todo: Vec<&str> = vec![from];
        while let Some(k) = todo.pop() {
            for (key, next) in edges.iter().filter(|(key, _)| key == k) {
                let _ = key;
                for n in next {
                    if !seen.contains(&n.as_str()) {
                        seen.push(n);
                        todo.push(n);
                    }
                }
            }
        }
        seen.contains(&from)
    };
    edges.iter().filter(|(k, _)| reaches(k)).map(|(k, _)| k.clone()).collect()
}

/// Segments that reach themselves through `segmentMatch` clauses.
fn cyclic(segs: &[(Cow<'_, str>, Json<'_>)]) -> Vec<String> {
    fn named(v: &Json<'_>, out: &mut Vec<String>) {
        match v {
            Json::Object(ms) => {
                if v.get("op").and_then(Json::as_str) == Some("segmentMatch") {
                    if let Some(Json::Array(vs)) = v.get("values") {
                        out.extend(vs.iter().filter_map(Json::as_str).map(String::from));
                    }
                }
                ms.iter().for_each(|(_, m)| named(m, out));
            }
            Json::Array(items) => items.iter().for_each(|i| named(i, out)),
            _ => {}
        }
    }
    let edges: Vec<(String, Vec<String>)> = segs
        .iter()
        .map(|(k, g)| {
            let mut out = Vec::new();
            named(g.get("rules").unwrap_or(&Json::Null), &mut out);
            (k.to_string(), out)
        })
        .collect();
    on_cycles(&edges)
}

/// Flags that reach themselves through prerequisites.
fn prerequisite_cycles(flags: &[(Cow<'_, str>, Json<'_>)]) -> Vec<String> {
    let edges: Vec<(String, Vec<String>)> = flags
        .iter()
        .map(|(k, f)| {
            let next = match f.get("prerequisites") {
                Some(Json::Array(ps)) => ps.iter().filter_map(|p| p.get("key")?.as_str().map(String::from)).collect(),
                _ => Vec::new(),
            };
            (k.to_string(), next)
        })
        .collect();
    on_cycles(&edges)
}

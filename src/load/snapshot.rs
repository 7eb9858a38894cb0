//! The snapshot: format version, bucketing scheme, hashed lists' salt, segments, then flags,
//! then what links them (prerequisites, the reference graphs, the cost of each flag).

use super::{flag, graph, segment, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing::Scheme;
use crate::hashed::{Salt, ALGORITHM};
use crate::json::schema::{self, at_most, fail, map, opt, req, Obj, Result, Ty::*};
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::limits::{MAX_FLAGS, MAX_SEGMENTS};
use crate::model::snapshot::Snapshot;
use alloc::vec::Vec;

const KEY_HASHING: &[schema::Field] = &[req("algorithm", Str), req("salt", Str)];
const SNAPSHOT: &[schema::Field] = &[
    opt("$schema", Any),
    opt("formatVersion", Integer(&(i64::MIN / 2, i64::MAX / 2))),
    req("version", Integer(&(0, MAX_SAFE_INTEGER as i64))),
    req("generatedAt", Time),
    opt("bucketing", Str),
    opt("keyHashing", Object),
    opt("segments", Object),
    req("flags", Object),
];

pub(super) fn compile(v: &Json<'_>) -> Result<Snapshot> {
    let o = Obj::read(v, SNAPSHOT)?;
    if let Some(n) = o.int("formatVersion").filter(|n| *n != 1) {
        let at = o.value("formatVersion");
        let template = "format version \u{2} is not supported (this evaluator reads 1)";
        return fail(K::UnsupportedFormat, at, template, itoa::Buffer::new().format(n), "");
    }
    let scheme = match o.str("bucketing") {
        None => Scheme::EdgeflagV1,
        Some(name) => match Scheme::from_name(name) {
            Some(s) => s,
            None => return fail(K::UnknownBucketing, o.value("bucketing"), "unknown bucketing scheme \u{1}", name, ""),
        },
    };
    let segment_members = match o.get("segments") {
        Some(s) => map(s)?,
        None => Vec::new(),
    };
    at_most(o.value("segments"), segment_members.len(), MAX_SEGMENTS, "segments")?;
    let flag_members = map(o.value("flags"))?;
    at_most(o.value("flags"), flag_members.len(), MAX_FLAGS, "flags")?;
    let salt = match o.get("keyHashing") {
        Some(v) => Some(key_hashing(v)?),
        None => None,
    };
    let names = Names {
        scheme,
        salt,
        flags: flag_members.iter().map(|(k, _)| *k).collect(),
        segments: segment_members.iter().map(|(k, _)| *k).collect(),
    };
    let mut segments = Vec::new();
    for (key, v) in &segment_members {
        segments.push(segment::segment(&names, key, v)?);
    }
    let mut flags = Vec::new();
    for (key, v) in &flag_members {
        flags.push(flag::flag(&names, key, v)?);
    }
    // Prerequisites name other flags' variations, so they resolve once every flag is compiled.
    for (i, (_, v)) in flag_members.iter().enumerate() {
        let prerequisites = flag::prerequisites(&names, &flags, v)?;
        let f = &mut flags[i];
        f.is_static = f.on
            && prerequisites.is_empty()
            && f.targets.is_empty()
            && f.rules.is_empty()
            && matches!(f.fallthrough, crate::model::serve::Serve::Variation(_));
        f.prerequisites = prerequisites;
    }
    let segment_costs = graph::check_segments(&segments, &segment_members)?;
    let order = graph::prerequisite_order(&flags, &flag_members)?;
    graph::check_costs(&flags, &order, &segment_costs, &flag_members)?;
    Ok(Snapshot {
        version: o.int("version").unwrap_or_default() as u64,
        generated_at: o.time("generatedAt").unwrap_or_default(),
        scheme,
        salt,
        flags,
        segments,
        order,
    })
}

/// `keyHashing`: the algorithm (one so far) and the salt of hashed lists.
fn key_hashing(v: &Json<'_>) -> Result<Salt> {
    let o = Obj::read(v, KEY_HASHING)?;
    let algorithm = o.str("algorithm").unwrap_or_default();
    if algorithm != ALGORITHM {
        let template = "unknown hashing algorithm \u{1} (this evaluator knows \"sha512-128\")";
        return fail(K::InvalidValue, o.value("algorithm"), template, algorithm, "");
    }
    match Salt::from_hex(o.str("salt").unwrap_or_default()) {
        Some(salt) => Ok(salt),
        None => fail(K::InvalidValue, o.value("salt"), "a salt is 32 lowercase hex digits", "", ""),
    }
}

//! Loading: JSON → validated, indexed [`Snapshot`]. Every error carries the path of the
//! offending value. Lists become sets, references become indexes, versions and dates are
//! parsed and prerequisites ordered, so evaluation never parses or searches by name.

mod clause;
mod flag;
mod graph;
pub(crate) mod reader;
mod segment;
mod serve;

use crate::bucketing::Scheme;
use crate::error::{LoadError, LoadErrorKind as K};
use crate::hashed::{Salt, ALGORITHM};
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::limits::{MAX_FLAGS, MAX_SEGMENTS};
use crate::snapshot::Snapshot;
use alloc::vec::Vec;
use reader::{at_most, fail, map, opt, req, Obj, Result, Ty::*};

const KEY_HASHING: &[reader::Field] = &[req("algorithm", Str), req("salt", Str)];
const SNAPSHOT: &[reader::Field] = &[
    opt("$schema", Any),
    opt("formatVersion", Integer(&(i64::MIN / 2, i64::MAX / 2))),
    req("version", Integer(&(0, MAX_SAFE_INTEGER as i64))),
    req("generatedAt", Time),
    opt("bucketing", Str),
    opt("keyHashing", Object),
    opt("segments", Object),
    req("flags", Object),
];

/// Names resolved across the snapshot: keys sorted as the compiled vectors are.
pub(crate) struct Names<'j> {
    pub scheme: Scheme,
    /// The salt of hashed lists (`keyHashing`), if the snapshot has them.
    pub salt: Option<Salt>,
    pub flags: Vec<&'j str>,
    pub segments: Vec<&'j str>,
}

impl Names<'_> {
    pub fn flag(&self, key: &str) -> Option<u32> {
        self.flags.binary_search(&key).ok().map(|i| i as u32)
    }
    pub fn segment(&self, key: &str) -> Option<u32> {
        self.segments.binary_search(&key).ok().map(|i| i as u32)
    }
}

pub(crate) fn snapshot(v: &Json<'_>) -> core::result::Result<Snapshot, LoadError> {
    compile(v).map_err(|f| f.into_error(v))
}

fn compile(v: &Json<'_>) -> Result<Snapshot> {
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
            && matches!(f.fallthrough, crate::rule::Serve::Variation(_));
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
        #[cfg(not(target_family = "wasm"))]
        index: flags.iter().enumerate().map(|(i, f)| (f.key.as_str().into(), i as u32)).collect(),
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

/// A hashed list's entry (the value `v`, a checked string): a hash as written, and the snapshot
/// must say how it was made.
pub(super) fn hash_of<'j>(names: &Names, v: &'j Json<'j>) -> Result<&'j str> {
    let text = v.as_str().unwrap_or_default();
    if names.salt.is_none() {
        return fail(K::InvalidValue, v, "hashed values need the snapshot's keyHashing", "", "");
    }
    if !crate::hashed::is_digest(text) {
        return fail(K::InvalidValue, v, "\u{1} is not a hash (32 lowercase hex digits)", text, "");
    }
    Ok(text)
}

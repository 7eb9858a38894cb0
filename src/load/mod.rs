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
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::snapshot::Snapshot;
use alloc::vec::Vec;
use reader::{fail, map, opt, req, Obj, Result, Ty::*};

const SNAPSHOT: &[reader::Field] = &[
    opt("$schema", Any),
    opt("formatVersion", Integer(&(i64::MIN / 2, i64::MAX / 2))),
    req("version", Integer(&(0, MAX_SAFE_INTEGER as i64))),
    req("generatedAt", Time),
    opt("bucketing", Str),
    opt("segments", Object),
    req("flags", Object),
];

/// Names resolved across the snapshot: keys sorted as the compiled vectors are.
pub(crate) struct Names<'j> {
    pub scheme: Scheme,
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
    let flag_members = map(o.value("flags"))?;
    let names = Names {
        scheme,
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
    graph::check_segments(&segments, &segment_members)?;
    let order = graph::prerequisite_order(&flags, &flag_members)?;
    Ok(Snapshot {
        version: o.int("version").unwrap_or_default() as u64,
        generated_at: o.time("generatedAt").unwrap_or_default(),
        scheme,
        #[cfg(not(target_family = "wasm"))]
        index: flags.iter().enumerate().map(|(i, f)| (f.key.as_str().into(), i as u32)).collect(),
        flags,
        segments,
        order,
    })
}

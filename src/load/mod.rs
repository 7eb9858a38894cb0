//! Loading: JSON → validated, indexed [`Snapshot`]. Every error carries the path of the
//! offending value. Lists become sets, references become indexes, versions and dates are
//! parsed and prerequisites ordered, so evaluation never parses or searches by name.

mod clause;
mod flag;
mod graph;
mod reader;
mod segment;
mod serve;

use crate::bucketing::Scheme;
use crate::error::{LoadError, LoadErrorKind as K};
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::message::Part::*;
use crate::path::Path;
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
    compile(v).map_err(|e| *e)
}

fn compile(v: &Json<'_>) -> Result<Snapshot> {
    let root = Path::Root;
    let o = Obj::read(v, &root, SNAPSHOT)?;
    if let Some(n) = o.int("formatVersion").filter(|n| *n != 1) {
        return fail(
            K::UnsupportedFormat,
            &root.key("formatVersion"),
            &[Text("format version "), Int(n), Text(" is not supported (this evaluator reads 1)")],
        );
    }
    let version = o.int("version").unwrap_or_default() as u64;
    let generated_at = o.time("generatedAt").unwrap_or_default();
    let scheme = match o.str("bucketing") {
        None => Scheme::EdgeflagV1,
        Some(name) => match Scheme::from_name(name) {
            Some(s) => s,
            None => {
                let p = root.key("bucketing");
                return fail(K::UnknownBucketing, &p, &[Text("unknown bucketing scheme "), Quoted(name)]);
            }
        },
    };
    let segments_path = root.key("segments");
    let segment_members = match o.get("segments") {
        Some(s) => map(s, &segments_path)?,
        None => Vec::new(),
    };
    let flags_path = root.key("flags");
    let flag_members = match o.get("flags") {
        Some(f) => map(f, &flags_path)?,
        None => Vec::new(),
    };
    let names = Names {
        scheme,
        flags: flag_members.iter().map(|(k, _)| *k).collect(),
        segments: segment_members.iter().map(|(k, _)| *k).collect(),
    };

    let segments = segment_members
        .iter()
        .map(|(key, v)| segment::segment(&names, key, v, &segments_path.key(key)))
        .collect::<Result<Vec<_>>>()?;
    let mut flags = flag_members
        .iter()
        .map(|(key, v)| flag::flag(&names, key, v, &flags_path.key(key)))
        .collect::<Result<Vec<_>>>()?;
    // Prerequisites name other flags' variations, so they resolve once every flag is compiled.
    for (i, (key, v)) in flag_members.iter().enumerate() {
        let prerequisites = flag::prerequisites(&names, &flags, v, &flags_path.key(key))?;
        let f = &mut flags[i];
        f.is_static = f.on
            && prerequisites.is_empty()
            && f.targets.is_empty()
            && f.rules.is_empty()
            && matches!(f.fallthrough, crate::rule::Serve::Variation(_));
        f.prerequisites = prerequisites;
    }
    graph::check_segments(&segments)?;
    let order = graph::prerequisite_order(&flags)?;
    Ok(Snapshot {
        version,
        generated_at,
        scheme,
        #[cfg(not(target_family = "wasm"))]
        index: flags.iter().enumerate().map(|(i, f)| (f.key.as_str().into(), i as u32)).collect(),
        flags,
        segments,
        order,
    })
}

//! The snapshot: format version, bucketing scheme, hashed lists' salt, segments, then flags,
//! then what links them (prerequisites, the reference graphs, the cost of each flag).

use super::{flag, graph, segment, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing::Scheme;
use crate::hashed::{Salt, ALGORITHM};
use crate::json::schema::{at_most, fail, map, members, At, Result, Ty::*};
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::limits::{MAX_FLAGS, MAX_SEGMENTS};
use crate::message::message;
use crate::model::snapshot::{Parts, Snapshot};
use alloc::vec::Vec;

members! {
    struct KeyHashing<'j> {
        algorithm: req Str => At<'j, &'j str>,
        salt: req Str => At<'j, &'j str>,
    }
}
members! {
    struct SnapshotDoc<'j> {
        _schema "$schema": opt Any,
        format_version "formatVersion": opt Integer(&(i64::MIN / 2, i64::MAX / 2)) => At<'j, i64>,
        version: req Integer(&(0, MAX_SAFE_INTEGER as i64)) => i64,
        generated_at "generatedAt": req Time => i64,
        bucketing: opt Str => At<'j, &'j str>,
        key_hashing "keyHashing": opt Object,
        segments: opt Object,
        flags: req Object,
    }
}

pub(super) fn compile(v: &Json<'_>) -> Result<Snapshot> {
    let o = SnapshotDoc::read(v)?;
    if let Some((n, at)) = o.format_version.filter(|(n, _)| *n != 1) {
        return fail(
            K::UnsupportedFormat,
            at,
            message!("format version ", itoa::Buffer::new().format(n), " is not supported (this evaluator reads 1)"),
        );
    }
    let scheme = match o.bucketing {
        None => Scheme::EdgeflagV1,
        Some((name, at)) => match Scheme::from_name(name) {
            Some(s) => s,
            None => return fail(K::UnknownBucketing, at, message!("unknown bucketing scheme ", quoted(name))),
        },
    };
    let segment_members = match o.segments {
        Some(s) => {
            let members = map(s)?;
            at_most(s, members.len(), MAX_SEGMENTS, "segments")?;
            members
        }
        None => Vec::new(),
    };
    let flag_members = map(o.flags)?;
    at_most(o.flags, flag_members.len(), MAX_FLAGS, "flags")?;
    let salt = match o.key_hashing {
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
        flags[i].prerequisites = flag::prerequisites(&names, &flags, v)?;
        #[allow(unused_variables)] // without peers, the list is empty or refused
        for (r, list) in flag::rule_prerequisites(&names, &flags, v)? {
            #[cfg(feature = "peers")]
            {
                flags[i].rules[r].prerequisites = list;
            }
        }
    }
    let segment_costs = graph::check_segments(&segments, &segment_members)?;
    let order = graph::prerequisite_order(&flags, &flag_members)?;
    graph::check_costs(&flags, &order, &segment_costs, &flag_members)?;
    Ok(Snapshot::from_parts(Parts {
        version: o.version as u64,
        generated_at: o.generated_at,
        scheme,
        salt,
        flags,
        segments,
        order,
    }))
}

/// `keyHashing`: the algorithm (one so far) and the salt of hashed lists.
fn key_hashing(v: &Json<'_>) -> Result<Salt> {
    let o = KeyHashing::read(v)?;
    let (algorithm, at) = o.algorithm;
    if algorithm != ALGORITHM {
        return fail(
            K::InvalidValue,
            at,
            message!("unknown hashing algorithm ", quoted(algorithm), " (this evaluator knows \"sha512-128\")"),
        );
    }
    let (salt, at) = o.salt;
    match Salt::from_hex(salt) {
        Some(salt) => Ok(salt),
        None => fail(K::InvalidValue, at, message!("a salt is 32 lowercase hex digits")),
    }
}

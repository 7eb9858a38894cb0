//! The features and segments a payload holds: a client features response as it is, or a delta
//! stream (`events`: `hydration`, then `feature-updated`, `feature-removed`,
//! `segment-updated`, `segment-removed`) applied in order.

use super::build::{at, idx};
use super::indexed;
use crate::ImportError;
use alloc::string::String;
use alloc::vec::Vec;
use edgeflag::Json;

/// Features and segments with their paths in the payload.
pub struct State<'a, 'b> {
    /// Toggles, in order.
    pub features: Vec<(&'b Json<'a>, String)>,
    /// Segments, in order.
    pub segments: Vec<(&'b Json<'a>, String)>,
}

/// What `doc` holds.
pub fn state<'a, 'b>(doc: &'b Json<'a>) -> Result<State<'a, 'b>, ImportError> {
    if let Some(events) = doc.get("events") {
        let Json::Array(events) = events else { return Err(ImportError::invalid("events", "expected an array")) };
        let mut state = State { features: Vec::new(), segments: Vec::new() };
        for (i, e) in events.iter().enumerate() {
            apply(&mut state, e, &idx("events", i))?;
        }
        return Ok(state);
    }
    Ok(State { features: list(doc.get("features"), "features")?, segments: list(doc.get("segments"), "segments")? })
}

fn list<'a, 'b>(v: Option<&'b Json<'a>>, path: &str) -> Result<Vec<(&'b Json<'a>, String)>, ImportError> {
    match v {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => Ok(indexed(items, path)),
        Some(_) => Err(ImportError::invalid(path, "expected an array")),
    }
}

fn apply<'a, 'b>(state: &mut State<'a, 'b>, e: &'b Json<'a>, path: &str) -> Result<(), ImportError> {
    let kind = e
        .get("type")
        .and_then(Json::as_str)
        .ok_or_else(|| ImportError::invalid(at(path, "type"), "expected a string"))?;
    let name_of = |f: &Json<'_>| f.get("name").and_then(Json::as_str).map(String::from);
    let id_of = |s: &Json<'_>| s.get("id").and_then(Json::as_integer);
    match kind {
        "hydration" => {
            state.features = list(e.get("features"), &at(path, "features"))?;
            state.segments = list(e.get("segments"), &at(path, "segments"))?;
        }
        "feature-updated" => {
            let p = at(path, "feature");
            let f = e.get("feature").ok_or_else(|| ImportError::invalid(&p, "missing"))?;
            let name = name_of(f).ok_or_else(|| ImportError::invalid(at(&p, "name"), "expected a string"))?;
            match state.features.iter_mut().find(|(g, _)| name_of(g).as_deref() == Some(&name)) {
                Some(slot) => *slot = (f, p),
                None => state.features.push((f, p)),
            }
        }
        "feature-removed" => {
            let name = e
                .get("featureName")
                .and_then(Json::as_str)
                .ok_or_else(|| ImportError::invalid(at(path, "featureName"), "expected a string"))?;
            state.features.retain(|(g, _)| name_of(g).as_deref() != Some(name));
        }
        "segment-updated" => {
            let p = at(path, "segment");
            let s = e.get("segment").ok_or_else(|| ImportError::invalid(&p, "missing"))?;
            let id = id_of(s).ok_or_else(|| ImportError::invalid(at(&p, "id"), "expected an integer"))?;
            match state.segments.iter_mut().find(|(g, _)| id_of(g) == Some(id)) {
                Some(slot) => *slot = (s, p),
                None => state.segments.push((s, p)),
            }
        }
        "segment-removed" => {
            let id = e
                .get("segmentId")
                .and_then(Json::as_integer)
                .ok_or_else(|| ImportError::invalid(at(path, "segmentId"), "expected an integer"))?;
            state.segments.retain(|(g, _)| id_of(g) != Some(id));
        }
        _ => return Err(ImportError::unsupported(at(path, "type"), "an unknown delta event")),
    }
    Ok(())
}

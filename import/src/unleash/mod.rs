//! Unleash: the client features response (`GET /api/client/features`, or a delta stream of
//! `events`) into an edgeflag snapshot that answers as Yggdrasil, Unleash's reference engine,
//! does (docs/import.md, Unleash).
//!
//! Each toggle becomes a flag of the same key whose variations' values are `getVariant`'s
//! answers (`{name, payload?, enabled, feature_enabled}`); `isEnabled` is the served value's
//! `feature_enabled`. Strategies become rules in order, constraints and segments their clauses,
//! rollouts `inBucket` clauses and variant lists rollouts by the `unleash` scheme.

mod build;
mod constraint;
mod context;
mod dependencies;
mod events;
mod fail;
mod flag;
mod stickiness;
mod strategy;
mod variants;

use crate::{ImportError, ImportErrorKind, Options, Skips};
use alloc::string::ToString;
use alloc::vec::Vec;
use build::{at, idx, obj, text};
use edgeflag::Json;
use fail::Fail;

/// Segments by id: their constraints and their path in the payload.
pub struct Segments<'a>(Vec<(i64, &'a [Json<'a>], alloc::string::String)>);

impl<'a> Segments<'a> {
    /// The constraints of segment `id` and its path.
    pub fn get(&self, id: i64) -> Option<(&'a [Json<'a>], &str)> {
        // The last of a repeated id counts, as in Yggdrasil's map.
        self.0.iter().rev().find(|(i, _, _)| *i == id).map(|(_, c, p)| (*c, p.as_str()))
    }
}

/// Converts Unleash's payload.
pub fn convert(doc: &Json<'_>, options: &Options, skips: &mut Skips) -> Result<Json<'static>, ImportError> {
    let sdk = match options.reference.as_deref() {
        None | Some("yggdrasil") => context::Sdk::Yggdrasil,
        Some("node") => context::Sdk::Node,
        Some(other) => {
            return Err(ImportError::invalid(
                "",
                alloc::format!("reference {other:?}: Unleash's are yggdrasil (the default) and node"),
            ))
        }
    };
    let state = events::state(doc)?;
    let features = &state.features;
    let mut segments = Vec::new();
    for (seg, path) in &state.segments {
        let id = seg
            .get("id")
            .and_then(Json::as_integer)
            .ok_or_else(|| ImportError::invalid(at(path, "id"), "expected an integer"))?;
        let constraints = match seg.get("constraints") {
            Some(Json::Array(items)) => &items[..],
            None | Some(Json::Null) => &[][..],
            Some(_) => return Err(ImportError::invalid(at(path, "constraints"), "expected an array")),
        };
        segments.push((id, constraints, path.clone()));
    }
    let segments = Segments(segments);

    let mut names = Vec::with_capacity(features.len());
    for (f, path) in features {
        let name = f
            .get("name")
            .and_then(Json::as_str)
            .ok_or_else(|| ImportError::invalid(at(path, "name"), "expected a string"))?;
        if names.contains(&name) {
            return Err(ImportError::invalid(at(path, "name"), "a toggle name given twice"));
        }
        names.push(name);
    }

    let mut flags = Vec::new();
    for (i, (f, path)) in features.iter().enumerate() {
        let name = names[i];
        let converted = dependencies::flags(f, path, name, &state.features, &names, &segments, sdk);
        match converted {
            Ok(list) => flags.extend(list),
            Err(Fail::Error(e)) if e.kind == ImportErrorKind::Unsupported => skips.refuse(e)?,
            Err(Fail::Error(e)) => return Err(e),
            // Handled inside: a broken toggle is a flag that is always disabled.
            Err(Fail::Broken(why)) => flags.push((name.to_string(), flag::disabled_flag(&why))),
        }
    }
    let flags = Json::Object(flags.into_iter().map(|(k, v)| (alloc::borrow::Cow::Owned(k), v)).collect());
    Ok(obj(alloc::vec![
        ("version", Json::Number(options.version as f64)),
        ("generatedAt", text(&options.generated_at)),
        ("segments", obj(Vec::new())),
        ("flags", flags),
    ]))
}

/// `features[i]` paths for a list.
fn indexed<'a, 'b>(items: &'b [Json<'a>], path: &str) -> Vec<(&'b Json<'a>, alloc::string::String)> {
    items.iter().enumerate().map(|(i, f)| (f, idx(path, i))).collect()
}

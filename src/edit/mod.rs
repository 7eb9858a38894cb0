//! Changing a snapshot document one flag at a time: what an operator does between two published
//! versions (turn a flag off, move a ramp, list a user, add or archive a flag).
//!
//! A [`Document`] holds the snapshot as JSON, so what an edit leaves untouched is written back
//! as it was: members in their order, descriptions and metadata kept. Each edit checks what it
//! needs to find its way (the flag, the rule, a two-way ramp); the whole document is checked
//! once, by the loader, when [`Document::finish`] writes the next version. Errors are values
//! with the path of what they are about (`flags.checkout.rules[1]`), as load errors are.
//!
//! The core reads no clock: the host gives the version's `generatedAt` and the `now` a sample
//! is evaluated at. [`crate::json::diff::diff`] of the documents before and after is the
//! change as a JSON Patch, for a host that keeps a record of them.

mod flag;
pub mod percent;
mod ramp;
mod sample;
mod targets;

/// What the family's unit tests share: the example snapshot and a time inside its windows.
#[cfg(test)]
mod fixtures {
    use super::Document;

    pub const EXAMPLE: &str = include_str!("../../examples/snapshot.json");
    pub const NOW: i64 = 1_795_000_000_000;

    pub fn example() -> Document {
        Document::parse(EXAMPLE).expect("the example")
    }
}

pub use ramp::{RampKind, RampMove};
pub use sample::{compare_sample, Sample, SampleCounts};
pub use targets::{ListChange, SegmentList};

use crate::error::{at_path, LoadError, LoadErrorKind};
use crate::json::path::push_key;
use crate::json::Json;
use crate::message::message;
use crate::model::snapshot::Snapshot;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// A snapshot document being changed: the JSON tree, owned.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    json: Json<'static>,
}

impl Document {
    /// Parses snapshot text (plain JSON: a signed envelope's contents are for the host to take
    /// out, with [`crate::signature::contents`], and to sign again). Text that is not JSON, or
    /// past the size a snapshot may have, is refused as loading would refuse it.
    pub fn parse(text: &str) -> Result<Document, EditError> {
        let json = crate::json::document(text).map_err(EditError::from)?;
        Ok(Document { json: json.to_owned_json() })
    }

    /// A document from a value the host holds.
    pub fn from_json(json: Json<'static>) -> Document {
        Document { json }
    }

    /// The snapshot's `version` (0 when it has none).
    pub fn version(&self) -> u64 {
        self.json.get("version").and_then(Json::as_integer).and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
    }

    /// The document.
    pub fn json(&self) -> &Json<'static> {
        &self.json
    }

    /// The document, given up.
    pub fn into_json(self) -> Json<'static> {
        self.json
    }

    /// `flags.KEY`'s document.
    pub fn flag(&self, key: &str) -> Option<&Json<'static>> {
        self.json.get("flags").and_then(|flags| flags.get(key))
    }

    /// Sets `version` and `generatedAt` (RFC 3339 text the host gives: the core reads no clock),
    /// writes the document as compact JSON text ([`Json::to_text`]) and loads that text with
    /// [`Snapshot::parse`]: the text and its snapshot, or the load error, with the loader's
    /// kind, path and message. `version` is the host's to choose, normally one more than
    /// [`Document::version`] (an engine refuses an older one). The two members stay set either
    /// way: a document that did not load is fixed and finished again.
    pub fn finish(&mut self, version: u64, generated_at: &str) -> Result<(String, Snapshot), EditError> {
        if !matches!(self.json, Json::Object(_)) {
            return Err(invalid(String::new(), message!("a snapshot is a JSON object, not ", self.json.type_name())));
        }
        // Integers beyond 2^53 - 1 are not exact as numbers; the loader refuses them at `version`.
        self.json.set("version", Json::Number(version as f64));
        self.json.set("generatedAt", Json::from(String::from(generated_at)));
        let text = self.json.to_text();
        let snapshot = Snapshot::parse(&text).map_err(EditError::from)?;
        Ok((text, snapshot))
    }

    /// `flags.KEY`, to change: not found when the document has no such flag, invalid when it is
    /// not an object.
    fn flag_mut(&mut self, key: &str) -> Result<&mut Json<'static>, EditError> {
        let found = self.json.get_mut("flags").and_then(|flags| flags.get_mut(key));
        match found {
            Some(flag @ Json::Object(_)) => Ok(flag),
            Some(other) => {
                let m = message!("a flag is a JSON object, not ", other.type_name());
                Err(invalid(flag_path(key), m))
            }
            None => Err(EditError::new(EditErrorKind::NotFound, flag_path(key), message!("no flag ", quoted(key)))),
        }
    }
}

/// Why an edit was refused, for programs: [`EditErrorKind::code`] is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditErrorKind {
    /// No flag of that key (`flag_not_found`).
    NotFound,
    /// No segment of that key (`segment_not_found`).
    SegmentNotFound,
    /// The change does not fit the document: a missing rule, a ramp that is not two-way, a
    /// value listed elsewhere, a patch that is not an object… (`invalid_change`).
    Invalid,
    /// A flag of that key already exists (`flag_exists`).
    Exists,
    /// Other flags name the flag as a prerequisite (`flag_required`).
    Required,
    /// The changed document does not load, or the text given is not a snapshot's: the loader's
    /// kind, whose code is the loader's (`weights_sum`, `invalid_json`…).
    Load(LoadErrorKind),
}

impl EditErrorKind {
    /// The stable code: `flag_not_found`, `segment_not_found`, `invalid_change`, `flag_exists`,
    /// `flag_required`, or the load error's own ([`LoadErrorKind::code`]).
    pub fn code(self) -> &'static str {
        match self {
            EditErrorKind::NotFound => "flag_not_found",
            EditErrorKind::SegmentNotFound => "segment_not_found",
            EditErrorKind::Invalid => "invalid_change",
            EditErrorKind::Exists => "flag_exists",
            EditErrorKind::Required => "flag_required",
            EditErrorKind::Load(kind) => kind.code(),
        }
    }
}

/// A refused edit: `flags.checkout.rules[1].serve: that serves a fixed variation: there is no
/// ramp to move`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError {
    /// What went wrong, for programs.
    pub kind: EditErrorKind,
    /// Where in the document, as load errors write paths (`flags.x.rules[1]`); empty for the
    /// whole document, or for an argument that is not about it (a sample's base context).
    pub path: String,
    /// What went wrong, for people.
    pub message: String,
    /// With [`EditErrorKind::Required`]: every flag that names the flag as a prerequisite, in
    /// document order. Empty otherwise.
    pub required_by: Vec<String>,
}

impl EditError {
    fn new(kind: EditErrorKind, path: String, message: crate::message::Message) -> EditError {
        EditError { kind, path, message: message.text(), required_by: Vec::new() }
    }
}

impl From<LoadError> for EditError {
    fn from(e: LoadError) -> EditError {
        EditError { kind: EditErrorKind::Load(e.kind), path: e.path, message: e.message, required_by: Vec::new() }
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        at_path(f, &self.path, &self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EditError {}

fn invalid(path: String, message: crate::message::Message) -> EditError {
    EditError::new(EditErrorKind::Invalid, path, message)
}

/// `flags.KEY`, as paths are written.
fn flag_path(key: &str) -> String {
    let mut path = String::from("flags");
    push_key(&mut path, key);
    path
}

/// `path.name`, or `path["name"]`.
fn member(path: &str, name: &str) -> String {
    let mut out = String::from(path);
    push_key(&mut out, name);
    out
}

/// `path[i]`.
fn item(path: &str, i: usize) -> String {
    let mut out = String::from(path);
    out.push('[');
    out.push_str(itoa::Buffer::new().format(i as u64));
    out.push(']');
    out
}

/// A variation reference (name or index) as an index among the flag's variations.
fn resolve(reference: &Json<'_>, names: &[Option<String>]) -> Option<usize> {
    match reference {
        Json::String(s) => names.iter().position(|n| n.as_deref() == Some(&**s)),
        other => other.as_integer().and_then(|i| usize::try_from(i).ok()).filter(|&i| i < names.len()),
    }
}

/// The names of a flag's variations, by index (`None` where one has no name as a string);
/// copied, so the flag can be changed while they are used.
fn variation_names(flag: &Json<'_>) -> Vec<Option<String>> {
    match flag.get("variations") {
        Some(Json::Array(items)) => {
            items.iter().map(|v| v.get("name").and_then(Json::as_str).map(String::from)).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use fixtures::EXAMPLE;

    #[test]
    fn finishing_writes_the_next_version_and_loads_it() {
        let mut doc = Document::parse(EXAMPLE).expect("the example");
        assert_eq!(doc.version(), 7);
        let (text, snapshot) = doc.finish(8, "2026-11-24T14:00:00Z").expect("it loads");
        assert_eq!((snapshot.version(), doc.version()), (8, 8));
        assert!(text.contains(r#""version":8,"generatedAt":"2026-11-24T14:00:00Z""#), "{text}");
        assert_eq!(Document::parse(&text).expect("the text").json(), doc.json());
    }

    #[test]
    fn load_errors_keep_the_loader_s_kind_and_path() {
        let e = Document::parse("{").expect_err("not JSON");
        assert_eq!(
            (e.kind, e.kind.code(), e.path.as_str()),
            (EditErrorKind::Load(LoadErrorKind::InvalidJson), "invalid_json", "")
        );
        let mut doc = Document::parse(EXAMPLE).expect("the example");
        let e = doc.finish(8, "yesterday").expect_err("a bad timestamp");
        assert_eq!((e.kind.code(), e.path.as_str()), ("invalid_timestamp", "generatedAt"));
        let e = doc.finish(1 << 60, "2026-11-24T14:00:00Z").expect_err("past 2^53");
        assert_eq!(e.path, "version");
        let e = Document::parse("[]").and_then(|mut d| d.finish(1, "2026-11-24")).expect_err("an array");
        assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, ""));
        assert_eq!(e.to_string(), "a snapshot is a JSON object, not array");
    }

    #[test]
    fn codes_are_stable() {
        let codes = [
            EditErrorKind::NotFound,
            EditErrorKind::SegmentNotFound,
            EditErrorKind::Invalid,
            EditErrorKind::Exists,
            EditErrorKind::Required,
            EditErrorKind::Load(LoadErrorKind::WeightsSum),
        ]
        .map(EditErrorKind::code);
        assert_eq!(
            codes,
            ["flag_not_found", "segment_not_found", "invalid_change", "flag_exists", "flag_required", "weights_sum"]
        );
    }

    #[test]
    fn paths_are_written_as_load_errors_write_them() {
        assert_eq!(flag_path("checkout"), "flags.checkout");
        assert_eq!(flag_path("🚀 launch"), "flags[\"🚀 launch\"]");
        assert_eq!(item(&member(&flag_path("a"), "rules"), 2), "flags.a.rules[2]");
    }
}

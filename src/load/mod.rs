//! Loading: JSON → validated, indexed [`Snapshot`]. Every error carries the path of the
//! offending value. Lists become sets, references become indexes, versions and dates are
//! parsed and prerequisites ordered, so evaluation never parses or searches by name.

mod attribute;
mod clause;
#[cfg(feature = "peers")]
mod composite;
mod flag;
mod graph;
#[cfg(feature = "peers")]
mod js;
#[cfg(feature = "peers")]
mod ld_time;
#[cfg(feature = "peers")]
mod matches;
mod rule;
#[cfg(feature = "peers")]
mod scheme;
mod segment;
mod serve;
mod snapshot;
mod variation;

use crate::error::{LoadError, LoadErrorKind as K};
use crate::eval::bucketing::Scheme;
use crate::hashed::Salt;
use crate::json::schema::{fail, Result};
use crate::json::Json;
use crate::message::message;
use crate::model::snapshot::Snapshot;
use alloc::vec::Vec;

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

impl Snapshot {
    /// Validates and compiles a snapshot given as a JSON value.
    pub fn from_json(value: &Json<'_>) -> core::result::Result<Snapshot, LoadError> {
        snapshot::compile(value).map_err(|f| f.into_error(value))
    }

    /// Validates and compiles a snapshot given as JSON text.
    #[cfg(feature = "json")]
    pub fn parse(text: &str) -> core::result::Result<Snapshot, LoadError> {
        Snapshot::from_json(&crate::json::document(text)?)
    }

    /// Validates and compiles a snapshot given as JSON text that may be signed: with `keys`, it
    /// must be a signed snapshot one of them verifies (`docs/snapshot.md`, "Signed snapshots"),
    /// checked before it is parsed; without, a plain or a signed one (unverified) loads. Errors
    /// inside a signed snapshot have the paths they have in the snapshot alone.
    #[cfg(feature = "json")]
    pub fn parse_signed(text: &str, keys: &crate::signature::Keys) -> core::result::Result<Snapshot, LoadError> {
        let inner = keys.open(text)?;
        if inner.len() == text.len() {
            return Snapshot::parse(text);
        }
        Snapshot::parse(inner).map_err(|e| match e.kind {
            // Reported in the whole text, where its line and column are.
            K::InvalidJson => crate::signature::diagnose(text, e),
            _ => e,
        })
    }
}

/// A hashed list's entry (the value `v`, a checked string): a hash as written, and the snapshot
/// must say how it was made.
pub(super) fn hash_of<'j>(names: &Names, v: &'j Json<'j>) -> Result<&'j str> {
    let text = v.as_str().unwrap_or_default();
    if names.salt.is_none() {
        return fail(K::InvalidValue, v, message!("hashed values need the snapshot's keyHashing"));
    }
    if !crate::hashed::is_digest(text) {
        return fail(K::InvalidValue, v, message!(quoted(text), " is not a hash (32 lowercase hex digits)"));
    }
    Ok(text)
}

/// A salt, flag key or `bucketBy` (the value `at`), as the bucketing's check of it found it
/// (`docs/bucketing.md`, "What may be hashed"): refused as `invalid_value` with the reason.
pub(super) fn hashable(checked: core::result::Result<(), &'static str>, at: &Json<'_>) -> Result<()> {
    checked.or_else(|why| fail(K::InvalidValue, at, crate::message::Message::new(why, "", "")))
}

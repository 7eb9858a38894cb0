//! The engine: holds the current snapshot and refuses bad or older ones.

use crate::error::{LoadError, LoadErrorKind};
use crate::eval::context::Context;
use crate::eval::result::Evaluation;
use crate::json::Json;
use crate::message::message;
use crate::model::snapshot::Snapshot;
#[cfg(feature = "json")]
use crate::signature::Keys;
use alloc::vec::Vec;

/// Holds the last good snapshot. A snapshot that fails to load, or is older than the one held,
/// is refused with an error and the engine keeps serving what it had. An engine given public keys
/// ([`Engine::trust`]) also refuses snapshot text that is not signed with one of them.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    current: Option<Snapshot>,
    #[cfg(feature = "json")]
    keys: Keys,
}

/// What an accepted update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    /// The offered snapshot now serves.
    Replaced {
        /// The version it replaced, if any.
        from: Option<u64>,
        /// The new version.
        to: u64,
    },
    /// Same version as the one held: kept the one held.
    Unchanged {
        /// That version.
        version: u64,
    },
}

impl Engine {
    /// An engine with no snapshot: evaluations return `GENERAL` errors until one is loaded.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// An engine that loads only snapshots signed with one of `keys` (see [`Engine::trust`]).
    #[cfg(feature = "json")]
    pub fn with_keys(keys: Keys) -> Engine {
        Engine { current: None, keys }
    }

    /// From now on, snapshot text must be signed with one of `keys` (`docs/snapshot.md`, "Signed
    /// snapshots"): [`Engine::update_str`] refuses anything else with `unsigned`, `unknown_key` or
    /// `bad_signature`, keeping the snapshot it holds, and [`Engine::update_json`] refuses every
    /// value (a value carries no signed bytes). No keys: any snapshot loads, as without a call.
    /// [`Engine::update`] takes a snapshot the host compiled itself (with
    /// [`Snapshot::parse_signed`] to verify it).
    #[cfg(feature = "json")]
    pub fn trust(&mut self, keys: Keys) {
        self.keys = keys;
    }

    /// The keys snapshot text must be signed with (none: any snapshot loads).
    #[cfg(feature = "json")]
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Offers a compiled snapshot.
    pub fn update(&mut self, next: Snapshot) -> Result<Update, LoadError> {
        let from = self.current.as_ref().map(Snapshot::version);
        match from {
            Some(v) if next.version < v => Err(LoadError {
                kind: LoadErrorKind::VersionBackwards,
                path: "version".into(),
                message: message!(
                    "version ",
                    itoa::Buffer::new().format(next.version as i64),
                    " is older than the loaded version ",
                    itoa::Buffer::new().format(v as i64)
                )
                .text(),
            }),
            Some(v) if next.version == v => Ok(Update::Unchanged { version: v }),
            _ => {
                let to = next.version;
                self.current = Some(next);
                Ok(Update::Replaced { from, to })
            }
        }
    }

    /// Offers a snapshot as a JSON value; refused as `unsigned` when the engine trusts keys.
    pub fn update_json(&mut self, value: &Json<'_>) -> Result<Update, LoadError> {
        #[cfg(feature = "json")]
        if !self.keys.is_empty() {
            return Err(self.keys.unsigned());
        }
        self.update(Snapshot::from_json(value)?)
    }

    /// Offers a snapshot as JSON text: signed by a trusted key when the engine has keys, plain or
    /// signed otherwise ([`Snapshot::parse_signed`]).
    #[cfg(feature = "json")]
    pub fn update_str(&mut self, text: &str) -> Result<Update, LoadError> {
        self.update(Snapshot::parse_signed(text, &self.keys)?)
    }

    /// Offers a compiled snapshot (`docs/compiled.md`). An engine that trusts keys first checks
    /// that one of them signed it (`unsigned`, `unknown_key`, `bad_signature`), before it reads
    /// past the header.
    pub fn update_compiled(&mut self, bytes: &[u8]) -> Result<Update, LoadError> {
        #[cfg(feature = "json")]
        self.keys.check_compiled(bytes)?;
        self.update(Snapshot::from_compiled(bytes)?)
    }

    /// Offers a snapshot as bytes: the compiled form when they begin with its magic, else JSON
    /// text in UTF-8 ([`Engine::update_utf8`]).
    #[cfg(feature = "json")]
    pub fn update_bytes(&mut self, bytes: &[u8]) -> Result<Update, LoadError> {
        match crate::compiled::is_compiled(bytes) {
            true => self.update_compiled(bytes),
            false => self.update_utf8(bytes),
        }
    }

    /// Offers snapshot text as UTF-8 bytes ([`Engine::update_str`]); bytes that are not UTF-8 are
    /// `invalid_json`.
    #[cfg(feature = "json")]
    pub fn update_utf8(&mut self, bytes: &[u8]) -> Result<Update, LoadError> {
        match core::str::from_utf8(bytes) {
            Ok(text) => self.update_str(text),
            // As the npm package says it (its wrapper decoded bytes before the core read them).
            Err(_) => Err(LoadError {
                kind: LoadErrorKind::InvalidJson,
                path: alloc::string::String::new(),
                message: alloc::string::String::from("snapshot bytes are not UTF-8"),
            }),
        }
    }

    /// The snapshot serving now.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.current.as_ref()
    }

    /// See [`Snapshot::evaluate`]; with no snapshot, a `GENERAL` error.
    pub fn evaluate(&self, key: &str, ctx: &Context<'_>, now: i64, default: Option<&Json<'_>>) -> Evaluation<'_> {
        match &self.current {
            Some(s) => s.evaluate(key, ctx, now, default),
            None => Evaluation::no_snapshot(),
        }
    }

    /// See [`Snapshot::evaluate_all`]; with no snapshot, no entries.
    pub fn evaluate_all(&self, ctx: &Context<'_>, now: i64) -> Vec<(&str, Evaluation<'_>)> {
        match &self.current {
            Some(s) => s.evaluate_all(ctx, now),
            None => Vec::new(),
        }
    }
}

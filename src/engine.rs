//! The engine: holds the current snapshot and refuses bad or older ones.

use crate::context::Context;
use crate::error::{LoadError, LoadErrorKind};
use crate::json::Json;
use crate::message::fill;
use crate::result::{ErrorCode, Evaluation};
use crate::snapshot::Snapshot;
use alloc::string::String;
use alloc::vec::Vec;

/// Holds the last good snapshot. A snapshot that fails to load, or is older than the one held,
/// is refused with an error and the engine keeps serving what it had.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    current: Option<Snapshot>,
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

    /// Offers a compiled snapshot.
    pub fn update(&mut self, next: Snapshot) -> Result<Update, LoadError> {
        let from = self.current.as_ref().map(Snapshot::version);
        match from {
            Some(v) if next.version < v => Err(LoadError {
                kind: LoadErrorKind::VersionBackwards,
                path: "version".into(),
                message: fill(
                    "version \u{2} is older than the loaded version \u{4}",
                    itoa::Buffer::new().format(next.version as i64),
                    itoa::Buffer::new().format(v as i64),
                ),
            }),
            Some(v) if next.version == v => Ok(Update::Unchanged { version: v }),
            _ => {
                let to = next.version;
                self.current = Some(next);
                Ok(Update::Replaced { from, to })
            }
        }
    }

    /// Offers a snapshot as a JSON value.
    pub fn update_json(&mut self, value: &Json<'_>) -> Result<Update, LoadError> {
        self.update(Snapshot::from_json(value)?)
    }

    /// Offers a snapshot as JSON text.
    #[cfg(feature = "json")]
    pub fn update_str(&mut self, text: &str) -> Result<Update, LoadError> {
        self.update(Snapshot::parse(text)?)
    }

    /// The snapshot serving now.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.current.as_ref()
    }

    /// See [`Snapshot::evaluate`]; with no snapshot, a `GENERAL` error.
    pub fn evaluate(&self, key: &str, ctx: &Context<'_>, now: i64, default: Option<&Json<'_>>) -> Evaluation<'_> {
        match &self.current {
            Some(s) => s.evaluate(key, ctx, now, default),
            None => not_ready(),
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

/// The `GENERAL` result of an engine with no snapshot.
pub(crate) fn not_ready<'s>() -> Evaluation<'s> {
    Evaluation::error(ErrorCode::General, String::from("no snapshot loaded"))
}

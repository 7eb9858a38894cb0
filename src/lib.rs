//! edgeflag: a feature-flag evaluator for cached snapshots.
//!
//! Loading ([`Snapshot::from_json`]) validates a snapshot and compiles it into indexed
//! structures; evaluation ([`Snapshot::evaluate`]) is then a few comparisons and at most one hash
//! per rollout. The crate is `no_std` + `alloc`: it does no I/O and reads no clock — the host
//! passes `now` in milliseconds since the Unix epoch. Formats and semantics are specified in
//! `docs/snapshot.md` and `docs/bucketing.md`.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod attribute;
pub mod bucketing;
mod operators;
mod context;
mod engine;
mod error;
mod eval;
mod explain;
mod flag;
mod json;
mod load;
mod path;
mod result;
mod rule;
mod schedule;
mod segment;
mod sets;
#[cfg(feature = "json")]
mod serialize;
mod snapshot;
#[cfg(feature = "std")]
pub mod synthetic;
mod timestamp;
mod version;

pub use context::{Context, ContextError};
pub use engine::{Engine, Update};
pub use error::{LoadError, LoadErrorKind};
pub use explain::{ClauseStep, ClauseWhy, Explanation, Step};
pub use flag::{Flag, Kind, Metadata, Variation};
pub use json::Json;
pub use result::{ErrorCode, EvalError, Evaluation, Reason};
#[cfg(feature = "json")]
pub use serialize::EvaluationJson;
pub use snapshot::Snapshot;
pub use timestamp::parse_timestamp;

/// Limits the loader enforces so evaluation stays bounded (see `docs/snapshot.md`).
pub mod limits {
    /// Deepest prerequisite chain (a flag without prerequisites has depth 0), and deepest
    /// nesting of segments through `segmentMatch`.
    pub const MAX_DEPTH: usize = 64;
}

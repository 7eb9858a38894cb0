//! edgeflag: a feature-flag evaluator for cached snapshots.
//!
//! Loading ([`Snapshot::from_json`]) validates a snapshot and compiles it into indexed
//! structures; evaluation ([`Snapshot::evaluate`]) is then a few comparisons and at most one hash
//! per rollout. The crate is `no_std` + `alloc`: it does no I/O and reads no clock — the host
//! passes `now` in milliseconds since the Unix epoch. Formats and semantics are specified in
//! `docs/snapshot.md` and `docs/bucketing.md`.
//!
//! With the `json` feature, a [`Recorder`] records exposures and renders them into batches
//! (`docs/exposures.md`), [`decode_batch`] checks a batch as a collector receives it,
//! [`client_snapshot`] derives the part of a snapshot a browser may receive, [`signature`]
//! reads signed snapshots (an [`Engine`] given public keys loads only those one of them signed),
//! and [`edit`] changes a snapshot document one flag at a time and checks the next version loads.
//!
//! ```
//! # #[cfg(feature = "json")] {
//! use edgeflag::{Context, Engine, Json, Reason};
//!
//! let snapshot = r#"{ "version": 1, "generatedAt": "2026-11-20T09:30:00Z", "flags": {
//!   "new_checkout": { "on": true,
//!     "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
//!     "rules": [ { "id": "pro", "clauses": [ {"attribute": "tier", "op": "in", "values": ["pro"]} ],
//!                  "serve": { "variation": "on" } } ],
//!     "fallthrough": { "variation": "off" } } } }"#;
//! let mut engine = Engine::new();
//! engine.update_str(snapshot).expect("a valid snapshot");
//!
//! let ctx = Context::parse(r#"{"key": "user-42", "tier": "pro"}"#);
//! let now_ms = 1_795_000_000_000; // the host's clock
//! let e = engine.evaluate("new_checkout", &ctx, now_ms, Some(&Json::Bool(false)));
//! assert_eq!(e.value, Some(&Json::Bool(true)));
//! assert_eq!((e.reason, e.rule_id), (Reason::TargetingMatch, Some("pro")));
//!
//! // A bad snapshot is refused with a path, and the good one keeps serving.
//! let err = engine.update_str(&snapshot.replace("\"in\"", "\"betwen\"")).unwrap_err();
//! assert_eq!(err.to_string(), r#"flags.new_checkout.rules[0].clauses[0].op: unknown operator "betwen""#);
//! assert_eq!(engine.evaluate("new_checkout", &ctx, now_ms, None).reason, Reason::TargetingMatch);
//! # }
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "json")]
mod client;
pub mod compiled;
#[cfg(feature = "json")]
pub mod edit;
mod engine;
mod error;
mod eval;
#[cfg(feature = "json")]
mod exposure;
mod hashed;
mod hex;
pub mod json;
pub mod limits;
mod load;
mod message;
mod model;
mod quote;
mod sets;
#[cfg(feature = "json")]
pub mod signature;
#[cfg(feature = "std")]
pub mod synthetic;
mod timestamp;
mod version;

#[cfg(feature = "json")]
pub use client::client_snapshot;
pub use engine::{Engine, Update};
pub use error::{LoadError, LoadErrorKind};
/// Bucketing: the one place that hashes (`docs/bucketing.md`).
pub use eval::bucketing;
pub use eval::context::{Context, ContextError};
pub use eval::explain::{ClauseStep, ClauseWhy, Explanation, Step};
/// Regular expressions of imported snapshots: the host's engine (`regex::install`).
#[cfg(feature = "peers")]
pub use eval::regex;
pub use eval::result::{ErrorCode, EvalError, Evaluation, Reason};
#[cfg(feature = "serde")]
pub use eval::serialize::EvaluationJson;
#[cfg(feature = "peers")]
pub use eval::unleash_semver::reads as unleash_version_reads;
#[cfg(feature = "json")]
pub use exposure::{
    decode_batch, Batch, BatchError, ConfigError, ExposureConfig, Recorder, Subject, MAX_ATTRIBUTE_BYTES, MAX_CAPACITY,
};
pub use json::Json;
#[cfg(feature = "json")]
pub use json::ParseError;
pub use model::flag::{Flag, Metadata};
pub use model::snapshot::Snapshot;
pub use model::variation::{Kind, Variation};
pub use timestamp::parse_timestamp;

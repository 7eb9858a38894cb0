//! JSON: the value the engine works on, text in and out, paths into a document, JSON Pointers,
//! the structural scan that finds signed bytes, the schema reader that the loader, exposure
//! batches and client snapshots read objects with, and changes to documents: merge patches
//! (RFC 7396) and JSON Patches (RFC 6902).

pub(crate) mod path;
pub(crate) mod pointer;
pub(crate) mod schema;
mod value;

#[cfg(feature = "json")]
pub mod diff;
#[cfg(feature = "json")]
pub mod merge_patch;
#[cfg(feature = "json")]
pub mod numbers;
#[cfg(feature = "json")]
mod parse;
#[cfg(feature = "json")]
pub(crate) mod scan;
#[cfg(feature = "serde")]
mod serde;
#[cfg(feature = "json")]
pub mod write;

#[cfg(feature = "json")]
pub(crate) use parse::document;
#[cfg(feature = "json")]
pub use parse::ParseError;
pub use value::Json;
pub(crate) use value::{safe_integer, MAX_SAFE_INTEGER};

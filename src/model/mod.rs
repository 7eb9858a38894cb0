//! The compiled snapshot: what loading builds (`crate::load`) and evaluation reads
//! (`crate::eval`). Plain data with accessors; behaviour lives with those two.

pub(crate) mod attribute;
pub(crate) mod clause;
#[cfg(feature = "peers")]
pub(crate) mod context_kind;
pub(crate) mod flag;
pub(crate) mod graph;
pub(crate) mod rule;
pub(crate) mod segment;
pub(crate) mod serve;
pub(crate) mod snapshot;
pub(crate) mod variation;

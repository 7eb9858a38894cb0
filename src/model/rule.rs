//! Rules: clauses that must all match, and what to serve when they do.

use super::clause::Clause;
use super::serve::Serve;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub clauses: Vec<Clause>,
    pub serve: Serve,
    /// Flags that must serve one of some variations for the rule to match (imported snapshots:
    /// GrowthBook's `parentConditions`).
    #[cfg(feature = "peers")]
    pub prerequisites: Vec<RulePrerequisite>,
}

/// A rule's prerequisite: `flag` is on, evaluates without error and serves one of `variations`.
#[cfg(feature = "peers")]
#[derive(Clone, Debug)]
pub(crate) struct RulePrerequisite {
    pub flag: u32,
    pub variations: Vec<u32>,
}

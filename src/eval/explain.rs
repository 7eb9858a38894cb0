//! Explanations: the steps an evaluation took, for `edgeflag explain` and debugging UIs.
//! Recorded only when asked for; plain evaluation compiles the tracing away.

use crate::eval::bucketing::Purpose;
use crate::eval::result::Evaluation;
use alloc::string::String;
use alloc::vec::Vec;

/// An evaluation and how it was reached.
#[derive(Clone, Debug)]
pub struct Explanation<'s> {
    /// The result, as [`crate::Snapshot::evaluate`] gives it.
    pub evaluation: Evaluation<'s>,
    /// The steps tried, in order.
    pub steps: Vec<Step<'s>>,
}

/// One step of an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<'s> {
    /// The flag is off.
    Off,
    /// A prerequisite was checked.
    Prerequisite {
        /// The prerequisite flag.
        flag: &'s str,
        /// The variation it must serve.
        required: &'s str,
        /// Whether that flag is on.
        flag_on: bool,
        /// The variation it served, if any.
        served: Option<&'s str>,
        /// Whether the prerequisite holds.
        met: bool,
    },
    /// Individual targets were checked.
    Targets {
        /// The target that matched: its index in `targets` and its variation.
        hit: Option<(u32, &'s str)>,
    },
    /// A rule was tried.
    Rule {
        /// Its id.
        id: &'s str,
        /// The clauses evaluated, up to the first that did not match.
        clauses: Vec<ClauseStep<'s>>,
        /// Whether all clauses matched.
        matched: bool,
    },
    /// No target or rule decided.
    Fallthrough,
    /// A unit was bucketed.
    Bucket {
        /// `rollout` or `variant`.
        purpose: Purpose,
        /// The `bucketBy` attribute.
        attribute: &'s str,
        /// The unit value hashed.
        unit: String,
        /// Its bucket: 0..=99999 for edgeflag-v1, below the last range's end for a peer's scheme.
        bucket: u32,
        /// Each candidate's range `[start, end)`; for enrolment `enrolled` and `not enrolled`.
        ranges: Vec<(&'s str, u32, u32)>,
    },
}

/// How one clause came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseStep<'s> {
    /// Index in the rule's clauses.
    pub index: usize,
    /// The operator.
    pub op: &'static str,
    /// The attribute, for attribute operators.
    pub attribute: Option<&'s str>,
    /// Whether `negate` was set.
    pub negate: bool,
    /// The outcome.
    pub why: ClauseWhy,
}

/// Why a clause did or did not match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClauseWhy {
    /// It matched.
    Matched,
    /// The attribute was tested and the clause does not hold.
    NotMatched,
    /// The attribute is absent or `null`: never a match, even negated.
    Missing,
    /// No value had a type the operator can test: never a match, even negated.
    WrongType,
}

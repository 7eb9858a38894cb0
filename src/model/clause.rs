//! Clauses: an operator and its operands, parsed at load (versions, timestamps, sets), so that
//! evaluation (`crate::eval::operators`) reads only the context's attribute.

use super::attribute::AttrRef;
#[cfg(feature = "peers")]
use crate::eval::flagd_semver::SemverTest;
use crate::eval::schedule::{Recurring, Window};
use crate::sets::KeySet;
use crate::version::Version;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

#[derive(Clone, Debug)]
pub(crate) struct Clause {
    /// As written, for explanations.
    pub op: &'static str,
    pub attr: Option<AttrRef>,
    pub test: Test,
    pub negate: bool,
    /// What testing one item costs, the item's own length aside (`limits::MAX_EVALUATION_WORK`):
    /// see `Test::work`.
    pub work: u32,
}

/// A comparison, as the set of orderings it accepts: bit 0 less, bit 1 equal, bit 2 greater
/// (one shift instead of a branch per operator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Cmp {
    Eq = 0b010,
    Lt = 0b001,
    Lte = 0b011,
    Gt = 0b100,
    Gte = 0b110,
}

impl Cmp {
    pub fn holds(self, o: Ordering) -> bool {
        (self as u8 >> (o as i8 + 1)) & 1 != 0
    }
}

/// What an operator compiles to.
#[derive(Clone, Copy)]
pub(crate) enum Operator {
    In,
    NotIn,
    StartsWith,
    EndsWith,
    Contains,
    Number(Cmp),
    Semver(Cmp),
    Before,
    After,
    Exists,
    Segment,
    Schedule,
    Recurring,
    #[cfg(feature = "peers")]
    Any,
    #[cfg(feature = "peers")]
    All,
    #[cfg(feature = "peers")]
    InBucket,
    #[cfg(feature = "peers")]
    JsString,
    #[cfg(feature = "peers")]
    JsNumber,
    #[cfg(feature = "peers")]
    Truthy,
    #[cfg(feature = "peers")]
    JsCompare(Cmp),
    #[cfg(feature = "peers")]
    Type,
    #[cfg(feature = "peers")]
    PaddedVersion(Cmp),
    #[cfg(feature = "peers")]
    UnleashSemver(crate::eval::unleash_semver::Dialect, Cmp),
    #[cfg(feature = "peers")]
    FlagdSemver(crate::eval::flagd_semver::SemverTest),
    #[cfg(feature = "peers")]
    FlagdCoreSemver(crate::eval::flagd_semver::SemverTest),
    /// Some string item matches one of the patterns (JavaScript's RegExp).
    #[cfg(feature = "peers")]
    Matches,
    /// JavaScript's RegExp; `true`: ignoring case.
    #[cfg(feature = "peers")]
    JsRegex(bool),
    /// LaunchDarkly's `before` (false) or `after` (true): as Go and Rust read times, or (true)
    /// as its JavaScript SDKs do.
    #[cfg(feature = "peers")]
    LdTime(bool, bool),
}

/// Every operator, as written in snapshots.
pub(crate) const OPERATORS: [(&str, Operator); 20] = [
    ("in", Operator::In),
    ("notIn", Operator::NotIn),
    ("startsWith", Operator::StartsWith),
    ("endsWith", Operator::EndsWith),
    ("contains", Operator::Contains),
    ("lt", Operator::Number(Cmp::Lt)),
    ("lte", Operator::Number(Cmp::Lte)),
    ("gt", Operator::Number(Cmp::Gt)),
    ("gte", Operator::Number(Cmp::Gte)),
    ("semverEq", Operator::Semver(Cmp::Eq)),
    ("semverLt", Operator::Semver(Cmp::Lt)),
    ("semverLte", Operator::Semver(Cmp::Lte)),
    ("semverGt", Operator::Semver(Cmp::Gt)),
    ("semverGte", Operator::Semver(Cmp::Gte)),
    ("before", Operator::Before),
    ("after", Operator::After),
    ("exists", Operator::Exists),
    ("segmentMatch", Operator::Segment),
    ("schedule", Operator::Schedule),
    ("recurring", Operator::Recurring),
];

/// The operators of imported snapshots (`docs/import.md`): boolean structure, a share of units by
/// a peer's scheme, and JavaScript's view of a whole value (`eval::js`), for SDKs written in it.
/// Numbered after `OPERATORS` in the compiled form.
#[cfg(feature = "peers")]
pub(crate) const PEER_OPERATORS: [(&str, Operator); 47] = [
    ("any", Operator::Any),
    ("all", Operator::All),
    ("inBucket", Operator::InBucket),
    ("jsStringIs", Operator::JsString),
    ("jsNumberIs", Operator::JsNumber),
    ("truthy", Operator::Truthy),
    ("jsLt", Operator::JsCompare(Cmp::Lt)),
    ("jsLte", Operator::JsCompare(Cmp::Lte)),
    ("jsGt", Operator::JsCompare(Cmp::Gt)),
    ("jsGte", Operator::JsCompare(Cmp::Gte)),
    ("type", Operator::Type),
    ("paddedVersionEq", Operator::PaddedVersion(Cmp::Eq)),
    ("paddedVersionLt", Operator::PaddedVersion(Cmp::Lt)),
    ("paddedVersionLte", Operator::PaddedVersion(Cmp::Lte)),
    ("paddedVersionGt", Operator::PaddedVersion(Cmp::Gt)),
    ("paddedVersionGte", Operator::PaddedVersion(Cmp::Gte)),
    ("semverStrictEq", Operator::UnleashSemver(Dialect::Strict, Cmp::Eq)),
    ("semverStrictLt", Operator::UnleashSemver(Dialect::Strict, Cmp::Lt)),
    ("semverStrictLte", Operator::UnleashSemver(Dialect::Strict, Cmp::Lte)),
    ("semverStrictGt", Operator::UnleashSemver(Dialect::Strict, Cmp::Gt)),
    ("semverStrictGte", Operator::UnleashSemver(Dialect::Strict, Cmp::Gte)),
    ("semverNodeEq", Operator::UnleashSemver(Dialect::Node, Cmp::Eq)),
    ("semverNodeLt", Operator::UnleashSemver(Dialect::Node, Cmp::Lt)),
    ("semverNodeLte", Operator::UnleashSemver(Dialect::Node, Cmp::Lte)),
    ("semverNodeGt", Operator::UnleashSemver(Dialect::Node, Cmp::Gt)),
    ("semverNodeGte", Operator::UnleashSemver(Dialect::Node, Cmp::Gte)),
    ("flagdSemverEq", Operator::FlagdSemver(SemverTest::Cmp(Cmp::Eq))),
    ("flagdSemverLt", Operator::FlagdSemver(SemverTest::Cmp(Cmp::Lt))),
    ("flagdSemverLte", Operator::FlagdSemver(SemverTest::Cmp(Cmp::Lte))),
    ("flagdSemverGt", Operator::FlagdSemver(SemverTest::Cmp(Cmp::Gt))),
    ("flagdSemverGte", Operator::FlagdSemver(SemverTest::Cmp(Cmp::Gte))),
    ("flagdSemverMajor", Operator::FlagdSemver(SemverTest::Major)),
    ("flagdSemverMinor", Operator::FlagdSemver(SemverTest::Minor)),
    ("jsRegex", Operator::JsRegex(false)),
    ("jsRegexIgnoreCase", Operator::JsRegex(true)),
    ("ldBefore", Operator::LdTime(false, false)),
    ("ldAfter", Operator::LdTime(true, false)),
    ("ldBeforeNode", Operator::LdTime(false, true)),
    ("ldAfterNode", Operator::LdTime(true, true)),
    ("flagdCoreSemverEq", Operator::FlagdCoreSemver(SemverTest::Cmp(Cmp::Eq))),
    ("flagdCoreSemverLt", Operator::FlagdCoreSemver(SemverTest::Cmp(Cmp::Lt))),
    ("flagdCoreSemverLte", Operator::FlagdCoreSemver(SemverTest::Cmp(Cmp::Lte))),
    ("flagdCoreSemverGt", Operator::FlagdCoreSemver(SemverTest::Cmp(Cmp::Gt))),
    ("flagdCoreSemverGte", Operator::FlagdCoreSemver(SemverTest::Cmp(Cmp::Gte))),
    ("flagdCoreSemverMajor", Operator::FlagdCoreSemver(SemverTest::Major)),
    ("flagdCoreSemverMinor", Operator::FlagdCoreSemver(SemverTest::Minor)),
    ("matches", Operator::Matches),
];

#[cfg(feature = "peers")]
use crate::eval::unleash_semver::Dialect;

#[derive(Clone, Debug)]
pub(crate) enum Test {
    In(ValueSet),
    NotIn(ValueSet),
    StartsWith(Vec<String>),
    EndsWith(Vec<String>),
    Contains(Vec<String>),
    Number(Cmp, Vec<f64>),
    Semver(Cmp, Vec<Version>),
    Before(Vec<i64>),
    After(Vec<i64>),
    Exists,
    Segment(Vec<u32>),
    Schedule(Window),
    Recurring(Recurring),
    /// Some clause matches.
    #[cfg(feature = "peers")]
    Any(Vec<Clause>),
    /// Every clause matches.
    #[cfg(feature = "peers")]
    All(Vec<Clause>),
    #[cfg(feature = "peers")]
    InBucket(alloc::boxed::Box<InBucket>),
    /// `String(x)` is one of these.
    #[cfg(feature = "peers")]
    JsString(Vec<String>),
    /// `Number(x)` is one of these.
    #[cfg(feature = "peers")]
    JsNumber(Vec<f64>),
    #[cfg(feature = "peers")]
    Truthy,
    #[cfg(feature = "peers")]
    JsCompare(Cmp, crate::eval::js::Primitive),
    /// The value's type is one of these: bit `i` for `eval::js::TYPES[i]`.
    #[cfg(feature = "peers")]
    Type(u8),
    /// GrowthBook's padded version string of the value, against this one's.
    #[cfg(feature = "peers")]
    PaddedVersion(Cmp, String),
    /// flagd's `sem_ver` of the value against this version text (without its `v`).
    #[cfg(feature = "peers")]
    FlagdSemver(crate::eval::flagd_semver::SemverTest, String),
    /// Unleash's version comparison of the value with this one (as written, and parsed).
    #[cfg(feature = "peers")]
    UnleashSemver(alloc::boxed::Box<UnleashSemver>),
    /// flagd-core's `sem_ver` of the value against this version (as written, and read).
    #[cfg(feature = "peers")]
    FlagdCoreSemver(
        crate::eval::flagd_semver::SemverTest,
        alloc::boxed::Box<(String, crate::eval::unleash_semver::Version)>,
    ),
    /// JavaScript's `RegExp.prototype.test` of the value's `String(x)`.
    #[cfg(feature = "peers")]
    JsRegex(alloc::boxed::Box<crate::eval::regex::Pattern>),
    /// Some string item matches one of these patterns.
    #[cfg(feature = "peers")]
    Matches(Vec<crate::eval::regex::Pattern>),
    /// LaunchDarkly's `before` (false) or `after` (true) these times.
    #[cfg(feature = "peers")]
    LdTime(bool, Vec<crate::eval::ld_time::LdTime>),
    /// The same as the JavaScript SDKs read times (milliseconds).
    #[cfg(feature = "peers")]
    LdTimeNode(bool, Vec<f64>),
}

/// `semverStrict*` / `semverNode*`: the constraint's version, by one of Unleash's engines.
#[cfg(feature = "peers")]
#[derive(Clone, Debug)]
pub(crate) struct UnleashSemver {
    pub dialect: Dialect,
    pub cmp: Cmp,
    pub text: String,
    pub version: crate::eval::unleash_semver::Version,
}

/// `inBucket`: the unit's bucket by a peer's scheme falls in `from..to` of `0..buckets`.
#[cfg(feature = "peers")]
#[derive(Clone, Debug)]
pub(crate) struct InBucket {
    pub by: super::serve::BucketBy,
    pub key: crate::eval::bucketing::PeerKey,
    pub buckets: u32,
    pub from: u32,
    pub to: u32,
}

/// The operand of `in` / `notIn`.
#[derive(Clone, Debug, Default)]
pub(crate) struct ValueSet {
    pub strings: KeySet,
    pub numbers: Vec<f64>,
    pub has_true: bool,
    pub has_false: bool,
}

impl Test {
    /// What testing one item costs, in tests (`limits::MAX_EVALUATION_WORK`), without the
    /// item's length: per operand compared, one plus one per 64 bytes of it; a string set, its
    /// search steps at the cost of its longest string. Computed once, at load.
    pub fn work(&self) -> u64 {
        let text = |vs: &[String]| vs.iter().map(|v| 1 + v.len() as u64 / 64).sum::<u64>();
        match self {
            Test::In(set) | Test::NotIn(set) => (set.numbers.len() as u64 + set.strings.work()).max(1),
            Test::StartsWith(vs) | Test::EndsWith(vs) | Test::Contains(vs) => text(vs),
            Test::Number(_, vs) => vs.len() as u64,
            Test::Semver(_, vs) => vs.len() as u64,
            Test::Before(vs) | Test::After(vs) => vs.len() as u64,
            Test::Recurring(r) => r.windows.len() as u64,
            Test::Exists | Test::Segment(_) | Test::Schedule(_) => 1,
            #[cfg(feature = "peers")]
            Test::Any(cs) | Test::All(cs) => cs.iter().fold(1, |sum, c| sum.saturating_add(c.work as u64)),
            #[cfg(feature = "peers")]
            Test::InBucket(b) => b.by.0.len() as u64,
            #[cfg(feature = "peers")]
            Test::JsString(vs) => text(vs),
            #[cfg(feature = "peers")]
            Test::JsNumber(vs) => vs.len() as u64,
            #[cfg(feature = "peers")]
            Test::LdTime(_, vs) => vs.len() as u64,
            #[cfg(feature = "peers")]
            Test::LdTimeNode(_, vs) => vs.len() as u64,
            #[cfg(feature = "peers")]
            Test::Truthy
            | Test::JsCompare(..)
            | Test::Type(_)
            | Test::PaddedVersion(..)
            | Test::UnleashSemver(_)
            | Test::FlagdSemver(..)
            | Test::FlagdCoreSemver(..) => 1,
            // A pattern of the subset backtracks at most polynomially (docs/snapshot.md): its
            // length is charged here, the value's as every JavaScript clause charges it.
            #[cfg(feature = "peers")]
            Test::JsRegex(p) => 1 + p.text.len() as u64 / 16,
            #[cfg(feature = "peers")]
            Test::Matches(ps) => ps.iter().map(|p| 1 + p.text.len() as u64 / 16).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cmp;
    use core::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn comparisons_accept_their_orderings() {
        let accepts = |c: Cmp| [Less, Equal, Greater].map(|o| c.holds(o));
        assert_eq!(accepts(Cmp::Eq), [false, true, false]);
        assert_eq!(accepts(Cmp::Lt), [true, false, false]);
        assert_eq!(accepts(Cmp::Lte), [true, true, false]);
        assert_eq!(accepts(Cmp::Gt), [false, false, true]);
        assert_eq!(accepts(Cmp::Gte), [false, true, true]);
    }
}

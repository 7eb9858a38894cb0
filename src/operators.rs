//! Clauses and their operators. Values are parsed at load (versions, timestamps, sets); at
//! evaluation only the context's attribute is read.

use crate::attribute::AttrRef;
use crate::eval::Env;
use crate::json::Json;
use crate::schedule::{Recurring, Window};
use crate::sets::KeySet;
use crate::timestamp;
use crate::version;
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Cmp {
    fn holds(self, o: Ordering) -> bool {
        match self {
            Cmp::Eq => o == Ordering::Equal,
            Cmp::Lt => o == Ordering::Less,
            Cmp::Lte => o != Ordering::Greater,
            Cmp::Gt => o == Ordering::Greater,
            Cmp::Gte => o != Ordering::Less,
        }
    }
}

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
}

/// The operand of `in` / `notIn`.
#[derive(Clone, Debug, Default)]
pub(crate) struct ValueSet {
    pub strings: KeySet,
    pub numbers: Vec<f64>,
    pub has_true: bool,
    pub has_false: bool,
}

impl ValueSet {
    /// `None` when the item cannot be compared (an object or array).
    fn contains(&self, item: &Json<'_>) -> Option<bool> {
        match item {
            Json::String(s) => Some(self.strings.contains(s)),
            Json::Number(n) => Some(self.numbers.contains(n)),
            Json::Bool(b) => Some(if *b { self.has_true } else { self.has_false }),
            Json::Null => Some(false),
            Json::Array(_) | Json::Object(_) => None,
        }
    }
}

/// How a clause came out; the last two never match, whatever `negate` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Match,
    NoMatch,
    /// The attribute is absent or `null`.
    Missing,
    /// No item had a type the operator can test.
    WrongType,
}

impl Clause {
    pub fn outcome(&self, env: &Env) -> Outcome {
        let holds = match &self.test {
            Test::Segment(segments) => segments.iter().any(|&s| env.in_segment(s)),
            Test::Schedule(w) => w.contains(env.now),
            Test::Recurring(r) => r.contains(env.now),
            Test::Exists => !matches!(self.lookup(env), None | Some(Json::Null)),
            test => match self.lookup(env) {
                None | Some(Json::Null) => return Outcome::Missing,
                Some(value) => match test.any_item(value) {
                    Some(hit) => hit,
                    None => return Outcome::WrongType,
                },
            },
        };
        if holds != self.negate {
            Outcome::Match
        } else {
            Outcome::NoMatch
        }
    }
}

impl Clause {
    fn lookup<'c>(&self, env: &Env<'_, 'c>) -> Option<&'c Json<'c>> {
        self.attr.as_ref().and_then(|a| env.ctx.lookup(a))
    }
}

impl Test {
    /// Whether some item of `value` passes (for `notIn`: none is in the set); `None` when
    /// every item is of the wrong type.
    fn any_item(&self, value: &Json<'_>) -> Option<bool> {
        let items = match value {
            Json::Array(items) => items.as_slice(),
            single => core::slice::from_ref(single),
        };
        if items.is_empty() {
            return Some(matches!(self, Test::NotIn(_)));
        }
        let mut typed = false;
        for item in items {
            match self.item(item) {
                Some(true) => return Some(!matches!(self, Test::NotIn(_))),
                Some(false) => typed = true,
                None => {}
            }
        }
        typed.then_some(matches!(self, Test::NotIn(_)))
    }

    /// One item against the operands: `None` = wrong type. `notIn` tests membership here.
    fn item(&self, item: &Json<'_>) -> Option<bool> {
        match self {
            Test::In(set) | Test::NotIn(set) => set.contains(item),
            Test::StartsWith(vs) => item.as_str().map(|s| vs.iter().any(|v| s.starts_with(v.as_str()))),
            Test::EndsWith(vs) => item.as_str().map(|s| vs.iter().any(|v| s.ends_with(v.as_str()))),
            Test::Contains(vs) => item.as_str().map(|s| vs.iter().any(|v| contains(s, v))),
            Test::Number(cmp, vs) => match item {
                Json::Number(n) => Some(vs.iter().any(|v| n.partial_cmp(v).is_some_and(|o| cmp.holds(o)))),
                _ => None,
            },
            Test::Semver(cmp, vs) => {
                let v = version::parse_version(item.as_str()?)?;
                Some(vs.iter().any(|w| cmp.holds(version::compare(&v, w))))
            }
            Test::Before(ts) => timestamp::from_json(item).map(|t| ts.iter().any(|&v| t < v)),
            Test::After(ts) => timestamp::from_json(item).map(|t| ts.iter().any(|&v| t > v)),
            // Decided in `Clause::outcome` without looking at items.
            Test::Exists | Test::Segment(_) | Test::Schedule(_) | Test::Recurring(_) => Some(false),
        }
    }
}

/// Whether `needle` occurs in `haystack`: a plain scan, not core's two-way searcher (0.8 KB of
/// the Wasm module) — attribute values and operands are short.
fn contains(haystack: &str, needle: &str) -> bool {
    needle.is_empty() || haystack.as_bytes().windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn contains_finds_substrings() {
        assert!(super::contains("Mozilla/5.0 (iPhone)", "iPhone"));
        assert!(super::contains("abc", ""));
        assert!(super::contains("zürich", "rich"));
        assert!(!super::contains("ab", "abc"));
        assert!(!super::contains("aab", "abb"));
    }
}

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
    fn holds(self, o: Ordering) -> bool {
        (self as u8 >> (o as i8 + 1)) & 1 != 0
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
                Some(value) => match test.any_item(value, self.work, env) {
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
    fn any_item(&self, value: &Json<'_>, work: u32, env: &Env) -> Option<bool> {
        let items = match value {
            Json::Array(items) => items.as_slice(),
            single => core::slice::from_ref(single),
        };
        if items.is_empty() {
            return Some(matches!(self, Test::NotIn(_)));
        }
        let mut typed = false;
        for item in items {
            if !env.charge(self.scanned(work, item)) {
                return Some(false); // the flag is past its limit: the result is discarded
            }
            match self.item(item) {
                Some(true) => return Some(!matches!(self, Test::NotIn(_))),
                Some(false) => typed = true,
                None => {}
            }
        }
        typed.then_some(matches!(self, Test::NotIn(_)))
    }

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
        }
    }

    /// `work` for `item`, with what its length adds: `contains` scans it for every operand,
    /// semver and timestamp operators parse it once; one test per 64 bytes.
    fn scanned(&self, work: u32, item: &Json<'_>) -> u64 {
        let chunks = item.as_str().map_or(0, |s| s.len() as u64 / 64);
        match self {
            Test::Contains(vs) => work as u64 + vs.len() as u64 * chunks,
            Test::Semver(..) | Test::Before(_) | Test::After(_) => work as u64 + chunks,
            _ => work as u64,
        }
    }

    /// One item against the operands: `None` = wrong type. `notIn` tests membership here.
    fn item(&self, item: &Json<'_>) -> Option<bool> {
        match self {
            Test::In(set) | Test::NotIn(set) => set.contains(item),
            // Core's searcher: linear in the item whatever the operand (a plain scan is not).
            Test::Contains(vs) => {
                let s = item.as_str()?;
                Some(vs.iter().any(|v| s.contains(v.as_str())))
            }
            Test::StartsWith(vs) | Test::EndsWith(vs) => {
                let s = item.as_str()?.as_bytes();
                Some(vs.iter().any(|v| self.text_at(s, v.as_bytes())))
            }
            Test::Number(cmp, vs) => match item {
                Json::Number(n) => Some(vs.iter().any(|v| n.partial_cmp(v).is_some_and(|o| cmp.holds(o)))),
                _ => None,
            },
            Test::Semver(cmp, vs) => {
                let v = version::parse_version(item.as_str()?)?;
                Some(vs.iter().any(|w| cmp.holds(version::compare(&v, w))))
            }
            Test::Before(ts) | Test::After(ts) => {
                let t = timestamp::from_json(item)?;
                let want = if matches!(self, Test::Before(_)) { Ordering::Less } else { Ordering::Greater };
                Some(ts.iter().any(|v| t.cmp(v) == want))
            }
            // Decided in `Clause::outcome` without looking at items.
            Test::Exists | Test::Segment(_) | Test::Schedule(_) | Test::Recurring(_) => Some(false),
        }
    }
}

impl Test {
    /// `startsWith` or `endsWith`: whether `needle` is at the start or the end of `haystack`,
    /// one comparison of the needle's length.
    fn text_at(&self, haystack: &[u8], needle: &[u8]) -> bool {
        match self {
            Test::EndsWith(_) => haystack.ends_with(needle),
            _ => haystack.starts_with(needle),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cmp, Test};
    use crate::json::Json;
    use alloc::vec::Vec;
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

    #[test]
    fn text_operators_find_their_offsets() {
        let at = |t: fn(Vec<alloc::string::String>) -> Test, h: &str, n: &str| {
            t(alloc::vec![n.into()]).item(&Json::String(h.into())) == Some(true)
        };
        assert!(at(Test::Contains, "Mozilla/5.0 (iPhone)", "iPhone"));
        assert!(at(Test::Contains, "abc", ""));
        assert!(at(Test::Contains, "", ""));
        assert!(at(Test::Contains, "zürich", "rich"));
        assert!(!at(Test::Contains, "ab", "abc"));
        assert!(!at(Test::Contains, "aab", "abb"));
        assert!(at(Test::StartsWith, "alice@x", "alice") && !at(Test::StartsWith, "xalice", "alice"));
        assert!(at(Test::EndsWith, "a@example.com", ".com") && !at(Test::EndsWith, "a.com.x", ".com"));
        assert!(at(Test::StartsWith, "ab", "") && at(Test::EndsWith, "ab", "") && at(Test::EndsWith, "ab", "ab"));
        assert!(!at(Test::StartsWith, "a", "ab") && !at(Test::EndsWith, "b", "ab"));
    }
}

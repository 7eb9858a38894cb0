//! Operators at evaluation: a clause's outcome for the context, item by item, within the
//! flag's evaluation budget.

use super::env::Env;
use crate::json::Json;
use crate::model::clause::{Clause, Test, ValueSet};
use crate::version;
use core::cmp::Ordering;

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
            #[cfg(feature = "peers")]
            Test::Any(cs) => cs.iter().any(|c| c.outcome(env) == Outcome::Match),
            #[cfg(feature = "peers")]
            Test::All(cs) => cs.iter().all(|c| c.outcome(env) == Outcome::Match),
            #[cfg(feature = "peers")]
            Test::InBucket(b) => match env.in_bucket(b) {
                Some(hit) => hit,
                None => return Outcome::Missing,
            },
            // JavaScript's view of the whole value, a missing one read as `null` (as GrowthBook's
            // `getPath` gives it): every value has an outcome, and `negate` flips it.
            #[cfg(feature = "peers")]
            test @ (Test::JsString(_)
            | Test::JsNumber(_)
            | Test::Truthy
            | Test::JsCompare(..)
            | Test::Type(_)
            | Test::PaddedVersion(..)
            | Test::UnleashSemver(_)
            | Test::FlagdSemver(..)
            | Test::FlagdCoreSemver(..)
            | Test::JsRegex(_)) => {
                let value = self.lookup(env).unwrap_or(&Json::Null);
                if !env.charge(self.work as u64 + js_size(value)) {
                    return Outcome::NoMatch; // the flag is past its limit: the result is discarded
                }
                js_test(test, value)
            }
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

    /// `work` for `item`, with what its length adds: `contains` scans it for every operand,
    /// semver and timestamp operators parse it once; one test per 64 bytes.
    fn scanned(&self, work: u32, item: &Json<'_>) -> u64 {
        let chunks = item.as_str().map_or(0, |s| s.len() as u64 / 64);
        match self {
            Test::Contains(vs) => work as u64 + vs.len() as u64 * chunks,
            #[cfg(feature = "peers")]
            Test::Matches(ps) => work as u64 + ps.len() as u64 * chunks,
            Test::Semver(..) | Test::Before(_) | Test::After(_) => work as u64 + chunks,
            #[cfg(feature = "peers")]
            Test::LdTime(..) | Test::LdTimeNode(..) => work as u64 + chunks,
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
                let t = item.as_time()?;
                let want = if matches!(self, Test::Before(_)) { Ordering::Less } else { Ordering::Greater };
                Some(ts.iter().any(|v| t.cmp(v) == want))
            }
            #[cfg(feature = "peers")]
            Test::LdTime(after, ts) => {
                let t = crate::eval::ld_time::time(item)?;
                Some(ts.iter().any(|v| if *after { t > *v } else { t < *v }))
            }
            #[cfg(feature = "peers")]
            Test::Matches(ps) => {
                let s = item.as_str()?;
                Some(ps.iter().any(|p| p.test(s)))
            }
            #[cfg(feature = "peers")]
            Test::LdTimeNode(after, ts) => {
                let t = crate::eval::ld_time::time_node(item)?;
                Some(ts.iter().any(|v| if *after { t > *v } else { t < *v }))
            }
            // Decided in `Clause::outcome` without looking at items.
            Test::Exists | Test::Segment(_) | Test::Schedule(_) | Test::Recurring(_) => Some(false),
            #[cfg(feature = "peers")]
            Test::Any(_) | Test::All(_) | Test::InBucket(_) => Some(false),
            #[cfg(feature = "peers")]
            Test::JsString(_)
            | Test::JsNumber(_)
            | Test::Truthy
            | Test::JsCompare(..)
            | Test::Type(_)
            | Test::PaddedVersion(..)
            | Test::UnleashSemver(_)
            | Test::FlagdSemver(..)
            | Test::FlagdCoreSemver(..)
            | Test::JsRegex(_) => Some(false),
        }
    }
}

/// A JavaScript operator on the whole value `x`.
#[cfg(feature = "peers")]
fn js_test(test: &Test, x: &Json<'_>) -> bool {
    use crate::eval::js;
    match test {
        Test::JsString(vs) => {
            let s = js::to_string(x);
            vs.contains(&s)
        }
        Test::JsNumber(vs) => {
            let n = js::to_number(x);
            vs.contains(&n)
        }
        Test::Truthy => js::truthy(x),
        Test::JsCompare(cmp, v) => js::compare(x, v, *cmp),
        Test::Type(bits) => bits & (1 << js::type_of(x)) != 0,
        Test::PaddedVersion(cmp, v) => {
            let padded = crate::eval::padded_version::padded(x);
            cmp.holds(padded.encode_utf16().cmp(v.encode_utf16()))
        }
        Test::UnleashSemver(s) => crate::eval::unleash_semver::holds(s.dialect, s.cmp, x, &s.version),
        Test::FlagdSemver(test, v) => crate::eval::flagd_semver::holds(*test, x, v),
        Test::FlagdCoreSemver(test, v) => crate::eval::flagd_core_semver::holds(*test, x, &v.1),
        Test::JsRegex(p) => match x {
            Json::String(s) => p.test(s),
            x => p.test(&js::to_string(x)),
        },
        _ => false,
    }
}

/// What reading `x` whole costs: one test per 64 bytes of a string, one per item of an array or
/// object at any depth (their `String()` visits each).
#[cfg(feature = "peers")]
fn js_size(x: &Json<'_>) -> u64 {
    match x {
        Json::String(s) => s.len() as u64 / 64,
        Json::Array(items) => items.iter().fold(items.len() as u64, |n, i| n.saturating_add(js_size(i))),
        Json::Object(members) => members.iter().fold(members.len() as u64, |n, (_, v)| n.saturating_add(js_size(v))),
        _ => 0,
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
    use crate::json::Json;
    use crate::model::clause::Test;
    use alloc::vec::Vec;

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

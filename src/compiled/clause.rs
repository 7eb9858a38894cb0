//! Clauses: the operator's position in the operator table (`OPERATORS`, in `docs/compiled.md`
//! order), the attribute, `negate`, then the operands the operator takes, parsed as loading left
//! them (sets in key order, versions as parts, times in ms).

use super::bytes::{Reader, Result, Writer};
use super::Bounds;
use crate::eval::schedule::{Recurring, Weekly, Window};
use crate::limits::{MAX_CLAUSES, MAX_LIST_ITEMS};
use crate::model::attribute::AttrRef;
use crate::model::clause::{Clause, Operator, Test, ValueSet, OPERATORS};
use crate::sets::KeySet;
use crate::version::Version;
use alloc::string::String;
use alloc::vec::Vec;

pub(super) fn write_all(w: &mut Writer, clauses: &[Clause]) {
    w.list(clauses, write);
}

pub(super) fn read_all(r: &mut Reader<'_>, b: &Bounds) -> Result<Vec<Clause>> {
    read_nested(r, b, 0)
}

/// Clauses nested `depth` deep in `any` / `all`.
fn read_nested(r: &mut Reader<'_>, b: &Bounds, depth: usize) -> Result<Vec<Clause>> {
    r.list(MAX_CLAUSES, |r| read(r, b, depth))
}

/// The operator's position: in `OPERATORS`, else after them in `PEER_OPERATORS`.
fn position(op: &str) -> usize {
    let plain = OPERATORS.iter().position(|(name, _)| *name == op);
    #[cfg(feature = "peers")]
    let plain = plain.or_else(|| {
        let peer = crate::model::clause::PEER_OPERATORS.iter().position(|(name, _)| *name == op);
        peer.map(|i| OPERATORS.len() + i)
    });
    plain.unwrap_or(usize::MAX)
}

fn write(w: &mut Writer, c: &Clause) {
    w.len(position(c.op));
    match &c.attr {
        Some(a) => {
            w.u8(1);
            w.str(&a.text);
        }
        None => w.u8(0),
    }
    w.u8(c.negate as u8);
    match &c.test {
        Test::In(set) | Test::NotIn(set) => {
            strings(w, set.strings.items());
            w.list(&set.numbers, |w, n| w.f64(*n));
            w.u8(set.has_true as u8 | (set.has_false as u8) << 1);
        }
        Test::StartsWith(vs) | Test::EndsWith(vs) | Test::Contains(vs) => strings(w, vs),
        Test::Number(_, ns) => w.list(ns, |w, n| w.f64(*n)),
        Test::Semver(_, vs) => w.list(vs, |w, v| {
            let (core, pre) = v.parts();
            core.iter().for_each(|n| w.uint(*n));
            w.bytes(pre);
        }),
        Test::Before(ts) | Test::After(ts) => w.list(ts, |w, t| w.int(*t)),
        Test::Exists => {}
        Test::Segment(to) => w.list(to, |w, s| w.uint(*s as u64)),
        Test::Schedule(window) => {
            for end in [window.start, window.end] {
                w.u8(end.is_some() as u8);
                w.int(end.unwrap_or(0));
            }
        }
        Test::Recurring(rec) => {
            w.int(rec.offset_minutes as i64);
            w.list(&rec.windows, |w, d| {
                w.u8(d.days);
                w.uint(d.from as u64);
                w.uint(d.to as u64);
            });
        }
        #[cfg(feature = "peers")]
        Test::Any(cs) | Test::All(cs) => write_all(w, cs),
        #[cfg(feature = "peers")]
        Test::InBucket(b) => {
            super::serve::peer::write_by(w, &b.by);
            super::serve::peer::write(w, &b.key);
            [b.buckets, b.from, b.to].iter().for_each(|n| w.uint(*n as u64));
        }
        #[cfg(feature = "peers")]
        Test::JsString(vs) => strings(w, vs),
        #[cfg(feature = "peers")]
        Test::JsNumber(ns) => w.list(ns, |w, n| w.f64(*n)),
        #[cfg(feature = "peers")]
        Test::Truthy => {}
        #[cfg(feature = "peers")]
        Test::JsCompare(_, v) => match v {
            crate::eval::js::Primitive::Number(n) => {
                w.u8(0);
                w.f64(*n);
            }
            crate::eval::js::Primitive::String(s) => {
                w.u8(1);
                w.str(s);
            }
        },
        #[cfg(feature = "peers")]
        Test::Type(bits) => w.u8(*bits),
        #[cfg(feature = "peers")]
        Test::PaddedVersion(_, v) => w.str(v),
        #[cfg(feature = "peers")]
        Test::UnleashSemver(s) => w.str(&s.text),
        #[cfg(feature = "peers")]
        Test::FlagdSemver(_, v) => w.str(v),
        #[cfg(feature = "peers")]
        Test::FlagdCoreSemver(_, v) => w.str(&v.0),
        #[cfg(feature = "peers")]
        Test::JsRegex(p) => w.str(&p.text),
        #[cfg(feature = "peers")]
        Test::Matches(ps) => w.list(ps, |w, p| w.str(&p.text)),
        #[cfg(feature = "peers")]
        Test::LdTimeNode(_, ts) => w.list(ts, |w, t| w.f64(*t)),
        #[cfg(feature = "peers")]
        Test::LdTime(_, ts) => w.list(ts, |w, t| {
            w.int(t.secs);
            w.uint(u64::from(t.nanos));
        }),
    }
}

fn strings(w: &mut Writer, items: &[String]) {
    w.list(items, |w, s| w.str(s));
}

fn read(r: &mut Reader<'_>, b: &Bounds, depth: usize) -> Result<Clause> {
    #[cfg(feature = "peers")]
    let (op, operator) = {
        use crate::model::clause::PEER_OPERATORS;
        let extra = if b.peers { PEER_OPERATORS.len() } else { 0 };
        match r.below(OPERATORS.len() + extra)? as usize {
            i if i < OPERATORS.len() => OPERATORS[i],
            i => PEER_OPERATORS[i - OPERATORS.len()],
        }
    };
    #[cfg(not(feature = "peers"))]
    let (op, operator) = OPERATORS[r.below(OPERATORS.len())? as usize];
    let _ = depth;
    let attr = match r.bool()? {
        true => Some(attribute(r)?),
        false => None,
    };
    let negate = r.bool()?;
    let test = match operator {
        Operator::In | Operator::NotIn => {
            let strings = KeySet::sorted(strings_of(r)?);
            let Some(strings) = strings else { return r.fail("a set out of order") };
            let numbers = r.list(MAX_LIST_ITEMS, Reader::f64)?;
            let bits = r.u8()?;
            let set = ValueSet { strings, numbers, has_true: bits & 1 != 0, has_false: bits & 2 != 0 };
            match operator {
                Operator::In => Test::In(set),
                _ => Test::NotIn(set),
            }
        }
        Operator::StartsWith => Test::StartsWith(strings_of(r)?),
        Operator::EndsWith => Test::EndsWith(strings_of(r)?),
        Operator::Contains => Test::Contains(strings_of(r)?),
        Operator::Number(cmp) => Test::Number(cmp, r.list(MAX_LIST_ITEMS, Reader::f64)?),
        Operator::Semver(cmp) => Test::Semver(
            cmp,
            r.list(MAX_LIST_ITEMS, |r| Ok(Version::from_parts([r.uint()?, r.uint()?, r.uint()?], r.bytes()?)))?,
        ),
        Operator::Before => Test::Before(r.list(MAX_LIST_ITEMS, Reader::int)?),
        Operator::After => Test::After(r.list(MAX_LIST_ITEMS, Reader::int)?),
        Operator::Exists => Test::Exists,
        Operator::Segment => Test::Segment(r.list(MAX_LIST_ITEMS, |r| r.below(b.segments))?),
        Operator::Schedule => {
            let mut end = || -> Result<Option<i64>> {
                Ok(match r.bool()? {
                    true => Some(r.int()?),
                    false => {
                        r.int()?;
                        None
                    }
                })
            };
            Test::Schedule(Window { start: end()?, end: end()? })
        }
        Operator::Recurring => {
            let Ok(offset_minutes) = i32::try_from(r.int()?) else { return r.fail("offset out of range") };
            let windows = r.list(MAX_LIST_ITEMS, |r| {
                Ok(Weekly { days: r.u8()?, from: r.below(1 << 16)? as u16, to: r.below(1 << 16)? as u16 })
            })?;
            Test::Recurring(Recurring { offset_minutes, windows })
        }
        #[cfg(feature = "peers")]
        Operator::Any | Operator::All => {
            if depth >= crate::limits::MAX_CLAUSE_NESTING {
                return r.fail("clauses nested past the limit");
            }
            let inner = read_nested(r, b, depth + 1)?;
            // As loading: segment references only at the top, where the reference graph looks.
            if inner.iter().any(|c| matches!(c.test, Test::Segment(_))) {
                return r.fail("a nested segmentMatch");
            }
            if matches!(operator, Operator::Any) {
                Test::Any(inner)
            } else {
                Test::All(inner)
            }
        }
        #[cfg(feature = "peers")]
        Operator::InBucket => {
            let by = super::serve::peer::read_by(r)?;
            let key = super::serve::peer::read(r)?;
            let buckets = r.below(i32::MAX as usize + 1)?;
            let (from, to) = (r.below(buckets as usize + 1)?, r.below(buckets as usize + 1)?);
            if !key.accepts_total(buckets) || from > to {
                return r.fail("a bucket range out of its scheme's buckets");
            }
            let range = crate::model::clause::InBucket { by, key, buckets, from, to };
            Test::InBucket(alloc::boxed::Box::new(range))
        }
        #[cfg(feature = "peers")]
        Operator::JsString => Test::JsString(strings_of(r)?),
        #[cfg(feature = "peers")]
        Operator::JsNumber => Test::JsNumber(r.list(MAX_LIST_ITEMS, Reader::f64)?),
        #[cfg(feature = "peers")]
        Operator::Truthy => Test::Truthy,
        #[cfg(feature = "peers")]
        Operator::JsCompare(cmp) => {
            use crate::eval::js::Primitive;
            let literal = if r.bool()? { Primitive::String(r.string()?) } else { Primitive::Number(r.f64()?) };
            Test::JsCompare(cmp, literal)
        }
        #[cfg(feature = "peers")]
        Operator::Type => Test::Type(r.u8()? & 0x3f),
        #[cfg(feature = "peers")]
        Operator::PaddedVersion(cmp) => Test::PaddedVersion(cmp, r.string()?),
        #[cfg(feature = "peers")]
        Operator::UnleashSemver(dialect, cmp) => {
            let text = r.string()?;
            let Some(version) = crate::eval::unleash_semver::parse_value(dialect, &text) else {
                return r.fail("a version its operator does not read");
            };
            let s = crate::model::clause::UnleashSemver { dialect, cmp, text, version };
            Test::UnleashSemver(alloc::boxed::Box::new(s))
        }
        #[cfg(feature = "peers")]
        Operator::FlagdSemver(test) => {
            let v = r.string()?;
            if crate::eval::flagd_semver::parse(&v).is_none() {
                return r.fail("not a version flagd reads");
            }
            Test::FlagdSemver(test, v)
        }
        #[cfg(feature = "peers")]
        Operator::FlagdCoreSemver(test) => {
            let text = r.string()?;
            let Some(version) = crate::eval::flagd_core_semver::normalize(&text) else {
                return r.fail("not a version flagd-core reads");
            };
            Test::FlagdCoreSemver(test, alloc::boxed::Box::new((text, version)))
        }
        #[cfg(feature = "peers")]
        Operator::JsRegex(ignore_case) => {
            let text = r.string()?;
            Test::JsRegex(alloc::boxed::Box::new(pattern(r, &text, ignore_case)?))
        }
        #[cfg(feature = "peers")]
        Operator::Matches => {
            let texts = strings_of(r)?;
            let patterns = texts.iter().map(|t| pattern(r, t, false)).collect::<Result<Vec<_>>>()?;
            if patterns.is_empty() {
                return r.fail("matches without a pattern");
            }
            Test::Matches(patterns)
        }
        #[cfg(feature = "peers")]
        Operator::LdTime(after, true) => Test::LdTimeNode(after, r.list(MAX_LIST_ITEMS, Reader::f64)?),
        #[cfg(feature = "peers")]
        Operator::LdTime(after, false) => {
            let ts = r.list(MAX_LIST_ITEMS, |r| {
                let secs = r.int()?;
                let nanos = r.below(1_000_000_000)?;
                Ok(crate::eval::ld_time::LdTime { secs, nanos })
            })?;
            Test::LdTime(after, ts)
        }
    };
    // Operators with an attribute need one: evaluation reads it.
    #[cfg(feature = "peers")]
    let needs = !matches!(
        operator,
        Operator::Segment
            | Operator::Schedule
            | Operator::Recurring
            | Operator::Any
            | Operator::All
            | Operator::InBucket
    );
    #[cfg(not(feature = "peers"))]
    let needs = !matches!(operator, Operator::Segment | Operator::Schedule | Operator::Recurring);
    if needs != attr.is_some() {
        return r.fail("an operator without its attribute");
    }
    let work = test.work().min(u32::MAX as u64) as u32;
    Ok(Clause { op, attr, test, negate, work })
}

/// A pattern of the subset, compiled again by the runtime's engine.
#[cfg(feature = "peers")]
fn pattern(r: &Reader<'_>, text: &str, ignore_case: bool) -> Result<crate::eval::regex::Pattern> {
    crate::eval::regex::Pattern::compile(text, ignore_case).or_else(|e| match e {
        crate::eval::regex::Unusable::NoEngine => r.fail("a regular expression, and no engine here"),
        _ => r.fail("a pattern outside the subset"),
    })
}

fn strings_of(r: &mut Reader<'_>) -> Result<Vec<String>> {
    r.list(MAX_LIST_ITEMS, Reader::string)
}

/// An attribute reference as written in the snapshot.
pub(super) fn attribute(r: &mut Reader<'_>) -> Result<AttrRef> {
    let text = r.str()?;
    AttrRef::parse(text).or_else(|_| r.fail("an attribute that is not a JSON Pointer"))
}

//! Evaluating one flag: off → prerequisites → targets → rules → fallthrough.

use super::env::Env;
use crate::eval::bucketing::{bucket, Purpose, BUCKETS};
use crate::eval::explain::{ClauseStep, ClauseWhy, Step};
use crate::eval::operators::Outcome;
use crate::eval::result::{ErrorCode, Evaluation, Reason};
use crate::limits::MAX_EVALUATION_WORK;
use crate::message::message;
use crate::model::attribute::{AttrRef, NotUnit, Unit};
use crate::model::flag::Flag;
use crate::model::rule::Rule;
use crate::model::serve::{Serve, Slices};
use alloc::string::ToString;
use alloc::vec::Vec;

/// Collects explanation steps; `()` collects nothing and compiles away.
pub(crate) trait Trace<'s> {
    const ON: bool;
    fn step(&mut self, step: Step<'s>);
}

impl<'s> Trace<'s> for () {
    const ON: bool = false;
    fn step(&mut self, _: Step<'s>) {}
}

impl<'s> Trace<'s> for Vec<Step<'s>> {
    const ON: bool = true;
    fn step(&mut self, step: Step<'s>) {
        self.push(step);
    }
}

/// What a dependent flag needs to know of a prerequisite's evaluation.
#[derive(Clone, Copy)]
pub(crate) struct PrereqResult {
    pub on: bool,
    /// The served variation; `None` for errors and missing off variations.
    pub variation: Option<u32>,
}

impl PrereqResult {
    pub fn of(flag: &Flag, e: &Evaluation) -> PrereqResult {
        let variation = if e.error.is_some() { None } else { e.variation.map(|v| v.0) };
        PrereqResult { on: flag.on, variation }
    }
}

/// Where prerequisite results come from: computed on demand, or already computed by
/// `evaluate_all`. Either way each prerequisite is evaluated once per call.
pub(crate) trait Prereqs<'s> {
    fn result(&mut self, env: &Env<'s, '_>, flag: u32) -> PrereqResult;
}

/// On-demand prerequisite results for evaluating one flag (allocates only if it has any).
#[derive(Default)]
pub(crate) struct Memo(Vec<(u32, PrereqResult)>);

impl<'s> Prereqs<'s> for Memo {
    fn result(&mut self, env: &Env<'s, '_>, flag: u32) -> PrereqResult {
        if let Some((_, r)) = self.0.iter().find(|(f, _)| *f == flag) {
            return *r;
        }
        let f = &env.snapshot.flags[flag as usize];
        let e = env.flag(f, self, &mut ());
        let r = PrereqResult::of(f, &e);
        self.0.push((flag, r));
        r
    }
}

impl<'s, 'c> Env<'s, 'c> {
    /// Evaluates a flag whose context is known to be valid, within `MAX_EVALUATION_WORK`.
    pub fn flag<T: Trace<'s>>(&self, flag: &'s Flag, prereqs: &mut dyn Prereqs<'s>, trace: &mut T) -> Evaluation<'s> {
        let outer = self.swap_work(0);
        let e = self.flag_within(flag, prereqs, trace);
        let work = self.swap_work(outer);
        if work <= MAX_EVALUATION_WORK {
            return e;
        }
        Evaluation::error(
            ErrorCode::General,
            message!(
                "evaluation stopped after ",
                itoa::Buffer::new().format(MAX_EVALUATION_WORK as i64),
                " tests of the context's items (docs/hardening.md)"
            )
            .text(),
        )
    }

    /// Prerequisite results come through `dyn`: one copy of this code serves single evaluations
    /// and `evaluate_all` (a smaller Wasm module; the call is once per prerequisite).
    fn flag_within<T: Trace<'s>>(
        &self,
        flag: &'s Flag,
        prereqs: &mut dyn Prereqs<'s>,
        trace: &mut T,
    ) -> Evaluation<'s> {
        // Steps are built only when traced: dropping an unused one is a call in the Wasm module.
        if !flag.on {
            if T::ON {
                trace.step(Step::Off);
            }
            return off(flag, Reason::Disabled);
        }
        for p in &flag.prerequisites {
            let r = prereqs.result(self, p.flag);
            let met = r.on && r.variation == Some(p.variation);
            let pre = &self.snapshot.flags[p.flag as usize];
            if T::ON {
                trace.step(Step::Prerequisite {
                    flag: &pre.key,
                    required: &pre.variations[p.variation as usize].name,
                    flag_on: r.on,
                    served: r.variation.map(|v| pre.variations[v as usize].name.as_str()),
                    met,
                });
            }
            if !met {
                let mut e = off(flag, Reason::TargetingMatch);
                e.prerequisite_failed = Some(&pre.key);
                return e;
            }
        }
        let hit = self.target(flag);
        if T::ON && !flag.targets.is_empty() {
            trace.step(Step::Targets { hit: hit.map(|(t, v)| (t, flag.variations[v as usize].name.as_str())) });
        }
        if let Some((_, variation)) = hit {
            return served(flag, variation, Reason::TargetingMatch);
        }
        for rule in &flag.rules {
            if self.rule_matches(rule, trace) {
                #[cfg(feature = "peers")]
                if !self.rule_prerequisites(rule, prereqs, trace) {
                    continue;
                }
                // A peer's rollout may leave the unit out (`None`): the next rule is tried. Only
                // the builds that read peers' rollouts carry that branch.
                #[cfg(feature = "peers")]
                let mut e = match &rule.serve {
                    Serve::Peer(r) => match self.peer_rollout(flag, r, Reason::TargetingMatch, trace) {
                        Some(e) => e,
                        None => continue,
                    },
                    serve => self.serve(flag, serve, Reason::TargetingMatch, trace),
                };
                #[cfg(not(feature = "peers"))]
                let mut e = self.serve(flag, &rule.serve, Reason::TargetingMatch, trace);
                e.rule_id = Some(&rule.id);
                return e;
            }
        }
        if T::ON {
            trace.step(Step::Fallthrough);
        }
        let reason = if flag.is_static { Reason::Static } else { Reason::Default };
        self.serve(flag, &flag.fallthrough, reason, trace)
    }

    /// The earliest target (in snapshot order) listing the context's unit value.
    fn target(&self, flag: &Flag) -> Option<(u32, u32)> {
        let mut best: Option<(u32, u32)> = None;
        for group in &flag.targets {
            let Ok(unit) = Unit::of(self.ctx.lookup(&group.attr)) else { continue };
            let mut buf = itoa::Buffer::new();
            let unit = unit.as_str(&mut buf);
            let mut found = group.entries.get(unit).copied();
            if let (false, Some(salt)) = (group.hashed.is_empty(), self.snapshot.salt) {
                let digest = salt.hash(unit);
                let hashed = group.hashed.get_bytes(&digest).copied();
                found = found.into_iter().chain(hashed).min_by_key(|&(_, target)| target);
            }
            if let Some((variation, target)) = found {
                if best.is_none_or(|(t, _)| target < t) {
                    best = Some((target, variation));
                }
            }
        }
        best
    }

    fn rule_matches<T: Trace<'s>>(&self, rule: &'s Rule, trace: &mut T) -> bool {
        if !T::ON {
            return rule.clauses.iter().all(|c| c.outcome(self) == Outcome::Match);
        }
        let mut clauses = Vec::new();
        let mut matched = true;
        for (index, c) in rule.clauses.iter().enumerate() {
            let outcome = c.outcome(self);
            clauses.push(ClauseStep {
                index,
                op: c.op,
                attribute: c.attr.as_ref().map(|a| a.text.as_str()),
                negate: c.negate,
                why: match outcome {
                    Outcome::Match => ClauseWhy::Matched,
                    Outcome::NoMatch => ClauseWhy::NotMatched,
                    Outcome::Missing => ClauseWhy::Missing,
                    Outcome::WrongType => ClauseWhy::WrongType,
                },
            });
            if outcome != Outcome::Match {
                matched = false;
                break;
            }
        }
        trace.step(Step::Rule { id: &rule.id, clauses, matched });
        matched
    }

    /// A rule's prerequisites (imported snapshots), in order: each flag on and serving one of
    /// the variations listed; the first that fails is traced, naming the first listed.
    #[cfg(feature = "peers")]
    fn rule_prerequisites<T: Trace<'s>>(&self, rule: &'s Rule, prereqs: &mut dyn Prereqs<'s>, trace: &mut T) -> bool {
        for p in &rule.prerequisites {
            let r = prereqs.result(self, p.flag);
            let met = r.on && r.variation.is_some_and(|v| p.variations.contains(&v));
            if !met {
                if T::ON {
                    let pre = &self.snapshot.flags[p.flag as usize];
                    trace.step(Step::Prerequisite {
                        flag: &pre.key,
                        required: &pre.variations[p.variations[0] as usize].name,
                        flag_on: r.on,
                        served: r.variation.map(|v| pre.variations[v as usize].name.as_str()),
                        met,
                    });
                }
                return false;
            }
        }
        true
    }

    /// The unit a rollout buckets, as text; an error result when the context has none.
    fn unit<'b>(&self, attr: &AttrRef, buf: &'b mut itoa::Buffer) -> Result<&'b str, Evaluation<'s>>
    where
        'c: 'b,
    {
        match Unit::of(self.ctx.lookup(attr)) {
            Ok(unit) => Ok(unit.as_str(buf)),
            Err(why) => Err(unit_error(attr, why)),
        }
    }

    fn serve<T: Trace<'s>>(&self, flag: &'s Flag, serve: &'s Serve, fixed: Reason, trace: &mut T) -> Evaluation<'s> {
        match serve {
            Serve::Variation(v) => served(flag, *v, fixed),
            Serve::Rollout(r) => {
                self.rollout(flag, &r.bucket_by, &r.slices, trace, |unit| bucket(&r.key, unit.as_bytes()))
            }
            // The fallthrough's (a rule's is served above): loading refuses one that leaves
            // units out.
            #[cfg(feature = "peers")]
            Serve::Peer(r) => self.peer_rollout(flag, r, fixed, trace).unwrap_or_else(|| off(flag, fixed)),
            Serve::Experiment(x) => {
                let mut buf = itoa::Buffer::new();
                let unit = match self.unit(&x.bucket_by, &mut buf) {
                    Ok(unit) => unit,
                    Err(e) => return e,
                };
                let t = bucket(&x.enrol, unit.as_bytes());
                if T::ON {
                    trace.step(Step::Bucket {
                        purpose: Purpose::Rollout,
                        attribute: &x.bucket_by.text,
                        unit: unit.to_string(),
                        bucket: t,
                        ranges: alloc::vec![("enrolled", 0, x.traffic), ("not enrolled", x.traffic, BUCKETS)],
                    });
                }
                if t >= x.traffic {
                    let mut e = served(flag, x.fallback, Reason::Split);
                    e.bucket = Some(t);
                    return e;
                }
                let v = bucket(&x.variant, unit.as_bytes());
                if T::ON {
                    trace.step(bucket_step(flag, Purpose::Variant, &x.bucket_by, unit, v, &x.slices));
                }
                let mut e = served(flag, x.slices.pick(v), Reason::Split);
                e.bucket = Some(t);
                e.variant_bucket = Some(v);
                e.in_experiment = true;
                e
            }
        }
    }
}

impl<'s> Env<'s, '_> {
    /// A rollout: the unit's bucket, by `bucket`, and the variation whose slice holds it.
    fn rollout<T: Trace<'s>>(
        &self,
        flag: &'s Flag,
        bucket_by: &'s AttrRef,
        slices: &Slices,
        trace: &mut T,
        bucket: impl Fn(&str) -> u32,
    ) -> Evaluation<'s> {
        let mut buf = itoa::Buffer::new();
        let unit = match self.unit(bucket_by, &mut buf) {
            Ok(unit) => unit,
            Err(e) => return e,
        };
        let b = bucket(unit);
        if T::ON {
            trace.step(bucket_step(flag, Purpose::Rollout, bucket_by, unit, b, slices));
        }
        let mut e = served(flag, slices.pick(b), Reason::Split);
        e.bucket = Some(b);
        e
    }
}

pub(super) fn served<'s>(flag: &'s Flag, variation: u32, reason: Reason) -> Evaluation<'s> {
    let v = &flag.variations[variation as usize];
    let mut e = Evaluation::new(reason);
    e.value = Some(&v.value);
    e.variation = Some((variation, &v.name));
    e
}

fn off<'s>(flag: &'s Flag, reason: Reason) -> Evaluation<'s> {
    match flag.off_variation {
        Some(v) => served(flag, v, reason),
        None => Evaluation::new(reason),
    }
}

pub(super) fn unit_error<'s>(attr: &AttrRef, why: NotUnit) -> Evaluation<'s> {
    match why {
        NotUnit::Missing => Evaluation::error(
            ErrorCode::TargetingKeyMissing,
            message!("rollout needs attribute ", quoted(&attr.text), ", which is missing or empty").text(),
        ),
        NotUnit::Invalid => Evaluation::error(
            ErrorCode::InvalidContext,
            message!("attribute ", quoted(&attr.text), " must be a string or an integer to bucket by").text(),
        ),
    }
}

pub(super) fn bucket_step<'s>(
    flag: &'s Flag,
    purpose: Purpose,
    attr: &'s AttrRef,
    unit: &str,
    b: u32,
    slices: &Slices,
) -> Step<'s> {
    let mut start = 0;
    let ranges = slices
        .0
        .iter()
        .map(|s| {
            // A peer's slice may hold no variation (`SKIP`).
            #[cfg(feature = "peers")]
            let name = flag.variations.get(s.variation as usize).map_or("(no variation)", |v| v.name.as_str());
            #[cfg(not(feature = "peers"))]
            let name = flag.variations[s.variation as usize].name.as_str();
            let r = (name, start, s.end);
            start = s.end;
            r
        })
        .collect();
    Step::Bucket { purpose, attribute: &attr.text, unit: unit.to_string(), bucket: b, ranges }
}

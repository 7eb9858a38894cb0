//! Evaluation: a compiled snapshot, a context and the host's `now` in, a result out. Off →
//! prerequisites → targets → rules → fallthrough (`flag`), clauses by their operators
//! (`operators`), segments, schedules, and the one place that hashes (`bucketing`).

pub mod bucketing;
pub(crate) mod context;
pub(crate) mod env;
pub(crate) mod explain;
pub(crate) mod flag;
#[cfg(feature = "peers")]
pub(crate) mod flagd_core_semver;
#[cfg(feature = "peers")]
pub(crate) mod flagd_semver;
#[cfg(feature = "peers")]
pub(crate) mod js;
#[cfg(feature = "peers")]
pub(crate) mod ld_time;
pub(crate) mod operators;
#[cfg(feature = "peers")]
pub(crate) mod padded_version;
#[cfg(feature = "peers")]
mod peer;
#[cfg(feature = "peers")]
pub mod regex;
pub(crate) mod result;
pub(crate) mod schedule;
pub(crate) mod segment;
#[cfg(feature = "serde")]
pub(crate) mod serialize;
#[cfg(feature = "peers")]
pub(crate) mod unleash_semver;

use crate::json::Json;
use crate::message::message;
use crate::model::flag::Flag;
use crate::model::snapshot::Snapshot;
use crate::model::variation::Kind;
use alloc::vec::Vec;
use context::Context;
use env::Env;
use explain::Explanation;
use flag::{Memo, PrereqResult, Prereqs};
use result::{ErrorCode, Evaluation};

impl Snapshot {
    /// Evaluates one flag for `ctx` at `now` (ms since the epoch). With a `default`, a flag
    /// whose values are of another kind gives `TYPE_MISMATCH` (a `null` default checks nothing).
    pub fn evaluate(&self, key: &str, ctx: &Context<'_>, now: i64, default: Option<&Json<'_>>) -> Evaluation<'_> {
        match self.prepare(key, ctx, default) {
            Ok(flag) => Env::new(self, ctx, now).flag(flag, &mut Memo::default(), &mut ()),
            Err(e) => e,
        }
    }

    /// [`Snapshot::evaluate`] for the flag at `index` in [`Snapshot::flags`], with only the kind
    /// of the caller's default: for hosts that hold the default themselves (the Wasm bindings).
    /// An index out of range gives `FLAG_NOT_FOUND`.
    pub fn evaluate_at(&self, index: usize, ctx: &Context<'_>, now: i64, default: Option<Kind>) -> Evaluation<'_> {
        let Some(flag) = self.flags.get(index) else {
            return Evaluation::error(
                ErrorCode::FlagNotFound,
                message!("no flag at index ", itoa::Buffer::new().format(index as i64)).text(),
            );
        };
        match self.check(flag, ctx, default) {
            Ok(()) => Env::new(self, ctx, now).flag(flag, &mut Memo::default(), &mut ()),
            Err(e) => e,
        }
    }

    /// Evaluates one flag and records each step taken.
    pub fn explain(&self, key: &str, ctx: &Context<'_>, now: i64, default: Option<&Json<'_>>) -> Explanation<'_> {
        let mut steps = Vec::new();
        let evaluation = match self.prepare(key, ctx, default) {
            Ok(flag) => Env::new(self, ctx, now).flag(flag, &mut Memo::default(), &mut steps),
            Err(e) => e,
        };
        Explanation { evaluation, steps }
    }

    /// Evaluates every flag once, in prerequisite order, sharing prerequisite results.
    /// Entries are in key order and equal what [`Snapshot::evaluate`] gives each flag alone.
    pub fn evaluate_all(&self, ctx: &Context<'_>, now: i64) -> Vec<(&str, Evaluation<'_>)> {
        let mut results: Vec<Option<Evaluation>> = Vec::with_capacity(self.flags.len());
        results.resize(self.flags.len(), None);
        self.evaluate_each(ctx, now, |i, e| results[i] = Some(e));
        self.flags
            .iter()
            .zip(results)
            .map(|(f, e)| {
                (f.key.as_str(), e.unwrap_or_else(|| Evaluation::error(ErrorCode::General, "not evaluated".into())))
            })
            .collect()
    }

    /// [`Snapshot::evaluate_all`] without collecting: `each(index in flags(), result)` for every
    /// flag, in prerequisite order. Keeps only each flag's served variation for its dependents.
    pub fn evaluate_each<'s>(&'s self, ctx: &Context<'_>, now: i64, mut each: impl FnMut(usize, Evaluation<'s>)) {
        if let Some(err) = ctx.error() {
            (0..self.flags.len()).for_each(|i| each(i, Evaluation::error(err.code, err.message.clone())));
            return;
        }
        let mut done: Vec<Option<PrereqResult>> = alloc::vec![None; self.flags.len()];
        let env = Env::new(self, ctx, now);
        for &i in &self.order {
            let flag = &self.flags[i as usize];
            let e = env.flag(flag, &mut Computed(&done), &mut ());
            done[i as usize] = Some(PrereqResult::of(flag, &e));
            each(i as usize, e);
        }
    }

    /// The checks made before evaluating: flag exists, default's kind, context valid.
    fn prepare(&self, key: &str, ctx: &Context<'_>, default: Option<&Json<'_>>) -> Result<&Flag, Evaluation<'_>> {
        let Some(i) = self.index_of(key) else { return Err(Evaluation::flag_not_found(key)) };
        let flag = &self.flags[i];
        self.check(flag, ctx, default.and_then(Kind::of))?;
        Ok(flag)
    }

    /// The default's kind matches the flag's, and the context is valid.
    fn check(&self, flag: &Flag, ctx: &Context<'_>, default: Option<Kind>) -> Result<(), Evaluation<'_>> {
        if let Some(kind) = default {
            if kind != flag.kind {
                let mut message =
                    message!("flag ", quoted(&flag.key), " serves ", flag.kind.name(), " values, the default is ")
                        .text();
                message.push_str(kind.name());
                return Err(Evaluation::error(ErrorCode::TypeMismatch, message));
            }
        }
        if let Some(err) = ctx.error() {
            return Err(Evaluation::error(err.code, err.message.clone()));
        }
        Ok(())
    }
}

/// Prerequisite results `evaluate_each` has already computed (the order guarantees it).
struct Computed<'r>(&'r [Option<PrereqResult>]);

impl<'s> Prereqs<'s> for Computed<'_> {
    fn result(&mut self, env: &Env<'s, '_>, flag: u32) -> PrereqResult {
        match self.0[flag as usize] {
            Some(r) => r,
            // Not reached with a loader-built order; computing it keeps the answer right anyway.
            None => Memo::default().result(env, flag),
        }
    }
}

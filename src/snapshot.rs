//! A loaded snapshot and the evaluation entry points.

use crate::bucketing::Scheme;
use crate::context::Context;
use crate::error::LoadError;
use crate::eval::{Env, Memo, PrereqResult, Prereqs};
use crate::explain::Explanation;
use crate::flag::{Flag, Kind};
use crate::json::Json;
use crate::result::{ErrorCode, Evaluation};
use crate::segment::Segment;
use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;
use hashbrown::HashMap;

/// A validated, compiled snapshot. Immutable: updating means loading a new one.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) version: u64,
    pub(crate) generated_at: i64,
    pub(crate) scheme: Scheme,
    /// Sorted by key (UTF-8 bytes).
    pub(crate) flags: Vec<Flag>,
    /// Sorted by key.
    pub(crate) segments: Vec<Segment>,
    /// Flag indexes, each after its prerequisites.
    pub(crate) order: Vec<u32>,
    /// Flag key → index: one hash and one comparison per lookup, whatever the flag count.
    pub(crate) index: HashMap<Box<str>, u32>,
}

impl Snapshot {
    /// Validates and compiles a snapshot given as a JSON value.
    pub fn from_json(value: &Json<'_>) -> Result<Snapshot, LoadError> {
        crate::load::snapshot(value)
    }

    /// Validates and compiles a snapshot given as JSON text.
    #[cfg(feature = "json")]
    pub fn parse(text: &str) -> Result<Snapshot, LoadError> {
        let value = Json::parse(text).map_err(|e| LoadError {
            kind: crate::LoadErrorKind::InvalidJson,
            path: alloc::string::String::new(),
            message: format!("invalid JSON: {e}"),
        })?;
        Snapshot::from_json(&value)
    }

    /// The snapshot's `version`.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// `generatedAt`, in ms since the epoch.
    pub fn generated_at(&self) -> i64 {
        self.generated_at
    }

    /// The bucketing scheme.
    pub fn bucketing(&self) -> Scheme {
        self.scheme
    }

    /// All flags, by key.
    pub fn flags(&self) -> &[Flag] {
        &self.flags
    }

    /// Number of segments.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// One flag.
    pub fn flag(&self, key: &str) -> Option<&Flag> {
        self.index(key).map(|i| &self.flags[i])
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.index.get(key).map(|&i| i as usize)
    }

    /// Evaluates one flag for `ctx` at `now` (ms since the epoch). With a `default`, a flag
    /// whose values are of another kind gives `TYPE_MISMATCH` (a `null` default checks nothing).
    pub fn evaluate(&self, key: &str, ctx: &Context<'_>, now: i64, default: Option<&Json<'_>>) -> Evaluation<'_> {
        match self.prepare(key, ctx, default) {
            Ok(flag) => Env { snapshot: self, ctx, now }.flag(flag, &mut Memo::default(), &mut ()),
            Err(e) => e,
        }
    }

    /// Evaluates one flag and records each step taken.
    pub fn explain(&self, key: &str, ctx: &Context<'_>, now: i64, default: Option<&Json<'_>>) -> Explanation<'_> {
        let mut steps = Vec::new();
        let evaluation = match self.prepare(key, ctx, default) {
            Ok(flag) => Env { snapshot: self, ctx, now }.flag(flag, &mut Memo::default(), &mut steps),
            Err(e) => e,
        };
        Explanation { evaluation, steps }
    }

    /// Evaluates every flag once, in prerequisite order, sharing prerequisite results.
    /// Entries are in key order and equal what [`Snapshot::evaluate`] gives each flag alone.
    pub fn evaluate_all(&self, ctx: &Context<'_>, now: i64) -> Vec<(&str, Evaluation<'_>)> {
        let mut results: Vec<Option<Evaluation>> = Vec::with_capacity(self.flags.len());
        results.resize(self.flags.len(), None);
        if let Some(err) = ctx.error() {
            let e = Evaluation::error(err.code, err.message.clone());
            results.iter_mut().for_each(|r| *r = Some(e.clone()));
        } else {
            let env = Env { snapshot: self, ctx, now };
            for &i in &self.order {
                let e = env.flag(&self.flags[i as usize], &mut Computed(&results), &mut ());
                results[i as usize] = Some(e);
            }
        }
        self.flags
            .iter()
            .zip(results)
            .map(|(f, e)| {
                (f.key.as_str(), e.unwrap_or_else(|| Evaluation::error(ErrorCode::General, "not evaluated".into())))
            })
            .collect()
    }

    /// The checks made before evaluating: flag exists, default's kind, context valid.
    fn prepare(&self, key: &str, ctx: &Context<'_>, default: Option<&Json<'_>>) -> Result<&Flag, Evaluation<'_>> {
        let Some(i) = self.index(key) else {
            return Err(Evaluation::error(ErrorCode::FlagNotFound, format!("flag {key:?} not found")));
        };
        let flag = &self.flags[i];
        if let Some(kind) = default.and_then(Kind::of) {
            if kind != flag.kind {
                return Err(Evaluation::error(
                    ErrorCode::TypeMismatch,
                    format!("flag {key:?} serves {} values, the default is {}", flag.kind.name(), kind.name()),
                ));
            }
        }
        if let Some(err) = ctx.error() {
            return Err(Evaluation::error(err.code, err.message.clone()));
        }
        Ok(flag)
    }
}

/// Prerequisite results `evaluate_all` has already computed (the order guarantees it).
struct Computed<'r, 's>(&'r [Option<Evaluation<'s>>]);

impl<'s> Prereqs<'s> for Computed<'_, 's> {
    fn result(&mut self, env: &Env<'s, '_>, flag: u32) -> PrereqResult {
        let f = &env.snapshot.flags[flag as usize];
        match &self.0[flag as usize] {
            Some(e) => PrereqResult::of(f, e),
            // Not reached with a loader-built order; computing it keeps the answer right anyway.
            None => Memo::default().result(env, flag),
        }
    }
}

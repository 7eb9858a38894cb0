//! A loaded snapshot and the evaluation entry points.

use crate::bucketing::Scheme;
use crate::context::Context;
use crate::error::LoadError;
use crate::eval::{Env, Memo, PrereqResult, Prereqs};
use crate::explain::Explanation;
use crate::flag::{Flag, Kind};
use crate::json::Json;
#[cfg(feature = "json")]
use crate::limits::MAX_SNAPSHOT_BYTES;
use crate::message::fill;
use crate::result::{ErrorCode, Evaluation};
use crate::segment::Segment;
#[cfg(not(target_family = "wasm"))]
use alloc::boxed::Box;
use alloc::vec::Vec;
#[cfg(not(target_family = "wasm"))]
use hashbrown::HashMap;

/// A validated, compiled snapshot. Immutable: updating means loading a new one.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) version: u64,
    pub(crate) generated_at: i64,
    pub(crate) scheme: Scheme,
    /// The salt of hashed lists (`keyHashing`), when it has them.
    pub(crate) salt: Option<crate::hashed::Salt>,
    /// Sorted by key (UTF-8 bytes).
    pub(crate) flags: Vec<Flag>,
    /// Sorted by key.
    pub(crate) segments: Vec<Segment>,
    /// Flag indexes, each after its prerequisites.
    pub(crate) order: Vec<u32>,
    /// Flag key → index: one hash and one comparison per lookup, whatever the flag count.
    /// Not in the Wasm module, whose wrapper keeps its own index by key: there a binary search
    /// over the sorted flags serves the rare lookup, and no hash table is linked.
    #[cfg(not(target_family = "wasm"))]
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
        Snapshot::from_json(&parse_document(text)?)
    }

    /// Validates and compiles a snapshot given as JSON text that may be signed: with `keys`, it
    /// must be a signed snapshot one of them verifies (`docs/snapshot.md`, "Signed snapshots"),
    /// checked before it is parsed; without, a plain or a signed one (unverified) loads. Errors
    /// inside a signed snapshot have the paths they have in the snapshot alone.
    #[cfg(feature = "json")]
    pub fn parse_signed(text: &str, keys: &crate::signature::Keys) -> Result<Snapshot, LoadError> {
        let inner = keys.open(text)?;
        if inner.len() == text.len() {
            return Snapshot::parse(text);
        }
        Snapshot::parse(inner).map_err(|e| match e.kind {
            // Reported in the whole text, where its line and column are.
            crate::LoadErrorKind::InvalidJson => crate::signature::diagnose(text, e),
            _ => e,
        })
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
        self.index_of(key).map(|i| &self.flags[i])
    }

    /// The position of a flag in [`Snapshot::flags`].
    pub fn index_of(&self, key: &str) -> Option<usize> {
        #[cfg(not(target_family = "wasm"))]
        return self.index.get(key).map(|&i| i as usize);
        #[cfg(target_family = "wasm")]
        return self.flags.binary_search_by(|f| f.key.as_str().cmp(key)).ok();
    }

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
                fill("no flag at index \u{2}", itoa::Buffer::new().format(index as i64), ""),
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
        let Some(i) = self.index_of(key) else { return Err(not_found(key)) };
        let flag = &self.flags[i];
        self.check(flag, ctx, default.and_then(Kind::of))?;
        Ok(flag)
    }

    /// The default's kind matches the flag's, and the context is valid.
    fn check(&self, flag: &Flag, ctx: &Context<'_>, default: Option<Kind>) -> Result<(), Evaluation<'_>> {
        if let Some(kind) = default {
            if kind != flag.kind {
                let mut message = fill("flag \u{1} serves \u{4} values, the default is ", &flag.key, flag.kind.name());
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

/// Snapshot text as a JSON value, or the `invalid_json` error loading it gives.
#[cfg(feature = "json")]
pub(crate) fn parse_document(text: &str) -> Result<Json<'_>, LoadError> {
    if text.len() > MAX_SNAPSHOT_BYTES {
        return Err(LoadError {
            kind: crate::LoadErrorKind::TooLarge,
            path: alloc::string::String::new(),
            message: crate::message::past_limit(
                "snapshot text is ",
                text.len() as u64,
                " bytes",
                MAX_SNAPSHOT_BYTES as u64,
            ),
        });
    }
    Json::parse(text).map_err(|e| LoadError {
        kind: crate::LoadErrorKind::InvalidJson,
        path: alloc::string::String::new(),
        message: fill("invalid JSON: \u{2}", &e.text(), ""),
    })
}

/// The `FLAG_NOT_FOUND` result for `key`.
pub(crate) fn not_found<'s>(key: &str) -> Evaluation<'s> {
    Evaluation::error(ErrorCode::FlagNotFound, fill("flag \u{1} not found", key, ""))
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

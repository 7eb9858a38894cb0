//! What an evaluation reads (the snapshot, the context, `now`) and the work it has done so far.

use super::context::Context;
use crate::limits::MAX_EVALUATION_WORK;
use crate::model::snapshot::Snapshot;
use core::cell::Cell;

/// Everything an evaluation reads, and the work done so far by the flag being evaluated.
pub(crate) struct Env<'s, 'c> {
    pub snapshot: &'s Snapshot,
    pub ctx: &'c Context<'c>,
    pub now: i64,
    /// Tests made for the flag being evaluated (its prerequisites count their own), against
    /// `MAX_EVALUATION_WORK`. Per flag, so that a result never depends on whether its
    /// prerequisites were evaluated for it or before it (`evaluate_all`).
    work: Cell<u64>,
}

impl<'s, 'c> Env<'s, 'c> {
    pub fn new(snapshot: &'s Snapshot, ctx: &'c Context<'c>, now: i64) -> Env<'s, 'c> {
        Env { snapshot, ctx, now, work: Cell::new(0) }
    }

    /// Counts `n` tests; false once the flag's work is past `MAX_EVALUATION_WORK`, and from
    /// then on each test is refused at once, so the rest of the evaluation is one step per
    /// clause.
    pub fn charge(&self, n: u64) -> bool {
        let work = self.work.get().saturating_add(n);
        self.work.set(work);
        work <= MAX_EVALUATION_WORK
    }

    /// Work counted so far, and the count set to `n`: how a flag keeps its own budget while its
    /// prerequisites are evaluated.
    pub fn swap_work(&self, n: u64) -> u64 {
        self.work.replace(n)
    }
}

//! Who gains or loses when a ramp moves: the flag evaluated on the snapshots before and after for
//! sampled units that differ only in the attribute the ramp buckets by. Raising a ramp must only
//! add units; a sample shows that it did before the new snapshot is published.

use super::{invalid, EditError, RampKind, RampMove};
use crate::eval::context::Context;
use crate::eval::result::{Evaluation, Reason};
use crate::json::pointer::segments;
use crate::json::Json;
use crate::message::message;
use crate::model::snapshot::Snapshot;
use alloc::string::String;
use alloc::vec::Vec;

/// What to sample: `size` units, each `base` with `bucket_by` set to `sample-0`, `sample-1`, …,
/// evaluated for `flag` at `now`.
#[derive(Clone, Copy, Debug)]
pub struct Sample<'a> {
    /// The flag.
    pub flag: &'a str,
    /// The rule whose ramp moved (`None`: the fallthrough).
    pub rule: Option<&'a str>,
    /// The ramped variation; `None` for an experiment's traffic, where enrolment is what moves.
    pub ramped: Option<&'a str>,
    /// The attribute the ramp buckets by: a plain name, or a JSON Pointer through nested objects.
    pub bucket_by: &'a str,
    /// What every sampled unit has besides (so that it reaches a rule's ramp): a JSON object.
    pub base: &'a Json<'a>,
    /// How many units.
    pub size: u32,
    /// When, in milliseconds since the epoch (schedules read it).
    pub now: i64,
}

impl<'a> Sample<'a> {
    /// The sample for a ramp [`super::Document::set_ramp`] moved.
    pub fn of_move(
        flag: &'a str,
        rule: Option<&'a str>,
        moved: &'a RampMove,
        base: &'a Json<'a>,
        size: u32,
        now: i64,
    ) -> Sample<'a> {
        let ramped = match moved.kind {
            RampKind::Ramp => moved.variation.as_deref(),
            RampKind::ExperimentTraffic => None,
        };
        Sample { flag, rule, ramped, bucket_by: &moved.bucket_by, base, size, now }
    }
}

/// Sampled units, counted by what the move did to them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SampleCounts {
    /// Units the ramp decided for, before or after (reason `SPLIT` at the rule).
    pub reached: u32,
    /// Units that now get the ramped variation (or are now enrolled).
    pub added: u32,
    /// Units that no longer get it (or are no longer enrolled).
    pub removed: u32,
    /// Units served another variation otherwise.
    pub other: u32,
}

/// Evaluates `sample.flag` on `before` and `after` for each sampled unit and counts who gains
/// and who loses the ramped variation. Refused when `base` is not an object or `bucket_by` is a
/// malformed pointer (the path is then empty: neither is in the document).
pub fn compare_sample(before: &Snapshot, after: &Snapshot, sample: &Sample<'_>) -> Result<SampleCounts, EditError> {
    if !matches!(sample.base, Json::Object(_)) {
        let m = message!("a sample's base context is a JSON object, not ", sample.base.type_name());
        return Err(invalid(String::new(), m));
    }
    let place: Vec<String> = match sample.bucket_by.strip_prefix('/') {
        Some(_) => segments(sample.bucket_by)
            .map_err(|_| invalid(String::new(), message!("malformed JSON Pointer ", quoted(sample.bucket_by))))?,
        None => alloc::vec![String::from(sample.bucket_by)],
    };
    let reached = |e: &Evaluation| e.reason == Reason::Split && e.rule_id == sample.rule;
    let gets = |e: &Evaluation| match sample.ramped {
        Some(name) => reached(e) && e.variation.map(|v| v.1) == Some(name),
        None => e.in_experiment,
    };
    let mut counts = SampleCounts::default();
    for i in 0..sample.size {
        let mut unit = String::from("sample-");
        unit.push_str(itoa::Buffer::new().format(i));
        let mut ctx = sample.base.clone();
        set(&mut ctx, &place, Json::from(unit));
        let ctx = Context::new(ctx);
        let (a, b) =
            (before.evaluate(sample.flag, &ctx, sample.now, None), after.evaluate(sample.flag, &ctx, sample.now, None));
        if !reached(&a) && !reached(&b) {
            continue;
        }
        counts.reached += 1;
        match (gets(&a), gets(&b)) {
            (false, true) => counts.added += 1,
            (true, false) => counts.removed += 1,
            _ if a.variation != b.variation => counts.other += 1,
            _ => {}
        }
    }
    Ok(counts)
}

/// Sets the member at `place` (names through nested objects), making objects on the way.
fn set<'a>(ctx: &mut Json<'a>, place: &[String], value: Json<'a>) {
    let Some((last, up)) = place.split_last() else { return };
    let mut here = ctx;
    for name in up {
        if !matches!(here.get(name), Some(Json::Object(_))) {
            here.set(name, Json::Object(Vec::new()));
        }
        match here.get_mut(name) {
            Some(next) => here = next,
            None => return,
        }
    }
    here.set(last, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::fixtures::{EXAMPLE, NOW};
    use crate::edit::Document;

    fn moved(flag: &str, rule: Option<&str>, weight: u32) -> (Snapshot, Snapshot, RampMove) {
        let before = Snapshot::parse(EXAMPLE).expect("the example");
        let mut doc = Document::parse(EXAMPLE).expect("the example");
        let m = doc.set_ramp(flag, rule, None, weight).expect("a ramp");
        let (_, after) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        (before, after, m)
    }

    #[test]
    fn raising_a_ramp_only_adds() {
        let (before, after, m) = moved("enhanced_metadata_context", None, 50_000);
        let base = Json::Object(Vec::new());
        let c =
            compare_sample(&before, &after, &Sample::of_move("enhanced_metadata_context", None, &m, &base, 2000, NOW))
                .expect("counts");
        assert_eq!((c.reached, c.removed, c.other), (2000, 0, 0));
        // Buckets in [10000, 50000): about 40 % (800 ± 5 standard errors of 22).
        assert!((690..=910).contains(&c.added), "{c:?}");
    }

    #[test]
    fn lowering_one_removes() {
        let (before, after, m) = moved("conversations_enabled", Some("paid-ramp"), 0);
        let base = Json::parse(r#"{"tier": "pro"}"#).expect("JSON");
        let sample = Sample::of_move("conversations_enabled", Some("paid-ramp"), &m, &base, 2000, NOW);
        let c = compare_sample(&before, &after, &sample).expect("counts");
        assert_eq!((c.reached, c.added, c.other), (2000, 0, 0));
        assert!((110..=290).contains(&c.removed), "{c:?}");
        // Without the tier, no sampled unit reaches the rule.
        let empty = Json::Object(Vec::new());
        let c = compare_sample(&before, &after, &Sample { base: &empty, ..sample }).expect("counts");
        assert_eq!(c, SampleCounts::default());
    }

    #[test]
    fn experiment_traffic_counts_enrolment() {
        let before = Snapshot::parse(EXAMPLE).expect("the example");
        let mut doc = Document::parse(EXAMPLE).expect("the example");
        let m = doc.set_ramp("checkout_experiment", None, None, 100_000).expect("traffic");
        let (_, after) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        let base = Json::Object(Vec::new());
        let c = compare_sample(&before, &after, &Sample::of_move("checkout_experiment", None, &m, &base, 1000, NOW))
            .expect("counts");
        assert_eq!((c.reached, c.removed), (1000, 0));
        assert!((400..=600).contains(&c.added), "{c:?}");
    }

    #[test]
    fn pointers_reach_nested_members() {
        let mut ctx = Json::parse(r#"{"org": 1}"#).expect("JSON");
        let place = segments("/org/a~1b").map_err(|_| ()).expect("a pointer");
        set(&mut ctx, &place, Json::from("x"));
        assert_eq!(ctx.to_text(), r#"{"org":{"a/b":"x"}}"#);
        let (before, after, m) = moved("enhanced_metadata_context", None, 50_000);
        let base = Json::Object(Vec::new());
        let bad = Sample { bucket_by: "/a~2", ..Sample::of_move("enhanced_metadata_context", None, &m, &base, 1, NOW) };
        assert_eq!(compare_sample(&before, &after, &bad).map_err(|e| e.path), Err(String::new()));
        let list = Json::Array(Vec::new());
        let bad = Sample { base: &list, ..bad };
        assert!(compare_sample(&before, &after, &bad).is_err());
    }
}

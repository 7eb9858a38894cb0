//! `edgeflag rollout`: move a ramp (or an experiment's traffic) to a new percentage, bump the
//! version, and measure on sampled users who changes — raising a ramp must only add users. The
//! change, the percentages and the sample are the core's (`edgeflag::edit`); this reads the
//! arguments and writes the report.

use crate::input::{format_time, json_arg, Source};
use edgeflag::edit::{compare_sample, percent, Document, RampKind, Sample};
use edgeflag::Json;
use std::fmt::Write;

pub struct Request<'a> {
    pub flag: &'a str,
    pub percent: &'a str,
    pub rule: Option<&'a str>,
    pub variation: Option<&'a str>,
    pub sample: u32,
    pub context: &'a str,
    pub now: i64,
}

/// The new snapshot text and a report of the sampled changes.
pub fn run(source: &Source, req: &Request) -> Result<(String, String), String> {
    let before = source.snapshot()?;
    if before.flag(req.flag).is_none() {
        return Err(format!("no flag {:?}", req.flag));
    }
    let weight = percent::parse(req.percent)
        .ok_or_else(|| format!("--percent {:?} must be a number from 0 to 100 with at most 3 decimals", req.percent))?;
    // A signed snapshot's contents: the snapshot written is unsigned (sign it again).
    let mut doc = Document::parse(source.contents()?).map_err(|e| e.to_string())?;
    let version = doc.version();
    let moved = doc.set_ramp(req.flag, req.rule, req.variation, weight).map_err(|e| e.to_string())?;
    let (_, after) = doc
        .finish(version.saturating_add(1), &format_time(req.now))
        .map_err(|e| format!("the changed snapshot does not load: {e}"))?;
    // Written for people to read and diff: the document pretty-printed.
    let text = serde_json::to_string_pretty(doc.json()).map_err(|e| e.to_string())?;

    let base = json_arg("--context", req.context)?;
    let sample = Sample::of_move(req.flag, req.rule, &moved, &base, req.sample, req.now);
    let counts = compare_sample(&before, &after, &sample).map_err(|e| match base {
        Json::Object(_) => e.to_string(),
        _ => "--context must be a JSON object".to_string(),
    })?;
    let (kind, ramped) = match (moved.kind, &moved.variation) {
        (RampKind::Ramp, Some(name)) => ("ramp", name.as_str()),
        _ => ("experiment traffic", "enrolled"),
    };
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{}: {kind} of {} at {} moved {}% → {}%; version {version} → {}",
        req.flag,
        if kind == "ramp" { format!("{ramped:?}") } else { "the experiment".into() },
        req.rule.map_or("the fallthrough".to_string(), |r| format!("rule {r:?}")),
        percent::format(moved.old_weight),
        percent::format(moved.new_weight),
        doc.version()
    );
    let _ =
        writeln!(report, "sampled {} users (varying {}); {} reached it", req.sample, moved.bucket_by, counts.reached);
    let _ = writeln!(report, "  + {} now get {ramped}", counts.added);
    let _ = writeln!(report, "  - {} no longer get {ramped}", counts.removed);
    let _ = writeln!(report, "  ~ {} changed otherwise", counts.other);
    let verdict = match (counts.reached, counts.removed + counts.other) {
        (0, _) => "n/a — no sampled user reached this rollout; pass --context with attributes its rule needs",
        (_, 0) => "yes",
        _ => "no",
    };
    let _ = write!(report, "only additions: {verdict}");
    Ok((text, report))
}

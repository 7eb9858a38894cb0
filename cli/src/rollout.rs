//! `edgeflag rollout`: move a ramp (or an experiment's traffic) to a new percentage, bump the
//! version, and measure on sampled users who changes — raising a ramp must only add users.

use crate::input::{format_time, json_arg, Source};
use edgeflag::{Context, Evaluation, Json, Reason, Snapshot};
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
    let flag = before.flag(req.flag).ok_or(format!("no flag {:?}", req.flag))?;
    let names: Vec<&str> = flag.variations().iter().map(|v| v.name()).collect();
    let weight = parse_percent(req.percent)?;
    // A signed snapshot's contents: the snapshot written is unsigned (sign it again).
    let mut doc = Json::parse(source.contents()?).map_err(|e| e.to_string())?;
    let version = doc.get("version").and_then(Json::as_integer).unwrap_or(0);

    let flag_doc = doc.get_mut("flags").and_then(|f| f.get_mut(req.flag)).ok_or("flag not found")?;
    let off = flag_doc.get("offVariation").and_then(|r| resolve(r, &names));
    let serve = match req.rule {
        None => flag_doc.get_mut("fallthrough"),
        Some(id) => match flag_doc.get_mut("rules") {
            Some(Json::Array(rules)) => rules.iter_mut().find(|r| r.get("id").and_then(Json::as_str) == Some(id)),
            _ => None,
        }
        .and_then(|r| r.get_mut("serve")),
    }
    .ok_or(format!("no rule {:?} in {}", req.rule.unwrap_or("fallthrough"), req.flag))?;

    let (kind, ramped, old_weight, bucket_by) = if let Some(rollout) = serve.get_mut("rollout") {
        // Percentages are of edgeflag-v1's 100000 buckets; a peer's scheme counts its own.
        if let Some(name) = rollout.get("scheme").map(|s| s.get("name").and_then(Json::as_str).unwrap_or("?")) {
            return Err(format!("this rollout buckets by the scheme {name:?}: set its weights in the snapshot"));
        }
        let bucket_by = rollout.get("bucketBy").and_then(Json::as_str).unwrap_or("key").to_string();
        let Some(Json::Array(entries)) = rollout.get_mut("variations") else { return Err("malformed rollout".into()) };
        if entries.len() != 2 {
            return Err(format!(
                "the rollout has {} variations; only two-way ramps can be moved by percentage",
                entries.len()
            ));
        }
        let refs: Vec<Option<usize>> =
            entries.iter().map(|e| e.get("variation").and_then(|r| resolve(r, &names))).collect();
        let ramped = match req.variation {
            Some(v) => refs
                .iter()
                .position(|r| r.map(|i| names[i]) == Some(v))
                .ok_or(format!("{v:?} is not in this rollout"))?,
            None => match refs.iter().filter(|r| **r != off).count() {
                1 => refs.iter().position(|r| *r != off).unwrap_or(0),
                _ => return Err("say which variation is ramped with --variation".into()),
            },
        };
        let old = entries[ramped].get("weight").and_then(Json::as_integer).unwrap_or(0);
        entries[ramped].set("weight", Json::Number(weight as f64));
        entries[1 - ramped].set("weight", Json::Number((100_000 - weight) as f64));
        let name = refs[ramped].map_or("?", |i| names[i]).to_string();
        ("ramp", name, old, bucket_by)
    } else if let Some(experiment) = serve.get_mut("experiment") {
        let bucket_by = experiment.get("bucketBy").and_then(Json::as_str).unwrap_or("key").to_string();
        let old = experiment.get("traffic").and_then(Json::as_integer).unwrap_or(0);
        experiment.set("traffic", Json::Number(weight as f64));
        ("experiment traffic", "enrolled".to_string(), old, bucket_by)
    } else {
        return Err("that serves a fixed variation: there is no ramp to move".into());
    };

    doc.set("version", Json::Number((version + 1) as f64));
    doc.set("generatedAt", Json::from(format_time(req.now)));
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    let after = Snapshot::parse(&text).map_err(|e| format!("the changed snapshot does not load: {e}"))?;

    let base = json_arg("--context", req.context)?;
    let counts = sample(&before, &after, req, &bucket_by, &base, (kind == "ramp").then_some(ramped.as_str()))?;
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{}: {kind} of {} at {} moved {} → {}; version {version} → {}",
        req.flag,
        if kind == "ramp" { format!("{ramped:?}") } else { "the experiment".into() },
        req.rule.map_or("the fallthrough".to_string(), |r| format!("rule {r:?}")),
        percent(old_weight),
        percent(weight),
        version + 1
    );
    let _ = writeln!(report, "sampled {} users (varying {bucket_by}); {} reached it", req.sample, counts.reached);
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

#[derive(Default)]
struct Counts {
    reached: u32,
    added: u32,
    removed: u32,
    other: u32,
}

/// Evaluates the flag on both snapshots for sampled users who differ only in `bucket_by`.
/// `ramped` names the ramped variation; `None` means an experiment (enrolment is what moves).
fn sample(
    before: &Snapshot,
    after: &Snapshot,
    req: &Request,
    bucket_by: &str,
    base: &Json,
    ramped: Option<&str>,
) -> Result<Counts, String> {
    if !matches!(base, Json::Object(_)) {
        return Err("--context must be a JSON object".into());
    }
    let reached = |e: &Evaluation| e.reason == Reason::Split && e.rule_id == req.rule;
    let gets = |e: &Evaluation| match ramped {
        Some(name) => reached(e) && e.variation.map(|v| v.1) == Some(name),
        None => e.in_experiment,
    };
    let mut counts = Counts::default();
    for i in 0..req.sample {
        let mut ctx = base.clone();
        set_path(&mut ctx, bucket_by, Json::from(format!("sample-{i}")));
        let ctx = Context::new(ctx);
        let (a, b) = (before.evaluate(req.flag, &ctx, req.now, None), after.evaluate(req.flag, &ctx, req.now, None));
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

/// Sets an attribute: a plain name at the top level, a JSON Pointer through nested objects.
fn set_path<'a>(ctx: &mut Json<'a>, attribute: &str, value: Json<'a>) {
    let Some(pointer) = attribute.strip_prefix('/') else {
        ctx.set(attribute, value);
        return;
    };
    let segments: Vec<String> = pointer.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
    let mut here = ctx;
    for (i, segment) in segments.iter().enumerate() {
        if i + 1 == segments.len() {
            here.set(segment, value);
            return;
        }
        if !matches!(here.get(segment), Some(Json::Object(_))) {
            here.set(segment, Json::Object(Vec::new()));
        }
        match here.get_mut(segment) {
            Some(next) => here = next,
            None => return,
        }
    }
}

/// `"12.5"` → 12500 (out of 100000), without floating point.
fn parse_percent(s: &str) -> Result<i64, String> {
    let bad = || format!("--percent {s:?} must be a number from 0 to 100 with at most 3 decimals");
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.len() <= 3 && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !frac.is_none_or(digits) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{:0<3}", frac.unwrap_or("")).parse().map_err(|_| bad())?;
    let weight = whole * 1000 + frac;
    if weight > 100_000 {
        return Err(bad());
    }
    Ok(weight)
}

fn percent(weight: i64) -> String {
    let (whole, frac) = (weight / 1000, weight % 1000);
    match frac {
        0 => format!("{whole}%"),
        _ => format!("{whole}.{}%", format!("{frac:03}").trim_end_matches('0')),
    }
}

/// A variation reference (name or index) as an index into `names`.
fn resolve(r: &Json, names: &[&str]) -> Option<usize> {
    match r {
        Json::String(s) => names.iter().position(|n| n == s),
        other => other.as_integer().and_then(|i| usize::try_from(i).ok()).filter(|&i| i < names.len()),
    }
}

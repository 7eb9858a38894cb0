//! `edgeflag demo`: the embedded example snapshot evaluated for a few people, its ramps measured
//! on sampled users, a ramp raised and a kill switch thrown — all by changing the snapshot.

use crate::input::{format_time, EXAMPLE};
use edgeflag::{Context, Engine, Evaluation, Json, Snapshot};

const PEAK: &str = "2026-11-24T14:00:00Z"; // a Tuesday afternoon
const OFF_PEAK: &str = "2026-11-24T23:30:00Z";
const SAMPLE: u32 = 10_000;

const PEOPLE: &[(&str, &str)] = &[
    (
        "alice — staff, enterprise",
        r#"{"key":"u-ops-1","email":"alice@example.com","tier":"enterprise","beta":true,"accountId":"acme","app_version":"2.10.0"}"#,
    ),
    (
        "bob — pro tier, beta opt-in",
        r#"{"key":"user-1042","tier":"pro","beta_opt_in":true,"accountId":"globex","app_version":"2.3.1"}"#,
    ),
    ("carol — free tier, old app", r#"{"key":"user-77","tier":"free","accountId":"initech","app_version":"2.2.9"}"#),
    ("dana — test user", r#"{"key":"test-user-1","tier":"pro","accountId":4711}"#),
    ("eve — disabled user", r#"{"key":"disabled-user-1","tier":"enterprise"}"#),
];

pub fn run() -> Result<(), String> {
    let mut engine = Engine::new();
    engine.update_str(EXAMPLE).map_err(|e| format!("embedded example: {e}"))?;
    let snapshot = engine.snapshot().ok_or("no snapshot")?;
    let peak = edgeflag::parse_timestamp(PEAK).ok_or("bad time")?;
    let off_peak = edgeflag::parse_timestamp(OFF_PEAK).ok_or("bad time")?;
    say!(
        "edgeflag demo: the embedded example snapshot (version {}, {} flags, {} segments), evaluated at {}",
        snapshot.version(),
        snapshot.flags().len(),
        snapshot.segment_count(),
        format_time(peak)
    );

    for (who, context) in PEOPLE {
        let ctx = Context::parse(context);
        say!("\n{who}\n  {context}");
        for (key, e) in snapshot.evaluate_all(&ctx, peak) {
            say!("  {key:<27} {:<44} {}", value(&e), why(&e));
        }
    }
    let late = snapshot.evaluate("retry_logic", &Context::parse(PEOPLE[1].1), off_peak, None);
    say!("\nbob at {} (off-peak): retry_logic {} {}", format_time(off_peak), value(&late), why(&late));

    say!("\nRamps on {SAMPLE} sampled users (tiers, beta flags and accounts spread evenly), off-peak:");
    for flag in
        ["conversations_enabled", "enhanced_metadata_context", "ai_search", "retry_logic", "checkout_experiment"]
    {
        say!("  {flag:<27} {}", split(snapshot, flag, off_peak));
    }

    // Raise a ramp and throw a kill switch by publishing new snapshots: no code change, no deploy.
    let flag = "enhanced_metadata_context";
    let before = on_keys(snapshot, flag, off_peak);
    let mut doc = Json::parse(EXAMPLE).map_err(|e| e.to_string())?;
    set_ramp(&mut doc, flag, 50_000);
    publish(&mut engine, &mut doc)?;
    let after = on_keys(engine.snapshot().ok_or("no snapshot")?, flag, off_peak);
    let kept = before.iter().filter(|k| after.contains(k)).count();
    say!(
        "\nRaising {flag} from 10% to 50% (version {}): {} → {} users on; all {} who had it kept it, {} lost it",
        engine.snapshot().map_or(0, Snapshot::version),
        before.len(),
        after.len(),
        kept,
        before.len() - kept
    );
    if let Some(f) = doc.get_mut("flags").and_then(|f| f.get_mut(flag)) {
        f.set("on", Json::Bool(false));
    }
    publish(&mut engine, &mut doc)?;
    let killed = on_keys(engine.snapshot().ok_or("no snapshot")?, flag, off_peak);
    say!(
        "Kill switch (on: false, version {}): {} users on — rolled back by the snapshot alone",
        engine.snapshot().map_or(0, Snapshot::version),
        killed.len()
    );
    let stale = engine.update_str(EXAMPLE);
    say!(
        "Offering the old version 7 again: {} — still serving version {}",
        stale.err().map_or("accepted?!".into(), |e| e.to_string()),
        engine.snapshot().map_or(0, Snapshot::version)
    );
    say!("\nTry: edgeflag explain --flag retry_logic --context '{}' --now {OFF_PEAK}", PEOPLE[1].1);
    Ok(())
}

fn value(e: &Evaluation) -> String {
    e.value.map_or_else(|| "(default)".into(), Json::to_text)
}

fn why(e: &Evaluation) -> String {
    let mut s = e.reason.name().to_string();
    if let Some(r) = e.rule_id {
        s += &format!(" rule {r}");
    }
    if let Some(p) = e.prerequisite_failed {
        s += &format!(" (needs {p})");
    }
    if let Some(b) = e.bucket {
        s += &format!(" bucket {b}");
    }
    if e.in_experiment {
        s += " in experiment";
    }
    if let Some(err) = &e.error {
        s += &format!(" {}", err.code.name());
    }
    s
}

fn sample_context(i: u32) -> Context<'static> {
    let tier = ["free", "pro", "enterprise"][(i % 3) as usize];
    let ctx =
        format!(r#"{{"key":"sample-{i}","tier":"{tier}","beta":{},"accountId":"account-{}"}}"#, i % 5 == 0, i % 400);
    Context::parse(&ctx).into_owned()
}

/// How the sample splits across a flag's variations.
fn split(snapshot: &Snapshot, flag: &str, now: i64) -> String {
    let mut counts: Vec<(String, u32)> = Vec::new();
    for i in 0..SAMPLE {
        let e = snapshot.evaluate(flag, &sample_context(i), now, None);
        let name = e.variation.map_or("(default)", |v| v.1).to_string();
        match counts.iter_mut().find(|(n, _)| *n == name) {
            Some(c) => c.1 += 1,
            None => counts.push((name, 1)),
        }
    }
    counts.sort();
    let parts: Vec<String> =
        counts.iter().map(|(n, c)| format!("{n} {:.1}%", f64::from(*c) * 100.0 / f64::from(SAMPLE))).collect();
    parts.join(", ")
}

fn on_keys(snapshot: &Snapshot, flag: &str, now: i64) -> Vec<u32> {
    (0..SAMPLE)
        .filter(|&i| snapshot.evaluate(flag, &sample_context(i), now, None).value == Some(&Json::Bool(true)))
        .collect()
}

fn set_ramp(doc: &mut Json, flag: &str, on_weight: u32) {
    let rollout = doc
        .get_mut("flags")
        .and_then(|f| f.get_mut(flag))
        .and_then(|f| f.get_mut("fallthrough"))
        .and_then(|f| f.get_mut("rollout"));
    if let Some(Json::Array(entries)) = rollout.and_then(|r| r.get_mut("variations")) {
        for e in entries {
            let w =
                if e.get("variation").and_then(Json::as_str) == Some("on") { on_weight } else { 100_000 - on_weight };
            e.set("weight", Json::Number(f64::from(w)));
        }
    }
}

fn publish(engine: &mut Engine, doc: &mut Json) -> Result<(), String> {
    let version = doc.get("version").and_then(Json::as_integer).unwrap_or(0);
    doc.set("version", Json::Number((version + 1) as f64));
    engine.update_json(doc).map(|_| ()).map_err(|e| e.to_string())
}

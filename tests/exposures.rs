//! The exposure recorder (docs/exposures.md): deduplication, summaries, the bounded queue and
//! what it reports, batch sizes, the salted key hash and attributes. Batches are read back as
//! JSON and counted.

use edgeflag::{Context, ExposureConfig, Recorder, Snapshot};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const T0: i64 = 1_795_000_000_000;

fn snapshot(version: u64) -> Snapshot {
    Snapshot::parse(&format!(
        r#"{{"version": {version}, "generatedAt": "2026-11-20T09:30:00Z", "flags": {{
  "ramp": {{ "on": true, "variations": [{{"name": "off", "value": false}}, {{"name": "on", "value": true}}],
             "fallthrough": {{"rollout": {{"variations": [{{"variation": "on", "weight": 50000}}, {{"variation": "off", "weight": 50000}}]}}}} }},
  "pro": {{ "on": true, "variations": [{{"name": "off", "value": false}}, {{"name": "on", "value": true}}],
            "rules": [{{"id": "pro-tier", "clauses": [{{"attribute": "tier", "op": "in", "values": ["pro"]}}], "serve": {{"variation": "on"}}}}],
            "fallthrough": {{"variation": "off"}} }},
  "quiet": {{ "on": true, "trackEvents": false, "variations": [{{"name": "a", "value": "a"}}], "fallthrough": {{"variation": "a"}} }},
  "killed": {{ "on": false, "variations": [{{"name": "a", "value": "a"}}], "fallthrough": {{"variation": "a"}} }}
}} }}"#
    ))
    .unwrap()
}

fn recorder(f: impl FnOnce(&mut ExposureConfig)) -> Recorder {
    let mut c = ExposureConfig::new("test-source");
    f(&mut c);
    Recorder::new(c).unwrap()
}

/// Takes every batch, parsed.
fn drain(r: &mut Recorder, now: i64, max_bytes: usize) -> Vec<Value> {
    std::iter::from_fn(|| r.take_batch(now, max_bytes)).map(|t| serde_json::from_str(&t).unwrap()).collect()
}

fn exposures(batches: &[Value]) -> Vec<&Value> {
    batches.iter().flat_map(|b| b["exposures"].as_array().unwrap()).collect()
}

/// (flag, version, variation index) → (count, errors).
type Counts = BTreeMap<(String, Option<u64>, Option<u64>), (u64, u64)>;

fn counts(batches: &[Value]) -> Counts {
    let mut out = BTreeMap::new();
    for s in batches.iter().flat_map(|b| b["summaries"].as_array().unwrap()) {
        let k = (s["flagKey"].as_str().unwrap().to_string(), s["version"].as_u64(), s["variationIndex"].as_u64());
        let e = out.entry(k).or_insert((0, 0));
        e.0 += s["count"].as_u64().unwrap();
        e.1 += s["errors"].as_u64().unwrap();
    }
    out
}

#[test]
fn one_exposure_per_user_flag_and_variation_within_the_window_and_every_evaluation_counted() {
    let s = snapshot(7);
    let mut r = recorder(|c| c.dedupe_window_ms = 60_000);
    let mut expected = BTreeSet::new();
    let mut evaluations = 0;
    for round in 0..5 {
        for u in 0..40 {
            let text = format!(r#"{{"key": "user-{u}", "tier": "{}"}}"#, ["free", "pro"][u % 2]);
            let ctx = Context::parse(&text);
            let who = r.subject(&ctx);
            for flag in ["ramp", "pro", "quiet", "killed", "missing"] {
                let e = r.evaluate(Some(&s), flag, &ctx, &who, T0 + round * 1000, None);
                evaluations += 1;
                if let (Some((i, _)), true) = (e.variation, flag != "quiet") {
                    expected.insert((format!("user-{u}"), flag.to_string(), i as u64));
                }
            }
        }
    }
    let batches = drain(&mut r, T0 + 10_000, 60_000);
    let got: Vec<_> = exposures(&batches)
        .iter()
        .map(|x| {
            (
                x["key"].as_str().unwrap().to_string(),
                x["flagKey"].as_str().unwrap().to_string(),
                x["variationIndex"].as_u64().unwrap(),
            )
        })
        .collect();
    let unique: BTreeSet<_> = got.iter().cloned().collect();
    assert_eq!(got.len(), unique.len(), "no duplicates");
    assert_eq!(unique, expected, "exactly the first exposure of each triple");
    assert_eq!(got.len(), 40 * 2, "ramp and pro for 40 users; killed serves the caller's default: none");
    let c = counts(&batches);
    assert_eq!(c.values().map(|v| v.0).sum::<u64>(), evaluations);
    assert_eq!(c[&("quiet".into(), Some(7), Some(0))], (200, 0), "trackEvents false: counted, not exposed");
    assert_eq!(c[&("missing".into(), Some(7), None)], (200, 200), "unknown flags count as errors");
    assert_eq!(c[&("pro".into(), Some(7), Some(1))].0, 100);
    // A window after the one produced (rounds after it were duplicates), it is produced again.
    let ctx = Context::parse(r#"{"key": "user-0", "tier": "free"}"#);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "pro", &ctx, &who, T0 + 59_999, None);
    assert_eq!(r.pending(), 0);
    r.evaluate(Some(&s), "pro", &ctx, &who, T0 + 60_000, None);
    assert_eq!(r.pending(), 1);
}

#[test]
fn first_exposure_of_a_flag_after_the_variation_changes() {
    let s = snapshot(1);
    let mut r = recorder(|_| {});
    let free = Context::parse(r#"{"key": "u", "tier": "free"}"#);
    let pro = Context::parse(r#"{"key": "u", "tier": "pro"}"#);
    for ctx in [&free, &pro, &free, &pro] {
        let who = r.subject(ctx);
        r.evaluate(Some(&s), "pro", ctx, &who, T0, None);
    }
    let b = drain(&mut r, T0, 60_000);
    let x = exposures(&b);
    assert_eq!(x.len(), 2, "off once, on once");
    assert_eq!(x[1]["reason"], "TARGETING_MATCH");
    assert_eq!(x[1]["ruleId"], "pro-tier");
}

#[test]
fn contexts_without_a_key_are_not_deduplicated() {
    let s = snapshot(1);
    let mut r = recorder(|_| {});
    let ctx = Context::parse(r#"{"tier": "pro"}"#);
    let who = r.subject(&ctx);
    for _ in 0..3 {
        r.evaluate(Some(&s), "pro", &ctx, &who, T0, None);
    }
    let b = drain(&mut r, T0, 60_000);
    assert_eq!(exposures(&b).len(), 3);
    assert!(exposures(&b).iter().all(|x| x.get("key").is_none() && x.get("keyHash").is_none()));
}

#[test]
fn a_full_queue_drops_and_the_next_batch_says_how_many() {
    let s = snapshot(1);
    let mut r = recorder(|c| c.queue_capacity = 100);
    let mut produced = 0;
    for u in 0..1000 {
        let text = format!(r#"{{"key": "burst-{u}"}}"#);
        let ctx = Context::parse(&text);
        let who = r.subject(&ctx);
        r.evaluate(Some(&s), "ramp", &ctx, &who, T0, None);
        produced += 1;
    }
    assert_eq!(r.pending(), 100);
    let b = drain(&mut r, T0, 60_000);
    let dropped: u64 = b.iter().map(|b| b["dropped"].as_u64().unwrap()).sum();
    assert_eq!(exposures(&b).len() as u64 + dropped, produced);
    assert_eq!(dropped, 900);
    // Dropped ones count as produced: not produced again within the window.
    let ctx = Context::parse(r#"{"key": "burst-999"}"#);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "ramp", &ctx, &who, T0 + 1, None);
    assert_eq!(r.pending(), 0);
    // Reported losses are added to the next batch.
    r.lost(7);
    let b = drain(&mut r, T0 + 2, 60_000);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0]["dropped"], 7);
    assert!(r.take_batch(T0 + 3, 60_000).is_none(), "nothing left: no batch");
}

#[test]
fn batches_stay_within_max_bytes_and_deliver_everything_once_in_sequence() {
    let s = snapshot(3);
    let mut r = recorder(|c| c.queue_capacity = 10_000);
    for u in 0..2000 {
        let text = format!(r#"{{"key": "user-{u}", "tier": "pro"}}"#);
        let ctx = Context::parse(&text);
        let who = r.subject(&ctx);
        for flag in ["ramp", "pro"] {
            r.evaluate(Some(&s), flag, &ctx, &who, T0 + u, None);
        }
    }
    let texts: Vec<String> = std::iter::from_fn(|| r.take_batch(T0 + 5000, 16_384)).collect();
    assert!(texts.len() > 10);
    for t in &texts {
        assert!(t.len() <= 16_384, "{} bytes", t.len());
    }
    let batches: Vec<Value> = texts.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
    let seqs: Vec<u64> = batches.iter().map(|b| b["sequence"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=texts.len() as u64).collect::<Vec<_>>());
    assert!(batches.iter().all(|b| b["source"] == "test-source" && b["sentAt"] == T0 + 5000));
    let x = exposures(&batches);
    assert_eq!(x.len(), 4000);
    let unique: BTreeSet<_> = x.iter().map(|x| (x["key"].to_string(), x["flagKey"].to_string())).collect();
    assert_eq!(unique.len(), 4000);
    assert_eq!(counts(&batches).values().map(|v| v.0).sum::<u64>(), 4000);
    // A single item larger than the limit still goes, alone.
    let mut r = recorder(|_| {});
    let text = format!(r#"{{"key": "{}"}}"#, "k".repeat(500));
    let ctx = Context::parse(&text);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "ramp", &ctx, &who, T0, None);
    let b = drain(&mut r, T0, 100);
    assert_eq!(exposures(&b).len(), 1);
}

#[test]
fn summaries_split_by_version() {
    let (v1, v2) = (snapshot(1), snapshot(2));
    let mut r = recorder(|_| {});
    let ctx = Context::parse(r#"{"key": "u", "tier": "pro"}"#);
    let who = r.subject(&ctx);
    for s in [&v1, &v1, &v2] {
        r.evaluate(Some(s), "pro", &ctx, &who, T0, None);
    }
    r.evaluate(None, "pro", &ctx, &who, T0, None);
    let c = counts(&drain(&mut r, T0, 60_000));
    assert_eq!(c[&("pro".into(), Some(1), Some(1))], (2, 0));
    assert_eq!(c[&("pro".into(), Some(2), Some(1))], (1, 0));
    assert_eq!(c[&("pro".into(), None, None)], (1, 1), "no snapshot: an error with no version");
}

#[test]
fn summary_capacity_bounds_entries_and_reports_the_rest() {
    let s = snapshot(1);
    let mut r = recorder(|c| c.summary_capacity = 5);
    let ctx = Context::parse(r#"{"key": "u"}"#);
    let who = r.subject(&ctx);
    // "ramp" takes three entries (two variations and none), "pro" would take three more.
    r.evaluate(Some(&s), "ramp", &ctx, &who, T0, None);
    r.evaluate(Some(&s), "pro", &ctx, &who, T0, None);
    r.evaluate(Some(&s), "pro", &ctx, &who, T0, None);
    let b = drain(&mut r, T0, 60_000);
    assert_eq!(b[0]["unsummarized"], 2);
    assert_eq!(counts(&b).values().map(|v| v.0).sum::<u64>(), 1);
}

#[test]
fn salted_key_hash_replaces_the_key() {
    let s = snapshot(1);
    let mut r = recorder(|c| c.key_salt = Some("pepper".into()));
    let ctx = Context::parse(r#"{"key": "alice@example.com"}"#);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "ramp", &ctx, &who, T0, None);
    let text = r.take_batch(T0, 60_000).unwrap();
    assert!(!text.contains("alice"), "{text}");
    let b: Value = serde_json::from_str(&text).unwrap();
    let expected = xxhash_rust::xxh64::xxh64("pepper\u{1f}alice@example.com".as_bytes(), 0);
    assert_eq!(b["exposures"][0]["keyHash"], format!("{expected:016x}"));
}

#[test]
fn only_configured_scalar_attributes_are_copied() {
    let s = snapshot(1);
    let mut r = recorder(|c| {
        c.attributes = vec!["tier".into(), "/geo/country".into(), "tags".into(), "bio".into(), "absent".into()]
    });
    let bio = "x".repeat(edgeflag::MAX_ATTRIBUTE_BYTES + 1);
    let text = format!(
        r#"{{"key": "u", "tier": "pro", "geo": {{"country": "NZ"}}, "tags": ["a"], "bio": "{bio}", "email": "u@example.com"}}"#
    );
    let ctx = Context::parse(&text);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "ramp", &ctx, &who, T0, None);
    let b: Value = serde_json::from_str(&r.take_batch(T0, 60_000).unwrap()).unwrap();
    assert_eq!(b["exposures"][0]["attributes"], serde_json::json!({"tier": "pro", "/geo/country": "NZ"}));
}

#[test]
fn refused_configurations_name_the_setting() {
    let bad = |f: fn(&mut ExposureConfig)| {
        let mut c = ExposureConfig::new("s");
        f(&mut c);
        Recorder::new(c).err().map(|e| e.setting)
    };
    assert_eq!(bad(|c| c.source.clear()).as_deref(), Some("source"));
    assert_eq!(bad(|c| c.queue_capacity = 0).as_deref(), Some("queueCapacity"));
    assert_eq!(bad(|c| c.dedupe_capacity = edgeflag::MAX_CAPACITY + 1).as_deref(), Some("dedupeCapacity"));
    assert_eq!(bad(|c| c.dedupe_capacity = edgeflag::MAX_CAPACITY), None);
    assert_eq!(bad(|c| c.dedupe_window_ms = -1).as_deref(), Some("dedupeWindowMs"));
    assert_eq!(bad(|c| c.key_salt = Some("a\u{1f}b".into())).as_deref(), Some("keySalt"));
    assert_eq!(bad(|c| c.attributes = vec!["ok".into(), "/bad~2".into()]).as_deref(), Some("attributes[1]"));
    assert_eq!(bad(|_| {}), None);
}

//! Evaluation and load benchmarks (`cargo bench`). Each benchmark first asserts the result it
//! times, so a fast wrong answer cannot pass unnoticed.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use edgeflag::{Context, ExposureConfig, Json, Reason, Recorder, Snapshot};

const NOW: i64 = 1_795_000_000_000;

const SHAPES: &str = r#"{
  "version": 1, "generatedAt": "2026-11-20T00:00:00Z",
  "segments": { "internal": { "included": ["u-ops-1", "u-ops-2"] } },
  "flags": {
    "off": { "on": false, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
             "offVariation": "off", "fallthrough": { "variation": "on" } },
    "one_clause": { "on": true, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
      "rules": [ { "id": "paid", "clauses": [ {"attribute": "tier", "op": "in", "values": ["pro", "enterprise"]} ],
                   "serve": { "variation": "on" } } ],
      "fallthrough": { "variation": "off" } },
    "rule_rollout": { "on": true, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
      "rules": [ { "id": "paid", "clauses": [ {"attribute": "tier", "op": "in", "values": ["pro", "enterprise"]} ],
                   "serve": { "rollout": { "variations": [ {"variation": "on", "weight": 10000}, {"variation": "off", "weight": 90000} ] } } } ],
      "fallthrough": { "variation": "off" } },
    "rollout_flagd": { "on": true, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
      "rules": [ { "id": "paid", "clauses": [ {"attribute": "tier", "op": "in", "values": ["pro", "enterprise"]} ],
                   "serve": { "rollout": { "scheme": { "name": "flagd-v2", "prefix": "rollout_flagd" },
                     "variations": [ {"variation": "on", "weight": 10}, {"variation": "off", "weight": 90} ] } } } ],
      "fallthrough": { "variation": "off" } },
    "rollout_unleash": { "on": true, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
      "rules": [ { "id": "paid", "clauses": [ {"attribute": "tier", "op": "in", "values": ["pro", "enterprise"]} ],
                   "serve": { "rollout": { "scheme": { "name": "unleash", "groupId": "rollout_unleash" },
                     "variations": [ {"variation": "on", "weight": 10}, {"variation": "off", "weight": 90} ] } } } ],
      "fallthrough": { "variation": "off" } },
    "rollout_growthbook": { "on": true, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
      "rules": [ { "id": "paid", "clauses": [ {"attribute": "tier", "op": "in", "values": ["pro", "enterprise"]} ],
                   "serve": { "rollout": { "scheme": { "name": "growthbook-v1", "seed": "rollout_growthbook" },
                     "variations": [ {"variation": "on", "weight": 100}, {"variation": "off", "weight": 900} ] } } } ],
      "fallthrough": { "variation": "off" } },
    "ten_clauses": { "on": true, "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
      "rules": [ { "id": "all", "clauses": [
          {"attribute": "tier", "op": "in", "values": ["pro", "enterprise"]},
          {"attribute": "country", "op": "notIn", "values": ["CN", "RU"]},
          {"attribute": "email", "op": "endsWith", "values": ["@example.com"]},
          {"attribute": "email", "op": "startsWith", "values": ["alice"]},
          {"attribute": "plan", "op": "contains", "values": ["team"]},
          {"attribute": "seats", "op": "gte", "values": [5]},
          {"attribute": "seats", "op": "lt", "values": [500]},
          {"attribute": "app_version", "op": "semverGte", "values": ["2.3.0"]},
          {"attribute": "signup", "op": "before", "values": ["2026-01-01T00:00:00Z"]},
          {"attribute": "beta", "op": "exists"} ],
        "serve": { "variation": "on" } } ],
      "fallthrough": { "variation": "off" } }
  }
}"#;

const CONTEXT: &str = r#"{"key": "user-12345", "tier": "pro", "country": "GB", "email": "alice@example.com",
  "plan": "team-annual", "seats": 40, "app_version": "2.10.1", "signup": "2025-03-01T10:00:00Z", "beta": true}"#;

fn evaluation(c: &mut Criterion) {
    let snapshot = Snapshot::parse(SHAPES).expect("benchmark snapshot loads");
    let ctx = Context::parse(CONTEXT);
    let expect = [
        ("off", Reason::Disabled, false),
        ("one_clause", Reason::TargetingMatch, true),
        ("rule_rollout", Reason::Split, false),
        ("ten_clauses", Reason::TargetingMatch, true),
    ];
    for (flag, reason, value) in expect {
        let e = snapshot.evaluate(flag, &ctx, NOW, None);
        assert_eq!((e.reason, e.value), (reason, Some(&Json::Bool(value))), "{flag}");
        c.bench_function(&format!("evaluate/{flag}"), |b| {
            b.iter(|| snapshot.evaluate(black_box(flag), black_box(&ctx), NOW, None))
        });
    }
    // The same rule serving a 10 % rollout by each peer's scheme (docs/bucketing.md §8). The
    // buckets are what the peers' own code gives `user-12345` (tests/js/peer-buckets.mjs).
    for (flag, bucket, value) in
        [("rollout_flagd", 76, false), ("rollout_unleash", 54, false), ("rollout_growthbook", 32, true)]
    {
        let e = snapshot.evaluate(flag, &ctx, NOW, None);
        assert_eq!((e.reason, e.bucket, e.value), (Reason::Split, Some(bucket), Some(&Json::Bool(value))), "{flag}");
        c.bench_function(&format!("evaluate/{flag}"), |b| {
            b.iter(|| snapshot.evaluate(black_box(flag), black_box(&ctx), NOW, None))
        });
    }
    c.bench_function("context/parse", |b| b.iter(|| Context::parse(black_box(CONTEXT))));
}

fn evaluate_all(c: &mut Criterion) {
    let example = Snapshot::parse(include_str!("../examples/snapshot.json")).expect("example loads");
    let ctx = Context::parse(
        r#"{"key":"user-1042","tier":"pro","beta_opt_in":true,"accountId":"globex","app_version":"2.3.1"}"#,
    );
    let all = example.evaluate_all(&ctx, NOW);
    assert_eq!(all.len(), example.flags().len());
    assert!(all.iter().all(|(k, e)| *e == example.evaluate(k, &ctx, NOW, None)));
    c.bench_function("evaluate_all/example (10 flags)", |b| b.iter(|| example.evaluate_all(black_box(&ctx), NOW)));

    let text = edgeflag::synthetic::snapshot(1000, 1);
    let big = Snapshot::parse(&text).expect("generated snapshot loads");
    let ctx = Context::parse(CONTEXT);
    let all = big.evaluate_all(&ctx, NOW);
    assert_eq!(all.len(), 1000);
    assert!(all.iter().all(|(_, e)| e.error.is_none()));
    c.bench_function("evaluate_all/generated (1000 flags)", |b| b.iter(|| big.evaluate_all(black_box(&ctx), NOW)));

    // A flag found by key among 1,000 (the lookup every by-key evaluation makes): the index's
    // share of an evaluation where there are many flags.
    let key = big.flags()[617].key().to_string();
    assert_eq!(big.evaluate(&key, &ctx, NOW, None), all[617].1);
    c.bench_function("evaluate/by key among 1000 flags", |b| {
        b.iter(|| big.evaluate(black_box(&key), black_box(&ctx), NOW, None))
    });
}

fn load(c: &mut Criterion) {
    let text = edgeflag::synthetic::snapshot(1000, 1);
    assert_eq!(Snapshot::parse(&text).expect("loads").flags().len(), 1000);
    println!("generated 1000-flag snapshot: {} bytes", text.len());
    let mut group = c.benchmark_group("load");
    group.sample_size(50);
    group.bench_function("1000 flags from JSON text", |b| b.iter(|| Snapshot::parse(black_box(&text))));
    let json = Json::parse(&text).expect("valid JSON");
    group.bench_function("1000 flags from a parsed Json value", |b| b.iter(|| Snapshot::from_json(black_box(&json))));
    group.bench_function("1000 flags: JSON text to Json only", |b| b.iter(|| Json::parse(black_box(&text))));
    // The compiled form (docs/compiled.md): decoded, checked, with no JSON parsed.
    let compiled = Snapshot::parse(&text).expect("loads").to_compiled(text.as_bytes());
    assert_eq!(Snapshot::from_compiled(&compiled).map(|s| s.flags().len()).ok(), Some(1000));
    group.bench_function("1000 flags from the compiled form", |b| {
        b.iter(|| Snapshot::from_compiled(black_box(&compiled)))
    });
    group.finish();
}

/// What recording adds to an evaluation (docs/exposures.md): a repeat the window suppresses, a
/// new exposure rendered and taken in batches, and preparing a context.
fn exposures(c: &mut Criterion) {
    let snapshot = Snapshot::parse(SHAPES).expect("benchmark snapshot loads");
    let ctx = Context::parse(CONTEXT);
    let index = snapshot.index_of("rule_rollout").expect("flag");
    let e = snapshot.evaluate_at(index, &ctx, NOW, None);
    let mut recorder = Recorder::new(ExposureConfig::new("bench")).expect("config");
    let who = recorder.subject(&ctx);
    recorder.record(&who, &snapshot, index, &e, NOW);
    assert_eq!(recorder.pending(), 1);
    c.bench_function("exposures/repeat (deduplicated)", |b| {
        b.iter(|| recorder.record(black_box(&who), &snapshot, index, black_box(&e), NOW))
    });
    assert_eq!(recorder.pending(), 1, "repeats are not exposures");

    let mut config = ExposureConfig::new("bench");
    config.dedupe_window_ms = 0;
    let mut recorder = Recorder::new(config).expect("config");
    c.bench_function("exposures/new, rendered and batched", |b| {
        b.iter(|| {
            recorder.record(black_box(&who), &snapshot, index, black_box(&e), NOW);
            if recorder.pending() >= 500 {
                black_box(recorder.take_batch(NOW, 60_000));
            }
        })
    });
    assert!(recorder.take_batch(NOW, 60_000).is_some_and(|b| b.contains("\"ruleId\":\"paid\"")));
    c.bench_function("exposures/subject (once per context)", |b| b.iter(|| recorder.subject(black_box(&ctx))));
}

criterion_group!(benches, evaluation, evaluate_all, load, exposures);
criterion_main!(benches);

//! The slowest evaluations the limits allow (`docs/hardening.md`, "Evaluation bound"): snapshots
//! at the limits of `edgeflag::limits` (tests/common/adversarial.rs) and contexts at theirs.
//! Each benchmark first asserts the result it times. `cargo bench --bench adversarial`.

#[path = "../tests/common/adversarial.rs"]
mod adversarial;

use adversarial::*;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use edgeflag::limits::MAX_CLAUSES;

/// A large context: 64 KiB of text.
const CONTEXT_BYTES: usize = 64 * 1024;
use edgeflag::{Context, Reason, Snapshot};

const NOW: i64 = 1_795_000_000_000;

fn worst(c: &mut Criterion) {
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);
    let wall = Snapshot::parse(&clause_wall(990, MAX_CLAUSES)).expect("at the limit, loads");
    // Every `contains` scans the item: the longest email a context can hold makes it slowest.
    let long_email = format!(r#"{{"key":"u","email":"{}"}}"#, "a".repeat(CONTEXT_BYTES - 32));
    let short = r#"{"key":"u","email":"alice@example.com"}"#.to_string();
    let cases = [
        ("short email", short, Reason::Default),
        ("64 KiB email (stops at the work limit)", long_email, Reason::Error),
    ];
    for (name, text, reason) in cases {
        let ctx = Context::parse(&text);
        assert_eq!(wall.evaluate("wall", &ctx, NOW, None).reason, reason);
        group.bench_function(format!("99,992 clause tests, {name}"), |b| {
            b.iter(|| wall.evaluate(black_box("wall"), black_box(&ctx), NOW, None))
        });
    }
    // The same clauses on an array attribute: each clause tests every item.
    let items =
        Snapshot::parse(&clause_wall(990, MAX_CLAUSES).replace(r#""attribute":"email""#, r#""attribute":"groups""#))
            .expect("loads");
    let wide_text = wide_context(CONTEXT_BYTES).replace(r#""beta""#, r#""a""#);
    let wide = Context::parse(&wide_text);
    assert_eq!(items.evaluate("wall", &wide, NOW, None).reason, Reason::Error, "stopped at the work limit");
    group.bench_function("99,992 clause tests, 64 KiB array of 16,380 items (stops at the work limit)", |b| {
        b.iter(|| items.evaluate(black_box("wall"), black_box(&wide), NOW, None))
    });
    let diamond = Snapshot::parse(&segment_diamond(14)).expect("at the limit, loads");
    let ctx = Context::with_key("user-1");
    assert_eq!(diamond.evaluate("diamond", &ctx, NOW, None).reason, Reason::Default);
    group.bench_function("segments named twice, 14 deep (65,534 tests)", |b| {
        b.iter(|| diamond.evaluate(black_box("diamond"), black_box(&ctx), NOW, None))
    });
    let ladder = Snapshot::parse(&prerequisite_ladder(5)).expect("at the limit, loads");
    assert_eq!(ladder.evaluate("a00", &ctx, NOW, None).reason, Reason::Default);
    group.bench_function("prerequisite ladder, 62 along every path", |b| {
        b.iter(|| ladder.evaluate(black_box("a00"), black_box(&ctx), NOW, None))
    });
    // The most work one evaluation can do: 65 walls (64 prerequisites and the flag, 1,517 tests
    // each for a narrow context), each just under the work limit with 166 items (249,000 tests).
    let walls = Snapshot::parse(&prerequisite_walls(64, 15)).expect("at the limits, loads");
    let items: Vec<String> = (0..165).map(|_| r#""g""#.to_string()).chain([r#""a""#.to_string()]).collect();
    let wide_text = format!(r#"{{"key":"u","groups":[{}]}}"#, items.join(","));
    let ctx = Context::parse(&wide_text);
    let e = walls.evaluate("top", &ctx, NOW, None);
    assert_eq!((e.reason, e.prerequisite_failed), (Reason::Default, None), "every prerequisite held");
    group.bench_function("64 prerequisites and the flag, each just under the work limit (16.2M tests)", |b| {
        b.iter(|| walls.evaluate(black_box("top"), black_box(&ctx), NOW, None))
    });
    group.finish();
}

criterion_group!(benches, worst);
criterion_main!(benches);

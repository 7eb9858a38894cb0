//! Batches a `Recorder` rendered that `decode_batch` refused, found by the `decode_batch` fuzz
//! target (docs/hardening.md, "Fuzzing"). Each renders a batch from the inputs that broke it and
//! requires a collector to accept it.

use edgeflag::{decode_batch, Context, ExposureConfig, Recorder, Snapshot};

const T0: i64 = 1_795_000_000_000;

fn snapshot() -> Snapshot {
    Snapshot::parse(include_str!("../examples/snapshot.json")).expect("the example loads")
}

/// Every batch the recorder has, each decoded.
fn drain(r: &mut Recorder, now: i64) -> Vec<(String, edgeflag::Batch)> {
    std::iter::from_fn(|| r.take_batch(now, 60_000))
        .map(|text| match decode_batch(&text) {
            Ok(b) => (text, b),
            Err(e) => panic!("a rendered batch does not decode: {e}\n{text}"),
        })
        .collect()
}

#[test]
fn a_host_clock_stepping_back_keeps_summary_start_before_end() {
    // Was: `"start":T0,"end":T0-60000`, refused as `summaries[0].start: … is after end …`.
    let s = snapshot();
    let mut r = Recorder::new(ExposureConfig::new("clock")).unwrap();
    let ctx = Context::parse(r#"{"key":"user-42","tier":"pro"}"#);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "plan_limits", &ctx, &who, T0, None);
    r.evaluate(Some(&s), "plan_limits", &ctx, &who, T0 - 60_000, None);
    r.evaluate(Some(&s), "no_such_flag", &ctx, &who, T0, None);
    r.evaluate(Some(&s), "no_such_flag", &ctx, &who, T0 - 1, None);
    let batches = drain(&mut r, T0);
    assert_eq!(batches.len(), 1);
    let (text, b) = &batches[0];
    assert_eq!(b.evaluations, 4);
    // The row's span starts at its first evaluation and ends at the latest.
    assert_eq!(text.matches(&format!(r#""start":{T0},"end":{T0}"#)).count(), 2, "{text}");
}

#[test]
fn an_attribute_configured_twice_is_copied_once() {
    // Was: `"attributes":{"tier":"pro","tier":"pro"}`, refused as a repeated member.
    let s = snapshot();
    let mut config = ExposureConfig::new("attributes");
    config.attributes = ["tier", "tier", "/tier"].map(String::from).to_vec();
    let mut r = Recorder::new(config).unwrap();
    let ctx = Context::parse(r#"{"key":"user-42","tier":"pro"}"#);
    let who = r.subject(&ctx);
    r.evaluate(Some(&s), "plan_limits", &ctx, &who, T0, None);
    let batches = drain(&mut r, T0);
    let (text, b) = &batches[0];
    assert_eq!(b.exposures, 1);
    assert!(text.contains(r#""attributes":{"tier":"pro","/tier":"pro"}"#), "{text}");
}

#[test]
fn dropped_stays_a_safe_integer_whatever_lost_is_given() {
    // Was: `"dropped":-9223372036854775808` after `lost(2^63)`, and an overflow panic (debug
    // builds) when a full queue then dropped one more.
    let s = snapshot();
    let mut config = ExposureConfig::new("lost");
    config.queue_capacity = 1;
    let mut r = Recorder::new(config).unwrap();
    r.lost(1 << 63);
    r.lost(u64::MAX);
    for key in ["user-1", "user-2"] {
        let ctx = Context::parse(&format!(r#"{{"key":"{key}"}}"#)).into_owned();
        let who = r.subject(&ctx);
        r.evaluate(Some(&s), "plan_limits", &ctx, &who, T0, None);
    }
    let batches = drain(&mut r, T0);
    assert_eq!(batches[0].1.dropped, (1 << 53) - 1);
    assert_eq!(batches[0].1.exposures, 1);
}

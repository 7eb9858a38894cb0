//! Bucketing (docs/bucketing.md): the worked examples byte for byte, and the properties of §5
//! measured on large fixed samples through the evaluator.
//!
//! Statistical checks use fixed unit keys, so they are deterministic. Each bound is stated next to
//! it with the standard error it is derived from; bounds are at least 5 standard errors (or a
//! named critical value), so an implementation with the documented properties fails them with
//! negligible probability, while the failures they are meant to catch (a reused bucket, a missing
//! salt, a range taken from the wrong end) move the statistic far outside them.

use edgeflag::bucketing::{bucket, BucketKey, Purpose, Scheme};
use edgeflag::{Context, Evaluation, Snapshot};
use serde_json::Value;

const USERS: u32 = 100_000;
const NOW: i64 = 1_795_000_000_000;

fn examples() -> Vec<Value> {
    let text = include_str!("bucketing-examples.json");
    let Value::Array(rows) = serde_json::from_str(text).expect("bucketing-examples.json is JSON") else {
        panic!("bucketing-examples.json must be an array")
    };
    rows
}

/// The bucket tests/bucketing-examples.json states for these inputs (computed with xxhash-wasm).
fn example_bucket(salt: &str, purpose: &str, attribute: &str, unit: &str) -> u32 {
    let row = examples()
        .into_iter()
        .find(|r| r["salt"] == salt && r["purpose"] == purpose && r["attribute"] == attribute && r["unit"] == unit)
        .unwrap_or_else(|| panic!("no example row for {salt} {purpose} {attribute} {unit}"));
    row["bucket"].as_u64().expect("bucket is an integer") as u32
}

fn purpose(name: &str) -> Purpose {
    match name {
        "rollout" => Purpose::Rollout,
        "variant" => Purpose::Variant,
        other => panic!("unknown purpose {other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A snapshot holding the given flags (key → flag object as JSON text).
fn snapshot(flags: &[(&str, String)]) -> Snapshot {
    let body: Vec<String> = flags.iter().map(|(k, f)| format!("{}: {f}", serde_json::to_string(k).unwrap())).collect();
    let text =
        format!(r#"{{"version": 1, "generatedAt": "2026-11-20T09:30:00Z", "flags": {{ {} }}}}"#, body.join(",\n"));
    Snapshot::parse(&text).unwrap_or_else(|e| panic!("test snapshot does not load: {e}\n{text}"))
}

/// A boolean flag (`off`, `on`) serving `fallthrough`, with extra members such as a salt.
fn bool_flag(extra: &str, fallthrough: &str) -> String {
    format!(
        r#"{{"on": true, {extra} "variations": [{{"name": "off", "value": false}}, {{"name": "on", "value": true}}],
            "offVariation": "off", "fallthrough": {fallthrough}}}"#
    )
}

/// A two-way ramp giving `on` a weight of `w`, listed first or last.
fn ramp(w: u32, on_first: bool) -> String {
    let (on, off) = (
        format!(r#"{{"variation": "on", "weight": {w}}}"#),
        format!(r#"{{"variation": "off", "weight": {}}}"#, 100_000 - w),
    );
    let list = if on_first { format!("{on}, {off}") } else { format!("{off}, {on}") };
    format!(r#"{{"rollout": {{"variations": [{list}]}}}}"#)
}

fn users(n: u32) -> Vec<Context<'static>> {
    (0..n).map(|i| Context::with_key(&format!("user-{i}"))).collect()
}

fn is_on(e: &Evaluation) -> bool {
    e.variation.map(|v| v.1) == Some("on")
}

/// Binomial standard error of a share `p` measured on `n` units.
fn std_error(p: f64, n: f64) -> f64 {
    (p * (1.0 - p) / n).sqrt()
}

#[test]
fn worked_examples_match_byte_for_byte() {
    let rows = examples();
    assert!(rows.len() >= 20, "expected about two dozen rows, found {}", rows.len());
    for row in &rows {
        let field = |name: &str| row[name].as_str().unwrap_or_else(|| panic!("{row}: {name} is not a string"));
        let (salt, purpose_name, attribute, unit) =
            (field("salt"), field("purpose"), field("attribute"), field("unit"));
        let key = BucketKey::new(Scheme::EdgeflagV1, salt, purpose(purpose_name), attribute);
        let input = key.input(unit.as_bytes());
        // §2 spelt out directly, independently of BucketKey.
        let spec = format!("{salt}\u{1f}{purpose_name}\u{1f}{attribute}\u{1f}{unit}");
        assert_eq!(input, spec.as_bytes(), "{row}: hashed string");
        if let Some(bytes) = row.get("bytesHex") {
            assert_eq!(hex(&input), bytes.as_str().expect("bytesHex is a string"), "{row}: bytes");
        }
        let h = xxhash_rust::xxh64::xxh64(&input, 0);
        assert_eq!(format!("{h:016x}"), field("hash"), "{row}: XXH64");
        let want = row["bucket"].as_u64().expect("bucket is an integer");
        assert_eq!(h % 100_000, want, "{row}: the row's bucket is its hash mod 100000");
        assert_eq!(u64::from(bucket(&key, unit.as_bytes())), want, "{row}: bucket()");
    }
}

#[test]
fn ramps_only_add() {
    let people = users(USERS);
    let percents = [1u32, 10, 25, 50, 99, 100];
    for on_first in [true, false] {
        let mut previous: Option<(u32, Vec<bool>)> = None;
        for &p in &percents {
            let w = p * 1000;
            let s = snapshot(&[("ramp", bool_flag("", &ramp(w, on_first)))]);
            let mut on = Vec::with_capacity(people.len());
            for ctx in &people {
                let e = s.evaluate("ramp", ctx, NOW, None);
                let b = e.bucket.expect("a rollout reports its bucket");
                // §4/§5: the ramped variation owns [0, w) when listed first, [100000 − w, 100000) when last.
                let owns = if on_first { b < w } else { b >= 100_000 - w };
                assert_eq!(
                    is_on(&e),
                    owns,
                    "bucket {b} at {p}% (on listed {})",
                    if on_first { "first" } else { "last" }
                );
                on.push(is_on(&e));
            }
            let share = on.iter().filter(|&&x| x).count() as f64 / f64::from(USERS);
            let expected = f64::from(p) / 100.0;
            // 5 binomial standard errors; at most 0.79 pp (p = 50 %), exact at 100 %.
            let tolerance = 5.0 * std_error(expected, f64::from(USERS));
            println!(
                "ramp {p:>3}% (on {}): served {:.3}% (deviation {:+.3} pp, tolerance ±{:.3} pp)",
                if on_first { "first" } else { "last " },
                share * 100.0,
                (share - expected) * 100.0,
                tolerance * 100.0
            );
            assert!((share - expected).abs() <= tolerance, "{p}%: served share {share}");
            if let Some((lower, was_on)) = &previous {
                let lost = was_on.iter().zip(&on).filter(|(&before, &after)| before && !after).count();
                assert_eq!(lost, 0, "raising {lower}% → {p}% took the variation away from {lost} users");
            }
            previous = Some((p, on));
        }
    }
}

#[test]
fn flags_are_independent() {
    let people = users(USERS);
    let s = snapshot(&[("flag_a", bool_flag("", &ramp(10_000, true))), ("flag_b", bool_flag("", &ramp(10_000, true)))]);
    let (mut in_a, mut in_both) = (0u32, 0u32);
    let mut pairs = Vec::with_capacity(people.len());
    for ctx in &people {
        let (a, b) = (s.evaluate("flag_a", ctx, NOW, None), s.evaluate("flag_b", ctx, NOW, None));
        in_a += u32::from(is_on(&a));
        in_both += u32::from(is_on(&a) && is_on(&b));
        pairs.push((f64::from(a.bucket.expect("bucket")), f64::from(b.bucket.expect("bucket"))));
    }
    let conditional = f64::from(in_both) / f64::from(in_a);
    // About 10 000 users are in A, so P(B | A) has a standard error of sqrt(0.1 · 0.9 / 10 000)
    // = 0.3 pp; ±1.5 pp is about 5 standard errors. Were B's buckets A's, it would be 100 %.
    let se = std_error(0.1, f64::from(in_a));
    println!(
        "P(B | A) = {:.3}% over {in_a} users in A (standard error {:.3} pp, bound ±1.5 pp)",
        conditional * 100.0,
        se * 100.0
    );
    assert!((conditional - 0.1).abs() <= 0.015, "P(B | A) = {conditional}");

    // Pearson r of independent buckets is about N(0, 1/√n): 1/√100 000 = 0.0032; |r| < 0.02 is
    // over 6 standard errors.
    let r = pearson(&pairs);
    println!("Pearson r of flag_a and flag_b buckets: {r:+.5} (bound |r| < 0.02)");
    assert!(r.abs() < 0.02, "buckets of two flags correlate: r = {r}");
}

#[test]
fn the_default_salt_is_the_flag_key() {
    // §1: with no salt, the flag key is hashed; checked against the hash of the spelt-out string.
    let s = snapshot(&[("flag_a", bool_flag("", &ramp(10_000, true)))]);
    for i in 0..1000 {
        let unit = format!("user-{i}");
        let e = s.evaluate("flag_a", &Context::with_key(&unit), NOW, None);
        let h = xxhash_rust::xxh64::xxh64(format!("flag_a\u{1f}rollout\u{1f}key\u{1f}{unit}").as_bytes(), 0);
        assert_eq!(e.bucket.map(u64::from), Some(h % 100_000), "{unit}");
    }
}

#[test]
fn the_same_explicit_salt_shares_a_population() {
    let people = users(USERS);
    // Different keys and ramps; the rollout-level salt of flag_e overrides its flag salt (§1).
    let s = snapshot(&[
        ("flag_c", bool_flag(r#""salt": "shared-population","#, &ramp(10_000, true))),
        ("flag_d", bool_flag(r#""salt": "shared-population","#, &ramp(30_000, true))),
        (
            "flag_e",
            bool_flag(
                r#""salt": "something-else","#,
                r#"{"rollout": {"salt": "shared-population", "variations": [{"variation": "on", "weight": 50000}, {"variation": "off", "weight": 50000}]}}"#,
            ),
        ),
    ]);
    for ctx in &people {
        let c = s.evaluate("flag_c", ctx, NOW, None);
        let d = s.evaluate("flag_d", ctx, NOW, None);
        let e = s.evaluate("flag_e", ctx, NOW, None);
        assert_eq!(c.bucket, d.bucket, "{:?}", ctx.key());
        assert_eq!(c.bucket, e.bucket, "{:?}", ctx.key());
        // So the 10 % of flag_c is inside the 30 % of flag_d: a shared, nested population.
        assert!(!is_on(&c) || is_on(&d), "{:?} is in flag_c but not flag_d", ctx.key());
    }
}

#[test]
fn variants_do_not_reuse_the_ramp() {
    let experiment = |traffic: u32| {
        checkout_flag(&format!(
            r#"{{"experiment": {{"traffic": {traffic}, "fallback": "control", "salt": "checkout-2026",
                "variations": [{{"variation": "control", "weight": 34000}},
                               {{"variation": "a", "weight": 33000}},
                               {{"variation": "b", "weight": 33000}}]}}}}"#
        ))
    };
    let narrow = snapshot(&[("checkout", experiment(20_000))]);
    let wide = snapshot(&[("checkout", experiment(60_000))]);
    let names = ["control", "a", "b"];
    let weights = [0.34, 0.33, 0.33];
    let (mut early, mut late) = ([0u32; 3], [0u32; 3]);
    let mut variant_pairs = Vec::new();
    for ctx in &users(USERS) {
        let (n, w) = (narrow.evaluate("checkout", ctx, NOW, None), wide.evaluate("checkout", ctx, NOW, None));
        assert_eq!(n.bucket, w.bucket, "the enrolment bucket does not depend on traffic");
        assert_eq!(n.in_experiment, n.bucket.expect("bucket") < 20_000);
        if n.in_experiment {
            assert!(w.in_experiment, "{:?} left the experiment when traffic grew", ctx.key());
            assert_eq!(n.variation, w.variation, "{:?} changed variant when traffic grew", ctx.key());
            assert_eq!(n.variant_bucket, w.variant_bucket);
            let i = names.iter().position(|&v| Some(v) == n.variation.map(|v| v.1)).expect("a variant");
            early[i] += 1;
            variant_pairs.push((f64::from(n.bucket.unwrap()), f64::from(n.variant_bucket.expect("variant bucket"))));
        } else {
            assert_eq!(n.variation.map(|v| v.1), Some("control"), "units not enrolled get the fallback");
            assert_eq!(n.variant_bucket, None);
            if w.in_experiment {
                let i = names.iter().position(|&v| Some(v) == w.variation.map(|v| v.1)).expect("a variant");
                late[i] += 1;
            }
        }
    }
    let enrolled = f64::from(early.iter().sum::<u32>()) / f64::from(USERS);
    // Traffic 20 000 enrols 20 %; 5 standard errors on 100 000 units is ±0.63 pp.
    println!(
        "enrolled at traffic 20000: {:.3}% (tolerance ±{:.3} pp)",
        enrolled * 100.0,
        500.0 * std_error(0.2, f64::from(USERS))
    );
    assert!((enrolled - 0.2).abs() <= 5.0 * std_error(0.2, f64::from(USERS)), "enrolled {enrolled}");
    for (label, counts) in [("enrolled at 20 %", early), ("enrolled between 20 % and 60 %", late)] {
        let total: u32 = counts.iter().sum();
        for ((name, &count), &weight) in names.iter().zip(&counts).zip(&weights) {
            let share = f64::from(count) / f64::from(total);
            // 5 standard errors of the share on `total` units (about 1.7 pp for 20 000 units).
            let tolerance = 5.0 * std_error(weight, f64::from(total));
            println!(
                "{label}: {name} {:.3}% of {total} (weight {:.0}%, deviation {:+.3} pp, tolerance ±{:.3} pp)",
                share * 100.0,
                weight * 100.0,
                (share - weight) * 100.0,
                tolerance * 100.0
            );
            assert!((share - weight).abs() <= tolerance, "{label}: {name} got {share}");
        }
    }
    // Were the variant picked from the enrolment bucket, every unit enrolled at 20 % would be in
    // control (buckets < 20 000 < 34 000). Within the enrolled, the two buckets are unrelated:
    // |r| < 0.04 is over 5 standard errors (1/√20 000 = 0.007).
    let r = pearson(&variant_pairs);
    println!(
        "Pearson r of enrolment and variant buckets among {} enrolled: {r:+.5} (bound |r| < 0.04)",
        variant_pairs.len()
    );
    assert!(r.abs() < 0.04, "r = {r}");
}

/// A string flag with the three checkout variations.
fn checkout_flag(fallthrough: &str) -> String {
    format!(
        r#"{{"on": true, "variations": [{{"name": "control", "value": "control"}}, {{"name": "a", "value": "a"}}, {{"name": "b", "value": "b"}}],
            "offVariation": "control", "fallthrough": {fallthrough}}}"#
    )
}

#[test]
fn buckets_are_uniform() {
    const KEYS: u32 = 200_000;
    const BINS: usize = 100;
    let key = BucketKey::new(Scheme::EdgeflagV1, "uniformity", Purpose::Rollout, "key");
    let mut bins = [0u32; BINS];
    for i in 0..KEYS {
        let b = bucket(&key, format!("user-{i}").as_bytes());
        assert!(b < 100_000);
        bins[(b / 1000) as usize] += 1;
    }
    let expected = f64::from(KEYS) / BINS as f64;
    let chi2: f64 = bins.iter().map(|&o| (f64::from(o) - expected).powi(2) / expected).sum();
    // Chi-square with 99 degrees of freedom: the critical value at α = 0.001 is 148.23.
    println!("chi-square of 200 000 buckets in 100 bins: {chi2:.2} (critical value 148.23 at α = 0.001, 99 df)");
    assert!(chi2 < 148.23, "chi-square {chi2}: buckets are not uniform");
}

#[test]
fn account_level_rollouts() {
    let s = snapshot(&[(
        "sentiment_analysis",
        bool_flag(
            "",
            r#"{"rollout": {"bucketBy": "accountId", "variations": [{"variation": "on", "weight": 50000}, {"variation": "off", "weight": 50000}]}}"#,
        ),
    )]);
    let mut served = [0u32; 2];
    for account in 0..500 {
        let mut seen = None;
        for user in 0..20 {
            let text = format!(r#"{{"key": "user-{account}-{user}", "accountId": "acct-{account}"}}"#);
            let ctx = Context::parse(&text);
            let e = s.evaluate("sentiment_analysis", &ctx, NOW, None);
            let got = (e.bucket.expect("bucket"), e.variation.expect("variation"));
            assert_eq!(*seen.get_or_insert(got), got, "users of acct-{account} disagree");
        }
        served[usize::from(seen.is_some_and(|(_, v)| v.1 == "on"))] += 1;
    }
    // Not trivially constant: both sides of a 50 % ramp get accounts.
    assert!(served[0] > 0 && served[1] > 0, "{served:?}");

    // An integer unit is its shortest decimal form: 1207, 1207.0 and "1207" are one account, and
    // the bucket is the one the independent JavaScript computation states.
    let want = example_bucket("sentiment_analysis", "rollout", "accountId", "1207");
    for account in ["1207", "1207.0", r#""1207""#] {
        let text = format!(r#"{{"key": "u", "accountId": {account}}}"#);
        let ctx = Context::parse(&text);
        assert_eq!(s.evaluate("sentiment_analysis", &ctx, NOW, None).bucket, Some(want), "accountId {account}");
    }
    for (account, unit) in [("-5", "-5"), ("0", "0"), ("-0", "0")] {
        let text = format!(r#"{{"key": "u", "accountId": {account}}}"#);
        let ctx = Context::parse(&text);
        let want = example_bucket("sentiment_analysis", "rollout", "accountId", unit);
        assert_eq!(s.evaluate("sentiment_analysis", &ctx, NOW, None).bucket, Some(want), "accountId {account}");
    }
}

#[test]
fn account_and_user_levels_do_not_align() {
    // §5 "Levels of rollout": the attribute is hashed, so an account id equal to a user key gets
    // an unrelated bucket. Independent buckets agree with probability 1/100 000: about 0.1
    // matches in 10 000 ids expected; P(more than 3) ≈ 4·10⁻⁶.
    let by_key = BucketKey::new(Scheme::EdgeflagV1, "flag", Purpose::Rollout, "key");
    let by_account = BucketKey::new(Scheme::EdgeflagV1, "flag", Purpose::Rollout, "accountId");
    let same = (0..10_000).filter(|i| {
        let unit = i.to_string();
        bucket(&by_key, unit.as_bytes()) == bucket(&by_account, unit.as_bytes())
    });
    assert!(same.count() <= 3);
}

fn pearson(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    sxy / (sxx * syy).sqrt()
}

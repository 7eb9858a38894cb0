//! Invariants of evaluation, as property tests (docs/hardening.md, "Properties").
//!
//! Each property states its bound next to it. The generated ones run through proptest, which
//! shrinks a failing input to a minimal one before reporting it; the statistical ones measure
//! fixed populations (`user-0` … `user-99999`), so they are deterministic.
//!
//! Reproducibility: every property starts from the fixed seed [`SEED`], so a failure in CI is the
//! same failure on every machine, and the report prints the minimal input and the seed. Failure
//! persistence is off: the fixed seed replays a failure without regression files in the tree.
//! `PROPTEST_CASES=10000 cargo test --test properties` runs more cases; `PROPTEST_RNG_SEED=N`
//! explores another seed (a failure found that way belongs in a plain regression test).

use edgeflag::{Context, Engine, Evaluation, Json, Kind, Reason, Snapshot};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

/// The seed of every property unless `PROPTEST_RNG_SEED` gives another.
const SEED: u64 = 20_261_120;
const NOW: i64 = 1_795_000_000_000;
const BUCKETS: u32 = 100_000;
const EXAMPLE: &str = include_str!("../examples/snapshot.json");

/// Runs `test` on `cases` inputs from `strategy` (unless `PROPTEST_CASES` says otherwise) and
/// panics with the shrunk input when it fails. A panic inside `test` is a failure too; the
/// minimal input is then run once more outside the runner, so the panic shows where it is.
fn check<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: Debug + Clone,
{
    let mut config = Config::default(); // reads the PROPTEST_* variables
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    // Shrinking a generated snapshot takes many steps; the automatic limit (4 per case) stops
    // it early. Bounded in time instead, and only ever spent on a failure.
    if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_none() {
        config.max_shrink_iters = 200_000;
    }
    if std::env::var_os("PROPTEST_MAX_SHRINK_TIME").is_none() {
        config.max_shrink_time = 120_000;
    }
    config.failure_persistence = None;
    let (cases, seed) = (config.cases, config.rng_seed);
    match TestRunner::new(config).run(&strategy, &test) {
        Ok(()) => eprintln!("{name}: {cases} cases passed (seed {seed})"),
        Err(TestError::Fail(why, input)) => {
            eprintln!("{name} failed: {why}\nminimal input: {input:#?}\nseed: PROPTEST_RNG_SEED={seed}");
            let again = test(input.clone());
            panic!("{name} failed on {input:?}: {}", again.err().map_or(why.to_string(), |e| e.to_string()))
        }
        Err(TestError::Abort(why)) => panic!("{name} aborted: {why} (seed {seed})"),
    }
}

/// One of a fixed list of strings.
fn one_of(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    select(items)
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

fn load(text: &str) -> Result<Snapshot, TestCaseError> {
    Snapshot::parse(text).map_err(|e| fail(format!("the test's snapshot does not load: {e}\n{text}")))
}

fn snapshot_text(flags: Map<String, Value>) -> String {
    json!({"version": 1, "generatedAt": "2026-11-20T09:30:00Z", "flags": flags}).to_string()
}

/// Printable Unicode without control characters, so never the separator U+001F.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("\\PC{{1,{max}}}")).expect("a valid regex")
}

/// Units: arbitrary text, or keys shaped as hosts write them.
fn unit() -> impl Strategy<Value = String> {
    prop_oneof![any_text(12), (0..1_000_000u32).prop_map(|i| format!("user-{i}"))]
}

/// A salt: arbitrary non-empty text (`\PC` has no U+001F; an empty salt is refused).
fn salt() -> impl Strategy<Value = String> {
    any_text(16)
}

/// `(low, high)` with `0 <= low <= high <= 100000`, often close together.
fn raised() -> impl Strategy<Value = (u32, u32)> {
    (0..=BUCKETS, prop_oneof![0..=100u32, 0..=BUCKETS]).prop_map(|(low, up)| (low, (low + up).min(BUCKETS)))
}

/// Where a rollout finds its unit, and a context that holds `unit` there.
const UNIT_AT: &[&str] = &["key", "accountId", "/org/id"];

fn context_holding(bucket_by: &str, unit: &str) -> String {
    match bucket_by {
        "key" => json!({"key": unit, "tier": "pro"}),
        "accountId" => json!({"key": "someone", "tier": "pro", "accountId": unit}),
        _ => json!({"key": "someone", "tier": "pro", "org": {"id": unit}}),
    }
    .to_string()
}

/// Where a generated rollout sits and what it hashes.
#[derive(Clone, Debug)]
struct Placement {
    flag_key: String,
    flag_salt: Option<String>,
    rollout_salt: Option<String>,
    /// `Some`: served by a rule with this id (matching `tier: pro`); `None`: the fallthrough.
    rule_id: Option<String>,
    bucket_by: &'static str,
    units: Vec<String>,
}

fn placement() -> impl Strategy<Value = Placement> {
    (
        any_text(16),
        option::of(salt()),
        option::of(salt()),
        option::of(any_text(12)),
        select(UNIT_AT),
        vec(unit(), 1..40),
    )
        .prop_map(|(flag_key, flag_salt, rollout_salt, rule_id, bucket_by, units)| Placement {
            flag_key,
            flag_salt,
            rollout_salt,
            rule_id,
            bucket_by,
            units,
        })
}

impl Placement {
    /// A one-flag snapshot serving `serve` (a `rollout` or `experiment` object) from this place.
    fn snapshot(&self, kind: &str, mut serve: Value, variations: Value) -> String {
        if self.bucket_by != "key" {
            serve["bucketBy"] = json!(self.bucket_by);
        }
        if let Some(s) = &self.rollout_salt {
            serve["salt"] = json!(s);
        }
        let serve = json!({ kind: serve });
        let mut flag =
            json!({"on": true, "variations": variations, "offVariation": 0, "fallthrough": {"variation": 0}});
        match &self.rule_id {
            Some(id) => {
                let clause = json!({"attribute": "tier", "op": "in", "values": ["pro"]});
                flag["rules"] = json!([{"id": id, "clauses": [clause], "serve": serve}]);
            }
            None => flag["fallthrough"] = serve,
        }
        if let Some(s) = &self.flag_salt {
            flag["salt"] = json!(s);
        }
        snapshot_text(Map::from_iter([(self.flag_key.clone(), flag)]))
    }

    /// Evaluates the flag of `low` and of `high` for each unit.
    fn pairs<'s>(&self, low: &'s Snapshot, high: &'s Snapshot) -> Vec<(String, Evaluation<'s>, Evaluation<'s>)> {
        self.units
            .iter()
            .map(|unit| {
                let text = context_holding(self.bucket_by, unit);
                let ctx = Context::parse(&text);
                (
                    unit.clone(),
                    low.evaluate(&self.flag_key, &ctx, NOW, None),
                    high.evaluate(&self.flag_key, &ctx, NOW, None),
                )
            })
            .collect()
    }

    fn decided(&self, e: &Evaluation) -> Result<(), TestCaseError> {
        prop_assert_eq!(e.reason, Reason::Split, "{:?}", e);
        prop_assert_eq!(e.rule_id, self.rule_id.as_deref());
        Ok(())
    }
}

/// Property 1, ramps. For any flag key, flag and rollout salts, rule or fallthrough, `bucketBy`,
/// units, and weights `0 <= w1 <= w2 <= 100000` of `on` in a two-way ramp (listed first or last),
/// every unit served `on` at `w1` is served `on` at `w2`, with the same bucket. Bound: no
/// exception at all. The snapshots are JSON text loaded with `Snapshot::parse`.
#[test]
fn raising_a_ramp_only_adds_units() {
    let kept = Cell::new(0usize);
    let strategy = (placement(), raised(), any::<bool>());
    check("ramps only add", 1000, strategy, |(place, (low, high), on_first)| {
        let ramp = |w: u32| {
            let (on, off) =
                (json!({"variation": "on", "weight": w}), json!({"variation": "off", "weight": BUCKETS - w}));
            let variations = if on_first { json!([on, off]) } else { json!([off, on]) };
            let flag_variations = json!([{"name": "off", "value": false}, {"name": "on", "value": true}]);
            load(&place.snapshot("rollout", json!({ "variations": variations }), flag_variations))
        };
        let (before, after) = (ramp(low)?, ramp(high)?);
        for (unit, a, b) in place.pairs(&before, &after) {
            place.decided(&a)?;
            place.decided(&b)?;
            prop_assert_eq!(a.bucket, b.bucket, "{:?}: the bucket does not depend on the weights", unit);
            if a.value == Some(&Json::Bool(true)) {
                prop_assert_eq!(b.value, Some(&Json::Bool(true)), "{:?} lost on when {} → {}", unit, low, high);
                kept.set(kept.get() + 1);
            }
        }
        Ok(())
    });
    // Not vacuous: many units were on before the raise.
    assert!(kept.get() > 1000, "only {} units were on at the lower weight", kept.get());
}

/// Property 1, experiments. For any placement as above, 2–4 arms with any weights, any
/// `fallback` and traffic `0 <= t1 <= t2 <= 100000`, every unit enrolled at `t1` is enrolled at
/// `t2` with the same variation and variant bucket, and every unit not enrolled is served the
/// fallback. Bound: no exception.
#[test]
fn raising_experiment_traffic_keeps_enrolled_units_in_their_arm() {
    const ARMS: [&str; 4] = ["control", "a", "b", "c"];
    let kept = Cell::new(0usize);
    let arms = vec(0..=BUCKETS, 1..=3);
    let strategy = (placement(), raised(), arms, 0..4usize);
    check("experiment traffic only adds", 1000, strategy, |(place, (low, high), mut cuts, fallback)| {
        cuts.sort_unstable();
        let ends: Vec<u32> = cuts.iter().copied().chain([BUCKETS]).collect();
        let arms = &ARMS[..ends.len()];
        let fallback = arms[fallback % arms.len()];
        let weights: Vec<Value> = (0..ends.len())
            .map(|i| json!({"variation": arms[i], "weight": ends[i] - if i == 0 { 0 } else { ends[i - 1] }}))
            .collect();
        let flag_variations: Vec<Value> = ARMS.iter().map(|a| json!({"name": a, "value": a})).collect();
        let experiment = |traffic: u32| {
            let x = json!({"traffic": traffic, "fallback": fallback, "variations": weights});
            load(&place.snapshot("experiment", x, json!(flag_variations)))
        };
        let (before, after) = (experiment(low)?, experiment(high)?);
        for (unit, a, b) in place.pairs(&before, &after) {
            place.decided(&a)?;
            place.decided(&b)?;
            prop_assert_eq!(a.bucket, b.bucket, "{:?}: the enrolment bucket does not depend on traffic", unit);
            if a.in_experiment {
                prop_assert!(b.in_experiment, "{:?} left the experiment when traffic went {} → {}", unit, low, high);
                prop_assert_eq!(a.variation, b.variation, "{:?} changed arm", unit);
                prop_assert_eq!(a.variant_bucket, b.variant_bucket);
                kept.set(kept.get() + 1);
            } else {
                prop_assert_eq!(a.variation.map(|v| v.1), Some(fallback), "{:?}: not enrolled, not the fallback", unit);
                prop_assert_eq!(a.variant_bucket, None);
            }
        }
        Ok(())
    });
    assert!(kept.get() > 1000, "only {} units were enrolled at the lower traffic", kept.get());
}

// Statistics over a fixed population, through snapshots and evaluation.

const USERS: usize = 100_000;

fn users() -> Vec<Context<'static>> {
    (0..USERS).map(|i| Context::with_key(&format!("user-{i}"))).collect()
}

/// A boolean flag with a 50 % ramp, with extra members (a salt).
fn half_ramp(extra: Value) -> Value {
    let mut flag = json!({"on": true, "variations": [{"name": "off", "value": false}, {"name": "on", "value": true}],
        "fallthrough": {"rollout": {"variations": [{"variation": "on", "weight": 50_000}, {"variation": "off", "weight": 50_000}]}}});
    for (k, v) in extra.as_object().into_iter().flatten() {
        flag[k] = v.clone();
    }
    flag
}

/// Each user's (on, bucket) for `key`.
fn served(s: &Snapshot, key: &str, people: &[Context]) -> Vec<(bool, u32)> {
    people
        .iter()
        .map(|ctx| {
            let e = s.evaluate(key, ctx, NOW, None);
            (e.value == Some(&Json::Bool(true)), e.bucket.expect("a rollout reports its bucket"))
        })
        .collect()
}

/// The phi coefficient: Pearson's r of two 0/1 indicators.
fn phi(x: &[bool], y: &[bool]) -> f64 {
    let mut n = [[0f64; 2]; 2];
    for (&a, &b) in x.iter().zip(y) {
        n[usize::from(a)][usize::from(b)] += 1.0;
    }
    let (row1, row0) = (n[1][1] + n[1][0], n[0][1] + n[0][0]);
    let (col1, col0) = (n[1][1] + n[0][1], n[1][0] + n[0][0]);
    (n[1][1] * n[0][0] - n[1][0] * n[0][1]) / (row1 * row0 * col1 * col0).sqrt()
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Property 2. Two flags with 50 % ramps and different salts (their keys, or explicit salts):
/// over 100,000 users the phi coefficient of their on/off indicators, and Pearson's r of their
/// buckets, are each below 5 standard errors of zero. Under independence both are about
/// N(0, 1/n): 1/√100000 = 0.00316, so the bound is |r| < 0.0158; a chance failure has
/// probability 6·10⁻⁷ per statistic. A control pair sharing one salt must give phi = 1, which
/// shows the measurement sees a dependence when there is one.
#[test]
fn rollouts_of_different_flags_are_independent() {
    let bound = 5.0 / (USERS as f64).sqrt();
    let flags = Map::from_iter([
        ("checkout_redesign".to_string(), half_ramp(json!({}))),
        ("search_v2".to_string(), half_ramp(json!({}))),
        ("salted_a".to_string(), half_ramp(json!({"salt": "2026-q4 pricing"}))),
        ("salted_b".to_string(), half_ramp(json!({"salt": "2026-q4 onboarding"}))),
        ("shared_a".to_string(), half_ramp(json!({"salt": "one population"}))),
        ("shared_b".to_string(), half_ramp(json!({"salt": "one population"}))),
    ]);
    let s = Snapshot::parse(&snapshot_text(flags)).expect("the test snapshot loads");
    let people = users();
    let measure = |a: &str, b: &str| {
        let (x, y) = (served(&s, a, &people), served(&s, b, &people));
        let on = |v: &[(bool, u32)]| v.iter().map(|p| p.0).collect::<Vec<_>>();
        let buckets = |v: &[(bool, u32)]| v.iter().map(|p| f64::from(p.1)).collect::<Vec<_>>();
        let (p, r) = (phi(&on(&x), &on(&y)), pearson(&buckets(&x), &buckets(&y)));
        eprintln!("{a} × {b}: phi {p:+.5}, bucket r {r:+.5} (bound {bound:.4}, n = {USERS})");
        (p, r)
    };
    for (a, b) in [("checkout_redesign", "search_v2"), ("salted_a", "salted_b")] {
        let (p, r) = measure(a, b);
        assert!(p.abs() < bound, "{a} and {b}: phi {p} is not below {bound}");
        assert!(r.abs() < bound, "{a} and {b}: bucket correlation {r} is not below {bound}");
    }
    let (p, r) = measure("shared_a", "shared_b");
    assert!(p > 0.999 && r > 0.999, "one salt, one population: phi {p}, r {r}");
}

/// Chi-square statistic of buckets in 100 equal bins of 1000.
fn chi_square(buckets: impl Iterator<Item = u32>) -> f64 {
    let mut bins = [0u32; 100];
    let mut n = 0u32;
    for b in buckets {
        assert!(b < BUCKETS, "bucket {b} out of range");
        bins[(b / 1000) as usize] += 1;
        n += 1;
    }
    let expected = f64::from(n) / 100.0;
    bins.iter().map(|&o| (f64::from(o) - expected).powi(2) / expected).sum()
}

/// Critical value of chi-square with 99 degrees of freedom at α = 0.001.
const CHI2_99_999: f64 = 148.23;

/// Property 3. The rollout bucket and the variant bucket of 100,000 users, for two salts, each
/// spread over 100 equal bins of 0…99999 with a chi-square statistic below 148.23 (α = 0.001,
/// 99 degrees of freedom). An experiment with traffic 100000 reports both buckets of every user.
/// A control, the buckets of only the users a 50 % ramp serves (all in the lower half), must be
/// far above the critical value.
#[test]
fn buckets_are_uniform() {
    let experiment = |extra: Value| {
        let mut flag = json!({"on": true, "variations": [{"name": "control", "value": "control"}, {"name": "treatment", "value": "treatment"}],
            "fallthrough": {"experiment": {"traffic": BUCKETS, "fallback": "control",
                "variations": [{"variation": "control", "weight": 50_000}, {"variation": "treatment", "weight": 50_000}]}}});
        for (k, v) in extra.as_object().into_iter().flatten() {
            flag[k] = v.clone();
        }
        flag
    };
    let flags = Map::from_iter([
        ("pricing_page".to_string(), experiment(json!({}))),
        ("onboarding".to_string(), experiment(json!({"salt": "onboarding-2026-11"}))),
        ("ramp".to_string(), half_ramp(json!({}))),
    ]);
    let s = Snapshot::parse(&snapshot_text(flags)).expect("the test snapshot loads");
    let people = users();
    for key in ["pricing_page", "onboarding"] {
        let results: Vec<Evaluation> = people.iter().map(|ctx| s.evaluate(key, ctx, NOW, None)).collect();
        let rollout = chi_square(results.iter().map(|e| e.bucket.expect("a bucket")));
        let variant = chi_square(results.iter().map(|e| e.variant_bucket.expect("everyone is enrolled")));
        eprintln!(
            "{key}: chi-square rollout {rollout:.2}, variant {variant:.2} (critical {CHI2_99_999} at α = 0.001, 99 df)"
        );
        assert!(rollout < CHI2_99_999, "{key}: rollout buckets are not uniform (chi-square {rollout})");
        assert!(variant < CHI2_99_999, "{key}: variant buckets are not uniform (chi-square {variant})");
    }
    let skewed = chi_square(served(&s, "ramp", &people).into_iter().filter(|p| p.0).map(|p| p.1));
    eprintln!("control, buckets of the served half: chi-square {skewed:.0}");
    assert!(skewed > 10.0 * CHI2_99_999, "the control is not detected: {skewed}");
}

// Generated snapshots: structurally plausible, valid by construction, then sometimes mutated.

/// Attributes clauses, targets, segments and rollouts name; contexts carry most of them.
const ATTRS: &[&str] = &[
    "key",
    "tier",
    "email",
    "beta",
    "beta_opt_in",
    "accountId",
    "app_version",
    "country",
    "groups",
    "age",
    "signup",
    "/org/id",
    "/org/plan",
    "app.version",
    "absent",
];
const TEXTS: &[&str] = &[
    "pro",
    "free",
    "enterprise",
    "GB",
    "IE",
    "user-1",
    "user-7",
    "acme",
    "globex",
    "a@example.com",
    "ops@corp-1.example",
    "@example.com",
    "2.3.0",
    "2.10.0-beta.1",
    "1.0.0+build.5",
    "2",
    "2026-11-20T09:30:00Z",
    "2026-11-20",
    "not a date",
    "josé",
    "🦀",
    "4711",
    "",
    " ",
];
const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -5.0,
    18.0,
    65.5,
    0.5,
    1207.0,
    4711.0,
    1e300,
    -1e300,
    9_007_199_254_740_991.0,
    9_007_199_254_740_992.0,
    -9_007_199_254_740_991.0,
    1.795e12,
];
const SEMVERS: &[&str] = &[
    "0.0.0",
    "1.0.0",
    "2.3.0",
    "2.3.1",
    "2.10.0",
    "2.3.0-beta",
    "2.3.0-beta.2",
    "1.0.0+a",
    "2",
    "2.3",
    "3.0.0-rc.1+b7",
];
const OFFSETS: &[&str] = &["Z", "+00:00", "-05:00", "+05:30", "+23:59", "-23:59"];
const DAYS: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn numbers() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => select(NUMBERS).prop_map(number),
        2 => (-1000i64..1000).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => (-1e9f64..1e9).prop_map(number),
    ]
}

fn texts() -> impl Strategy<Value = Value> {
    prop_oneof![3 => select(TEXTS).prop_map(Value::from), 1 => any_text(10).prop_map(Value::from)]
}

fn semver() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => select(SEMVERS).prop_map(Value::from),
        1 => (0..12u32, 0..12u32, 0..12u32).prop_map(|(a, b, c)| Value::from(format!("{a}.{b}.{c}"))),
    ]
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let (d, m) = (doy - (153 * mp + 2) / 5 + 1, if mp < 10 { mp + 3 } else { mp - 9 });
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A timestamp in one of its written forms, and the instant it denotes.
fn timestamp() -> impl Strategy<Value = (Value, i64)> {
    (-2_000_000_000_000i64..5_000_000_000_000, 0..4u8).prop_map(|(ms, form)| {
        let text = |ms: i64, suffix: &str| {
            let (y, m, d) = civil(ms.div_euclid(86_400_000));
            let t = ms.rem_euclid(86_400_000);
            let (h, min, s, frac) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
            format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{frac:03}{suffix}")
        };
        match form {
            0 => (Value::from(ms), ms),
            1 => (Value::from(text(ms, "Z")), ms),
            2 => (Value::from(text(ms + 3_600_000, "+01:00")), ms),
            _ => {
                let day = ms.div_euclid(86_400_000);
                let (y, m, d) = civil(day);
                (Value::from(format!("{y:04}-{m:02}-{d:02}")), day * 86_400_000)
            }
        }
    })
}

fn attribute() -> impl Strategy<Value = String> {
    prop_oneof![12 => select(ATTRS).prop_map(String::from), 1 => any_text(8)]
}

/// Values of every JSON type, weighted toward the ones clauses test.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        4 => texts(),
        3 => numbers(),
        2 => semver(),
        2 => timestamp().prop_map(|t| t.0),
        2 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((one_of(&["id", "plan", "a", "b"]), inner), 0..4)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
    .boxed()
}

/// An array or an object: a value of kind `json`.
fn json_container() -> impl Strategy<Value = Value> {
    prop_oneof![
        vec(json_value(), 0..3).prop_map(Value::Array),
        vec((one_of(&["limit", "seats", "mode"]), json_value()), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
    ]
}

/// A value for `in` / `notIn`: a string, number or boolean.
fn in_value() -> impl Strategy<Value = Value> {
    prop_oneof![3 => texts(), 2 => numbers(), 1 => any::<bool>().prop_map(Value::Bool)]
}

/// A unit value as targets and segment lists hold them.
fn unit_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0..20u32).prop_map(|i| Value::from(format!("user-{i}"))),
        1 => one_of(&["acme", "globex", "josé", "🦀"]).prop_map(Value::from),
        2 => (-3i64..50).prop_map(Value::from),
    ]
}

/// A reference resolved when the snapshot is rendered: to a variation, `pick / 2` modulo their
/// number, written as its name, or as its index when `pick` is odd; to a flag or a segment, the one
/// whose id is nearest.
type Pick = u16;

#[derive(Clone, Debug)]
enum ClauseSpec {
    Attribute { attribute: String, op: &'static str, values: Vec<Value>, negate: Option<bool> },
    Segment { picks: Vec<Pick>, negate: Option<bool> },
    Schedule { start: Option<(Value, i64)>, end: Option<(Value, i64)>, negate: Option<bool> },
    Recurring { offset: Option<&'static str>, windows: Vec<Value>, negate: Option<bool> },
}

/// Every operator of docs/snapshot.md, "Clauses", with values of the types it takes.
fn clause() -> impl Strategy<Value = ClauseSpec> {
    let negate = || option::of(any::<bool>());
    let attr =
        |ops: &'static [&'static str], values: BoxedStrategy<Vec<Value>>| {
            (attribute(), select(ops), values, negate())
                .prop_map(|(attribute, op, values, negate)| ClauseSpec::Attribute { attribute, op, values, negate })
        };
    let clock = |lo: u16, hi: u16| (lo..=hi).prop_map(|m| format!("{:02}:{:02}", m / 60, m % 60));
    let window = (option::of(vec(select(DAYS), 1..4)), clock(0, 1439), clock(0, 1440)).prop_map(|(days, from, to)| {
        let mut w = json!({"from": from, "to": to});
        if let Some(days) = days {
            w["days"] = json!(days);
        }
        w
    });
    prop_oneof![
        attr(&["in", "notIn"], vec(in_value(), 1..4).boxed()),
        attr(&["startsWith", "endsWith", "contains"], vec(texts(), 1..3).boxed()),
        attr(&["lt", "lte", "gt", "gte"], vec(numbers(), 1..3).boxed()),
        attr(&["semverEq", "semverLt", "semverLte", "semverGt", "semverGte"], vec(semver(), 1..3).boxed()),
        attr(&["before", "after"], vec(timestamp().prop_map(|t| t.0), 1..3).boxed()),
        attr(&["exists"], Just(Vec::new()).boxed()),
        (vec(any::<Pick>(), 1..3), negate()).prop_map(|(picks, negate)| ClauseSpec::Segment { picks, negate }),
        (option::of(timestamp()), option::of(timestamp()), negate())
            .prop_map(|(start, end, negate)| ClauseSpec::Schedule { start, end, negate }),
        (option::of(select(OFFSETS)), vec(window, 1..3), negate())
            .prop_map(|(offset, windows, negate)| ClauseSpec::Recurring { offset, windows, negate }),
    ]
}

#[derive(Clone, Debug)]
enum ServeSpec {
    Variation(Pick),
    /// Variations from `start` on, weights cut at `cuts`.
    Rollout {
        bucket_by: Option<String>,
        salt: Option<String>,
        start: Pick,
        cuts: Vec<u32>,
    },
    Experiment {
        traffic: u32,
        fallback: Pick,
        bucket_by: Option<String>,
        salt: Option<String>,
        start: Pick,
        cuts: Vec<u32>,
    },
}

fn serve() -> impl Strategy<Value = ServeSpec> {
    // A `bucketBy` is spelt one way: a pointer to a top-level member is refused (docs/bucketing.md).
    let spelt_once = |a: &String| edgeflag::bucketing::check_attribute(a).is_ok();
    let bucket_by = move || {
        option::of(
            prop_oneof![4 => select(UNIT_AT).prop_map(String::from), 1 => attribute().prop_filter("one spelling", spelt_once)],
        )
    };
    let salt = || option::of(salt());
    let cuts = || vec(0..=BUCKETS, 0..4);
    let traffic = prop_oneof![0..=BUCKETS, select(vec![0, 1, 50_000, 99_999, BUCKETS])];
    prop_oneof![
        2 => any::<Pick>().prop_map(ServeSpec::Variation),
        2 => (bucket_by(), salt(), any::<Pick>(), cuts())
            .prop_map(|(bucket_by, salt, start, cuts)| ServeSpec::Rollout { bucket_by, salt, start, cuts }),
        1 => (traffic, any::<Pick>(), bucket_by(), salt(), any::<Pick>(), cuts()).prop_map(
            |(traffic, fallback, bucket_by, salt, start, cuts)| ServeSpec::Experiment { traffic, fallback, bucket_by, salt, start, cuts }
        ),
    ]
}

#[derive(Clone, Debug)]
struct TargetSpec {
    variation: Pick,
    attribute: Option<String>,
    values: Vec<Value>,
}

#[derive(Clone, Debug)]
struct FlagSpec {
    key_prefix: &'static str,
    /// What prerequisites aim at (see [`nearest`]).
    id: u16,
    on: bool,
    /// All of one kind: booleans, strings, numbers or JSON.
    values: Vec<Value>,
    names: u8,
    off: Option<Pick>,
    targets: Vec<TargetSpec>,
    rules: Vec<(Vec<ClauseSpec>, ServeSpec)>,
    fallthrough: ServeSpec,
    prerequisites: Vec<(Pick, Pick)>,
    salt: Option<String>,
    options: (Option<bool>, Option<bool>, Option<(Value, i64)>),
}

fn flag() -> impl Strategy<Value = FlagSpec> {
    let values = prop_oneof![
        vec(any::<bool>().prop_map(Value::Bool), 1..=3),
        vec(texts(), 1..=4),
        vec(numbers(), 1..=4),
        vec(json_container(), 1..=3),
    ];
    let target = (any::<Pick>(), option::of(attribute()), vec(unit_value(), 0..4))
        .prop_map(|(variation, attribute, values)| TargetSpec { variation, attribute, values });
    (
        (
            one_of(&["flag-", "f", "🚀-", "a.b/", "with space ", "key"]),
            any::<u16>(),
            prop::bool::weighted(0.9),
            values,
            any::<u8>(),
        ),
        (option::of(any::<Pick>()), vec(target, 0..3), vec((vec(clause(), 1..=3), serve()), 0..4), serve()),
        (vec((any::<Pick>(), any::<Pick>()), 0..3), option::of(salt())),
        (option::of(any::<bool>()), option::of(any::<bool>()), option::of(timestamp())),
    )
        .prop_map(
            |(
                (key_prefix, id, on, values, names),
                (off, targets, rules, fallthrough),
                (prerequisites, salt),
                options,
            )| {
                FlagSpec {
                    key_prefix,
                    id,
                    on,
                    values,
                    names,
                    off,
                    targets,
                    rules,
                    fallthrough,
                    prerequisites,
                    salt,
                    options,
                }
            },
        )
}

#[derive(Clone, Debug)]
struct SegmentSpec {
    /// What `segmentMatch` aims at (see [`nearest`]).
    id: u16,
    attribute: Option<String>,
    included: Vec<Value>,
    excluded: Vec<Value>,
    rules: Vec<(bool, Vec<ClauseSpec>)>,
}

fn segment() -> impl Strategy<Value = SegmentSpec> {
    let rules = vec((any::<bool>(), vec(clause(), 1..3)), 0..3);
    (any::<u16>(), option::of(attribute()), vec(unit_value(), 0..5), vec(unit_value(), 0..3), rules)
        .prop_map(|(id, attribute, included, excluded, rules)| SegmentSpec { id, attribute, included, excluded, rules })
}

/// A change to the rendered document: the node at `pick` (counted depth-first) replaced by a
/// value, or removed.
type Mutation = (u32, Option<Value>);

#[derive(Clone, Debug)]
struct SnapshotSpec {
    version: u64,
    generated_at: (Value, i64),
    top: (bool, bool),
    segments: Vec<SegmentSpec>,
    flags: Vec<FlagSpec>,
    mutations: Vec<Mutation>,
}

/// Snapshots as JSON text. About two in three are valid by construction; the others carry one or
/// two mutations, so the loader sees every kind of wrong member too.
fn snapshot() -> impl Strategy<Value = String> {
    let mutation = (any::<u32>(), option::weighted(0.8, json_value()));
    let mutations = prop_oneof![6 => Just(Vec::new()), 3 => vec(mutation.clone(), 1..=1), 1 => vec(mutation, 2..=2)];
    (0..1000u64, timestamp(), (any::<bool>(), any::<bool>()), vec(segment(), 0..4), vec(flag(), 1..6), mutations)
        .prop_map(|(version, generated_at, top, segments, flags, mutations)| {
            render(&SnapshotSpec { version, generated_at, top, segments, flags, mutations })
        })
}

/// A variation reference: by name, or by index when `p` is odd.
fn variation_ref(names: &[String], p: Pick) -> Value {
    let i = usize::from(p / 2) % names.len();
    if p % 2 == 1 {
        Value::from(i)
    } else {
        Value::from(names[i].clone())
    }
}

fn variation_names(scheme: u8, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match scheme % 3 {
            0 => ["off", "on", "a", "b"][i].to_string(),
            1 => format!("v{i}"),
            _ => format!("🦀 {i}"),
        })
        .collect()
}

fn set_negate(clause: &mut Value, negate: Option<bool>) {
    if let Some(n) = negate {
        clause["negate"] = json!(n);
    }
}

/// The candidate whose id is nearest to `p` (the first of equals). Flags and segments are aimed
/// at by id rather than by position, so that shrinking can delete an unrelated flag or segment
/// without moving every reference after it.
fn nearest(ids: &[u16], p: Pick) -> usize {
    (0..ids.len()).min_by_key(|&i| ids[i].abs_diff(p)).expect("a candidate")
}

/// A clause as JSON; `segments` are the (id, key) of the segments it may name (none: the clause
/// tests `key` instead).
fn render_clause(c: &ClauseSpec, segments: &[(u16, String)]) -> Value {
    let mut out = match c {
        ClauseSpec::Attribute { attribute, op, values, .. } if values.is_empty() => {
            json!({"attribute": attribute, "op": op})
        }
        ClauseSpec::Attribute { attribute, op, values, .. } => {
            json!({"attribute": attribute, "op": op, "values": values})
        }
        ClauseSpec::Segment { .. } if segments.is_empty() => json!({"attribute": "key", "op": "exists"}),
        ClauseSpec::Segment { picks, .. } => {
            let ids: Vec<u16> = segments.iter().map(|s| s.0).collect();
            let keys: BTreeSet<&str> = picks.iter().map(|&p| segments[nearest(&ids, p)].1.as_str()).collect();
            json!({"op": "segmentMatch", "values": keys})
        }
        ClauseSpec::Schedule { start, end, .. } => {
            let mut o = json!({"op": "schedule"});
            match (start, end) {
                // Both bounds with start < end, or the end alone.
                (Some(s), Some(e)) if s.1 < e.1 => {
                    o["start"] = s.0.clone();
                    o["end"] = e.0.clone();
                }
                (_, Some(e)) => o["end"] = e.0.clone(),
                (Some(s), None) => o["start"] = s.0.clone(),
                (None, None) => o["end"] = json!(NOW),
            }
            o
        }
        ClauseSpec::Recurring { offset, windows, .. } => {
            let mut o = json!({"op": "recurring", "windows": windows});
            if let Some(off) = offset {
                o["utcOffset"] = json!(off);
            }
            o
        }
    };
    let (ClauseSpec::Attribute { negate, .. }
    | ClauseSpec::Segment { negate, .. }
    | ClauseSpec::Schedule { negate, .. }
    | ClauseSpec::Recurring { negate, .. }) = c;
    set_negate(&mut out, *negate);
    out
}

fn render_serve(s: &ServeSpec, names: &[String]) -> Value {
    let slices = |start: Pick, cuts: &[u32]| {
        let k = (cuts.len() + 1).min(names.len());
        let mut cuts = cuts[..k - 1].to_vec();
        cuts.sort_unstable();
        let ends: Vec<u32> = cuts.into_iter().chain([BUCKETS]).collect();
        let first = usize::from(start) % names.len();
        (0..k)
            .map(|i| {
                let weight = ends[i] - if i == 0 { 0 } else { ends[i - 1] };
                json!({"variation": names[(first + i) % names.len()], "weight": weight})
            })
            .collect::<Vec<_>>()
    };
    let place = |o: &mut Value, bucket_by: &Option<String>, salt: &Option<String>| {
        if let Some(b) = bucket_by {
            o["bucketBy"] = json!(b);
        }
        if let Some(s) = salt {
            o["salt"] = json!(s);
        }
    };
    match s {
        ServeSpec::Variation(p) => json!({"variation": variation_ref(names, *p)}),
        ServeSpec::Rollout { bucket_by, salt, start, cuts } => {
            let mut o = json!({"variations": slices(*start, cuts)});
            place(&mut o, bucket_by, salt);
            json!({ "rollout": o })
        }
        ServeSpec::Experiment { traffic, fallback, bucket_by, salt, start, cuts } => {
            let mut o = json!({"traffic": traffic, "fallback": variation_ref(names, *fallback), "variations": slices(*start, cuts)});
            place(&mut o, bucket_by, salt);
            json!({ "experiment": o })
        }
    }
}

/// The unit text of a listed value: a string as is, an integer in decimal.
fn unit_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), String::from)
}

fn render(spec: &SnapshotSpec) -> String {
    let segment_keys: Vec<(u16, String)> =
        spec.segments.iter().enumerate().map(|(j, s)| (s.id, format!("seg-{j}"))).collect();
    let mut segments = Map::new();
    for (j, s) in spec.segments.iter().enumerate() {
        let mut o = Map::new();
        if let Some(a) = &s.attribute {
            o.insert("attribute".into(), json!(a));
        }
        // A value may be listed once across both lists.
        let mut seen = BTreeSet::new();
        for (member, list) in [("included", &s.included), ("excluded", &s.excluded)] {
            let kept: Vec<&Value> = list.iter().filter(|v| seen.insert(unit_text(v))).collect();
            o.insert(member.into(), json!(kept));
        }
        // segmentMatch only on earlier segments: no cycles.
        let rules: Vec<Value> = s
            .rules
            .iter()
            .enumerate()
            .map(|(i, (with_id, clauses))| {
                let clauses: Vec<Value> = clauses.iter().map(|c| render_clause(c, &segment_keys[..j])).collect();
                if *with_id {
                    json!({"id": format!("sr{i}"), "clauses": clauses})
                } else {
                    json!({ "clauses": clauses })
                }
            })
            .collect();
        o.insert("rules".into(), json!(rules));
        segments.insert(segment_keys[j].1.clone(), Value::Object(o));
    }
    let flag_keys: Vec<String> = spec.flags.iter().enumerate().map(|(i, f)| format!("{}{i}", f.key_prefix)).collect();
    let flag_names: Vec<Vec<String>> = spec.flags.iter().map(|f| variation_names(f.names, f.values.len())).collect();
    let mut flags = Map::new();
    for (i, f) in spec.flags.iter().enumerate() {
        let names = &flag_names[i];
        let variations: Vec<Value> =
            names.iter().zip(&f.values).map(|(name, value)| json!({"name": name, "value": value})).collect();
        let mut o = json!({"on": f.on, "variations": variations, "fallthrough": render_serve(&f.fallthrough, names)});
        if let Some(p) = f.off {
            o["offVariation"] = variation_ref(names, p);
        }
        // A unit may be targeted once per attribute.
        let mut targeted = BTreeSet::new();
        let targets: Vec<Value> = f
            .targets
            .iter()
            .map(|t| {
                let attr = t.attribute.clone().unwrap_or_else(|| "key".into());
                let values: Vec<&Value> =
                    t.values.iter().filter(|v| targeted.insert((attr.clone(), unit_text(v)))).collect();
                let mut target = json!({"variation": variation_ref(names, t.variation), "values": values});
                if let Some(a) = &t.attribute {
                    target["attribute"] = json!(a);
                }
                target
            })
            .collect();
        o["targets"] = json!(targets);
        let rules: Vec<Value> = f
            .rules
            .iter()
            .enumerate()
            .map(|(r, (clauses, serve))| {
                let clauses: Vec<Value> = clauses.iter().map(|c| render_clause(c, &segment_keys)).collect();
                json!({"id": format!("r{r}"), "clauses": clauses, "serve": render_serve(serve, names)})
            })
            .collect();
        o["rules"] = json!(rules);
        // Prerequisites only on earlier flags: no cycles.
        if i > 0 {
            let prerequisites: Vec<Value> = f
                .prerequisites
                .iter()
                .map(|&(flag, variation)| {
                    let ids: Vec<u16> = spec.flags[..i].iter().map(|f| f.id).collect();
                    let target = nearest(&ids, flag);
                    json!({"flag": flag_keys[target], "variation": variation_ref(&flag_names[target], variation)})
                })
                .collect();
            o["prerequisites"] = json!(prerequisites);
        }
        if let Some(s) = &f.salt {
            o["salt"] = json!(s);
        }
        let (client_visible, track_events, expires) = &f.options;
        if let Some(v) = client_visible {
            o["clientVisible"] = json!(v);
        }
        if let Some(v) = track_events {
            o["trackEvents"] = json!(v);
        }
        if let Some((at, _)) = expires {
            o["metadata"] =
                json!({"description": "generated", "owner": "props", "expiresAt": at, "tags": ["generated"]});
        }
        flags.insert(flag_keys[i].clone(), o);
    }
    let mut doc = json!({"version": spec.version, "generatedAt": spec.generated_at.0, "flags": flags});
    if !segments.is_empty() || spec.top.0 {
        doc["segments"] = Value::Object(segments);
    }
    if spec.top.1 {
        doc["formatVersion"] = json!(1);
        doc["bucketing"] = json!("edgeflag-v1");
    }
    for (at, replacement) in &spec.mutations {
        mutate(&mut doc, *at as usize, replacement.clone());
    }
    doc.to_string()
}

/// Replaces (or removes) the `at`-th node below the root, counted depth-first modulo their number.
fn mutate(doc: &mut Value, at: usize, replacement: Option<Value>) {
    fn count(v: &Value) -> usize {
        match v {
            Value::Object(m) => m.values().map(|c| 1 + count(c)).sum(),
            Value::Array(a) => a.iter().map(|c| 1 + count(c)).sum(),
            _ => 0,
        }
    }
    // Walks to the `at`-th node below `v` and changes it; `at` < count(v).
    fn change(v: &mut Value, mut at: usize, replacement: Option<Value>) {
        match v {
            Value::Object(m) => {
                let keys: Vec<String> = m.keys().cloned().collect();
                for k in keys {
                    if at == 0 {
                        match replacement {
                            Some(r) => m[&k] = r,
                            None => {
                                m.remove(&k);
                            }
                        }
                        return;
                    }
                    let n = count(&m[&k]);
                    if at <= n {
                        return change(&mut m[&k], at - 1, replacement);
                    }
                    at -= n + 1;
                }
            }
            Value::Array(a) => {
                for i in 0..a.len() {
                    if at == 0 {
                        match replacement {
                            Some(r) => a[i] = r,
                            None => {
                                a.remove(i);
                            }
                        }
                        return;
                    }
                    let n = count(&a[i]);
                    if at <= n {
                        return change(&mut a[i], at - 1, replacement);
                    }
                    at -= n + 1;
                }
            }
            _ => {}
        }
    }
    let n = count(doc);
    if n > 0 {
        change(doc, at % n, replacement);
    }
}

const USER_KEYS: usize = 20;

/// Contexts as JSON text: mostly objects whose attributes have values of every JSON type (or are
/// missing), sometimes with a key that is not a string, not an object, or not JSON at all.
fn context() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        6 => (0..USER_KEYS).prop_map(|i| Some(Value::from(format!("user-{i}")))),
        2 => any_text(12).prop_map(|k| Some(Value::from(k))),
        1 => Just(Some(Value::from(""))),
        1 => Just(None),
        1 => json_value().prop_filter("not a string", |v| !v.is_string()).prop_map(Some),
    ];
    let names: Vec<&'static str> =
        ATTRS.iter().copied().filter(|a| *a != "key" && *a != "absent").chain(["org"]).collect();
    // Each attribute present with probability 0.6, so that clauses often find theirs.
    let attributes = vec(option::weighted(0.6, json_value()), names.len());
    let object = (key, attributes).prop_map(move |(key, values)| {
        let (mut m, mut org) = (Map::new(), Map::new());
        for (name, v) in names.iter().zip(values) {
            let Some(v) = v else { continue };
            match name.strip_prefix("/org/") {
                Some(inner) => org.insert(inner.into(), v),
                None => m.insert(name.to_string(), v),
            };
        }
        if !org.is_empty() {
            m.insert("org".into(), Value::Object(org));
        }
        if let Some(k) = key {
            m.insert("key".into(), k);
        }
        Value::Object(m).to_string()
    });
    prop_oneof![
        18 => object,
        1 => json_value().prop_filter("not an object", |v| !v.is_object()).prop_map(|v| v.to_string()),
        1 => one_of(&["{", "", "{\"key\":", "nul", "[1,]", "{\"key\":\"a\",}"]).prop_map(String::from),
    ]
}

/// Evaluation times: near the snapshot's dates, anywhere in i64, or at its ends (where time
/// arithmetic overflows; a uniform i64 almost never lands there).
fn now() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => 1_700_000_000_000i64..1_900_000_000_000,
        2 => any::<i64>(),
        1 => select(vec![i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX]),
    ]
}

/// What each property needs: a snapshot, contexts to evaluate it with, times.
fn evaluation_inputs() -> impl Strategy<Value = (String, Vec<String>, Vec<i64>)> {
    (snapshot(), vec(context(), 1..5), vec(now(), 1..4))
}

/// Defaults of every kind, and `null`.
fn defaults() -> Vec<Json<'static>> {
    ["null", "true", "1.5", "\"x\"", "[1]", "{\"a\":1}"]
        .iter()
        .map(|t| Json::parse(t).expect("JSON").to_owned_json())
        .collect()
}

/// Share of generated snapshots that must load, so that the properties over them are not vacuous.
const MIN_LOADED: f64 = 0.5;

/// Property 4. Evaluation never panics for a snapshot that loads: for generated snapshots (random
/// flags with variations of each kind, targets, rules with clauses of every operator and random
/// values, segments, prerequisites, rollouts and experiments, schedules; some mutated), each
/// flag, an unknown key, `evaluate_all` and `explain` for random contexts (values of every JSON
/// type, arrays, missing attributes, invalid contexts) at random times, with and without
/// defaults of every kind. Loading never panics either. Bound: no panic; at least half of the
/// snapshots load, and every reason and every operator is reached.
#[test]
fn evaluation_never_panics() {
    let (tried, loaded) = (Cell::new(0u32), Cell::new(0u32));
    let reasons = RefCell::new(BTreeMap::<&str, u32>::new());
    let operators = RefCell::new(BTreeMap::<&str, (u32, u32)>::new());
    let refused = RefCell::new(BTreeMap::<&str, u32>::new());
    let defaults = defaults();
    check("evaluation never panics", 500, evaluation_inputs(), |(text, contexts, times)| {
        tried.set(tried.get() + 1);
        let mut engine = Engine::new();
        if let Err(e) = engine.update_str(&text) {
            *refused.borrow_mut().entry(e.kind.code()).or_default() += 1;
            return Ok(());
        }
        loaded.set(loaded.get() + 1);
        let snapshot = engine.snapshot().expect("just loaded");
        let keys: Vec<&str> = snapshot.flags().iter().map(|f| f.key()).collect();
        for ctx_text in &contexts {
            let ctx = Context::parse(ctx_text);
            for &now in &times {
                for key in keys.iter().copied().chain(["no such flag"]) {
                    for d in [None].into_iter().chain(defaults.iter().map(Some)) {
                        let e = engine.evaluate(key, &ctx, now, d);
                        let outcome = e.error_code().map_or(e.reason.name(), |c| c.name());
                        *reasons.borrow_mut().entry(outcome).or_default() += 1;
                    }
                    for step in snapshot.explain(key, &ctx, now, None).steps {
                        if let edgeflag::Step::Rule { clauses, .. } = step {
                            for c in clauses {
                                let mut ops = operators.borrow_mut();
                                let entry = ops.entry(c.op).or_default();
                                entry.0 += 1;
                                entry.1 += u32::from(c.why == edgeflag::ClauseWhy::Matched);
                            }
                        }
                    }
                }
                prop_assert_eq!(engine.evaluate_all(&ctx, now).len(), keys.len());
            }
        }
        Ok(())
    });
    let share = f64::from(loaded.get()) / f64::from(tried.get());
    eprintln!("{} of {} generated snapshots loaded ({:.0} %)", loaded.get(), tried.get(), share * 100.0);
    eprintln!("refused: {:?}", refused.borrow());
    eprintln!("outcomes: {:?}", reasons.borrow());
    eprintln!("operators (evaluated, matched): {:?}", operators.borrow());
    assert!(share > MIN_LOADED, "only {:.0} % of the generated snapshots load", share * 100.0);
    for outcome in [
        "STATIC",
        "DEFAULT",
        "TARGETING_MATCH",
        "SPLIT",
        "DISABLED",
        "FLAG_NOT_FOUND",
        "TYPE_MISMATCH",
        "PARSE_ERROR",
        "INVALID_CONTEXT",
        "TARGETING_KEY_MISSING",
    ] {
        assert!(reasons.borrow().contains_key(outcome), "no {outcome} result: {:?}", reasons.borrow());
    }
    for op in [
        "in",
        "notIn",
        "startsWith",
        "endsWith",
        "contains",
        "lt",
        "lte",
        "gt",
        "gte",
        "semverEq",
        "semverLt",
        "semverLte",
        "semverGt",
        "semverGte",
        "before",
        "after",
        "exists",
        "segmentMatch",
        "schedule",
        "recurring",
    ] {
        assert!(operators.borrow().get(op).is_some_and(|c| c.0 > 0), "operator {op} never evaluated");
    }
}

/// Every field of an evaluation, spelt out: a field added to `Evaluation` breaks this until it is
/// compared too.
#[allow(clippy::type_complexity)]
fn fields<'e>(
    e: &'e Evaluation<'e>,
) -> (
    Option<&'e Json<'static>>,
    Option<(u32, &'e str)>,
    Reason,
    Option<(edgeflag::ErrorCode, &'e str)>,
    Option<&'e str>,
    Option<&'e str>,
    Option<u32>,
    Option<u32>,
    bool,
) {
    let Evaluation {
        value,
        variation,
        reason,
        error,
        rule_id,
        prerequisite_failed,
        bucket,
        variant_bucket,
        in_experiment,
    } = e;
    (
        *value,
        *variation,
        *reason,
        error.as_ref().map(|x| (x.code, x.message.as_str())),
        *rule_id,
        *prerequisite_failed,
        *bucket,
        *variant_bucket,
        *in_experiment,
    )
}

/// Counts what the comparisons covered, so that a test that compared only trivial results fails.
#[derive(Default)]
struct Coverage {
    splits: Cell<u32>,
    prerequisite_failures: Cell<u32>,
    errors: Cell<u32>,
}

/// `evaluate_all(ctx, now)` lists every flag of the snapshot once, in key order (its doc comment:
/// "every flag … entries are in key order"), and each entry equals `evaluate(key, ctx, now, None)`
/// field by field; so do `explain`'s evaluation and `evaluate_at`. A default of the flag's kind
/// (or `null`) changes nothing; one of another kind gives `TYPE_MISMATCH`.
fn all_equals_alone(s: &Snapshot, contexts: &[String], times: &[i64], seen: &Coverage) -> Result<(), TestCaseError> {
    let keys: Vec<&str> = s.flags().iter().map(|f| f.key()).collect();
    prop_assert!(keys.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()), "flags not in key order: {:?}", keys);
    let defaults = defaults();
    for ctx_text in contexts {
        let ctx = Context::parse(ctx_text);
        for &now in times {
            let all = s.evaluate_all(&ctx, now);
            let listed: Vec<&str> = all.iter().map(|(k, _)| *k).collect();
            prop_assert_eq!(&listed, &keys, "evaluate_all lists every flag once, in key order");
            for (i, (key, e)) in all.iter().enumerate() {
                let alone = s.evaluate(key, &ctx, now, None);
                prop_assert_eq!(fields(e), fields(&alone), "{} for {} at {}", key, ctx_text, now);
                let explained = s.explain(key, &ctx, now, None).evaluation;
                prop_assert_eq!(fields(&explained), fields(&alone), "explain {}", key);
                let at = s.evaluate_at(i, &ctx, now, None);
                prop_assert_eq!(fields(&at), fields(&alone), "evaluate_at {}", key);
                let kind = s.flags()[i].kind();
                for d in &defaults {
                    let with = s.evaluate(key, &ctx, now, Some(d));
                    match Kind::of(d) {
                        Some(k) if k != kind => {
                            prop_assert_eq!(
                                with.error_code(),
                                Some(edgeflag::ErrorCode::TypeMismatch),
                                "{} with {:?}",
                                key,
                                d
                            )
                        }
                        _ => prop_assert_eq!(fields(&with), fields(&alone), "{} with {:?}", key, d),
                    }
                }
                seen.splits.set(seen.splits.get() + u32::from(e.reason == Reason::Split));
                seen.prerequisite_failures
                    .set(seen.prerequisite_failures.get() + u32::from(e.prerequisite_failed.is_some()));
                seen.errors.set(seen.errors.get() + u32::from(e.error.is_some()));
            }
        }
    }
    Ok(())
}

/// Property 5, on generated snapshots: `evaluate_all` equals evaluating each flag alone, and
/// lists exactly the flags of the document (every key under `flags`). Bound: no difference; at
/// least half the snapshots load, and splits, failed prerequisites and errors are among the
/// compared results.
#[test]
fn evaluate_all_equals_each_flag_alone_on_generated_snapshots() {
    let (tried, loaded, seen) = (Cell::new(0u32), Cell::new(0u32), Coverage::default());
    check("evaluate_all equals evaluate (generated)", 500, evaluation_inputs(), |(text, contexts, times)| {
        tried.set(tried.get() + 1);
        let Ok(s) = Snapshot::parse(&text) else { return Ok(()) };
        loaded.set(loaded.get() + 1);
        let doc: Value = serde_json::from_str(&text).expect("a snapshot that loads is JSON");
        let mut written: Vec<&str> = doc["flags"].as_object().expect("flags").keys().map(String::as_str).collect();
        written.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        let keys: Vec<&str> = s.flags().iter().map(|f| f.key()).collect();
        prop_assert_eq!(keys, written, "the snapshot holds exactly the flags written");
        all_equals_alone(&s, &contexts, &times, &seen)
    });
    let share = f64::from(loaded.get()) / f64::from(tried.get());
    eprintln!(
        "{} of {} loaded; compared {} splits, {} failed prerequisites, {} errors",
        loaded.get(),
        tried.get(),
        seen.splits.get(),
        seen.prerequisite_failures.get(),
        seen.errors.get()
    );
    assert!(share > MIN_LOADED, "only {:.0} % of the generated snapshots load", share * 100.0);
    assert!(seen.splits.get() > 0 && seen.prerequisite_failures.get() > 0 && seen.errors.get() > 0);
}

/// Property 5, on examples/snapshot.json with random contexts and times. Bound: no difference.
#[test]
fn evaluate_all_equals_each_flag_alone_on_the_example() {
    let s = Snapshot::parse(EXAMPLE).expect("the example loads");
    let seen = Coverage::default();
    // Contexts with the example's own attributes and keys, besides the random ones.
    let example_context = (
        one_of(&["user-42", "u-ops-1", "test-user-1", "disabled-user-1", "u-contractor-7"]),
        one_of(&["pro", "enterprise", "free"]),
        any::<bool>(),
        one_of(&["acme", "initech"]),
        semver(),
    )
        .prop_map(|(key, tier, beta, account, version)| {
            json!({"key": key, "tier": tier, "beta": beta, "beta_opt_in": beta, "accountId": account,
                   "app_version": version, "email": format!("{key}@example.com")})
            .to_string()
        });
    let contexts = vec(prop_oneof![context(), example_context], 1..6);
    check("evaluate_all equals evaluate (example)", 500, (contexts, vec(now(), 1..4)), |(contexts, times)| {
        all_equals_alone(&s, &contexts, &times, &seen)
    });
    assert!(seen.splits.get() > 0 && seen.prerequisite_failures.get() > 0 && seen.errors.get() > 0);
    assert!(Engine::new().evaluate_all(&Context::with_key("u"), NOW).is_empty(), "no snapshot, no entries");
}

//! The default reference (`go`: LaunchDarkly's Go and Rust SDKs, rollouts in binary32) against
//! LaunchDarkly's own Rust evaluator (`launchdarkly-server-sdk-evaluation`) on generated payloads:
//! rollouts and experiments whose shares end right at a context's bucket, weights of 0 and
//! 100000 and sums below it, seeds, context kinds, segments with weighted rules, targets and
//! clauses, for single-kind, multi-kind and older-format contexts (whose `custom` repeats no
//! built-in: docs/import.md lists how the SDKs differ there). Value, variation index and reason
//! kind must agree for every evaluation.

use edgeflag::bucketing::launchdarkly;
mod ld_reason;

use edgeflag::{Context, Json, Snapshot};
use edgeflag_import::{import, Options, Peer};
use launchdarkly_server_sdk_evaluation as ld;
use serde_json::{json, Value};
use std::collections::HashMap;

/// xorshift64*: reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const PIECES: [&str; 12] = ["a", "Z", "0", "7", "-", ".", "user-", "42", "é", "用户", "josé", "😀"];
const KINDS: [&str; 3] = ["user", "org", "device"];

fn text(r: &mut Rng, min: usize) -> String {
    let n = min + r.below(6);
    (0..n).map(|_| r.pick(&PIECES)).collect()
}

/// The Go and Rust SDKs' bucket value: binary32.
fn bucket32(prefix: &str, unit: &str) -> f64 {
    let h = launchdarkly::hash(prefix, unit);
    f64::from(h as f32 / launchdarkly::SCALE as f32)
}

fn attribute(r: &mut Rng) -> Value {
    r.pick(&[
        json!("a"),
        json!("é"),
        json!(5),
        json!(18),
        json!(18.5),
        json!(true),
        json!(["a", 5]),
        json!(null),
        json!("1.2.3"),
        json!("2017-12-06T07:00:00Z"),
        json!(1512543600000u64),
    ])
}

fn clause(r: &mut Rng, segments: &[String]) -> Value {
    let op = r.pick(&[
        "in",
        "startsWith",
        "lessThan",
        "greaterThanOrEqual",
        "semVerLessThan",
        "before",
        "after",
        "segmentMatch",
        "contains",
    ]);
    if op == "segmentMatch" && !segments.is_empty() {
        return json!({"op": op, "attribute": "key", "values": [r.pick(segments)], "negate": r.chance(0.3)});
    }
    let values: Vec<Value> = (0..1 + r.below(2))
        .map(|_| match op {
            "in" => r.pick(&[json!("a"), json!(5), json!(true), json!("é")]),
            "lessThan" | "greaterThanOrEqual" => r.pick(&[json!(5), json!(18), json!(18.5)]),
            "semVerLessThan" => r.pick(&[json!("2.0"), json!("1.2.3"), json!("x")]),
            "before" | "after" => {
                r.pick(&[json!("2017-12-06T07:00:00Z"), json!(1512543600000u64), json!("2017-12-06")])
            }
            _ => r.pick(&[json!("a"), json!("é"), json!("")]),
        })
        .collect();
    let mut c = json!({"op": if op == "segmentMatch" { "in" } else { op }, "attribute": r.pick(&["name", "age", "tier"]), "values": values, "negate": r.chance(0.3)});
    if r.chance(0.7) {
        c["contextKind"] = json!(r.pick(&KINDS));
    }
    c
}

fn rollout(r: &mut Rng, n: usize, prefix_of: &dyn Fn(Option<i64>) -> String, keys: &[String]) -> Value {
    if r.chance(0.3) {
        return json!({"variation": r.below(n)});
    }
    let count = 1 + r.below(n + 1);
    let seed = r.chance(0.3).then(|| r.pick(&[0i64, 61, -7]));
    let edge = bucket32(&prefix_of(seed), &r.pick(keys));
    let mut left: i64 = if r.chance(0.15) { r.below(100_001) as i64 } else { 100_000 };
    let mut weights = Vec::new();
    for _ in 0..count - 1 {
        let some = r.below(left as usize + 1) as i64;
        let w = r.pick(&[0, left, some]);
        weights.push(w);
        left -= w;
    }
    weights.push(left);
    if count > 1 && r.chance(0.7) {
        let at = if r.chance(0.5) { (edge * 100_000.0).floor() } else { (edge * 100_000.0).ceil() } as i64;
        weights[0] = at.min(100_000);
        weights[count - 1] = (weights[count - 1] - weights[0]).max(0);
    }
    let variations: Vec<Value> = weights.iter().map(|w| json!({"variation": r.below(n), "weight": w})).collect();
    let mut out = json!({"variations": variations});
    if let Some(seed) = seed {
        out["seed"] = json!(seed);
    }
    if r.chance(0.3) {
        out["kind"] = json!("experiment");
    }
    if r.chance(0.3) {
        out["contextKind"] = json!(r.pick(&KINDS));
    }
    if r.chance(0.2) {
        out["bucketBy"] = json!(r.pick(&["age", "name"]));
    }
    json!({ "rollout": out })
}

fn payload(r: &mut Rng, keys: &[String]) -> Value {
    let mut segments = serde_json::Map::new();
    let mut segment_keys = Vec::new();
    for s in 0..r.below(3) {
        let key = format!("seg{s}{}", text(r, 0));
        let salt = text(r, 0);
        let mut rules = Vec::new();
        for _ in 0..r.below(3) {
            let mut rule = json!({"clauses": (0..r.below(2)).map(|_| clause(r, &[])).collect::<Vec<_>>()});
            if r.chance(0.6) {
                let edge = bucket32(&format!("{key}.{salt}"), &r.pick(keys));
                let w = r.pick(&[0.0, 100_000.0, (edge * 100_000.0).floor(), (edge * 100_000.0).ceil()]) as i64;
                rule["weight"] = json!(w);
                if r.chance(0.4) {
                    rule["rolloutContextKind"] = json!(r.pick(&KINDS));
                }
            }
            rules.push(rule);
        }
        let included: Vec<String> = keys.iter().filter(|_| r.chance(0.2)).cloned().collect();
        let excluded: Vec<String> = keys.iter().filter(|_| r.chance(0.2)).cloned().collect();
        segments.insert(key.clone(), json!({"key": key, "version": 1, "salt": salt, "included": included, "excluded": excluded,
            "includedContexts": [{"contextKind": r.pick(&KINDS), "values": keys.iter().filter(|_| r.chance(0.2)).cloned().collect::<Vec<_>>()}],
            "rules": rules}));
        segment_keys.push(key);
    }
    let mut flags = serde_json::Map::new();
    for f in 0..1 + r.below(3) {
        let key = format!("{f}{}", text(r, 1));
        let salt = text(r, 0);
        let n = 1 + r.below(3);
        let variations: Vec<Value> = (0..n).map(|i| json!(format!("v{i}"))).collect();
        let prefix_of = |seed: Option<i64>| seed.map_or_else(|| format!("{key}.{salt}"), |s| s.to_string());
        let rules: Vec<Value> = (0..r.below(3))
            .map(|i| {
                let mut rule = rollout(r, n, &prefix_of, keys);
                rule["id"] = json!(format!("r{i}"));
                rule["trackEvents"] = json!(false);
                rule["clauses"] = json!((0..1 + r.below(2)).map(|_| clause(r, &segment_keys)).collect::<Vec<_>>());
                rule
            })
            .collect();
        let targets = json!([{"variation": r.below(n), "values": keys.iter().filter(|_| r.chance(0.2)).cloned().collect::<Vec<_>>()}]);
        let flag = json!({"key": key, "version": 1, "on": r.chance(0.9), "salt": salt, "variations": variations, "offVariation": r.below(n),
            "targets": targets, "contextTargets": [], "prerequisites": [], "trackEvents": false,
            "clientSideAvailability": {"usingEnvironmentId": false, "usingMobileKey": false}, "rules": rules, "fallthrough": rollout(r, n, &prefix_of, keys)});
        flags.insert(key, flag);
    }
    json!({"flags": flags, "segments": segments})
}

fn single(r: &mut Rng, kind: &str, keys: &[String]) -> Value {
    let mut c = json!({"kind": kind, "key": if r.chance(0.6) { r.pick(keys) } else { text(r, 1) }});
    for a in ["name", "age", "tier"] {
        if r.chance(0.5) {
            c[a] = attribute(r);
        }
    }
    c
}

fn context(r: &mut Rng, keys: &[String]) -> Value {
    match r.below(3) {
        0 => {
            let kind = r.pick(&KINDS);
            single(r, kind, keys)
        }
        1 => {
            let mut c = json!({"kind": "multi"});
            for k in KINDS {
                if r.chance(0.6) {
                    let mut s = single(r, k, keys);
                    s.as_object_mut().map(|o| o.remove("kind"));
                    c[k] = s;
                }
            }
            if c.as_object().is_some_and(|o| o.len() == 1) {
                c["org"] = json!({"key": r.pick(keys)});
            }
            c
        }
        _ => {
            let mut custom = serde_json::Map::new();
            for a in ["age", "tier"] {
                if r.chance(0.5) {
                    custom.insert(a.into(), attribute(r));
                }
            }
            json!({"key": r.pick(keys), "name": "n", "custom": custom})
        }
    }
}

struct Store(HashMap<String, ld::Flag>, HashMap<String, ld::Segment>);

impl ld::Store for Store {
    fn flag(&self, key: &str) -> Option<ld::Flag> {
        self.0.get(key).cloned()
    }
    fn segment(&self, key: &str) -> Option<ld::Segment> {
        self.1.get(key).cloned()
    }
}

fn kind_of(reason: &ld::Reason) -> &'static str {
    match reason {
        ld::Reason::Off => "OFF",
        ld::Reason::TargetMatch => "TARGET_MATCH",
        ld::Reason::RuleMatch { .. } => "RULE_MATCH",
        ld::Reason::PrerequisiteFailed { .. } => "PREREQUISITE_FAILED",
        ld::Reason::Fallthrough { .. } => "FALLTHROUGH",
        ld::Reason::Error { .. } => "ERROR",
    }
}

#[test]
fn float32_against_launchdarklys_rust_evaluator() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut compared, mut differences) = (0, Vec::new());
    for _ in 0..400 {
        let keys: Vec<String> = (0..6).map(|_| text(&mut r, 1)).collect();
        let p = payload(&mut r, &keys);
        let options = Options { generated_at: "2026-01-01T00:00:00Z".into(), ..Options::default() };
        let imported = import(Peer::LaunchDarkly, &p.to_string(), &options).unwrap_or_else(|e| panic!("{e}: {p}"));
        let snapshot = Snapshot::from_json(&imported.snapshot).expect("a checked conversion loads");
        let flags: HashMap<String, ld::Flag> = p["flags"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), serde_json::from_value(v.clone()).expect("an LD flag")))
            .collect();
        let segments: HashMap<String, ld::Segment> = p["segments"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), serde_json::from_value(v.clone()).expect("an LD segment")))
            .collect();
        let store = Store(flags, segments);
        for _ in 0..25 {
            let c = context(&mut r, &keys);
            let Ok(ld_context) = serde_json::from_value::<ld::Context>(c.clone()) else { continue };
            let edge_context = Context::new(Json::parse(&c.to_string()).expect("JSON").to_owned_json());
            for (key, flag) in &store.0 {
                let d = ld::evaluate(&store, flag, &ld_context, None);
                let want =
                    (d.value.map(|v| serde_json::to_value(v).expect("a value")), d.variation_index, kind_of(&d.reason));
                let e = snapshot.evaluate(key, &edge_context, 0, None);
                let kind = ld_reason::reason_kind(&e);
                let got = (
                    e.value.map(|v| serde_json::from_str::<Value>(&v.to_text()).expect("JSON")),
                    e.variation.map(|(_, name)| name.parse::<isize>().expect("an index")),
                    kind,
                );
                compared += 1;
                if got != want {
                    differences.push(format!("{p} | {c} | {key}: Rust {want:?}, edgeflag {got:?}"));
                }
            }
        }
    }
    eprintln!("launchdarkly (float32, Rust evaluator): {compared} answers, {} differences", differences.len());
    assert!(differences.is_empty(), "{}", differences[..differences.len().min(5)].join("\n"));
    assert!(compared >= 10_000, "{compared} answers");
}

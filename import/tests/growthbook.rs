//! GrowthBook's published `cases.json` (../shared/peer-suites/growthbook, or
//! `$EDGEFLAG_PEER_SUITES`) through the converter and edgeflag's evaluation: each case's payload
//! is converted, loaded and evaluated, and the answer read back as docs/import.md, GrowthBook
//! says a caller reads it. Cases the converter refuses (or that exercise what a payload cannot
//! hold: forced variations, URLs, QA mode, sticky buckets) are listed with their reasons in
//! tests/import/growthbook-skipped.json, which must match exactly; the counts are asserted.

use edgeflag::{Context, ErrorCode, Json, Snapshot};
use edgeflag_import::growthbook::{bucket_ranges, choose_variation, decrypt, equal_weights};
use edgeflag_import::{import, Options, Peer};
use std::borrow::Cow;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn suites() -> Option<PathBuf> {
    let dir = std::env::var_os("EDGEFLAG_PEER_SUITES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/peer-suites"));
    if dir.join("growthbook/cases.json").is_file() {
        return Some(dir);
    }
    eprintln!("skipped: no GrowthBook cases at {} (set EDGEFLAG_PEER_SUITES)", dir.display());
    None
}

fn o(members: Vec<(&str, Json<'static>)>) -> Json<'static> {
    Json::Object(members.into_iter().map(|(k, v)| (Cow::Owned(k.to_string()), v)).collect())
}

fn owned(v: &Json<'_>) -> Json<'static> {
    v.to_owned_json()
}

fn truthy(v: &Json<'_>) -> bool {
    match v {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(x) => *x != 0.0,
        Json::String(t) => !t.is_empty(),
        _ => true,
    }
}

/// What `evalFeature` answers, read from an edgeflag result as docs/import.md, GrowthBook says.
#[derive(Debug, PartialEq)]
struct Answer {
    value: Json<'static>,
    on: bool,
    source: String,
    rule_id: String,
    variation_id: Option<u32>,
}

fn read(snapshot: &Snapshot, key: &str, attributes: &Json<'_>) -> Answer {
    let e = snapshot.evaluate(key, &Context::new(owned(attributes)), 0, None);
    let value = e.value.map(owned).unwrap_or(Json::Null);
    let not_found = e.error.as_ref().is_some_and(|x| x.code == ErrorCode::FlagNotFound);
    let (source, rule_id, variation_id) = match (e.rule_id, e.prerequisite_failed) {
        (_, Some(_)) => ("prerequisite".to_string(), String::new(), None),
        (Some(id), None) => {
            let parts: Vec<&str> = id.splitn(5, ':').collect();
            match parts[..] {
                ["force", _, rest] => ("force".into(), rest.into(), None),
                ["experiment", _, j, _, rest] => ("experiment".into(), rest.into(), j.parse().ok()),
                _ => panic!("rule id {id}"),
            }
        }
        (None, None) if not_found => ("unknownFeature".into(), String::new(), None),
        (None, None) => ("defaultValue".into(), String::new(), None),
    };
    assert!(not_found || e.error.is_none(), "{key}: {:?}", e.error);
    Answer { on: truthy(&value), value, source, rule_id, variation_id }
}

/// A section's tally.
#[derive(Default)]
struct Tally {
    run: usize,
    passed: usize,
    skipped: Vec<(String, String)>,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, ok: bool, detail: impl FnOnce() -> String) {
        self.run += 1;
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(format!("{name}: {}", detail()));
        }
    }
}

fn convert(payload: &Json<'_>) -> Result<Snapshot, String> {
    let options = Options { version: 1, generated_at: "2026-01-01T00:00:00Z".into(), ..Options::default() };
    let imported = import(Peer::GrowthBook, &payload.to_text(), &options).map_err(|e| e.to_string())?;
    let snapshot =
        Snapshot::from_json(&imported.snapshot).unwrap_or_else(|e| panic!("{e}\n{}", imported.snapshot.to_text()));
    Ok(snapshot)
}

/// Context members that are not part of a payload: the constructs edgeflag refuses.
fn refused_context(ctx: &Json<'_>) -> Option<String> {
    let Json::Object(m) = ctx else { return None };
    m.iter().find_map(|(k, _)| match &**k {
        "forcedVariations" => {
            Some("forced variations (forcedVariations) are refused: they are per-SDK-instance overrides".into())
        }
        "url" => Some("URL targeting and query-string forcing (url) are refused".into()),
        "qaMode" => Some("QA mode (qaMode) is refused".into()),
        "enabled" => Some("a disabled SDK instance (enabled) is refused".into()),
        _ => None,
    })
}

fn feature_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!("{}", case.to_text()) };
        let (name, ctx, key, expected) = (c[0].as_str().expect("name"), &c[1], c[2].as_str().expect("key"), &c[3]);
        if let Some(why) = refused_context(ctx) {
            t.skipped.push((name.into(), why));
            continue;
        }
        let mut payload = vec![];
        for k in ["features", "savedGroups", "contextualBandits"] {
            if let Some(v) = ctx.get(k) {
                payload.push((k, owned(v)));
            }
        }
        let snapshot = match convert(&o(payload)) {
            Ok(s) => s,
            Err(e) => {
                t.skipped.push((name.into(), e));
                continue;
            }
        };
        let attributes = ctx.get("attributes").map(owned).unwrap_or(Json::Object(vec![]));
        let got = read(&snapshot, key, &attributes);
        let want = Answer {
            value: owned(&expected.get("value").cloned().unwrap_or(Json::Null)),
            on: expected.get("on") == Some(&Json::Bool(true)),
            source: expected.get("source").and_then(Json::as_str).unwrap_or("").into(),
            rule_id: expected.get("ruleId").and_then(Json::as_str).unwrap_or("").into(),
            variation_id: expected
                .get("experimentResult")
                .and_then(|r| r.get("variationId"))
                .and_then(Json::as_integer)
                .map(|v| v as u32),
        };
        t.check(name, got == want, || format!("got {got:?}, want {want:?}"));
    }
}

fn eval_condition_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let (name, cond, attributes, expected) = (c[0].as_str().expect("name"), &c[1], &c[2], &c[3]);
        let rule = o(vec![("condition", owned(cond)), ("force", Json::Bool(true))]);
        let feature = o(vec![("defaultValue", Json::Bool(false)), ("rules", Json::Array(vec![rule]))]);
        let mut payload = vec![("features", o(vec![("f", feature)]))];
        if let Some(groups) = c.get(4) {
            payload.push(("savedGroups", owned(groups)));
        }
        let snapshot = match convert(&o(payload)) {
            Ok(s) => s,
            Err(e) => {
                t.skipped.push((name.into(), e));
                continue;
            }
        };
        let got = read(&snapshot, "f", attributes);
        let matched = got.source == "force";
        t.check(name, matched == (expected == &Json::Bool(true)), || format!("matched {matched}"));
    }
}

/// Members of an inline experiment that are not feature-rule members.
const NOT_RULE: [(&str, &str); 2] = [
    ("force", "a forced variation (force) is refused"),
    ("active", "an inactive experiment (active) is not a feature rule construct: refused"),
];

fn run_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let (name, ctx, exp) = (c[0].as_str().expect("name"), &c[1], &c[2]);
        let (value, in_experiment, hash_used) = (&c[3], c[4] == Json::Bool(true), c[5] == Json::Bool(true));
        if let Some(why) = refused_context(ctx) {
            t.skipped.push((name.into(), why));
            continue;
        }
        if let Some((_, why)) = NOT_RULE.iter().find(|(k, _)| exp.get(k).is_some()) {
            t.skipped.push((name.into(), why.to_string()));
            continue;
        }
        let first = match exp.get("variations") {
            Some(Json::Array(v)) if !v.is_empty() => owned(&v[0]),
            _ => Json::Null,
        };
        let feature = o(vec![("defaultValue", first), ("rules", Json::Array(vec![owned(exp)]))]);
        // The features its parentConditions name come with the context.
        let mut features = match ctx.get("features") {
            Some(Json::Object(m)) => m.iter().map(|(k, v)| (k.to_string(), owned(v))).collect(),
            _ => Vec::new(),
        };
        features.push(("f".to_string(), feature));
        let features = Json::Object(features.into_iter().map(|(k, v)| (k.into(), v)).collect());
        let mut payload = vec![("features", features)];
        if let Some(groups) = ctx.get("savedGroups") {
            payload.push(("savedGroups", owned(groups)));
        }
        let snapshot = match convert(&o(payload)) {
            Ok(s) => s,
            Err(e) => {
                t.skipped.push((name.into(), e));
                continue;
            }
        };
        let attributes = ctx.get("attributes").map(owned).unwrap_or(Json::Object(vec![]));
        let got = read(&snapshot, "f", &attributes);
        let inside = got.source == "experiment";
        let ok = &got.value == value && inside == in_experiment && inside == hash_used;
        t.check(name, ok, || format!("got {got:?}"));
    }
}

fn numbers(v: &Json<'_>) -> Vec<f64> {
    match v {
        Json::Array(a) => a.iter().map(|x| if let Json::Number(n) = x { *n } else { panic!() }).collect(),
        _ => panic!(),
    }
}

fn pairs(v: &Json<'_>) -> Vec<(f64, f64)> {
    match v {
        Json::Array(a) => a.iter().map(|r| (numbers(r)[0], numbers(r)[1])).collect(),
        _ => panic!(),
    }
}

fn bucket_range_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let Json::Array(args) = &c[1] else { panic!() };
        let count = args[0].as_integer().expect("count") as usize;
        let coverage = if let Json::Number(x) = args[1] { x } else { 1.0 };
        let weights = match &args[2] {
            Json::Null => None,
            w => Some(numbers(w)),
        };
        let got = bucket_ranges(count, coverage, weights.as_deref());
        let flat: Vec<f64> = got.iter().flat_map(|&(a, b)| [a, b]).collect();
        let want: Vec<f64> = pairs(&c[2]).iter().flat_map(|&(a, b)| [a, b]).collect();
        t.check(c[0].as_str().expect("name"), rounded(&flat, &want), || format!("{got:?}"));
    }
}

/// The suite's data is the SDK's floats rounded to 8 decimals (`0.2 * 0.2` is written `0.04`):
/// equal after the same rounding.
fn rounded(got: &[f64], want: &[f64]) -> bool {
    let r = |x: f64| (x * 1e8).round() / 1e8;
    got.len() == want.len() && got.iter().zip(want).all(|(a, b)| r(*a) == r(*b))
}

fn choose_variation_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let Json::Number(n) = c[1] else { panic!() };
        let got = choose_variation(n, &pairs(&c[2])).map_or(-1, |i| i as i64);
        t.check(c[0].as_str().expect("name"), Some(got) == c[3].as_integer(), || format!("{got}"));
    }
}

fn equal_weights_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let count = c[0].as_integer().expect("count");
        let got = if count <= 0 { vec![] } else { equal_weights(count as usize) };
        t.check(&c[0].to_text(), rounded(&got, &numbers(&c[1])), || format!("{got:?}"));
    }
}

/// A feature whose experiment rule (two variations, full coverage) is gated by the namespace.
fn in_namespace_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let name = c[0].as_str().expect("name");
        let rule = o(vec![
            ("variations", Json::Array(vec![Json::Number(1.0), Json::Number(2.0)])),
            ("namespace", owned(&c[2])),
        ]);
        let feature = o(vec![("defaultValue", Json::Number(0.0)), ("rules", Json::Array(vec![rule]))]);
        let snapshot = match convert(&o(vec![("features", o(vec![("f", feature)]))])) {
            Ok(s) => s,
            Err(e) => {
                t.skipped.push((name.into(), e));
                continue;
            }
        };
        let got = read(&snapshot, "f", &o(vec![("id", owned(&c[1]))]));
        t.check(name, (got.source == "experiment") == (c[3] == Json::Bool(true)), || format!("{got:?}"));
    }
}

/// Each hash through a force rule's filter whose range holds exactly the expected `n`:
/// `[n, n + half a bucket)`, with the case's seed and version (an unknown version never hashes).
fn hash_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let name = case.to_text();
        if c[1].as_str() == Some("") {
            t.skipped.push((name, "an empty unit is falsy: no rule hashes it".into()));
            continue;
        }
        let (lo, hi) = match c[3] {
            Json::Number(n) => (n, n + 0.5 / if c[2].as_integer() == Some(2) { 10000.0 } else { 1000.0 }),
            _ => (0.0, 1.0),
        };
        let range = Json::Array(vec![Json::Number(lo), Json::Number(hi)]);
        let filter =
            o(vec![("seed", owned(&c[0])), ("hashVersion", owned(&c[2])), ("ranges", Json::Array(vec![range]))]);
        let rule = o(vec![("force", Json::Bool(true)), ("filters", Json::Array(vec![filter]))]);
        let feature = o(vec![("defaultValue", Json::Bool(false)), ("rules", Json::Array(vec![rule]))]);
        let snapshot = convert(&o(vec![("features", o(vec![("f", feature)]))])).expect("converts");
        let got = read(&snapshot, "f", &o(vec![("id", owned(&c[1]))]));
        t.check(&name, (got.source == "force") == !matches!(c[3], Json::Null), || format!("{got:?}"));
    }
}

/// `[name, encrypted, key, plain text or null]`: the SDK's `decrypt`, and where the plain text is a
/// features object, the payload `{encryptedFeatures}` converted with the key.
fn decrypt_section(cases: &[Json<'_>], t: &mut Tally) {
    for case in cases {
        let Json::Array(c) = case else { panic!() };
        let name = c[0].as_str().unwrap_or_default().to_string();
        let (encrypted, key) = (c[1].as_str().unwrap_or_default(), c[2].as_str().unwrap_or_default());
        let got = decrypt(encrypted, key);
        match c[3].as_str() {
            None => t.check(&name, got.is_err(), || format!("{got:?}")),
            Some(want) => {
                let mut problems = Vec::new();
                if got.as_deref() != Ok(want) {
                    problems.push(format!("{got:?}"));
                }
                if let Ok(Json::Object(features)) = Json::parse(want) {
                    let payload = o(vec![("encryptedFeatures", owned(&c[1]))]);
                    let options = Options {
                        version: 1,
                        generated_at: "2026-01-01T00:00:00Z".into(),
                        decryption_key: Some(key.into()),
                        ..Options::default()
                    };
                    let imported = import(Peer::GrowthBook, &payload.to_text(), &options).expect("converts");
                    let snapshot = Snapshot::from_json(&imported.snapshot).expect("loads");
                    for (feature, def) in &features {
                        let answer = read(&snapshot, feature, &o(vec![]));
                        if answer.value != def.get("defaultValue").map_or(Json::Null, owned) {
                            problems.push(format!("{feature}: {answer:?}"));
                        }
                    }
                }
                t.check(&name, problems.is_empty(), || problems.join("; "));
            }
        }
    }
}

fn refused_section(section: &str) -> &'static str {
    match section {
        "stickyBucket" => "sticky bucketing is refused: assignments kept by a service outside the snapshot",
        "getQueryStringOverride" => "query-string forced variations are refused",
        "urlRedirect" => "URL redirect (auto) experiments are refused",
        "contextualBandit" => "contextual bandits are refused",
        _ => "a section this converter does not know",
    }
}

#[test]
fn growthbook_cases() {
    let Some(dir) = suites() else { return };
    let text = std::fs::read_to_string(dir.join("growthbook/cases.json")).expect("cases.json");
    let doc = Json::parse(&text).expect("cases.json parses");
    let Json::Object(sections) = &doc else { panic!() };
    let mut report = Vec::new();
    let mut skipped_list = Vec::new();
    let mut failures = Vec::new();
    for (section, cases) in sections {
        let Json::Array(cases) = cases else { continue };
        let mut t = Tally::default();
        match &**section {
            "feature" => feature_section(cases, &mut t),
            "evalCondition" => eval_condition_section(cases, &mut t),
            "run" => run_section(cases, &mut t),
            "getBucketRange" => bucket_range_section(cases, &mut t),
            "chooseVariation" => choose_variation_section(cases, &mut t),
            "getEqualWeights" => equal_weights_section(cases, &mut t),
            "inNamespace" => in_namespace_section(cases, &mut t),
            "hash" => hash_section(cases, &mut t),
            "decrypt" => decrypt_section(cases, &mut t),
            other => {
                for case in cases {
                    let name = match case {
                        Json::Array(c) => {
                            c.first().and_then(Json::as_str).map_or_else(|| case.to_text(), str::to_string)
                        }
                        _ => case.to_text(),
                    };
                    t.skipped.push((name, refused_section(other).into()));
                }
            }
        }
        report.push((section.to_string(), cases.len(), t.run, t.passed, t.skipped.len()));
        for (case, reason) in t.skipped {
            let s = |x: String| Json::String(Cow::Owned(x));
            skipped_list.push(o(vec![("section", s(section.to_string())), ("case", s(case)), ("reason", s(reason))]));
        }
        failures.extend(t.failures.into_iter().map(|f| format!("{section}: {f}")));
    }
    for (section, total, run, passed, skipped) in &report {
        eprintln!("growthbook {section}: {total} cases, {run} run, {passed} passed, {skipped} skipped");
    }
    let listed = Json::Array(skipped_list).to_text();
    let path = root().join("tests/import/growthbook-skipped.json");
    if std::env::var_os("EDGEFLAG_WRITE_SKIPPED").is_some() {
        std::fs::write(&path, pretty(&listed)).expect("write the skip list");
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let on_file = std::fs::read_to_string(&path).expect("tests/import/growthbook-skipped.json");
    let on_file = Json::parse(&on_file).expect("the skip list parses").to_text();
    assert_eq!(on_file, listed, "the skipped cases changed (EDGEFLAG_WRITE_SKIPPED=1 rewrites the list)");
    let counts: Vec<(&str, usize, usize)> =
        report.iter().map(|(s, _, run, passed, _)| (s.as_str(), *run, *passed)).collect();
    assert_eq!(counts, EXPECTED, "run / passed per section");
}

/// Run and passed per section, in the file's order.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("evalCondition", 193, 193),
    ("hash", 15, 15),
    ("getBucketRange", 13, 13),
    ("feature", 43, 43),
    ("run", 61, 61),
    ("chooseVariation", 13, 13),
    ("getQueryStringOverride", 0, 0),
    ("inNamespace", 16, 16),
    ("getEqualWeights", 6, 6),
    ("decrypt", 10, 10),
    ("stickyBucket", 0, 0),
    ("urlRedirect", 0, 0),
    ("contextualBandit", 0, 0),
];

/// One skipped case per line.
fn pretty(text: &str) -> String {
    let Ok(Json::Array(items)) = Json::parse(text) else { return text.into() };
    let lines: Vec<String> = items.iter().map(|i| format!("  {}", i.to_text())).collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

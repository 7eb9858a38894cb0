//! flagd-testbed's in-process evaluator suite (`evaluator/flags/testkit-flags.json` with every
//! scenario of `evaluator/gherkin/*.feature`) through the flagd converter and edgeflag's
//! engine. The flag file is converted once, skipping what the converter refuses; each scenario
//! then evaluates with edgeflag and reads flagd's answer back as docs/import.md, flagd says.
//! Scenarios not run are those of legacy `@fractional-v1` bucketing and those needing a
//! refused construct, listed with their reasons in `tests/import/flagd-skipped.json` (set
//! `EDGEFLAG_WRITE_SKIPS=1` to rewrite it after a deliberate change).

use edgeflag::{Context, Engine, Json, Reason};
use edgeflag_import::{import, ImportError, Options, Peer};
use std::path::PathBuf;

mod flagd_gherkin;
use flagd_gherkin::Scenario;

/// How many scenarios (after expanding Examples) the suite holds and how many run.
const TOTAL: usize = 140;
const RUN: usize = 90;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn suite() -> Option<PathBuf> {
    let dir = std::env::var_os("EDGEFLAG_PEER_SUITES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/peer-suites"));
    let dir = dir.join("flagd/flagd-testbed/evaluator");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("skipped: no flagd-testbed at {} (set EDGEFLAG_PEER_SUITES)", dir.display());
    None
}

/// A scenario's steps, read.
#[derive(Default)]
struct Case {
    flag: String,
    kind: String,
    default: String,
    context: Vec<(String, Json<'static>)>,
    checks: Vec<Check>,
}

enum Check {
    Value(String),
    Reason(String),
    ErrorCode(String),
    MetadataContains,
    MetadataEmpty,
}

fn quoted(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(|s| s.to_string()).collect()
}

/// A value of the step's type.
fn typed(kind: &str, text: &str) -> Json<'static> {
    match kind {
        "Integer" | "Float" => Json::Number(text.parse().unwrap_or_else(|_| panic!("a number: {text}"))),
        "Boolean" => Json::Bool(text == "true"),
        "Object" => Json::parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).to_owned_json(),
        _ => Json::String(text.to_string().into()),
    }
}

fn read(scenario: &Scenario) -> Case {
    let mut case = Case::default();
    for step in &scenario.steps {
        // Table cells write a quote inside a value as \" : read it back before splitting.
        let unescaped = step.replace("\\\"", "\u{1}");
        let q: Vec<String> = quoted(&unescaped).into_iter().map(|s| s.replace('\u{1}', "\"")).collect();
        if step.starts_with("an evaluator") || step.starts_with("the flag was evaluated") {
        } else if let Some(rest) = step.strip_prefix("a ").filter(|r| r.contains("-flag with key")) {
            case.kind = rest.split('-').next().unwrap_or_default().to_string();
            case.flag = q[0].clone();
            case.default = q[1].clone();
        } else if step.starts_with("a context containing a key") {
            case.context.push((q[0].clone(), typed(&q[1], &q[2])));
        } else if step.starts_with("a context containing a nested property") {
            let inner = Json::Object(vec![(q[1].clone().into(), Json::String(q[2].clone().into()))]);
            case.context.push((q[0].clone(), inner));
        } else if step.starts_with("a context containing a targeting key") {
            case.context.push(("targetingKey".into(), Json::String(q[0].clone().into())));
        } else if step.starts_with("the resolved details value should be") {
            case.checks.push(Check::Value(q[0].clone()));
        } else if step.starts_with("the reason should be") {
            case.checks.push(Check::Reason(q[0].clone()));
        } else if step.starts_with("the error-code should be") {
            case.checks.push(Check::ErrorCode(q[0].clone()));
        } else if step.starts_with("the resolved metadata should contain") {
            case.checks.push(Check::MetadataContains);
        } else if step.starts_with("the resolved metadata is empty") {
            case.checks.push(Check::MetadataEmpty);
        } else {
            panic!("{}: a step this reader does not know: {step}", scenario.name);
        }
    }
    case
}

/// JSON values equal as flagd compares them: objects whatever their member order.
fn same(a: &Json<'_>, b: &Json<'_>) -> bool {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && same(v, v2)))
        }
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        _ => a == b,
    }
}

/// flagd's answer read from edgeflag's (docs/import.md, flagd: "Reading flagd's answer").
struct Answer {
    value: Json<'static>,
    reason: &'static str,
    error: Option<&'static str>,
}

fn evaluate(engine: &Engine, case: &Case) -> Answer {
    let default = typed(&case.kind, &case.default);
    let context = Context::new(Json::Object(case.context.iter().map(|(k, v)| (k.clone().into(), v.clone())).collect()));
    let result = engine.evaluate(&case.flag, &context, 1_767_225_600_000, Some(&default));
    let value = result.value.map_or(default.clone(), |v| v.clone());
    let failed_helper =
        result.prerequisite_failed.is_some_and(|p| p.ends_with(edgeflag_import::flagd::TARGETED_SUFFIX));
    let reason = match result.reason {
        Reason::Split => "TARGETING_MATCH",
        Reason::TargetingMatch if failed_helper => "DEFAULT",
        r => r.name(),
    };
    Answer { value, reason, error: result.error_code().map(|c| c.name()) }
}

/// Why a scenario is not run, if it is not.
fn skip_reason(scenario: &Scenario, case: &Case, skipped: &[ImportError]) -> Option<String> {
    if scenario.tags.iter().any(|t| t == "@fractional-v1") {
        return Some("@fractional-v1: flagd's legacy v1 bucketing (before core 0.15.0), not imported".into());
    }
    let at = format!("flags.{}", case.flag);
    let refused = |path: &str| {
        skipped.iter().find(|e| {
            e.path == path || e.path.starts_with(&format!("{path}.")) || e.path.starts_with(&format!("{path}["))
        })
    };
    if let Some(e) = refused(&at) {
        if !e.path.ends_with(".metadata") {
            return Some(format!("flag refused: {e}"));
        }
    }
    if case.checks.iter().any(|c| matches!(c, Check::MetadataContains)) {
        if let Some(e) = refused(&format!("{at}.metadata")) {
            return Some(format!("flag metadata refused: {e}"));
        }
    }
    None
}

fn check(case: &Case, answer: &Answer) -> Result<(), String> {
    for c in &case.checks {
        match c {
            Check::Value(v) => {
                let expected = typed(&case.kind, v);
                if !same(&expected, &answer.value) {
                    return Err(format!("value {} (expected {})", answer.value.to_text(), expected.to_text()));
                }
            }
            Check::Reason(r) if r != answer.reason => return Err(format!("reason {} (expected {r})", answer.reason)),
            Check::ErrorCode(code) if Some(code.as_str()) != answer.error => {
                return Err(format!("error code {:?} (expected {code})", answer.error))
            }
            // edgeflag results carry no metadata: empty, as flagd's for these flags.
            Check::MetadataEmpty => {}
            Check::MetadataContains => return Err("metadata expected".into()),
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn flagd_testbed_evaluator() {
    let Some(dir) = suite() else { return };
    let text = std::fs::read_to_string(dir.join("flags/testkit-flags.json")).expect("the flag file");
    let options = Options {
        version: 1,
        generated_at: "2026-01-01T00:00:00Z".into(),
        skip_unsupported: true,
        ..Options::default()
    };
    let imported = import(Peer::Flagd, &text, &options).unwrap_or_else(|e| panic!("{e}"));
    for e in &imported.skipped {
        println!("refused: {e}");
    }
    let mut engine = Engine::new();
    engine.update_json(&imported.snapshot).unwrap_or_else(|e| panic!("{e}\n{}", imported.snapshot.to_text()));

    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.join("gherkin")).expect("gherkin").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let (mut total, mut run, mut passed) = (0, 0, 0);
    let mut skips = Vec::new();
    let mut failures = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "feature")) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let text = std::fs::read_to_string(file).expect("feature");
        for scenario in flagd_gherkin::scenarios(&text) {
            total += 1;
            let case = read(&scenario);
            let id = format!("{name}: {}", scenario.name);
            if let Some(why) = skip_reason(&scenario, &case, &imported.skipped) {
                skips.push((id, why));
                continue;
            }
            run += 1;
            match check(&case, &evaluate(&engine, &case)) {
                Ok(()) => passed += 1,
                Err(e) => failures.push(format!("{id}: {e}")),
            }
        }
    }
    println!("flagd-testbed evaluator: {total} scenarios, {run} run, {passed} passed, {} skipped", skips.len());
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));

    // The skip list, as committed.
    let mut list = String::from("[\n");
    for (i, (id, why)) in skips.iter().enumerate() {
        let entry = Json::Object(vec![
            ("scenario".into(), Json::String(id.clone().into())),
            ("reason".into(), Json::String(why.clone().into())),
        ]);
        list.push_str(&format!("  {}{}\n", entry.to_text(), if i + 1 < skips.len() { "," } else { "" }));
    }
    list.push_str("]\n");
    let path = repo().join("tests/import/flagd-skipped.json");
    if std::env::var_os("EDGEFLAG_WRITE_SKIPS").is_some() {
        std::fs::write(&path, &list).expect("write the skip list");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(committed, list, "tests/import/flagd-skipped.json differs from the scenarios skipped now");
    assert_eq!((total, run, passed, skips.len()), (TOTAL, RUN, RUN, TOTAL - RUN));
}

/// Converts an inline flag file (strict: any refusal fails) and loads it.
fn engine_for(file: &str) -> Engine {
    let options = Options { version: 1, generated_at: "2026-01-01T00:00:00Z".into(), ..Options::default() };
    let imported = import(Peer::Flagd, file, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut engine = Engine::new();
    engine.update_json(&imported.snapshot).unwrap_or_else(|e| panic!("{e}\n{}", imported.snapshot.to_text()));
    engine
}

fn served(engine: &Engine, flag: &str, context: &str, now: i64) -> Option<String> {
    let context = Context::parse(context);
    engine.evaluate(flag, &context, now, None).variation.map(|(_, name)| name.to_string())
}

/// `$flagd.timestamp` is whole unix seconds: each bound holds exactly at the second boundary.
#[test]
fn timestamp_windows_at_second_boundaries() {
    let engine = engine_for(
        r#"{"flags": {
          "after": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
            "targeting": {"if": [{">": [{"var": "$flagd.timestamp"}, 1000]}, "on", "off"]}},
          "from": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
            "targeting": {"if": [{">=": [{"var": "$flagd.timestamp"}, 1000]}, "on", "off"]}},
          "between": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
            "targeting": {"if": [{"<": [1000, {"var": "$flagd.timestamp"}, 1002]}, "on", "off"]}}
        }}"#,
    );
    let at = |flag: &str, ms: i64| served(&engine, flag, "{}", ms).unwrap_or_default();
    // now_s > 1000 from 1001 s on.
    assert_eq!((at("after", 1_000_999), at("after", 1_001_000)), ("off".into(), "on".into()));
    // now_s ≥ 1000 from 1000 s on.
    assert_eq!((at("from", 999_999), at("from", 1_000_000)), ("off".into(), "on".into()));
    // 1000 < now_s < 1002: the second 1001 only.
    let between: Vec<String> =
        [1_000_999, 1_001_000, 1_001_999, 1_002_000].iter().map(|&ms| at("between", ms)).collect();
    assert_eq!(between, ["off", "on", "on", "off"]);
}

/// The guards: arrays, numbers and missing values never match where flagd's leaf is falsy.
#[test]
fn guarded_leaves_follow_jsonlogic() {
    let engine = engine_for(
        r#"{"flags": {
          "f": {"state": "ENABLED", "variants": {"a": "a", "b": "b", "c": "c", "d": "d"}, "defaultVariant": "d",
            "targeting": {"if": [
              {"and": [{"==": [{"var": "tier"}, "gold"]}, {"!": [{"in": [{"var": "country"}, ["FR", "DE"]]}]}]}, "a",
              {"or": [{"starts_with": [{"var": "email"}, "ops@"]}, {"==": [{"var": "team"}, null]}]}, "b",
              "c"]}}
        }}"#,
    );
    let v = |ctx: &str| served(&engine, "f", ctx, 0).unwrap_or_default();
    assert_eq!(v(r#"{"tier": "gold", "team": "x"}"#), "a");
    assert_eq!(v(r#"{"tier": "gold", "country": "FR", "team": "x"}"#), "c");
    // jsonlogic's `in` of an array in an array is false, so `!` is true: served "a".
    assert_eq!(v(r#"{"tier": "gold", "country": ["FR"], "team": "x"}"#), "a");
    // An array holding "gold" is not "gold" for jsonlogic.
    assert_eq!(v(r#"{"tier": ["gold"], "team": "x"}"#), "c");
    assert_eq!(v(r#"{"email": "ops@x", "team": "x"}"#), "b");
    assert_eq!(v(r#"{"email": ["ops@x"], "team": "x"}"#), "c");
    // jsonlogic reads "FR" and "DE" as the number 0 against a number: 0 is in the list.
    assert_eq!(v(r#"{"tier": "gold", "country": 0, "team": "x"}"#), "c");
    assert_eq!(v(r#"{"tier": "gold", "country": [0], "team": "x"}"#), "a");
    // A missing team is null.
    assert_eq!(v(r#"{}"#), "b");
}

/// Without a default variant, flagd serves the caller's default where targeting is null,
/// also where a `fractional` entry is null.
#[test]
fn no_default_variant_serves_the_callers_default() {
    let engine = engine_for(
        r#"{"flags": {
          "f": {"state": "ENABLED", "variants": {"x": "x"},
            "targeting": {"fractional": [["x", 1], [null, 1]]}}
        }}"#,
    );
    let (mut x, mut default) = (0, 0);
    for i in 0..200 {
        let context = Context::parse(Box::leak(format!(r#"{{"targetingKey": "user-{i}"}}"#).into_boxed_str()));
        let r = engine.evaluate("f", &context, 0, Some(&Json::String("d".into())));
        match r.variation {
            Some((_, "x")) => x += 1,
            None => {
                assert_eq!(r.prerequisite_failed, Some("f$targeted"));
                default += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(x > 50 && default > 50, "{x} {default}");
}

/// Refusals name the construct's path in the file.
#[test]
fn refusals_name_their_path() {
    let options = Options { version: 1, generated_at: "2026-01-01T00:00:00Z".into(), ..Options::default() };
    let refused = |file: &str| import(Peer::Flagd, file, &options).err().map(|e| e.path).unwrap_or_default();
    let flag = |targeting: &str| {
        format!(
            r#"{{"flags": {{"checkout": {{"variants": {{"a": "a"}}, "defaultVariant": "a", "targeting": {targeting}}}}}}}"#
        )
    };
    assert_eq!(refused(&flag(r#"{"if": [{"map": [[1], {"var": ""}]}, "a"]}"#)), "flags.checkout.targeting.if[0].map");
    assert_eq!(
        refused(&flag(r#"{"if": [{"==": [{"var": "n"}, 5]}, "a"]}"#)),
        r#"flags.checkout.targeting.if[0]["=="]"#
    );
    assert_eq!(refused(&flag(r#"{"if": [true, "b"]}"#)), "flags.checkout.targeting.if[1]");
    assert_eq!(
        refused(&flag(r#"{"if": [{"==": [{"var": "user.tier"}, "gold"]}, "a"]}"#)),
        r#"flags.checkout.targeting.if[0]["=="].var"#
    );
    assert_eq!(
        refused(&flag(r#"{"fractional": [{"var": "email"}, ["a", 1]]}"#)),
        "flags.checkout.targeting.fractional[0]"
    );
}

/// `""` told from `[""]` by `type`; `starts_with` as a result is true, false or null.
#[test]
fn empty_strings_and_tri_state_results() {
    let engine = engine_for(
        r#"{"flags": {
          "eq": {"state": "ENABLED", "variants": {"y": 1, "n": 0}, "defaultVariant": "n",
            "targeting": {"if": [{"===": [{"var": "t"}, ""]}, "y", "n"]}},
          "sw": {"state": "ENABLED", "variants": {"true": 1, "false": 0, "d": 2}, "defaultVariant": "d",
            "targeting": {"starts_with": [{"var": "t"}, "ab"]}}
        }}"#,
    );
    let v = |flag: &str, ctx: &str| served(&engine, flag, ctx, 0).unwrap_or_default();
    assert_eq!(
        (v("eq", r#"{"t": ""}"#), v("eq", r#"{"t": [""]}"#), v("eq", "{}")),
        ("y".into(), "n".into(), "n".into())
    );
    let sw: Vec<String> = [r#"{"t": "abc"}"#, r#"{"t": ""}"#, r#"{"t": ["abc"]}"#, r#"{"t": 5}"#, "{}"]
        .iter()
        .map(|c| v("sw", c))
        .collect();
    assert_eq!(sw, ["true", "false", "d", "d", "d"]);
}

/// With the reference `flagd-core`: `includes` for `in`, `0 == null`, and a context value as bucketing string
/// (the empty string's entry computed at import, other values null).
#[test]
fn flagd_core_semantics() {
    let options = Options {
        version: 1,
        generated_at: "2026-01-01T00:00:00Z".into(),
        reference: Some("flagd-core".into()),
        ..Options::default()
    };
    let file = r#"{"flags": {
      "in": {"state": "ENABLED", "variants": {"y": 1, "n": 0}, "defaultVariant": "n",
        "targeting": {"if": [{"in": [{"var": "c"}, ["FR", ""]]}, "y", "n"]}},
      "null": {"state": "ENABLED", "variants": {"y": 1, "n": 0}, "defaultVariant": "n",
        "targeting": {"if": [{"==": [{"var": "c"}, null]}, "y", "n"]}},
      "split": {"state": "ENABLED", "variants": {"a": 1, "b": 2, "d": 0}, "defaultVariant": "d",
        "targeting": {"fractional": [{"var": "email"}, ["a", 1], ["b", 0]]}}
    }}"#;
    let imported = import(Peer::Flagd, file, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut engine = Engine::new();
    engine.update_json(&imported.snapshot).unwrap_or_else(|e| panic!("{e}"));
    let v = |flag: &str, ctx: &str| served(&engine, flag, ctx, 0).unwrap_or_default();
    let inn: Vec<String> =
        [r#"{"c": "FR"}"#, r#"{"c": ""}"#, r#"{"c": 0}"#, r#"{"c": ["FR"]}"#].iter().map(|c| v("in", c)).collect();
    assert_eq!(inn, ["y", "y", "n", "n"]);
    let null: Vec<String> =
        ["{}", r#"{"c": 0}"#, r#"{"c": false}"#, r#"{"c": ""}"#, r#"{"c": 1}"#].iter().map(|c| v("null", c)).collect();
    assert_eq!(null, ["y", "y", "y", "n", "n"]);
    let split: Vec<String> =
        [r#"{"email": "x@y"}"#, r#"{"email": ""}"#, r#"{"email": 5}"#, "{}"].iter().map(|c| v("split", c)).collect();
    assert_eq!(split, ["a", "a", "d", "d"]);
}

/// `sem_ver` as flagd's Go evaluator answers it: a context value on either side (`1.0.0 < x` is
/// `x > 1.0.0`), `!=` only between versions, true / false / null as a result, literals decided at
/// import (two literals, a literal that is no version: `null` for every context); refused with the
/// reference `flagd-core`, whose npm semver reads versions otherwise.
#[test]
fn sem_ver_as_flagd_answers() {
    let engine = engine_for(
        r#"{"flags": {
          "swapped": {"state": "ENABLED", "variants": {"y": 1, "n": 0}, "defaultVariant": "n",
            "targeting": {"if": [{"sem_ver": ["1.0.0", "<", {"var": "v"}]}, "y", "n"]}},
          "ne": {"state": "ENABLED", "variants": {"y": 1, "n": 0}, "defaultVariant": "n",
            "targeting": {"if": [{"sem_ver": [{"var": "v"}, "!=", 2]}, "y", "n"]}},
          "result": {"state": "ENABLED", "variants": {"true": 1, "false": 0, "d": 2}, "defaultVariant": "d",
            "targeting": {"sem_ver": [{"var": "v"}, "~", "V1.2"]}},
          "literals": {"state": "ENABLED", "variants": {"true": 1, "false": 0, "d": 2}, "defaultVariant": "d",
            "targeting": {"sem_ver": ["v1.2.3", "^", 1.5]}},
          "invalid": {"state": "ENABLED", "variants": {"true": 1, "false": 0, "d": 2}, "defaultVariant": "d",
            "targeting": {"sem_ver": [{"var": "v"}, "=", "1.0.0.0"]}}
        }}"#,
    );
    let v = |flag: &str, ctx: &str| served(&engine, flag, ctx, 0).unwrap_or_default();
    let all = |flag: &str, ctxs: &[&str]| ctxs.iter().map(|c| v(flag, c)).collect::<Vec<String>>();
    assert_eq!(all("swapped", &[r#"{"v": "1.0.1"}"#, r#"{"v": "1.0.0"}"#, r#"{"v": 2}"#, "{}"]), ["y", "n", "y", "n"]);
    assert_eq!(
        all("ne", &[r#"{"v": "2.0.1"}"#, r#"{"v": "v2"}"#, r#"{"v": 2}"#, r#"{"v": "x"}"#, "{}"]),
        ["y", "n", "n", "n", "n"]
    );
    assert_eq!(
        all("result", &[r#"{"v": "1.2.9"}"#, r#"{"v": "1.3.0"}"#, r#"{"v": 1.2}"#, r#"{"v": 1000000}"#, "{}"]),
        ["true", "false", "true", "d", "d"]
    );
    assert_eq!(all("literals", &["{}"]), ["true"]);
    assert_eq!(all("invalid", &[r#"{"v": "1.0.0.0"}"#, r#"{"v": "1.0.0"}"#]), ["d", "d"]);
    let options = Options {
        version: 1,
        generated_at: "2026-01-01T00:00:00Z".into(),
        reference: Some("flagd-core".into()),
        ..Options::default()
    };
    let file = r#"{"flags": {"f": {"state": "ENABLED", "variants": {"y": 1, "n": 0}, "defaultVariant": "n",
        "targeting": {"if": [{"sem_ver": [{"var": "v"}, ">", "1.0.0"]}, "y", "n"]}}}}"#;
    // flagd-core reads versions as npm's semver (white space trimmed, a second `v`) and coerces
    // `2` to 2.0.0; flagd (Go) reads none of these.
    let ctxs =
        [r#"{"v": " 1.0.1 "}"#, r#"{"v": "vv1.0.1"}"#, r#"{"v": "1.0.0"}"#, r#"{"v": 2}"#, r#"{"v": "01"}"#, "{}"];
    let load = |options: &Options| {
        let mut engine = Engine::new();
        engine.update_json(&import(Peer::Flagd, file, options).unwrap().snapshot).unwrap();
        engine
    };
    let core = load(&options);
    let got: Vec<String> = ctxs.iter().map(|c| served(&core, "f", c, 0).unwrap_or_default()).collect();
    assert_eq!(got, ["y", "y", "n", "y", "n", "n"]);
    let go = load(&Options { reference: None, ..options });
    let got: Vec<String> = ctxs.iter().map(|c| served(&go, "f", c, 0).unwrap_or_default()).collect();
    assert_eq!(got, ["n", "n", "n", "y", "n", "n"]);
}

/// flagd-core's `cat` as a bucketing string: the constants around one context value, which is
/// written as `String()` does (`null` when missing); `==` of that split with a variant name.
#[test]
fn cat_bucketing_strings_as_flagd_core_hashes_them() {
    use edgeflag::bucketing::flagd::{fractional_v2, FlagdEncoding};
    let options = Options {
        version: 1,
        generated_at: "2026-01-01T00:00:00Z".into(),
        reference: Some("flagd-core".into()),
        ..Options::default()
    };
    let file = r#"{"flags": {
        "f": {"state": "ENABLED", "variants": {"a": 1, "b": 2, "c": 3}, "defaultVariant": "c",
          "targeting": {"fractional": [{"cat": [{"var": "$flagd.flagKey"}, "-", {"var": "email"}, "!"]}, ["a", 3], ["b", 4]]}},
        "g": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
          "targeting": {"if": [{"==": [{"fractional": [{"cat": ["f-", {"var": "email"}, "!"]}, ["a", 3], ["b", 4]]}, "b"]}, "on", "off"]}},
        "h": {"state": "ENABLED", "variants": {"a": 1, "b": 2, "c": 3}, "defaultVariant": "c",
          "targeting": {"if": [{"!==": [{"var": "email"}, "zz"]}, {"fractional": [{"cat": ["f-", {"var": "email"}, "!"]}, ["a", 3], ["b", 4]]}]}}
    }}"#;
    let mut engine = Engine::new();
    engine.update_json(&import(Peer::Flagd, file, &options).unwrap().snapshot).unwrap();
    let values = [r#""josé@example.com""#, "7", "1.5", "true", r#"[1, "x"]"#, r#"{"a": 1}"#, "null", ""];
    let texts = ["josé@example.com", "7", "1.5", "true", "1,x", "[object Object]", "null", "null"];
    for (value, text) in values.iter().zip(texts) {
        let ctx = if value.is_empty() { String::from("{}") } else { format!(r#"{{"email": {value}}}"#) };
        let bucket = fractional_v2(&["f-", text, "!"], 7, FlagdEncoding::Utf16Imurmurhash);
        let want = if bucket < 3 { "a" } else { "b" };
        assert_eq!(served(&engine, "f", &ctx, 0).as_deref(), Some(want), "{ctx}");
        assert_eq!(served(&engine, "g", &ctx, 0).as_deref(), Some(if want == "b" { "on" } else { "off" }), "{ctx}");
        // flagd-core interprets an `if` of two items: its `cat` drops a missing value.
        let text = if text == "null" && !value.starts_with('"') { "" } else { text };
        let bucket = fractional_v2(&["f-", text, "!"], 7, FlagdEncoding::Utf16Imurmurhash);
        assert_eq!(served(&engine, "h", &ctx, 0).as_deref(), Some(if bucket < 3 { "a" } else { "b" }), "{ctx}");
    }
    // The string first: refused (flagd-core's compiled comparison fails where the result is null).
    let swapped = file.replace(
        r#"{"==": [{"fractional": [{"cat": ["f-", {"var": "email"}, "!"]}, ["a", 3], ["b", 4]]}, "b"]}"#,
        r#"{"==": ["b", {"fractional": [["a", 3], ["b", 4]]}]}"#,
    );
    let refused = import(Peer::Flagd, &swapped, &options).err().map(|e| e.path);
    assert_eq!(refused.as_deref(), Some("flags.g.targeting.if[0][\"==\"]"));
    // flagd (Go) trims and writes numbers its own way: refused.
    let go = import(Peer::Flagd, file, &Options { reference: None, ..options }).err().map(|e| e.path);
    assert_eq!(go.as_deref(), Some("flags.f.targeting.fractional[0]"));
}

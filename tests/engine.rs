//! The engine's update semantics (docs/snapshot.md, "Load errors": a refused snapshot leaves the
//! engine serving the one it had), evaluation with no snapshot, invalid contexts, and
//! `evaluate_all` agreeing with `evaluate` on the example snapshot.

use edgeflag::{parse_timestamp, Context, Engine, ErrorCode, Json, LoadErrorKind, Reason, Snapshot, Update};
use std::collections::BTreeSet;

const EXAMPLE: &str = include_str!("../examples/snapshot.json");

/// A snapshot whose one flag, `greeting`, serves `greeting` — so which snapshot serves shows in
/// the value.
fn versioned(version: u64, greeting: &str) -> String {
    format!(
        r#"{{"version": {version}, "generatedAt": "2026-11-20T09:30:00Z",
             "flags": {{"greeting": {{"on": true, "variations": [{{"name": "only", "value": "{greeting}"}}],
                                      "fallthrough": {{"variation": "only"}}}}}}}}"#
    )
}

/// A newer snapshot that fails on its content: the third rule's operator is misspelt.
const BETWEN: &str = r#"{
  "version": 100, "generatedAt": "2026-11-20T09:30:00Z",
  "flags": {
    "checkout": {
      "on": true,
      "variations": [ { "name": "off", "value": false }, { "name": "on", "value": true } ],
      "rules": [
        { "id": "staff", "clauses": [ { "attribute": "email", "op": "endsWith", "values": ["@example.com"] } ],
          "serve": { "variation": "on" } },
        { "id": "pro", "clauses": [ { "attribute": "tier", "op": "in", "values": ["pro"] } ],
          "serve": { "variation": "on" } },
        { "id": "mid-size", "clauses": [ { "attribute": "seats", "op": "betwen", "values": [10, 50] } ],
          "serve": { "variation": "on" } }
      ],
      "fallthrough": { "variation": "off" }
    }
  }
}"#;

fn greeting(engine: &Engine) -> Option<String> {
    let e = engine.evaluate("greeting", &Context::with_key("user-1"), 0, None);
    e.value.and_then(Json::as_str).map(String::from)
}

fn loaded(greeting_text: &str, version: u64) -> Engine {
    let mut engine = Engine::new();
    engine.update_str(&versioned(version, greeting_text)).expect("a good snapshot loads");
    engine
}

#[test]
fn a_good_snapshot_loads() {
    let mut engine = Engine::new();
    assert_eq!(engine.update_str(EXAMPLE), Ok(Update::Replaced { from: None, to: 7 }));
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(7));
    let mut engine = Engine::new();
    assert_eq!(engine.update_str(&versioned(3, "three")), Ok(Update::Replaced { from: None, to: 3 }));
    assert_eq!(greeting(&engine).as_deref(), Some("three"));
}

#[test]
fn a_newer_version_replaces() {
    let mut engine = loaded("three", 3);
    assert_eq!(engine.update_str(&versioned(5, "five")), Ok(Update::Replaced { from: Some(3), to: 5 }));
    assert_eq!(greeting(&engine).as_deref(), Some("five"));
}

#[test]
fn the_same_version_is_unchanged_and_keeps_the_first() {
    let mut engine = loaded("first", 5);
    assert_eq!(engine.update_str(&versioned(5, "second")), Ok(Update::Unchanged { version: 5 }));
    assert_eq!(greeting(&engine).as_deref(), Some("first"));
}

#[test]
fn an_older_version_is_refused_and_the_newer_keeps_serving() {
    let mut engine = loaded("three", 3);
    engine.update_str(&versioned(5, "five")).expect("newer loads");
    let err = engine.update_str(&versioned(4, "four")).expect_err("an older version is refused");
    assert_eq!(err.kind, LoadErrorKind::VersionBackwards);
    assert_eq!(err.kind.code(), "version_backwards");
    assert_eq!(err.path, "version");
    assert!(err.to_string().starts_with("version: "), "{err}");
    assert_eq!(greeting(&engine).as_deref(), Some("five"));
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(5));
}

#[test]
fn invalid_json_is_refused_and_the_previous_keeps_serving() {
    let mut engine = loaded("three", 3);
    let err = engine.update_str(r#"{"version": 9, "generatedAt": "2026-11-20", "flags": {"#).expect_err("not JSON");
    assert_eq!(err.kind, LoadErrorKind::InvalidJson);
    assert_eq!(err.path, "", "text that is not JSON has an empty path");
    // The message gives line and column; with an empty path, Display is the message alone.
    let shown = err.to_string();
    assert!(shown.contains("line") && shown.contains("column"), "{shown}");
    assert_eq!(shown, err.message);
    assert_eq!(greeting(&engine).as_deref(), Some("three"));
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(3));
}

#[test]
fn a_semantic_error_is_refused_and_the_previous_keeps_serving() {
    let mut engine = loaded("three", 3);
    let err = engine.update_str(BETWEN).expect_err("unknown operator");
    assert_eq!(err.kind, LoadErrorKind::UnknownOperator);
    assert_eq!(err.path, "flags.checkout.rules[2].clauses[0].op");
    assert_eq!(greeting(&engine).as_deref(), Some("three"));
    assert_eq!(engine.snapshot().map(Snapshot::version), Some(3));
    // Refusal does not depend on the engine: the snapshot alone does not load either.
    assert_eq!(Snapshot::parse(BETWEN).map(|_| ()), Err(err));
}

#[test]
fn load_errors_display_as_path_colon_message() {
    let err = Snapshot::parse(BETWEN).expect_err("unknown operator");
    let shown = err.to_string();
    assert!(shown.contains(r#"flags.checkout.rules[2].clauses[0].op: unknown operator "betwen""#), "{shown}");
    assert_eq!(shown, format!("{}: {}", err.path, err.message));
}

#[test]
fn a_refused_first_snapshot_leaves_the_engine_empty() {
    let mut engine = Engine::new();
    assert!(engine.update_str(BETWEN).is_err());
    assert!(engine.snapshot().is_none());
    assert_eq!(engine.evaluate("checkout", &Context::with_key("u"), 0, None).error_code(), Some(ErrorCode::General));
}

#[test]
fn with_no_snapshot_evaluations_are_general_errors() {
    let engine = Engine::new();
    let ctx = Context::with_key("user-1");
    let default = Json::Bool(true);
    // Every flag key is unknown here, yet the error is GENERAL: nothing is loaded.
    for key in ["conversations_enabled", "no_such_flag"] {
        for d in [None, Some(&default)] {
            let e = engine.evaluate(key, &ctx, 0, d);
            assert_eq!(e.reason, Reason::Error, "{key}");
            assert_eq!(e.error_code(), Some(ErrorCode::General), "{key}");
            assert_eq!(e.value, None, "{key}: the value is the caller's default");
            assert_eq!(e.variation, None);
            assert_eq!(e.value_or(&default), &default);
        }
    }
    assert!(engine.evaluate_all(&ctx, 0).is_empty());
}

/// Contexts chosen to reach every step of the example's flags: segments (included, excluded,
/// by rule), beta opt-ins and ramps, allow- and deny-list targets, prerequisites met and failed,
/// semver gates, wrong types, and missing or empty keys that make rollouts fail.
const CONTEXTS: &[&str] = &[
    r#"{"key":"u-ops-1","email":"alice@example.com","tier":"enterprise","beta":true,"accountId":"acme","app_version":"2.10.0"}"#,
    r#"{"key":"user-1042","tier":"pro","beta_opt_in":true,"accountId":"globex","app_version":"2.3.1"}"#,
    r#"{"key":"user-77","tier":"free","accountId":"initech","app_version":"2.2.9"}"#,
    r#"{"key":"test-user-1","tier":"pro","accountId":4711}"#,
    r#"{"key":"disabled-user-1","tier":"enterprise","beta":true}"#,
    r#"{"key":"u-contractor-7","email":"c7@example.com","beta":true,"tier":"pro"}"#,
    r#"{"key":"user-🚀","tier":["free","pro"],"accountId":4711.5,"app_version":"3"}"#,
    r#"{"key":"user-5","tier":"pro","beta":"yes","app_version":"not-a-version","accountId":null}"#,
    r#"{"tier":"enterprise","beta":true,"accountId":"acme"}"#,
    r#"{"key":"","tier":"pro","accountId":"globex","app_version":"2.3.0"}"#,
];

/// Peak and off-peak hours, a weekend, and both sides of the 06:00 end of the night window.
const TIMES: &[&str] = &[
    "2026-11-24T14:00:00Z",
    "2026-11-24T23:30:00Z",
    "2026-11-28T12:00:00Z",
    "2026-11-25T05:59:59.999Z",
    "2026-11-25T06:00:00Z",
];

#[test]
fn evaluate_all_equals_evaluate_for_every_flag() {
    let s = Snapshot::parse(EXAMPLE).expect("the example loads");
    let keys: Vec<&str> = s.flags().iter().map(|f| f.key()).collect();
    let (mut reasons, mut codes, mut prerequisite_failures) = (BTreeSet::new(), BTreeSet::new(), 0);
    for context in CONTEXTS {
        let ctx = Context::parse(context);
        assert!(ctx.error().is_none(), "{context}");
        for time in TIMES {
            let now = parse_timestamp(time).expect("a timestamp");
            let all = s.evaluate_all(&ctx, now);
            assert_eq!(all.iter().map(|(k, _)| *k).collect::<Vec<_>>(), keys, "one entry per flag, in key order");
            for (key, e) in &all {
                assert_eq!(*e, s.evaluate(key, &ctx, now, None), "{key} for {context} at {time}");
                reasons.insert(e.reason.name());
                codes.extend(e.error_code().map(ErrorCode::name));
                prerequisite_failures += usize::from(e.prerequisite_failed.is_some());
            }
        }
    }
    // The comparison covered what matters: errors, splits, prerequisites.
    for reason in ["DEFAULT", "TARGETING_MATCH", "SPLIT", "ERROR"] {
        assert!(reasons.contains(reason), "no {reason} result among {reasons:?}");
    }
    assert!(codes.contains("TARGETING_KEY_MISSING"), "no rollout failed for want of a key: {codes:?}");
    assert!(prerequisite_failures > 0, "no prerequisite failed");
}

/// Prerequisites that error or are off, where `evaluate_all` reuses results instead of
/// recomputing them.
const CHAIN: &str = r#"{
  "version": 1, "generatedAt": "2026-11-20T09:30:00Z",
  "flags": {
    "base": { "on": true, "variations": [ { "name": "off", "value": false }, { "name": "on", "value": true } ],
              "offVariation": "off",
              "fallthrough": { "rollout": { "variations": [ { "variation": "on", "weight": 50000 },
                                                            { "variation": "off", "weight": 50000 } ] } } },
    "mid": { "on": true, "variations": [ { "name": "off", "value": false }, { "name": "on", "value": true } ],
             "offVariation": "off", "prerequisites": [ { "flag": "base", "variation": "on" } ],
             "fallthrough": { "rollout": { "bucketBy": "accountId",
                                           "variations": [ { "variation": "on", "weight": 50000 },
                                                           { "variation": "off", "weight": 50000 } ] } } },
    "top": { "on": true, "variations": [ { "name": "off", "value": false }, { "name": "on", "value": true } ],
             "offVariation": "off", "prerequisites": [ { "flag": "mid", "variation": "on" } ],
             "fallthrough": { "variation": "on" } },
    "killed": { "on": false, "variations": [ { "name": "off", "value": false }, { "name": "on", "value": true } ],
                "offVariation": "on", "fallthrough": { "variation": "on" } },
    "needs_killed": { "on": true, "variations": [ { "name": "off", "value": false }, { "name": "on", "value": true } ],
                      "prerequisites": [ { "flag": "killed", "variation": "on" } ],
                      "fallthrough": { "variation": "on" } }
  }
}"#;

#[test]
fn evaluate_all_equals_evaluate_through_failing_prerequisites() {
    let s = Snapshot::parse(CHAIN).expect("loads");
    let mut contexts: Vec<String> =
        (0..40).map(|i| format!(r#"{{"key":"user-{i}","accountId":"acct-{}"}}"#, i % 7)).collect();
    contexts.extend(
        [r#"{}"#, r#"{"key":""}"#, r#"{"key":"user-1","accountId":1.5}"#, r#"{"key":"user-1","accountId":true}"#]
            .map(String::from),
    );
    for context in &contexts {
        let ctx = Context::parse(context);
        for (key, e) in s.evaluate_all(&ctx, 0) {
            assert_eq!(e, s.evaluate(key, &ctx, 0, None), "{key} for {context}");
        }
    }
    // A prerequisite that errors does not hold (docs: it must evaluate without error).
    let keyless = s.evaluate("mid", &Context::parse("{}"), 0, None);
    assert_eq!(s.evaluate("base", &Context::parse("{}"), 0, None).error_code(), Some(ErrorCode::TargetingKeyMissing));
    assert_eq!((keyless.reason, keyless.prerequisite_failed), (Reason::TargetingMatch, Some("base")));
    assert_eq!(keyless.variation.map(|v| v.1), Some("off"));
    // Nor does one that is off, even when its off variation is the required one.
    let e = s.evaluate("needs_killed", &Context::with_key("user-1"), 0, None);
    assert_eq!((e.reason, e.prerequisite_failed, e.value), (Reason::TargetingMatch, Some("killed"), None));
}

#[test]
fn an_invalid_context_fails_every_flag_in_both_paths() {
    let mut engine = Engine::new();
    engine.update_str(EXAMPLE).expect("the example loads");
    let s = engine.snapshot().expect("loaded");
    let now = parse_timestamp("2026-11-24T23:30:00Z").expect("a timestamp");
    for (text, code) in [
        ("[1]", ErrorCode::InvalidContext),
        (r#"{"key": 42, "tier": "pro"}"#, ErrorCode::InvalidContext),
        ("{not json", ErrorCode::ParseError),
    ] {
        let ctx = Context::parse(text);
        let all = engine.evaluate_all(&ctx, now);
        assert_eq!(all.len(), s.flags().len(), "{text}");
        for (key, e) in &all {
            let single = engine.evaluate(key, &ctx, now, None);
            for (path, e) in [("evaluate_all", e), ("evaluate", &single)] {
                assert_eq!(e.reason, Reason::Error, "{path} {key} for {text}");
                assert_eq!(e.error_code(), Some(code), "{path} {key} for {text}");
                assert_eq!(e.value, None, "{path} {key} for {text}");
                assert_eq!(e.variation, None, "{path} {key} for {text}");
            }
        }
    }
    // The same attributes with a string key are fine: the key alone made it invalid.
    let ok = Context::parse(r#"{"key": "42", "tier": "pro"}"#);
    assert!(engine.evaluate_all(&ok, now).iter().all(|(_, e)| e.reason != Reason::Error));
}

#[test]
fn the_complete_example_in_the_docs_loads() {
    let doc = include_str!("../docs/snapshot.md");
    let section = doc.split("## Complete example").nth(1).expect("a Complete example section");
    let block = section.split("```json\n").nth(1).and_then(|b| b.split("\n```").next()).expect("a json block");
    let s = Snapshot::parse(block).unwrap_or_else(|e| panic!("the documented example does not load: {e}"));
    assert_eq!(s.version(), 7);
    assert_eq!(s.flags().len(), 10);
    assert_eq!(s.segment_count(), 2);
    // The docs say the block is examples/snapshot.json in full.
    let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).expect("JSON");
    assert_eq!(parse(block), parse(EXAMPLE), "docs/snapshot.md and examples/snapshot.json differ");
}

#[test]
fn the_wasm_lookup_finds_what_the_native_index_finds() {
    // Natively `index_of` uses a hash map; the Wasm module searches the sorted keys
    // (`Snapshot::search`). Both must give every flag's position, and nothing for other keys.
    let example = Snapshot::parse(include_str!("../examples/snapshot.json")).expect("the example loads");
    let generated = Snapshot::parse(&edgeflag::synthetic::snapshot(1000, 3)).expect("generated loads");
    for s in [&example, &generated] {
        for (i, f) in s.flags().iter().enumerate() {
            let key = f.key();
            assert_eq!((s.index_of(key), s.search(key)), (Some(i), Some(i)), "{key}");
            for other in [format!("{key}x"), format!("x{key}"), key[..key.len() - 1].to_string(), key.to_uppercase()] {
                let expected = s.flags().iter().position(|f| f.key() == other);
                assert_eq!((s.index_of(&other), s.search(&other)), (expected, expected), "{other}");
            }
        }
        assert_eq!((s.index_of(""), s.search("")), (None, None));
    }
}

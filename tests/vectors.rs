//! Runs every conformance vector in tests/vectors/ against the native engine.
//! The same files run in every other runtime; see tests/vectors/README.md for the format.

mod common;

use common::{load_vector, same, vector_files};
use edgeflag::{parse_timestamp, Context, Engine, EvaluationJson, Json, Snapshot};

const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";
const OPTIONAL: &[&str] = &["errorCode", "ruleId", "prerequisiteFailed", "bucket", "variantBucket", "inExperiment"];

/// The result as the vectors spell it: `errorMessage` dropped, `inExperiment: false` absent.
fn actual(e: &edgeflag::Evaluation, default: Option<&Json>) -> Json<'static> {
    let text = serde_json::to_string(&EvaluationJson { evaluation: e, default }).expect("serializable");
    let Json::Object(mut members) = Json::parse(&text).expect("valid JSON").to_owned_json() else { unreachable!() };
    members.retain(|(k, _)| k != "errorMessage");
    Json::Object(members)
}

/// Differences between a result and an expectation, empty when they agree exactly.
fn diff(actual: &Json, expect: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for field in ["value", "variation", "variationIndex", "reason"] {
        let want = expect.get(field).unwrap_or(&Json::Null);
        let got = actual.get(field).unwrap_or(&Json::Null);
        if !same(got, want) {
            out.push(format!("{field}: got {}, want {}", got.to_text(), want.to_text()));
        }
    }
    for field in OPTIONAL {
        let (got, want) = (actual.get(field), expect.get(field));
        let agree = match (got, want) {
            (Some(g), Some(w)) => same(g, w),
            (None, None) => true,
            (None, Some(Json::Bool(false))) => *field == "inExperiment",
            _ => false,
        };
        if !agree {
            let show = |v: Option<&Json>| v.map_or("absent".to_string(), Json::to_text);
            out.push(format!("{field}: got {}, want {}", show(got), show(want)));
        }
    }
    if let Json::Object(members) = expect {
        for (k, _) in members {
            if !["value", "variation", "variationIndex", "reason"].contains(&&**k) && !OPTIONAL.contains(&&**k) {
                out.push(format!("expect has unknown field {k:?}"));
            }
        }
    }
    out
}

/// How a runner loads the vector's snapshot: from JSON, or compiled then decoded
/// (`docs/compiled.md`); both must give every expected result.
#[derive(Clone, Copy, Debug)]
enum Path {
    Json,
    Compiled,
}

fn run_cases(file: &str, doc: &Json, path: Path, failures: &mut Vec<String>) -> usize {
    let mut engine = Engine::new();
    let file = &format!("{file} ({path:?})");
    match doc.get("snapshot") {
        Some(Json::Null) => {}
        Some(s) => {
            let loaded = match path {
                Path::Json => engine.update_json(s),
                Path::Compiled => Snapshot::from_json(s)
                    .map(|snapshot| snapshot.to_compiled(s.to_text().as_bytes()))
                    .and_then(|bytes| engine.update_compiled(&bytes)),
            };
            if let Err(e) = loaded {
                failures.push(format!("{file}: snapshot does not load: {e}"));
                return 0;
            }
        }
        None => panic!("{file}: no snapshot member"),
    }
    let Some(Json::Array(cases)) = doc.get("cases") else { panic!("{file}: cases must be an array") };
    for case in cases {
        let name = case.get("name").and_then(Json::as_str).unwrap_or("?");
        let flag = case.get("flag").and_then(Json::as_str).unwrap_or_else(|| panic!("{file}/{name}: no flag"));
        let ctx = match (case.get("contextJson"), case.get("context")) {
            (Some(text), _) => Context::parse(text.as_str().expect("contextJson is a string")),
            (None, Some(c)) => Context::new(c.clone()),
            (None, None) => Context::new(Json::Object(vec![])),
        };
        let now_text = case.get("now").and_then(Json::as_str).unwrap_or(DEFAULT_NOW);
        let now = parse_timestamp(now_text).unwrap_or_else(|| panic!("{file}/{name}: bad now {now_text}"));
        let default = case.get("default");
        let expect = case.get("expect").unwrap_or_else(|| panic!("{file}/{name}: no expect"));

        let single = engine.evaluate(flag, &ctx, now, default);
        let got = actual(&single, default);
        for d in diff(&got, expect) {
            failures.push(format!("{file} / {name}: {d}"));
        }
        // evaluate_all must agree with the single evaluation (it has no defaults).
        if default.is_none() {
            if let Some((_, all)) = engine.evaluate_all(&ctx, now).into_iter().find(|(k, _)| *k == flag) {
                if all != single {
                    failures.push(format!("{file} / {name}: evaluate_all differs: {all:?} vs {single:?}"));
                }
            }
        }
    }
    cases.len()
}

fn run_load_errors(file: &str, doc: &Json, failures: &mut Vec<String>) -> usize {
    let Some(Json::Array(entries)) = doc.get("loadErrors") else { panic!("{file}: loadErrors must be an array") };
    for entry in entries {
        let name = entry.get("name").and_then(Json::as_str).unwrap_or("?");
        let result = match (entry.get("snapshotJson"), entry.get("snapshot")) {
            (Some(text), _) => Snapshot::parse(text.as_str().expect("snapshotJson is a string")),
            (None, Some(s)) => Snapshot::from_json(s),
            (None, None) => panic!("{file}/{name}: no snapshot"),
        };
        let want = entry.get("error").unwrap_or_else(|| panic!("{file}/{name}: no error"));
        let (kind, path) = (want.get("kind").and_then(Json::as_str), want.get("path").and_then(Json::as_str));
        match result {
            Ok(_) => failures.push(format!("{file} / {name}: loaded, want {kind:?} at {path:?}")),
            Err(e) if Some(e.kind.code()) == kind && Some(e.path.as_str()) == path => {}
            Err(e) => failures.push(format!(
                "{file} / {name}: got {} at {:?} ({e}), want {kind:?} at {path:?}",
                e.kind.code(),
                e.path
            )),
        }
    }
    entries.len()
}

#[test]
fn conformance_vectors() {
    let mut failures = Vec::new();
    let (mut cases, mut load_errors) = (0, 0);
    for path in vector_files() {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        let doc = load_vector(&path);
        let n = if doc.get("cases").is_some() {
            let n = run_cases(&file, &doc, Path::Json, &mut failures);
            assert_eq!(run_cases(&file, &doc, Path::Compiled, &mut failures), n);
            cases += n;
            n
        } else {
            let n = run_load_errors(&file, &doc, &mut failures);
            load_errors += n;
            n
        };
        println!("{file}: {n}");
    }
    println!("evaluation cases: {cases}, load-error cases: {load_errors}");
    assert!(failures.is_empty(), "{} vector failures:\n{}", failures.len(), failures.join("\n"));
    assert!(cases >= 200, "only {cases} evaluation cases");
}

//! Unleash's client specification (`../shared/peer-suites/unleash/specifications`, or
//! `$EDGEFLAG_PEER_SUITES`) through the converter: each file's `state` becomes a snapshot, and
//! every `tests` case's `isEnabled` and `variantTests` case's `getVariant` is recovered from the
//! edgeflag result as docs/import.md, Unleash says (the served value is getVariant's answer, its
//! `feature_enabled` isEnabled; a toggle the payload lacks is FLAG_NOT_FOUND: disabled). A case
//! whose toggle the converter refuses is skipped and listed, with the refusal, in
//! `tests/import/unleash-skipped.json`; the counts below pin how many run.

use edgeflag::{Context, Engine, ErrorCode, Json};
use edgeflag_import::{import, Options, Peer};
use std::path::PathBuf;

/// Per file: (cases, run, skipped). Every case run must pass.
/// 279 cases: 203 run (all pass), 76 skipped (refused constructs: REGEX, NUM_*, DATE_*, IPv6
/// and large ranges, a long case-insensitive value).
const COUNTS: &[(&str, usize, usize, usize)] = &[
    ("01-simple-examples.json", 5, 5, 0),
    ("02-user-with-id-strategy.json", 5, 5, 0),
    ("03-gradual-rollout-user-id-strategy.json", 6, 6, 0),
    ("04-gradual-rollout-session-id-strategy.json", 6, 6, 0),
    ("05-gradual-rollout-random-strategy.json", 4, 4, 0),
    ("06-remote-address-strategy.json", 6, 5, 1),
    ("07-multiple-strategies.json", 6, 6, 0),
    ("08-variants.json", 17, 17, 0),
    ("09-strategy-constraints.json", 17, 17, 0),
    ("10-flexible-rollout-strategy.json", 10, 10, 0),
    ("11-strategy-constraints-edge-cases.json", 6, 6, 0),
    ("12-custom-stickiness.json", 9, 9, 0),
    ("13-constraint-operators.json", 46, 19, 27),
    ("14-constraint-semver-operators.json", 25, 25, 0),
    ("15-global-constraints.json", 6, 5, 1),
    ("16-strategy-variants.json", 11, 11, 0),
    ("17-dependent-features.json", 39, 39, 0),
    ("18-utf8-flag-names.json", 2, 2, 0),
    ("19-delta-api-hydration.json", 1, 1, 0),
    ("20-delta-api-events.json", 3, 3, 0),
    ("21-regex-constraint-operators.json", 37, 0, 37),
    ("22-cidr-constraint-operators.json", 12, 2, 10),
];

/// The same with `reference: node`. 279 cases: 215 run (all pass), 64 skipped (REGEX, DATE_*,
/// IN_CIDR and the remoteAddress strategy, currentTime).
const NODE_COUNTS: &[(&str, usize, usize, usize)] = &[
    ("01-simple-examples.json", 5, 5, 0),
    ("02-user-with-id-strategy.json", 5, 5, 0),
    ("03-gradual-rollout-user-id-strategy.json", 6, 6, 0),
    ("04-gradual-rollout-session-id-strategy.json", 6, 6, 0),
    ("05-gradual-rollout-random-strategy.json", 4, 4, 0),
    ("06-remote-address-strategy.json", 6, 0, 6),
    ("07-multiple-strategies.json", 6, 6, 0),
    ("08-variants.json", 17, 17, 0),
    ("09-strategy-constraints.json", 17, 17, 0),
    ("10-flexible-rollout-strategy.json", 10, 10, 0),
    ("11-strategy-constraints-edge-cases.json", 6, 6, 0),
    ("12-custom-stickiness.json", 9, 9, 0),
    ("13-constraint-operators.json", 46, 37, 9),
    ("14-constraint-semver-operators.json", 25, 25, 0),
    ("15-global-constraints.json", 6, 6, 0),
    ("16-strategy-variants.json", 11, 11, 0),
    ("17-dependent-features.json", 39, 39, 0),
    ("18-utf8-flag-names.json", 2, 2, 0),
    ("19-delta-api-hydration.json", 1, 1, 0),
    ("20-delta-api-events.json", 3, 3, 0),
    ("21-regex-constraint-operators.json", 37, 0, 37),
    ("22-cidr-constraint-operators.json", 12, 0, 12),
];

fn suites() -> Option<PathBuf> {
    let dir = std::env::var_os("EDGEFLAG_PEER_SUITES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/peer-suites"));
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("skipped: no peer suites at {} (set EDGEFLAG_PEER_SUITES)", dir.display());
    None
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// getVariant's answer for a toggle, recovered from edgeflag's result.
fn answer(engine: &Engine, toggle: &str, context: &Json<'_>) -> Json<'static> {
    let ctx = Context::new(context.clone());
    let result = engine.evaluate(toggle, &ctx, 0, None);
    match (result.value, result.error_code()) {
        (Some(v), None) => v.clone(),
        (_, Some(ErrorCode::FlagNotFound)) => {
            Json::parse(r#"{"name":"disabled","enabled":false,"feature_enabled":false}"#)
                .expect("literal")
                .to_owned_json()
        }
        _ => panic!("{toggle}: {:?}", result.error),
    }
}

/// The payload paths of toggle `name` (`features[i]`, or where events carry it).
fn toggle_paths(state: &Json<'_>, name: &str) -> Vec<String> {
    let named = |f: &Json<'_>| f.get("name").and_then(Json::as_str) == Some(name);
    let mut out = Vec::new();
    if let Some(Json::Array(fs)) = state.get("features") {
        out.extend(fs.iter().enumerate().filter(|(_, f)| named(f)).map(|(i, _)| format!("features[{i}]")));
    }
    if let Some(Json::Array(events)) = state.get("events") {
        for (i, e) in events.iter().enumerate() {
            if let Some(Json::Array(fs)) = e.get("features") {
                out.extend(
                    fs.iter().enumerate().filter(|(_, f)| named(f)).map(|(k, _)| format!("events[{i}].features[{k}]")),
                );
            }
            if e.get("feature").is_some_and(named) {
                out.push(format!("events[{i}].feature"));
            }
        }
    }
    out
}

fn quote(s: &str) -> String {
    Json::String(s.into()).to_text()
}

/// getVariant's answer without what does not tell answers apart (a null payload is none).
fn normal(v: &Json<'_>) -> Json<'static> {
    let mut v = v.to_owned_json();
    if let Json::Object(m) = &mut v {
        m.retain(|(k, x)| !(k == "payload" && *x == Json::Null));
        m.sort_by(|a, b| a.0.cmp(&b.0));
    }
    v
}

#[test]
fn client_specification() {
    specification(None, "unleash-skipped.json", COUNTS);
}

/// The same with `reference: node`: the specification is what unleash-client for Node passes too.
#[test]
fn client_specification_node() {
    specification(Some("node"), "unleash-node-skipped.json", NODE_COUNTS);
}

fn specification(reference: Option<&str>, list_name: &str, expected_counts: &[(&str, usize, usize, usize)]) {
    let Some(dir) = suites() else { return };
    let dir = dir.join("unleash/specifications");
    let index = Json::parse(&read(&dir.join("index.json"))).expect("index.json").to_owned_json();
    let Json::Array(files) = index else { panic!("index.json: expected a list") };
    let writing = std::env::var_os("EDGEFLAG_WRITE_SKIPPED").is_some();
    let mut skipped_lines = Vec::new();
    let mut counts = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let file = file.as_str().expect("a file name");
        let text = read(&dir.join(file));
        let spec = Json::parse(&text).expect("JSON");
        let state = spec.get("state").expect("state").to_text();
        let options = Options {
            version: 1,
            generated_at: "2026-01-01T00:00:00Z".into(),
            skip_unsupported: true,
            decryption_key: None,
            reference: reference.map(String::from),
        };
        let imported = import(Peer::Unleash, &state, &options).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut engine = Engine::new();
        engine.update_json(&imported.snapshot).unwrap_or_else(|e| panic!("{file}: the snapshot does not load: {e}"));
        let state = Json::parse(&state).expect("state");
        let (mut cases, mut run, mut skipped, mut failed) = (0, 0, 0, 0);
        for (kind, variant) in [("tests", false), ("variantTests", true)] {
            let Some(Json::Array(list)) = spec.get(kind) else { continue };
            for (i, case) in list.iter().enumerate() {
                cases += 1;
                let toggle = case.get("toggleName").and_then(Json::as_str).expect("toggleName");
                let description = case.get("description").and_then(Json::as_str).unwrap_or("");
                let paths = toggle_paths(&state, toggle);
                let refusal = imported
                    .skipped
                    .iter()
                    .find(|e| paths.iter().any(|p| e.path == *p || e.path.starts_with(&format!("{p}."))));
                if let Some(refusal) = refusal {
                    skipped += 1;
                    skipped_lines.push(format!(
                        "  {{\"file\": {}, \"case\": \"{kind}[{i}]\", \"description\": {}, \"toggle\": {}, \"reason\": {}}}",
                        quote(file),
                        quote(description),
                        quote(toggle),
                        quote(&refusal.to_string())
                    ));
                    continue;
                }
                run += 1;
                let empty = Json::Object(Vec::new());
                let context = case.get("context").unwrap_or(&empty);
                let got = answer(&engine, toggle, context);
                let expected = case.get("expectedResult").expect("expectedResult");
                let ok = if variant {
                    normal(&got) == normal(expected)
                } else {
                    got.get("feature_enabled") == Some(expected)
                };
                if !ok {
                    failed += 1;
                    failures.push(format!(
                        "{file} {kind}[{i}] {description}: expected {}, got {}",
                        expected.to_text(),
                        got.to_text()
                    ));
                }
            }
        }
        eprintln!("{file}: {cases} cases, {run} run, {} passed, {skipped} skipped", run - failed);
        counts.push((file.to_string(), cases, run, skipped));
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));

    let listed = format!("[\n{}\n]\n", skipped_lines.join(",\n"));
    let list_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/import").join(list_name);
    let got: Vec<(&str, usize, usize, usize)> = counts.iter().map(|(f, c, r, s)| (f.as_str(), *c, *r, *s)).collect();
    if writing {
        std::fs::write(&list_path, &listed).expect("write the skip list");
        eprintln!("{got:?}");
        return;
    }
    assert_eq!(read(&list_path), listed, "tests/import/{list_name} differs (EDGEFLAG_WRITE_SKIPPED=1 rewrites it)");
    assert_eq!(got, expected_counts, "cases, run, skipped per file");
}

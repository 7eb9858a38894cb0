//! LaunchDarkly's published server-side evaluation data (sdk-test-harness
//! `data/data-files/server-side-eval/*.yml`, at ../shared/peer-suites/launchdarkly or
//! `$EDGEFLAG_PEER_SUITES`) through the converter and edgeflag's evaluation. Each file is expanded
//! as the harness's docs/data_files.md says (constants, then parameters — a list of sets, or a
//! list of lists whose product is taken — then constants again, substituted in the text), each
//! suite's `sdkData` converted and loaded, and each evaluation's value, variation index and reason
//! kind read back as docs/import.md, LaunchDarkly says a caller reads them. Evaluations of flags
//! the converter refuses are listed with the refusal in tests/import/launchdarkly-skipped.json,
//! which must match exactly; the counts are asserted.

mod ld_reason;

use edgeflag::{Context, Json, Snapshot};
use edgeflag_import::{import, ImportErrorKind, Options, Peer};
use serde_yaml_ng::Value;
use std::borrow::Cow;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn suites() -> Option<PathBuf> {
    let dir = std::env::var_os("EDGEFLAG_PEER_SUITES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/peer-suites"))
        .join("launchdarkly/data/data-files/server-side-eval");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("skipped: no LaunchDarkly data files at {} (set EDGEFLAG_PEER_SUITES)", dir.display());
    None
}

/// A YAML value as edgeflag's JSON.
fn json(v: &Value) -> Json<'static> {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.as_f64().expect("a number")),
        Value::String(s) => Json::String(Cow::Owned(s.clone())),
        Value::Sequence(items) => Json::Array(items.iter().map(json).collect()),
        Value::Mapping(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::String(s) => s.clone(),
                        other => json(other).to_text(),
                    };
                    (Cow::Owned(key), json(v))
                })
                .collect(),
        ),
        Value::Tagged(t) => json(&t.value),
    }
}

type Bindings = Vec<(String, Json<'static>)>;

fn bindings(v: Option<&Value>) -> Bindings {
    match v.map(json) {
        Some(Json::Object(m)) => m.into_iter().map(|(k, v)| (k.into_owned(), v)).collect(),
        _ => Vec::new(),
    }
}

/// `"<NAME>"` becomes the value's JSON text, then `<NAME>` the string (or the JSON text).
fn substitute(text: &str, b: &Bindings) -> String {
    let mut out = text.to_string();
    for (name, value) in b {
        let json_text = value.to_text();
        out = out.replace(&format!("\"<{name}>\""), &json_text);
        let inline = match value {
            Json::String(s) => s.to_string(),
            other => other.to_text(),
        };
        out = out.replace(&format!("<{name}>"), &inline);
    }
    out
}

/// The parameter sets: each object of a list, or the product of a list of lists.
fn parameter_sets(v: Option<&Value>) -> Vec<Bindings> {
    let Some(Value::Sequence(items)) = v else { return vec![Vec::new()] };
    if items.iter().all(|i| matches!(i, Value::Sequence(_))) && !items.is_empty() {
        let mut sets = vec![Vec::new()];
        for list in items {
            let Value::Sequence(choices) = list else { unreachable!() };
            let mut next = Vec::new();
            // Later lists vary slowest, as the harness's own expansion orders them.
            for choice in choices {
                for set in &sets {
                    let mut s: Bindings = Clone::clone(set);
                    s.extend(bindings(Some(choice)));
                    next.push(s);
                }
            }
            sets = next;
        }
        return sets;
    }
    items.iter().map(|i| bindings(Some(i))).collect()
}

/// Every suite of a file, expanded.
fn expand(raw: &str) -> Vec<Json<'static>> {
    let top: Value = serde_yaml_ng::from_str(raw).expect("YAML");
    let constants = bindings(top.get("constants"));
    let mut out = Vec::new();
    for set in parameter_sets(top.get("parameters")) {
        let text = substitute(&substitute(&substitute(raw, &constants), &set), &constants);
        let mut v: Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        v.apply_merge().expect("merge keys");
        out.push(json(&v));
    }
    out
}

/// LaunchDarkly's answer as a caller reads it from an edgeflag result (docs/import.md).
#[derive(Debug, PartialEq)]
struct Answer {
    value: Json<'static>,
    variation_index: Option<u32>,
    reason: &'static str,
}

fn read(snapshot: &Snapshot, key: &str, context: &Json<'_>, default: &Json<'_>, typed: bool) -> Answer {
    let ctx = Context::new(context.to_owned_json());
    let e = snapshot.evaluate(key, &ctx, 0, typed.then_some(default));
    let reason = ld_reason::reason_kind(&e);
    let variation_index = e.variation.map(|(_, name)| name.parse().expect("variations are named by index"));
    let value = e.value.map_or_else(|| default.to_owned_json(), Json::to_owned_json);
    Answer { value, variation_index, reason }
}

fn text(v: &Json<'_>, name: &str) -> String {
    v.get(name).and_then(Json::as_str).unwrap_or_default().to_string()
}

/// What one run of every suite gives: suites, evaluations, run, passed; the skipped cases; the
/// failures.
type Outcome = ((usize, usize, usize, usize), Vec<Json<'static>>, Vec<String>);

/// Every suite in `dir`, imported as `reference` answers (`None`: the default, Go).
fn run_suites(dir: &std::path::Path, reference: Option<&str>) -> Outcome {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the data folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let s = |x: String| Json::String(Cow::Owned(x));
    let (mut suites_n, mut evaluations, mut run, mut passed) = (0, 0, 0, 0);
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let raw = std::fs::read_to_string(file).expect("a data file");
        let file_name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        for suite in expand(&raw) {
            suites_n += 1;
            let name = text(&suite, "name");
            let data = suite.get("sdkData").map_or_else(|| "{}".to_string(), Json::to_text);
            let options = Options {
                generated_at: "2026-01-01T00:00:00Z".into(),
                skip_unsupported: true,
                reference: reference.map(String::from),
                ..Options::default()
            };
            let imported = import(Peer::LaunchDarkly, &data, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            let snapshot = Snapshot::from_json(&imported.snapshot).expect("a checked conversion loads");
            let Some(Json::Array(evals)) = suite.get("evaluations") else { continue };
            for ev in evals {
                evaluations += 1;
                let case = format!("{name} / {}", text(ev, "name"));
                let key = text(ev, "flagKey");
                let prefix = format!("flags.{key}");
                let refused = imported.skipped.iter().find(|e| {
                    e.path == prefix
                        || e.path.starts_with(&format!("{prefix}."))
                        || e.path.starts_with(&format!("flags[\"{key}\"]"))
                });
                if let Some(e) = refused {
                    assert_eq!(e.kind, ImportErrorKind::Unsupported, "{case}: only refused constructs are skipped");
                    skipped.push(Json::Object(vec![
                        (Cow::Borrowed("file"), s(file_name.clone())),
                        (Cow::Borrowed("case"), s(case)),
                        (Cow::Borrowed("reason"), s(e.to_string())),
                    ]));
                    continue;
                }
                run += 1;
                let default = ev.get("default").cloned().unwrap_or(Json::Null).to_owned_json();
                let typed = !matches!(ev.get("valueType").and_then(Json::as_str), None | Some("any"));
                let context = ev.get("context").cloned().unwrap_or(Json::Null);
                let got = read(&snapshot, &key, &context, &default, typed);
                let expect = ev.get("expect").cloned().unwrap_or(Json::Null);
                let want = Answer {
                    value: expect.get("value").cloned().unwrap_or(Json::Null).to_owned_json(),
                    variation_index: expect.get("variationIndex").and_then(Json::as_integer).map(|i| i as u32),
                    reason: match expect.get("reason").and_then(|r| r.get("kind")).and_then(Json::as_str) {
                        Some("OFF") => "OFF",
                        Some("PREREQUISITE_FAILED") => "PREREQUISITE_FAILED",
                        Some("RULE_MATCH") => "RULE_MATCH",
                        Some("TARGET_MATCH") => "TARGET_MATCH",
                        Some("FALLTHROUGH") => "FALLTHROUGH",
                        _ => "ERROR",
                    },
                };
                if got == want {
                    passed += 1;
                } else {
                    failures.push(format!("{file_name}: {case}: got {got:?}, want {want:?}"));
                }
            }
        }
    }
    ((suites_n, evaluations, run, passed), skipped, failures)
}

#[test]
fn launchdarkly_server_side_eval() {
    let Some(dir) = suites() else { return };
    let ((suites_n, evaluations, run, passed), skipped, failures) = run_suites(&dir, None);
    eprintln!(
        "launchdarkly: {suites_n} suites, {evaluations} evaluations, {run} run, {passed} passed, {} skipped",
        skipped.len()
    );
    let listed = Json::Array(skipped).to_text();
    let path = root().join("tests/import/launchdarkly-skipped.json");
    if std::env::var_os("EDGEFLAG_WRITE_SKIPPED").is_some() {
        std::fs::write(&path, pretty(&listed)).expect("write the skip list");
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    let on_file = std::fs::read_to_string(&path).expect("tests/import/launchdarkly-skipped.json");
    let on_file = Json::parse(&on_file).expect("the skip list parses").to_text();
    assert_eq!(on_file, listed, "the skipped cases changed (EDGEFLAG_WRITE_SKIPPED=1 rewrites the list)");
    assert_eq!((suites_n, evaluations, run, passed), EXPECTED, "suites, evaluations, run, passed");
}

/// The same suites imported as LaunchDarkly's JavaScript SDKs answer (`reference: node`): the
/// cases Go's reading and theirs share, and `matches` (JavaScript's RegExp) besides.
#[test]
fn launchdarkly_server_side_eval_as_node() {
    let Some(dir) = suites() else { return };
    let ((suites_n, evaluations, run, passed), skipped, failures) = run_suites(&dir, Some("node"));
    eprintln!(
        "launchdarkly (node): {suites_n} suites, {evaluations} evaluations, {run} run, {passed} passed, {} skipped",
        skipped.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!((suites_n, evaluations, run, passed), EXPECTED_NODE, "suites, evaluations, run, passed");
}

/// Suites and evaluations after expansion, and how many evaluations run and pass.
const EXPECTED: (usize, usize, usize, usize) = (301, 728, 659, 659);
/// The same with the reference `node`.
const EXPECTED_NODE: (usize, usize, usize, usize) = (301, 728, 669, 669);

/// One skipped case per line.
fn pretty(text: &str) -> String {
    let Ok(Json::Array(items)) = Json::parse(text) else { return text.into() };
    let lines: Vec<String> = items.iter().map(|i| format!("  {}", i.to_text())).collect();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

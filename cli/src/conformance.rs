//! `edgeflag conformance`: every result of the conformance vectors on the native engine, in the
//! shape the other runtimes' runners print (tests/runtimes/conformance.mjs), so a test can
//! require them to be identical, error messages included.

use edgeflag::{parse_timestamp, Context, Engine, EvaluationJson, Json, Snapshot};
use serde_json::{json, Map, Value};
use std::path::Path;

const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

/// `compiled`: each snapshot is compiled and decoded before it serves (docs/compiled.md), so the
/// results must be the same as through JSON.
pub fn run(dir: &Path, compiled: bool) -> Result<String, String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    let mut out = Map::new();
    for path in names {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc = Json::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let result = if doc.get("loadErrors").is_some() { load_errors(&doc)? } else { cases(&doc, compiled)? };
        out.insert(name, result);
    }
    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())
}

fn cases(doc: &Json, compiled: bool) -> Result<Value, String> {
    let mut engine = Engine::new();
    if let Some(s) = doc.get("snapshot").filter(|s| **s != Json::Null) {
        let loaded = match compiled {
            false => engine.update_json(s),
            true => Snapshot::from_json(s).and_then(|c| engine.update_compiled(&c.to_compiled(s.to_text().as_bytes()))),
        };
        loaded.map_err(|e| format!("snapshot does not load: {e}"))?;
    }
    let Some(Json::Array(cases)) = doc.get("cases") else { return Err("cases must be an array".into()) };
    let mut out = Vec::new();
    for case in cases {
        let field = |k| case.get(k).and_then(Json::as_str);
        let flag = field("flag").ok_or("a case without flag")?;
        let ctx = match (field("contextJson"), case.get("context")) {
            (Some(text), _) => Context::parse(text),
            (None, Some(c)) => Context::new(c.clone()),
            (None, None) => Context::new(Json::Object(vec![])),
        };
        let now = parse_timestamp(field("now").unwrap_or(DEFAULT_NOW)).ok_or("a case with a bad now")?;
        let default = case.get("default");
        let e = engine.evaluate(flag, &ctx, now, default);
        let mut entry = json!({ "name": field("name"), "result": EvaluationJson { evaluation: &e, default } });
        if default.is_none() {
            let all = engine.evaluate_all(&ctx, now);
            if let Some((_, e)) = all.iter().find(|(k, _)| *k == flag) {
                entry["all"] = json!(EvaluationJson { evaluation: e, default: None });
            }
        }
        out.push(entry);
    }
    Ok(json!({ "cases": out }))
}

fn load_errors(doc: &Json) -> Result<Value, String> {
    let Some(Json::Array(entries)) = doc.get("loadErrors") else { return Err("loadErrors must be an array".into()) };
    let mut out = Vec::new();
    for entry in entries {
        let result = match (entry.get("snapshotJson").and_then(Json::as_str), entry.get("snapshot")) {
            (Some(text), _) => Snapshot::parse(text),
            (None, Some(s)) => Snapshot::from_json(s),
            (None, None) => return Err("a load-error entry without snapshot".into()),
        };
        let error = match result {
            Ok(_) => Value::Null,
            Err(e) => json!({ "kind": e.kind.code(), "path": e.path, "message": e.to_string() }),
        };
        out.push(json!({ "name": entry.get("name").and_then(Json::as_str), "error": error }));
    }
    Ok(json!({ "loadErrors": out }))
}

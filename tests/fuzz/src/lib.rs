//! What the fuzz targets share: the snapshots the repository already has, and the checks every
//! evaluation result must pass whatever the input (docs/hardening.md, "Fuzzing").

use edgeflag::{Context, ErrorCode, Evaluation, Json, Kind, Reason, Snapshot};
use std::path::Path;
use std::sync::OnceLock;

/// 2026-01-01T00:00:00Z, the vectors' default `now`: fuzzed times are offsets from it, so an
/// input of zeros evaluates at an ordinary time and the extremes are still reachable.
pub const BASE_NOW: i64 = 1_767_225_600_000;

/// The repository's snapshots, loaded once: `examples/snapshot.json`, then the snapshot of every
/// evaluation vector file (`tests/vectors/*.json` with `"cases"` and a snapshot), by file name.
/// `seed.mjs` numbers them the same way, so its seeds pick the snapshot their case was for. A
/// vector snapshot that does not load (tests/vectors.rs reports that) is replaced by the example,
/// with a warning: the numbering stays, and fuzzing does not stop on it.
pub fn fixed_snapshots() -> &'static [(String, Snapshot)] {
    static SNAPSHOTS: OnceLock<Vec<(String, Snapshot)>> = OnceLock::new();
    SNAPSHOTS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let example = root.join("examples/snapshot.json");
        let example = Snapshot::parse(&read(&example)).unwrap_or_else(|e| panic!("examples/snapshot.json: {e}"));
        let mut out = vec![("examples/snapshot.json".to_string(), example.clone())];
        let mut files: Vec<_> = std::fs::read_dir(root.join("tests/vectors"))
            .expect("tests/vectors is readable")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for path in files {
            let text = read(&path);
            let doc = Json::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = format!("tests/vectors/{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("?"));
            match (doc.get("cases"), doc.get("snapshot")) {
                (Some(_), Some(s)) if *s != Json::Null => match Snapshot::from_json(s) {
                    Ok(snapshot) => out.push((name, snapshot)),
                    Err(e) => {
                        eprintln!("warning: {name} does not load ({e}); the example stands in for it");
                        out.push((name, example.clone()));
                    }
                },
                _ => {}
            }
        }
        out
    })
}

/// The caller's default an input selects: none, or one of a few values of each kind.
pub fn default_of(selector: u8) -> Option<Json<'static>> {
    Some(match selector % 8 {
        0 => return None,
        1 => Json::Null,
        2 => Json::Bool(false),
        3 => Json::Number(0.0),
        4 => Json::String("".into()),
        5 => Json::Object(Vec::new()),
        6 => Json::Array(Vec::new()),
        _ => Json::Bool(true),
    })
}

/// What any result of evaluating `key` for `ctx` must be, whatever the context, time and default
/// (docs/snapshot.md, "Evaluation" and "Results"): an error serves nothing, a served variation is
/// the flag's own with its value, buckets are in range, and errors come in the documented order
/// (unknown flag, then a default of another kind, then the context's own error; a valid context
/// errs only on a rollout's unit or the work bound).
pub fn check_result(snapshot: &Snapshot, key: &str, ctx: &Context<'_>, e: &Evaluation<'_>, default: Option<&Json<'_>>) {
    assert_eq!(e.reason == Reason::Error, e.error.is_some(), "reason ERROR exactly with an error: {e:?}");
    assert_eq!(e.value.is_some(), e.variation.is_some(), "a value exactly with a variation: {e:?}");
    let Some(flag) = snapshot.flag(key) else {
        assert_eq!(e.error_code(), Some(ErrorCode::FlagNotFound), "{key:?} is not a flag: {e:?}");
        return;
    };
    if let Some((index, name)) = e.variation {
        let v = flag.variations().get(index as usize).unwrap_or_else(|| panic!("variation {index} of {key:?}"));
        assert_eq!((v.name(), Some(v.value())), (name, e.value), "variation {index} of {key:?}");
    }
    // Below the bucket count of some rollout or experiment of the flag (100000 for edgeflag's
    // scheme, a peer's its weights' sum).
    let most = flag.bucket_totals().max().unwrap_or(0);
    for b in [e.bucket, e.variant_bucket].into_iter().flatten() {
        assert!(b < most, "bucket {b} out of range (at most {most} buckets): {e:?}");
    }
    assert_eq!(e.in_experiment, e.variant_bucket.is_some(), "variant bucket exactly when enrolled: {e:?}");
    let code = e.error_code();
    if default.and_then(Kind::of).is_some_and(|kind| kind != flag.kind()) {
        assert_eq!(code, Some(ErrorCode::TypeMismatch), "a default of another kind: {e:?}");
    } else if let Some(err) = ctx.error() {
        assert_eq!(code, Some(err.code), "an invalid context: {e:?}");
    } else if let Some(code) = code {
        // A rollout's unit, or `GENERAL` past the work one evaluation may do with a context
        // (docs/hardening.md, "Evaluation bound").
        let valid = [ErrorCode::TargetingKeyMissing, ErrorCode::InvalidContext, ErrorCode::General];
        assert!(valid.contains(&code), "a valid context errs only on a rollout's unit or the work bound: {e:?}");
    }
}

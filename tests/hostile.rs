//! Hostile input: every limit of `edgeflag::limits` at its value loads and one past it is
//! refused with the exact error, and a refused snapshot never replaces the one serving. The
//! small cases are conformance vectors (tests/vectors/limits.json, hostile-contexts.json), run
//! in every runtime; these are the ones too big to write down.

#[path = "common/adversarial.rs"]
mod adversarial;

use adversarial::*;
use edgeflag::limits::*;
use edgeflag::{Context, Engine, ErrorCode, Json, LoadErrorKind, Reason, Snapshot};

const NOW: i64 = 1_795_000_000_000;

/// Loading `text` fails with `kind` and exactly `error` (`path: message`).
fn refused(text: &str, kind: LoadErrorKind, error: &str) {
    match Snapshot::parse(text) {
        Ok(_) => panic!("loaded, want {error}"),
        Err(e) => {
            assert_eq!(e.kind, kind, "{e}");
            assert_eq!(e.to_string(), error);
        }
    }
}

fn loads(text: &str) -> Snapshot {
    Snapshot::parse(text).unwrap_or_else(|e| panic!("refused: {e}"))
}

#[test]
fn snapshot_text_is_at_most_16_mib() {
    let base = clause_wall(1, 1);
    let mut text = base.clone();
    text.push_str(&" ".repeat(MAX_SNAPSHOT_BYTES - base.len()));
    assert_eq!(text.len(), 16 * 1024 * 1024);
    loads(&text);
    text.push(' ');
    refused(&text, LoadErrorKind::TooLarge, "snapshot text is 16777217 bytes; the limit is 16777216");
}

#[test]
fn flags_and_lists_are_counted() {
    loads(&many_flags(MAX_FLAGS));
    refused(&many_flags(MAX_FLAGS + 1), LoadErrorKind::TooLarge, "flags: 50001 flags; the limit is 50000");
    let listed = loads(&target_list(MAX_LIST_ITEMS));
    let e = listed.evaluate("listed", &Context::with_key("user-99999"), NOW, None);
    assert_eq!(e.reason, Reason::TargetingMatch);
    refused(
        &target_list(MAX_LIST_ITEMS + 1),
        LoadErrorKind::TooLarge,
        "flags.listed.targets[0].values: 100001 items; the limit is 100000",
    );
}

#[test]
fn clauses_and_rules_are_counted_and_the_cost_is_bounded() {
    // 990 rules of 100 clauses: 2 + 990 × 101 = 99,992 clause tests, just within the limit.
    let wall = loads(&clause_wall(990, MAX_CLAUSES));
    let ctx = Context::parse(r#"{"key": "user-1", "email": "alice@example.com"}"#);
    let e = wall.evaluate("wall", &ctx, NOW, None);
    assert_eq!((e.reason, e.value), (Reason::Default, Some(&Json::Bool(false))));
    refused(
        &clause_wall(991, MAX_CLAUSES),
        LoadErrorKind::TooLarge,
        "flags.wall: evaluating this flag can take up to 100093 clause tests; the limit is 100000",
    );
    refused(
        &clause_wall(1, MAX_CLAUSES + 1),
        LoadErrorKind::TooLarge,
        "flags.wall.rules[0].clauses: 101 clauses; the limit is 100",
    );
    refused(&clause_wall(MAX_RULES + 1, 1), LoadErrorKind::TooLarge, "flags.wall.rules: 1001 rules; the limit is 1000");
}

#[test]
fn segments_named_twice_at_every_level_are_bounded() {
    // 14 levels: 2^16 − 2 = 65,534 tests; they really are made (not remembered).
    let diamond = loads(&segment_diamond(14));
    let e = diamond.evaluate("diamond", &Context::with_key("user-1"), NOW, None);
    assert_eq!(e.reason, Reason::Default);
    let e = diamond.evaluate("diamond", &Context::with_key("nobody"), NOW, None);
    assert_eq!(e.reason, Reason::TargetingMatch);
    refused(
        &segment_diamond(15),
        LoadErrorKind::TooLarge,
        "segments.s00: matching this segment can take up to 131070 clause tests; the limit is 100000",
    );
}

#[test]
fn prerequisites_reached_along_every_path_are_bounded() {
    let ladder = loads(&prerequisite_ladder(5)); // 2^6 − 2 = 62
    assert_eq!(ladder.evaluate("a00", &Context::with_key("u"), NOW, None).reason, Reason::Default);
    refused(
        &prerequisite_ladder(6),
        LoadErrorKind::TooLarge,
        "flags.a00.prerequisites: evaluating this flag can take up to 126 prerequisite evaluations; the limit is 64",
    );
}

#[test]
fn strings_are_measured_in_bytes() {
    let at = |s: &str| clause_wall(1, 1).replace(r#"["zz"]"#, &format!(r#"["{s}"]"#));
    loads(&at(&"é".repeat(MAX_STRING_BYTES / 2)));
    refused(
        &at(&format!("{}a", "é".repeat(MAX_STRING_BYTES / 2))),
        LoadErrorKind::TooLarge,
        "flags.wall.rules[0].clauses[0].values[0]: a string of 8193 bytes; the limit is 8192",
    );
    let key = "k".repeat(MAX_STRING_BYTES + 1);
    refused(
        &many_flags(1).replace("f00000", &key),
        LoadErrorKind::TooLarge,
        &format!("flags.{key}: a key of 8193 bytes; the limit is 8192"),
    );
}

#[test]
fn numbers_no_runtime_reads_alike_are_refused() {
    let with_version = |v: &str| many_flags(1).replace(r#""version":1"#, &format!(r#""version":{v}"#));
    assert!(with_version("2").contains(r#""version":2"#), "the replacement applies");
    loads(&with_version("9007199254740991"));
    refused(
        &with_version("9007199254740992"),
        LoadErrorKind::InvalidValue,
        "version: an integer beyond ±(2^53 − 1), which not every runtime represents exactly",
    );
    // Columns are 1-based bytes: the value starts right after `"version":`.
    let column = with_version("1").find(r#""version":"#).map(|i| i + 11).expect("a version member");
    refused(
        &with_version("1e400"),
        LoadErrorKind::InvalidJson,
        &format!("invalid JSON: number out of range at line 1 column {}", column + 5),
    );
    refused(
        &with_version("NaN"),
        LoadErrorKind::InvalidJson,
        &format!("invalid JSON: expected value at line 1 column {column}"),
    );
    refused(&with_version("1.5"), LoadErrorKind::WrongType, "version: expected an integer, got number");
}

#[test]
fn a_refused_snapshot_never_replaces_the_serving_one() {
    let mut engine = Engine::new();
    engine.update_str(&clause_wall(1, 1)).expect("loads");
    for bad in
        [clause_wall(991, MAX_CLAUSES), segment_diamond(15), prerequisite_ladder(6), target_list(MAX_LIST_ITEMS + 1)]
    {
        let bad = bad.replace(r#""version":1"#, r#""version":2"#);
        assert!(engine.update_str(&bad).is_err());
        assert_eq!(engine.snapshot().map(Snapshot::version), Some(1));
        let e = engine.evaluate("wall", &Context::parse(r#"{"key":"u","email":"a"}"#), NOW, None);
        assert_eq!(e.reason, Reason::Default);
    }
}

#[test]
fn work_with_a_wide_context_is_bounded_per_flag() {
    // `wall` tests the items of `groups`: 990 × 100 clauses over 16,380 items is far past the
    // work limit, so it stops; the flag requiring it then fails its prerequisite, evaluated
    // alone or among all flags; a narrow context evaluates in full.
    let mut text = clause_wall(990, MAX_CLAUSES).replace(r#""attribute":"email""#, r#""attribute":"groups""#);
    text = text.replace(
        r#""flags":{"#,
        r#""flags":{"after":{"on":true,"variations":[{"name":"off","value":false},{"name":"on","value":true}],"offVariation":"off","prerequisites":[{"flag":"wall","variation":"off"}],"fallthrough":{"variation":"on"}},"#,
    );
    let s = loads(&text);
    let wide_text = wide_context(64 * 1024).replace(r#""beta""#, r#""a""#);
    let wide = Context::parse(&wide_text);
    let e = s.evaluate("wall", &wide, NOW, None);
    let error = e.error.as_ref().expect("stopped");
    assert_eq!(error.code, ErrorCode::General);
    assert_eq!(error.message, "evaluation stopped after 250000 tests of the context's items (docs/hardening.md)");
    let after = s.evaluate("after", &wide, NOW, None);
    assert_eq!((after.reason, after.prerequisite_failed), (Reason::TargetingMatch, Some("wall")));
    let all = s.evaluate_all(&wide, NOW);
    assert_eq!(all.iter().find(|(k, _)| *k == "after").map(|(_, e)| e.prerequisite_failed), Some(Some("wall")));
    assert_eq!(
        all.iter().find(|(k, _)| *k == "wall").and_then(|(_, e)| e.error.as_ref()).map(|e| e.code),
        Some(ErrorCode::General)
    );
    let narrow = Context::parse(r#"{"key":"u","groups":["a"]}"#);
    assert_eq!(s.evaluate("wall", &narrow, NOW, None).reason, Reason::Default);
    assert_eq!(s.evaluate("after", &narrow, NOW, None).reason, Reason::Default);
}

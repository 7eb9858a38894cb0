//! A context reads the same as text and as a value (docs/snapshot.md, "Contexts"): repeated
//! members, numbers past the double range and lone surrogates, each with one rule.

use edgeflag::{Context, ErrorCode, Json};

fn error(text: &str) -> Option<(ErrorCode, String)> {
    Context::parse(text).error().map(|e| (e.code, e.message.clone()))
}

#[test]
fn a_repeated_member_at_any_depth_is_not_read() {
    let repeated = |path: &str| Some((ErrorCode::InvalidContext, format!("context member {path} appears twice")));
    assert_eq!(error(r#"{"key":"a","tier":"pro","tier":"free"}"#), repeated("tier"));
    assert_eq!(error(r#"{"key":"a","key":"b"}"#), repeated("key"));
    assert_eq!(error(r#"{"key":"u","address":{"city":"Bern","city":"Basel"}}"#), repeated("address.city"));
    assert_eq!(error(r#"{"key":"u","orders":[{"id":1},{"id":2,"id":3}]}"#), repeated("orders[1].id"));
    assert_eq!(error(r#"{"key":"u","a b":{"x":1,"x":1}}"#), repeated(r#"["a b"].x"#));
    // The first repeat in document order: inside an earlier member before a later repeat.
    assert_eq!(error(r#"{"a":{"x":1,"x":2},"b":1,"b":2}"#), repeated("a.x"));
    assert_eq!(error(r#"{"b":1,"b":2,"c":{"x":1,"x":2}}"#), repeated("b"));
    // The same name in different objects is no repeat.
    assert_eq!(error(r#"{"key":"u","a":{"id":1},"b":{"id":1},"id":1}"#), None);
    // Past 16 members the names are sorted rather than compared pairwise: the same answers.
    let many = |extra: &str| {
        let members: Vec<String> = (0..40).map(|i| format!(r#""m{i}":{i}"#)).collect();
        format!("{{{},{extra}}}", members.join(","))
    };
    assert_eq!(error(&many(r#""z":1"#)), None);
    assert_eq!(error(&many(r#""m7":1,"m3":2"#)), repeated("m7"));
    // A value built by the host is held to the same rule.
    let built = Json::Object(vec![("tier".into(), Json::from("pro")), ("tier".into(), Json::from("free"))]);
    assert_eq!(Context::new(built).error().map(|e| e.code), Some(ErrorCode::InvalidContext));
}

#[test]
fn a_number_past_the_double_range_reads_as_null() {
    for n in ["1e400", "-1e400", "1e309", "123456789e308"] {
        let text = format!(r#"{{"key":"u","n":{n},"tier":"pro"}}"#);
        let ctx = Context::parse(&text);
        assert!(ctx.error().is_none(), "{n}");
        assert_eq!(ctx.get("n"), Some(&Json::Null), "{n}");
        assert_eq!(ctx.get("tier"), Some(&Json::from("pro")), "{n}");
    }
    // Snapshots stay strict: a number past the range is refused there.
    let snapshot = r#"{"version":1e400,"generatedAt":"2026-01-01","flags":{}}"#;
    let e = edgeflag::Snapshot::parse(snapshot).err().map(|e| e.message);
    assert_eq!(e.as_deref(), Some("invalid JSON: number out of range at line 1 column 17"));
    // Binary64, nearest: these are the double 1.
    for one in ["1.0000000000000001", "100e-2", "0.1e1"] {
        assert_eq!(Context::parse(&format!(r#"{{"n":{one}}}"#)).get("n"), Some(&Json::Number(1.0)), "{one}");
    }
}

#[test]
fn a_lone_surrogate_is_an_invalid_context_however_it_is_escaped() {
    let lone = Some((
        ErrorCode::InvalidContext,
        String::from("context holds a lone surrogate (U+D800–U+DFFF), which UTF-8 cannot encode"),
    ));
    assert_eq!(error(r#"{"key":"user-\ud800"}"#), lone);
    assert_eq!(error(r#"{"key":"user-\udc00"}"#), lone);
    assert_eq!(error(r#"{"key":"u","deep":{"x":["\ud800\u0041"]}}"#), lone);
    assert_eq!(error(r#"{"key":"user-\ud83e\udd80"}"#), None);
    // Text that is not JSON for any other reason stays a PARSE_ERROR.
    assert_eq!(error(r#"{"key":"u\x"}"#).map(|e| e.0), Some(ErrorCode::ParseError));
}

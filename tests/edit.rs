//! Changing `examples/snapshot.json` one flag at a time through `edgeflag::edit`, as a host
//! applies an operator's change: each result loads and evaluates as the change says, and the JSON
//! Patch from the document before to the one after, applied to the one before, gives the one
//! after. Then merge patches and JSON Patches on generated values (proptest, fixed seed).

use edgeflag::edit::{compare_sample, Document, EditErrorKind, RampKind, Sample, SegmentList};
use edgeflag::json::diff::{apply, diff, equal};
use edgeflag::json::merge_patch::merge_patch;
use edgeflag::{Context, Json, LoadErrorKind, Reason, Snapshot};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::Value;

const EXAMPLE: &str = include_str!("../examples/snapshot.json");
const NOW: i64 = 1_795_000_000_000;
const AT: &str = "2026-11-24T14:00:00Z";

fn example() -> Document {
    Document::parse(EXAMPLE).expect("the example")
}

fn json(text: &str) -> Json<'static> {
    Json::parse(text).expect("JSON").to_owned_json()
}

/// Finishes `doc` as version 8, checks that the patch from `before` gives it, and returns the
/// snapshot.
fn finish(before: &Document, doc: &mut Document) -> Snapshot {
    let (text, snapshot) = doc.finish(8, AT).unwrap_or_else(|e| panic!("does not load: {e}"));
    assert_eq!(snapshot.version(), 8);
    assert_eq!(Document::parse(&text).expect("its text").json(), doc.json(), "the text is the document");
    let patch = diff(before.json(), doc.json());
    let mut replayed = before.json().clone();
    apply(&mut replayed, &patch).unwrap_or_else(|e| panic!("{e}: {}", patch.to_text()));
    assert_eq!(&replayed, doc.json(), "{}", patch.to_text());
    snapshot
}

/// The patch's operations as `op path`.
fn ops(before: &Document, after: &Document) -> Vec<String> {
    let Json::Array(ops) = diff(before.json(), after.json()) else { panic!("an array") };
    ops.iter()
        .map(|op| {
            format!(
                "{} {}",
                op.get("op").and_then(Json::as_str).unwrap_or("?"),
                op.get("path").and_then(Json::as_str).unwrap_or("?")
            )
        })
        .collect()
}

fn served<'s>(s: &'s Snapshot, flag: &str, ctx: &Context) -> (Reason, Option<&'s str>) {
    let e = s.evaluate(flag, ctx, NOW, None);
    (e.reason, e.variation.map(|v| v.1))
}

#[test]
fn the_kill_switch() {
    let before = example();
    let mut doc = before.clone();
    doc.set_on("enhanced_metadata_context", false).expect("a flag");
    let s = finish(&before, &mut doc);
    for key in ["u-1", "u-2", "u-ops-1"] {
        assert_eq!(served(&s, "enhanced_metadata_context", &Context::with_key(key)), (Reason::Disabled, Some("off")));
    }
    assert_eq!(
        ops(&before, &doc),
        ["replace /version", "replace /generatedAt", "replace /flags/enhanced_metadata_context/on"]
    );
}

#[test]
fn a_rule_s_ramp_from_10_to_50() {
    let before = example();
    let mut doc = before.clone();
    let moved = doc.set_ramp("conversations_enabled", Some("paid-ramp"), None, 50_000).expect("moved");
    assert_eq!((moved.kind, moved.variation.as_deref()), (RampKind::Ramp, Some("on")));
    assert_eq!((moved.old_weight, moved.new_weight, moved.bucket_by.as_str()), (10_000, 50_000, "key"));
    let after = finish(&before, &mut doc);
    assert_eq!(
        ops(&before, &doc)[2..],
        [
            "replace /flags/conversations_enabled/rules/1/serve/rollout/variations/0/weight",
            "replace /flags/conversations_enabled/rules/1/serve/rollout/variations/1/weight"
        ]
    );

    // Pro users without the beta opt-in reach the ramp: those on at 10 % stay on.
    let earlier = Snapshot::parse(EXAMPLE).expect("the example");
    let (mut on_before, mut on_after) = (0, 0);
    for i in 0..4000 {
        let ctx = Context::with_key(&format!("user-{i}")).with("tier", "pro");
        let (a, b) = (served(&earlier, "conversations_enabled", &ctx), served(&after, "conversations_enabled", &ctx));
        assert_eq!((a.0, b.0), (Reason::Split, Reason::Split));
        assert!(a.1 != Some("on") || b.1 == Some("on"), "user-{i} lost the ramp");
        on_before += usize::from(a.1 == Some("on"));
        on_after += usize::from(b.1 == Some("on"));
    }
    // 10 % and 50 % of 4000, within 5 standard errors.
    assert!((305..=495).contains(&on_before) && (1842..=2158).contains(&on_after), "{on_before} → {on_after}");

    let base = json(r#"{"tier": "pro"}"#);
    let sample = Sample::of_move("conversations_enabled", Some("paid-ramp"), &moved, &base, 4000, NOW);
    let counts = compare_sample(&earlier, &after, &sample).expect("sampled");
    assert_eq!((counts.reached, counts.removed, counts.other), (4000, 0, 0));
    assert!((1400..=1800).contains(&counts.added), "{counts:?}");
}

#[test]
fn targets_gain_and_lose_values() {
    let before = example();
    let mut doc = before.clone();
    let change =
        doc.edit_targets("retry_logic", "on", None, &[json(r#""qa-7""#)], &[json(r#""test-user-2""#)]).expect("edited");
    assert_eq!((change.added, change.removed), (1, 1));
    let s = finish(&before, &mut doc);
    assert_eq!(served(&s, "retry_logic", &Context::with_key("qa-7")), (Reason::TargetingMatch, Some("on")));
    assert_ne!(served(&s, "retry_logic", &Context::with_key("test-user-2")).0, Reason::TargetingMatch);
    assert_eq!(served(&s, "retry_logic", &Context::with_key("test-user-1")), (Reason::TargetingMatch, Some("on")));

    // The deny-list already holds this one: named, and nothing changes.
    let edited = doc.clone();
    let e = doc.edit_targets("retry_logic", "on", None, &[json(r#""disabled-user-1""#)], &[]).expect_err("listed");
    assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, "flags.retry_logic.targets[1].values[0]"));
    assert_eq!(doc, edited);
}

#[test]
fn segments_gain_and_lose_members() {
    let before = example();
    let mut doc = before.clone();
    doc.edit_segment("beta_customers", SegmentList::Included, &[json(r#""initech""#)], &[json("4711")])
        .expect("edited");
    let s = finish(&before, &mut doc);
    let account = |id: Json<'static>| Context::with_key("u").with("accountId", id);
    assert_eq!(served(&s, "sentiment_analysis", &account(json(r#""initech""#))).1, Some("on"));
    assert_eq!(served(&s, "response_suggestions", &account(json(r#""initech""#))).1, Some("on"));
    assert_eq!(served(&s, "sentiment_analysis", &account(json("4711"))).1, Some("off"));
    // 4711 out, then initech in: the last item replaced.
    assert_eq!(ops(&before, &doc)[2..], ["replace /segments/beta_customers/included/2"]);
}

#[test]
fn flags_are_created_and_archived_after_what_requires_them() {
    let before = example();
    let mut doc = before.clone();
    let flag = json(
        r#"{"on": true, "variations": [{"name": "off", "value": false}, {"name": "on", "value": true}],
            "offVariation": "off", "prerequisites": [{"flag": "sentiment_analysis", "variation": "on"}],
            "fallthrough": {"variation": "on"}}"#,
    );
    doc.create_flag("tone_hints", flag.clone()).expect("created");
    assert_eq!(doc.create_flag("tone_hints", flag).map_err(|e| e.kind.code()), Err("flag_exists"));
    let s = finish(&before, &mut doc);
    let acme = Context::with_key("u").with("accountId", "acme");
    assert_eq!(served(&s, "tone_hints", &acme), (Reason::Default, Some("on")));
    assert_eq!(ops(&before, &doc)[2..], ["add /flags/tone_hints"]);

    let e = doc.archive_flag("sentiment_analysis").expect_err("required");
    assert_eq!((e.kind, e.kind.code()), (EditErrorKind::Required, "flag_required"));
    assert_eq!(e.required_by, ["response_suggestions", "auto_escalation", "tone_hints"]);
    assert_eq!(e.path, "flags.response_suggestions.prerequisites[0].flag");
    assert!(e.message.contains(r#""tone_hints""#), "{e}");

    let created = doc.clone();
    let archived = doc.archive_flag("tone_hints").expect("nothing requires it");
    assert_eq!(archived.get("fallthrough").map(Json::to_text).as_deref(), Some(r#"{"variation":"on"}"#));
    let s = finish(&created, &mut doc);
    assert!(s.flag("tone_hints").is_none());
    assert_eq!(ops(&created, &doc), ["remove /flags/tone_hints"]);
}

#[test]
fn a_patch_that_breaks_the_flag_is_a_load_error_with_its_path() {
    let mut doc = example();
    doc.patch_flag("conversations_enabled", &json(r#"{"fallthrough": {"variation": "maybe"}}"#)).expect("patched");
    let e = doc.finish(8, AT).expect_err("refused");
    assert_eq!(e.kind, EditErrorKind::Load(LoadErrorKind::UnknownVariation));
    assert_eq!(e.kind.code(), "unknown_variation");
    assert_eq!(e.path, "flags.conversations_enabled.fallthrough.variation");

    // Weights that no longer sum, by merge patch: the loader's kind and path.
    let mut doc = example();
    let patch = json(r#"{"fallthrough": {"rollout": {"variations": [{"variation": "on", "weight": 1}]}}}"#);
    doc.patch_flag("enhanced_metadata_context", &patch).expect("patched");
    let e = doc.finish(8, AT).expect_err("refused");
    assert_eq!(
        (e.kind.code(), e.path.as_str()),
        ("weights_sum", "flags.enhanced_metadata_context.fallthrough.rollout.variations")
    );

    // A patch that fixes it is one more merge patch: members set, members removed.
    let before = example();
    let mut doc = before.clone();
    let patch = json(r#"{"fallthrough": {"variation": "on"}, "rules": null, "metadata": {"tags": ["everyone"]}}"#);
    doc.patch_flag("conversations_enabled", &patch).expect("patched");
    let s = finish(&before, &mut doc);
    // No rules left: the flag is static.
    assert_eq!(served(&s, "conversations_enabled", &Context::with_key("u")), (Reason::Static, Some("on")));
}

#[test]
fn percentages_read_and_write_in_integers() {
    use edgeflag::edit::percent;
    assert_eq!(
        ["12.5", "0.001", "100", "101", "1.2345"].map(percent::parse),
        [Some(12_500), Some(1), Some(100_000), None, None]
    );
    assert_eq!(percent::format(12_500), "12.5");
}

/// proptest with a fixed seed and no persistence, as tests/properties.rs runs it.
fn check<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(20_261_120);
    }
    config.failure_persistence = None;
    if let Err(e) = TestRunner::new(config).run(&strategy, test) {
        panic!("{e}");
    }
}

/// Values of every type from few names and scalars, so that two of them share structure; names
/// include what a pointer escapes.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..4).prop_map(Value::from),
        Just(Value::from(0.5)),
        select(&["a", "b", "~", "/"][..]).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            vec((select(&["a", "b", "c", "a/b", "~1", ""][..]), inner), 0..5)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

fn parsed(v: &Value) -> Json<'static> {
    json(&v.to_string())
}

#[test]
fn a_diff_applied_gives_the_target() {
    check(3000, (value(), value()), |(a, b)| {
        let (from, to) = (parsed(&a), parsed(&b));
        let patch = diff(&from, &to);
        let mut t = from.clone();
        apply(&mut t, &patch).map_err(|e| TestCaseError::fail(format!("{e}: {}", patch.to_text())))?;
        prop_assert!(equal(&t, &to), "{} → {}: {}", a, b, t.to_text());
        prop_assert_eq!(patch == Json::Array(Vec::new()), equal(&from, &to));
        Ok(())
    });
}

/// RFC 7396's MergePatch, as its section 2 writes it, on serde_json's values.
fn reference_merge(target: &mut Value, patch: &Value) {
    let Value::Object(changes) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Some(members) = target.as_object_mut() else { return };
    for (name, value) in changes {
        if value.is_null() {
            members.remove(name);
        } else {
            reference_merge(members.entry(name.clone()).or_insert(Value::Null), value);
        }
    }
}

#[test]
fn a_merge_patch_is_rfc_7396_s_and_idempotent_and_its_diff_replays_it() {
    check(3000, (value(), value()), |(a, p)| {
        let (from, patch) = (parsed(&a), parsed(&p));
        let mut once = from.clone();
        merge_patch(&mut once, &patch);
        let mut expected = a.clone();
        reference_merge(&mut expected, &p);
        prop_assert!(equal(&once, &parsed(&expected)), "{a} + {p}: {} not {expected}", once.to_text());
        let mut twice = once.clone();
        merge_patch(&mut twice, &patch);
        prop_assert_eq!(&twice, &once);
        let mut replayed = from.clone();
        apply(&mut replayed, &diff(&from, &once)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(equal(&replayed, &once), "{}: {}", once.to_text(), replayed.to_text());
        Ok(())
    });
}

//! The `edgeflag` binary, run as a user would: exit codes, the JSON it prints, and the snapshots
//! `rollout` writes. Expected values come from the docs, examples/snapshot.json and
//! tests/bucketing-examples.json (computed independently with xxhash-wasm).

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const EXAMPLE: &str = include_str!("../../examples/snapshot.json");
const PEAK: &str = "2026-11-24T14:00:00Z";

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            ok: o.status.success(),
            stdout: String::from_utf8(o.stdout).expect("UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("UTF-8"),
        }
    }
}

/// The command, run from the repository's root (paths in these tests are relative to it).
fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_edgeflag"));
    c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    c
}

fn edgeflag(args: &[&str]) -> Run {
    command().args(args).output().expect("the binary runs").into()
}

fn edgeflag_stdin(args: &[&str], input: &str) -> Run {
    let mut child = command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("the binary finishes").into()
}

/// A path for this test's files (tests run in parallel, so each names its own).
fn temp(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn example_flags() -> Vec<String> {
    let doc = json(EXAMPLE);
    doc["flags"].as_object().expect("flags").keys().cloned().collect()
}

/// The bucket tests/bucketing-examples.json states for these inputs.
fn example_row(salt: &str, purpose: &str, attribute: &str, unit: &str) -> Value {
    let rows = json(include_str!("../../tests/bucketing-examples.json"));
    rows.as_array()
        .expect("an array")
        .iter()
        .find(|r| r["salt"] == salt && r["purpose"] == purpose && r["attribute"] == attribute && r["unit"] == unit)
        .unwrap_or_else(|| panic!("no example row for {salt} {purpose} {attribute} {unit}"))
        .clone()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().expect("an object").keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// `rollout`'s report: the counts after `+` (now get it) and `-` (no longer get it), and how many
/// sampled users reached the ramp.
fn counts(report: &str) -> (u64, u64, u64) {
    let number = |prefix: &str| -> u64 {
        let line = report
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line:\n{report}"));
        line[prefix.len()..].split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"))
    };
    let reached = report
        .lines()
        .find_map(|l| l.split("; ").nth(1).and_then(|r| r.strip_suffix(" reached it")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no reached count:\n{report}"));
    (number("+ "), number("- "), reached)
}

/// Weights of a two-way rollout by variation name.
fn weights(rollout: &Value) -> Vec<(String, i64)> {
    rollout["variations"]
        .as_array()
        .expect("variations")
        .iter()
        .map(|e| {
            (e["variation"].as_str().expect("by name").to_string(), e["weight"].as_i64().expect("an integer weight"))
        })
        .collect()
}

/// Rollout counts are binomial on the 10 000 sampled users; bounds are 5 standard errors.
fn assert_about(count: u64, share: f64, what: &str) {
    let n = 10_000.0;
    let (mean, se) = (n * share, (n * share * (1.0 - share)).sqrt());
    assert!((count as f64 - mean).abs() <= 5.0 * se, "{what}: {count}, expected {mean} ± {}", 5.0 * se);
}

#[test]
fn validate_names_the_example_version() {
    let r = edgeflag(&["validate"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("version 7"), "{}", r.stdout);
}

#[test]
fn validate_reports_the_kind_and_path_of_an_error() {
    let path = temp("betwen.json");
    let bad = EXAMPLE.replacen(r#""op": "semverGte""#, r#""op": "semverGe""#, 1);
    assert_ne!(bad, EXAMPLE);
    std::fs::write(&path, bad).expect("write");
    let r = edgeflag(&["validate", path.to_str().expect("UTF-8 path")]);
    assert!(!r.ok, "an invalid snapshot validated: {}", r.stdout);
    assert!(r.stderr.contains("unknown_operator"), "{}", r.stderr);
    assert!(
        r.stderr.contains(r#"flags.new_editor.rules[0].clauses[0].op: unknown operator "semverGe""#),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("ok"), "{}", r.stdout);

    std::fs::write(&path, &EXAMPLE[..200]).expect("write");
    let r = edgeflag(&["validate", path.to_str().expect("UTF-8 path")]);
    assert!(!r.ok);
    assert!(r.stderr.contains("invalid_json") && r.stderr.contains("line"), "{}", r.stderr);
}

#[test]
fn client_snapshot_prints_the_client_safe_snapshot_and_refuses_like_validate() {
    let r = edgeflag(&["client-snapshot"]);
    assert!(r.ok, "{}", r.stderr);
    let derived = json(&r.stdout);
    assert_eq!(derived["version"], 7);
    let flags = keys(&derived["flags"]);
    assert_eq!(
        flags,
        [
            "ai_search",
            "checkout_experiment",
            "conversations_enabled",
            "new_editor",
            "plan_limits",
            "response_suggestions",
            "sentiment_analysis"
        ]
    );
    assert_eq!(derived["flags"]["sentiment_analysis"]["clientVisible"], false, "a prerequisite only");
    assert_eq!(keys(&derived["segments"]), ["beta_customers", "internal_users"]);
    assert!(!r.stdout.contains("\"description\"") && !r.stdout.contains("\"owner\""), "{}", r.stdout);
    // What it prints is what the library derives, and it loads.
    assert_eq!(r.stdout.trim_end(), edgeflag::client_snapshot(EXAMPLE).expect("derives"));
    let out = temp("client.json");
    let path = temp("full.json");
    std::fs::write(&path, EXAMPLE).expect("write");
    let written =
        edgeflag(&["client-snapshot", path.to_str().expect("UTF-8"), "--out", out.to_str().expect("UTF-8 path")]);
    assert!(written.ok && written.stdout.is_empty(), "{}", written.stderr);
    let text = std::fs::read_to_string(&out).expect("written");
    assert_eq!(text, r.stdout.trim_end());
    assert!(edgeflag(&["validate", out.to_str().expect("UTF-8 path")]).ok);

    let bad = EXAMPLE.replacen(r#""op": "semverGte""#, r#""op": "semverGe""#, 1);
    std::fs::write(&path, bad).expect("write");
    let refused = edgeflag(&["client-snapshot", path.to_str().expect("UTF-8 path")]);
    let validate = edgeflag(&["validate", path.to_str().expect("UTF-8 path")]);
    assert!(!refused.ok && refused.stdout.is_empty(), "{}", refused.stdout);
    assert_eq!(refused.stderr, validate.stderr, "the same message as validate");
    assert!(refused
        .stderr
        .contains(r#"flags.new_editor.rules[0].clauses[0].op: unknown operator "semverGe" [unknown_operator]"#));
}

#[test]
fn compile_writes_the_compiled_form_that_decodes_to_the_same_results() {
    let out = temp("example.efc");
    let r = edgeflag(&["compile", "--out", out.to_str().expect("UTF-8 path")]);
    assert!(r.ok && r.stdout.is_empty(), "{}", r.stderr);
    let bytes = std::fs::read(&out).expect("written");
    assert!(r.stderr.contains(&format!("{} bytes from {}", bytes.len(), EXAMPLE.len())), "{}", r.stderr);
    assert_eq!(&bytes[..4], b"EFCS");
    let digest = edgeflag::compiled::source_digest(EXAMPLE.as_bytes());
    assert_eq!(edgeflag::compiled::digest_of(&bytes), Some(digest));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert!(r.stderr.contains(&hex), "{}", r.stderr);
    let decoded = edgeflag::Snapshot::from_compiled(&bytes).expect("decodes");
    let full = edgeflag::Snapshot::parse(EXAMPLE).expect("loads");
    let ctx = edgeflag::Context::parse(r#"{"key":"user-1042","tier":"pro","country":"GB"}"#);
    assert_eq!(decoded.evaluate_all(&ctx, 1_795_000_000_000), full.evaluate_all(&ctx, 1_795_000_000_000));

    // Conformance through the compiled form prints the same results as through JSON.
    let (a, b) = (edgeflag(&["conformance"]), edgeflag(&["conformance", "--compiled"]));
    assert!(a.ok && b.ok, "{}{}", a.stderr, b.stderr);
    assert_eq!(a.stdout, b.stdout);

    // Signed with a key file `keygen` wrote: an engine with its public key loads it.
    let key_file = temp("compile.key");
    let made = edgeflag(&["keygen", "--out", key_file.to_str().expect("UTF-8 path")]);
    assert!(made.ok, "{}", made.stderr);
    let public = json(&made.stdout)["publicKey"].as_str().expect("a public key").to_string();
    let signed_out = temp("example-signed.efc");
    let signed = edgeflag(&[
        "compile",
        "--key",
        key_file.to_str().expect("UTF-8"),
        "--out",
        signed_out.to_str().expect("UTF-8"),
    ]);
    assert!(signed.ok, "{}", signed.stderr);
    let signed = std::fs::read(&signed_out).expect("written");
    let keys = edgeflag::signature::Keys::parse(&public).expect("a key");
    let mut engine = edgeflag::Engine::with_keys(keys);
    assert!(engine.update_bytes(&signed).is_ok());
    assert_eq!(engine.update_bytes(&bytes).map_err(|e| e.kind), Err(edgeflag::LoadErrorKind::Unsigned));

    let bad = EXAMPLE.replacen(r#""op": "semverGte""#, r#""op": "semverGe""#, 1);
    let refused = edgeflag_stdin(&["compile", "-"], &bad);
    assert!(!refused.ok && refused.stdout.is_empty());
    assert!(refused.stderr.contains("[unknown_operator]"), "{}", refused.stderr);
}

#[test]
fn eval_prints_the_documented_result() {
    // Bob: pro tier, opted into the beta → the first rule of conversations_enabled.
    let r = edgeflag(&[
        "eval",
        "--flag",
        "conversations_enabled",
        "--context",
        r#"{"key":"user-1042","tier":"pro","beta_opt_in":true}"#,
        "--now",
        PEAK,
    ]);
    assert!(r.ok, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(keys(&v), ["reason", "ruleId", "value", "variation", "variationIndex"], "{v}");
    assert_eq!(v["value"], true);
    assert_eq!(v["variation"], "on");
    assert_eq!(v["variationIndex"], 1);
    assert_eq!(v["reason"], "TARGETING_MATCH");
    assert_eq!(v["ruleId"], "beta-opt-in");

    // A ramp: the bucket is the independently computed one, and decides against on's [0, 10000).
    let bucket =
        example_row("enhanced_metadata_context", "rollout", "key", "u-ops-1")["bucket"].as_u64().expect("bucket");
    let r =
        edgeflag(&["eval", "--flag", "enhanced_metadata_context", "--context", r#"{"key":"u-ops-1"}"#, "--now", PEAK]);
    assert!(r.ok, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(keys(&v), ["bucket", "reason", "value", "variation", "variationIndex"], "{v}");
    assert_eq!(v["bucket"], bucket);
    assert_eq!(v["reason"], "SPLIT");
    let on = bucket < 10_000;
    assert_eq!(v["value"], on);
    assert_eq!(v["variation"], if on { "on" } else { "off" });
    assert_eq!(v["variationIndex"], u64::from(on));
}

#[test]
fn eval_without_a_flag_gives_every_flag() {
    let r = edgeflag(&["eval", "--context", r#"{"key":"user-1","tier":"pro"}"#, "--now", PEAK]);
    assert!(r.ok, "{}", r.stderr);
    let v = json(&r.stdout);
    let mut want = example_flags();
    want.sort();
    assert_eq!(keys(&v), want);
    for (flag, e) in v.as_object().expect("an object") {
        assert!(e.get("value").is_some() && e["reason"].is_string(), "{flag}: {e}");
    }
}

#[test]
fn a_default_of_another_type_is_a_type_mismatch() {
    let r = edgeflag(&[
        "eval",
        "--flag",
        "conversations_enabled",
        "--context",
        r#"{"key":"u"}"#,
        "--default",
        r#""yes""#,
        "--now",
        PEAK,
    ]);
    assert!(r.ok, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["reason"], "ERROR");
    assert_eq!(v["errorCode"], "TYPE_MISMATCH");
    assert_eq!(v["value"], "yes", "an error serves the caller's default");
    assert_eq!(v["variation"], Value::Null);
    // The same call with a boolean default evaluates normally.
    let r = edgeflag(&[
        "eval",
        "--flag",
        "conversations_enabled",
        "--context",
        r#"{"key":"u"}"#,
        "--default",
        "true",
        "--now",
        PEAK,
    ]);
    let v = json(&r.stdout);
    assert_eq!((v["reason"].as_str(), v.get("errorCode")), (Some("DEFAULT"), None), "{v}");
}

#[test]
fn explain_shows_rules_clauses_and_the_bucket_against_ranges() {
    // A pro user without beta_opt_in: the first rule fails on a missing attribute, the paid ramp
    // decides by bucket.
    let r = edgeflag(&[
        "explain",
        "--flag",
        "conversations_enabled",
        "--context",
        r#"{"key":"user-42","tier":"pro"}"#,
        "--now",
        PEAK,
    ]);
    assert!(r.ok, "{}", r.stderr);
    let out = &r.stdout;
    let bucket = example_row("conversations_enabled", "rollout", "key", "user-42")["bucket"].as_u64().expect("bucket");
    assert!(out.contains("beta-opt-in") && out.contains("paid-ramp"), "{out}");
    let clause =
        out.lines().find(|l| l.contains("beta_opt_in")).unwrap_or_else(|| panic!("no beta_opt_in clause:\n{out}"));
    assert!(clause.contains("missing"), "{clause}");
    assert!(out.contains(&bucket.to_string()), "bucket {bucket} not shown:\n{out}");
    let (on, off) = ("[0, 10000)", "[10000, 100000)");
    let line =
        |range: &str| out.lines().find(|l| l.contains(range)).unwrap_or_else(|| panic!("no range {range}:\n{out}"));
    assert!(line(on).contains("on") && line(off).contains("off"), "{out}");
    // The arrow marks the range holding the bucket, and only that one.
    let (here, elsewhere) = if bucket < 10_000 { (on, off) } else { (off, on) };
    assert!(line(here).contains('→') && !line(elsewhere).contains('→'), "{out}");
}

#[test]
fn bucket_matches_the_worked_example() {
    let row = example_row("ai_search", "rollout", "key", "josé");
    let r = edgeflag(&["bucket", "--salt", "ai_search", "--unit", "josé"]);
    assert!(r.ok, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["bucket"], row["bucket"]);
    assert_eq!(v["bytes"], row["bytesHex"]);
}

#[test]
fn bucket_prints_each_peer_scheme() {
    // Values the peers publish or their SDKs print (tests/peer_buckets.rs checks thousands more):
    // flagd-testbed's "jack" lands in hearts (50 <= bucket < 75 of 100); GrowthBook's v2 of
    // "josé" for seed "exp" is 0.3584 in its JavaScript SDK and 0.5681 over UTF-8; LaunchDarkly's
    // consistency value for userKeyA is 0.42157587.
    let run = |args: &[&str]| {
        let r = edgeflag(&[&["bucket"][..], args].concat());
        assert!(r.ok, "{args:?}: {}", r.stderr);
        json(&r.stdout)
    };
    let v = run(&["--scheme", "flagd-v2", "--salt", "fractional-flag", "--unit", "jack", "--total", "100"]);
    assert_eq!(
        (v["input"].as_str(), v["hashed"].as_str()),
        (Some("fractional-flagjack"), Some("6672616374696f6e616c2d666c61676a61636b"))
    );
    assert!((50..75).contains(&v["bucket"].as_u64().expect("bucket")), "{v}");
    let v = run(&["--scheme", "growthbook-v2", "--salt", "exp", "--unit", "josé"]);
    assert_eq!(
        (v["bucket"].as_u64(), v["n"].as_f64(), v["hashed"].as_str()),
        (Some(3584), Some(0.3584), Some("0065 0078 0070 006a 006f 0073 00e9"))
    );
    assert_eq!(
        run(&["--scheme", "growthbook-v2", "--salt", "exp", "--unit", "josé", "--encoding", "utf8"])["bucket"],
        5681
    );
    let v = run(&["--scheme", "launchdarkly", "--salt", "hashKey.saltyA", "--unit", "userKeyA"]);
    assert!((v["bucket"].as_f64().expect("bucket") - 0.42157587).abs() < 5e-9, "{v}");
    assert_eq!(
        v["sha1"].as_str().map(|h| &h[..15]),
        Some(format!("{:015x}", v["hash"].as_u64().expect("hash")).as_str())
    );
    // Unleash: the low byte of é (0xe9) against its UTF-8 bytes (c3 a9).
    let v = run(&["--scheme", "unleash", "--salt", "g", "--unit", "josé", "--encoding", "utf16-low-byte"]);
    assert_eq!((v["hashed"].as_str(), v["seed"].as_u64()), (Some("673a6a6f73e9"), Some(0)));
    assert_eq!(v["normalized"].as_u64(), v["bucket"].as_u64().map(|b| b + 1));
    let v = run(&["--scheme", "unleash", "--purpose", "variant", "--salt", "g", "--unit", "josé"]);
    assert_eq!(
        (v["hashed"].as_str(), v["seed"].as_u64(), v["n"].as_u64()),
        (Some("673a6a6f73c3a9"), Some(86028157), Some(1000))
    );
    for (args, message) in [
        (&["--scheme", "flagd-v2", "--salt", "f", "--unit", "u"][..], "--total"),
        (
            &["--scheme", "flagd-v2", "--salt", "f", "--unit", "u", "--total", "0"][..],
            "--total must be 1 to 2147483647",
        ),
        (
            &["--scheme", "unleash", "--salt", "g", "--unit", "u", "--encoding", "utf16"][..],
            "one of utf8, utf16-low-byte",
        ),
        (&["--scheme", "murmur", "--salt", "g", "--unit", "u"][..], "unknown scheme"),
        (&["--salt", "g", "--unit", "u", "--total", "5"][..], "edgeflag-v1 takes no --encoding or --total"),
    ] {
        let r = edgeflag(&[&["bucket"][..], args].concat());
        assert!(!r.ok && r.stderr.contains(message), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn rollout_leaves_a_peers_scheme_to_the_snapshot() {
    // Percentages are of edgeflag-v1's 100000 buckets; a flagd-v2 rollout counts its own.
    let dir = std::env::temp_dir().join(format!("edgeflag-peer-rollout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("snapshot.json");
    let snapshot = r#"{"formatVersion": 1, "version": 1, "generatedAt": "2026-01-01T00:00:00Z", "flags": {"f": {"on": true,
        "variations": [{"name": "on", "value": true}, {"name": "off", "value": false}], "offVariation": "off",
        "fallthrough": {"rollout": {"scheme": {"name": "flagd-v2", "prefix": "f"},
            "variations": [{"variation": "on", "weight": 1}, {"variation": "off", "weight": 3}]}}}}}"#;
    std::fs::write(&path, snapshot).expect("written");
    let r = edgeflag(&["rollout", path.to_str().expect("a path"), "--flag", "f", "--percent", "50"]);
    assert!(!r.ok && r.stderr.contains("buckets by the scheme \"flagd-v2\""), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bucket_refuses_what_a_snapshot_may_not_hash() {
    // Salt "a", attribute "b\u{1f}c" and salt "a\u{1f}b", attribute "c" would hash the same bytes.
    let cases = [
        (["--salt", "a\u{1f}b", "--attribute", "c", "--unit", "u"], "--salt must not contain U+001F"),
        (["--salt", "a", "--attribute", "b\u{1f}c", "--unit", "u"], "--attribute must not contain U+001F"),
        (["--salt", "", "--attribute", "key", "--unit", "u"], "--salt must not be empty"),
        (["--salt", "a", "--attribute", "", "--unit", "u"], "--attribute must not be empty"),
        (["--salt", "a", "--attribute", "/key", "--unit", "u"], "--attribute a pointer to a top-level member"),
        (["--salt", "a", "--attribute", "/a~2", "--unit", "u"], "--attribute malformed JSON Pointer"),
        (["--salt", "a", "--attribute", "key", "--unit", ""], "--unit must not be empty"),
    ];
    for (args, message) in cases {
        let r = edgeflag(&[&["bucket"][..], &args[..]].concat());
        assert!(!r.ok && r.stdout.is_empty() && r.stderr.contains(message), "{args:?}: {}", r.stderr);
    }
    // Nested members and top-level names that start with `/` are pointers; units may hold U+001F
    // (they come last, so the bytes before them still say where each part ends).
    for args in [
        ["--salt", "a", "--attribute", "/org/id", "--unit", "u"],
        ["--salt", "a", "--attribute", "/~1x", "--unit", "u\u{1f}v"],
    ] {
        let r = edgeflag(&[&["bucket"][..], &args[..]].concat());
        assert!(r.ok, "{args:?}: {}", r.stderr);
    }
}

#[test]
fn stale_lists_flags_past_their_expiry() {
    let listed = |now: &str| {
        let r = edgeflag(&["stale", "--now", now]);
        assert!(r.ok, "{}", r.stderr);
        let flags: Vec<String> =
            r.stdout.lines().filter(|l| l.contains('\t')).map(|l| l.split('\t').next().unwrap().to_string()).collect();
        (flags, r.stdout)
    };
    // new_editor expired on 2026-09-30; checkout_experiment expires on 2027-01-31.
    let (flags, out) = listed("2026-11-22");
    assert_eq!(flags, ["new_editor"], "{out}");
    assert!(out.contains("1 of 10"), "{out}");
    let (mut flags, _) = listed("2027-02-01");
    flags.sort();
    assert_eq!(flags, ["checkout_experiment", "new_editor"]);
}

#[test]
fn raising_a_ramp_writes_the_next_version_and_only_adds() {
    let out = temp("raised.json");
    let path = out.to_str().expect("UTF-8 path");
    let r =
        edgeflag(&["rollout", "--flag", "enhanced_metadata_context", "--percent", "50", "--out", path, "--now", PEAK]);
    assert!(r.ok, "{}", r.stderr);
    let text = std::fs::read_to_string(&out).expect("the snapshot was written");
    let (before, after) = (json(EXAMPLE), json(&text));
    assert_eq!(after["version"], 8);
    let rollout = &after["flags"]["enhanced_metadata_context"]["fallthrough"]["rollout"];
    assert_eq!(weights(rollout), [("on".to_string(), 50_000), ("off".to_string(), 50_000)]);
    let s = edgeflag::Snapshot::parse(&text).unwrap_or_else(|e| panic!("the written snapshot does not load: {e}"));
    assert_eq!(s.version(), 8);
    // Nothing else about the flags changed.
    let mut flags = after["flags"].clone();
    flags["enhanced_metadata_context"]["fallthrough"] =
        before["flags"]["enhanced_metadata_context"]["fallthrough"].clone();
    assert_eq!(flags, before["flags"]);

    assert!(r.stderr.contains("only additions: yes"), "{}", r.stderr);
    let (added, removed, reached) = counts(&r.stderr);
    assert_eq!(removed, 0, "{}", r.stderr);
    assert!(added > 0, "{}", r.stderr);
    assert_eq!(reached, 10_000, "the fallthrough ramp reaches every sampled user");
    // Units with buckets in [10000, 50000) join: 40 % of the sample.
    assert_about(added, 0.40, "added");
}

#[test]
fn lowering_a_ramp_reports_removals() {
    let r = edgeflag(&["rollout", "--flag", "enhanced_metadata_context", "--percent", "5", "--now", PEAK]);
    assert!(r.ok, "{}", r.stderr);
    assert_eq!(json(&r.stdout)["version"], 8, "without --out the snapshot goes to stdout");
    assert!(r.stderr.contains("only additions: no"), "{}", r.stderr);
    let (added, removed, _) = counts(&r.stderr);
    assert_eq!(added, 0, "{}", r.stderr);
    // Units with buckets in [5000, 10000) leave: 5 % of the sample.
    assert_about(removed, 0.05, "removed");
}

#[test]
fn a_rule_ramp_reaches_users_with_the_given_context() {
    let r = edgeflag(&[
        "rollout",
        "--flag",
        "conversations_enabled",
        "--rule",
        "paid-ramp",
        "--percent",
        "25",
        "--context",
        r#"{"tier":"pro"}"#,
        "--now",
        PEAK,
    ]);
    assert!(r.ok, "{}", r.stderr);
    let after = json(&r.stdout);
    let rules = after["flags"]["conversations_enabled"]["rules"].as_array().expect("rules");
    let ramp = rules.iter().find(|r| r["id"] == "paid-ramp").expect("paid-ramp");
    assert_eq!(weights(&ramp["serve"]["rollout"]), [("on".to_string(), 25_000), ("off".to_string(), 75_000)]);
    let (added, removed, reached) = counts(&r.stderr);
    // Every sampled user is pro without beta_opt_in, so the first rule never matches.
    assert_eq!(reached, 10_000, "{}", r.stderr);
    assert_eq!(removed, 0, "{}", r.stderr);
    assert_about(added, 0.15, "added");
    assert!(r.stderr.contains("only additions: yes"), "{}", r.stderr);
}

#[test]
fn a_bad_percent_is_refused_clearly() {
    for percent in ["100.0001", "abc", "101", "1.2345", ""] {
        let out = temp("refused.json");
        let r = edgeflag(&[
            "rollout",
            "--flag",
            "enhanced_metadata_context",
            "--percent",
            percent,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(!r.ok, "--percent {percent:?} accepted");
        assert!(
            r.stderr.contains("--percent") && r.stderr.contains(&format!("{percent:?}")),
            "{percent:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("0 to 100"), "{}", r.stderr);
        assert!(!out.exists(), "--percent {percent:?} still wrote a snapshot");
    }
}

#[test]
fn generate_stops_at_the_flag_limit() {
    // The most a snapshot may hold is generated, and loads (16.3 MB of text, under 16 MiB).
    let most = edgeflag(&["generate", "--flags", "50000", "--seed", "7"]);
    assert!(most.ok, "{}", most.stderr);
    let r = edgeflag_stdin(&["validate", "-"], &most.stdout);
    assert!(r.ok && r.stdout.contains("50000 flags"), "{}{}", r.stdout, r.stderr);
    for past in ["50001", "100000", "18446744073709551615", "18446744073709551616", "many"] {
        let r = edgeflag(&["generate", "--flags", past]);
        assert!(!r.ok && r.stdout.is_empty(), "--flags {past}");
        assert!(
            r.stderr.contains("expected a number of flags from 0 to 50000, the most a snapshot may hold"),
            "--flags {past}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_generated_snapshot_validates_from_stdin() {
    let generated = edgeflag(&["generate", "--flags", "50"]);
    assert!(generated.ok, "{}", generated.stderr);
    let r = edgeflag_stdin(&["validate", "-"], &generated.stdout);
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("50 flags"), "{}", r.stdout);
}

#[test]
fn demo_runs_and_covers_every_flag() {
    let r = edgeflag(&["demo"]);
    assert!(r.ok, "{}", r.stderr);
    for flag in example_flags() {
        assert!(r.stdout.contains(&flag), "the demo never mentions {flag}");
    }
}

#[test]
fn keygen_sign_and_verify() {
    let (key, signed) = (temp("signing.key"), temp("signed.json"));
    let (key_s, signed_s) = (key.to_str().unwrap(), signed.to_str().unwrap());
    let made = edgeflag(&["keygen", "--out", key_s]);
    assert!(made.ok, "{}", made.stderr);
    let public = json(&made.stdout);
    let (hex, id) = (public["publicKey"].as_str().unwrap(), public["keyId"].as_str().unwrap());
    assert_eq!((hex.len(), id.len()), (64, 16));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let again = edgeflag(&["keygen", "--out", key_s]);
    assert!(!again.ok && again.stderr.contains("not overwriting"), "{}", again.stderr);

    let r = edgeflag(&["sign", "examples/snapshot.json", "--key", key_s, "--out", signed_s]);
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stderr.contains(id), "{}", r.stderr);
    let text = std::fs::read_to_string(&signed).unwrap();
    assert_eq!(json(&text)["snapshot"], json(EXAMPLE), "the snapshot inside, unchanged");
    assert!(text.ends_with(&format!("{}}}", EXAMPLE.trim())), "byte for byte");

    let ok = edgeflag(&["verify", signed_s, "--public-key", hex]);
    assert!(ok.ok, "{}", ok.stderr);
    assert!(ok.stdout.contains(&format!("signed with key {id}")) && ok.stdout.contains("version 7"), "{}", ok.stdout);
    let validated = edgeflag(&["validate", signed_s, "--public-key", hex]);
    assert!(validated.ok && validated.stdout.contains(id), "{}", validated.stderr);
    let evaluated = edgeflag(&["eval", signed_s, "--public-key", hex, "--flag", "new_editor", "--now", PEAK]);
    assert!(evaluated.ok, "{}", evaluated.stderr);

    // Tampered, unsigned, another key: refused with kind and path.
    let tampered = temp("tampered.json");
    std::fs::write(&tampered, text.replacen("\"version\": 7", "\"version\": 8", 1)).unwrap();
    let r = edgeflag(&["verify", tampered.to_str().unwrap(), "--public-key", hex]);
    assert!(!r.ok && r.stderr.contains("signature.value:") && r.stderr.contains("[bad_signature]"), "{}", r.stderr);
    let r = edgeflag(&["validate", "examples/snapshot.json", "--public-key", hex]);
    assert!(!r.ok && r.stderr.contains("[unsigned]"), "{}", r.stderr);
    let other = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
    let r = edgeflag(&["eval", signed_s, "--public-key", other]);
    assert!(!r.ok && r.stderr.contains("signature.keyId:") && r.stderr.contains("[unknown_key]"), "{}", r.stderr);
    let r = edgeflag(&["verify", signed_s, "--public-key", "00"]);
    assert!(!r.ok && r.stderr.contains("--public-key"), "{}", r.stderr);
    // Two keys (rotation): either verifies.
    assert!(edgeflag(&["verify", signed_s, "--public-key", &format!("{other},{hex}")]).ok);
    // Without a key, signed snapshots still read (unverified).
    assert!(edgeflag(&["validate", signed_s]).ok);

    // A snapshot that does not load is not signed.
    let bad = temp("bad.json");
    std::fs::write(&bad, EXAMPLE.replacen("\"in\"", "\"betwen\"", 1)).unwrap();
    let r = edgeflag(&["sign", bad.to_str().unwrap(), "--key", key_s]);
    assert!(!r.ok && r.stderr.contains("[unknown_operator]") && r.stdout.is_empty(), "{}", r.stderr);
}

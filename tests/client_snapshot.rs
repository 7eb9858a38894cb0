//! Client-safe snapshots (`client_snapshot`): what is kept and stripped is checked against an
//! independent reading of the full snapshot's JSON, and every client-visible flag must evaluate
//! exactly as it does from the full snapshot, for every context in the vectors and for generated
//! contexts over the example. Hashed lists are recomputed with an independent SHA-512 (`sha2`),
//! and no listed key may be left in the bytes.

mod common;

use common::{load_vector, same, vector_files, Rng};
use edgeflag::{client_snapshot, parse_timestamp, Context, Json, Snapshot};
use sha2::{Digest, Sha512};
use std::collections::BTreeSet;

/// The first 16 bytes of SHA-512 of `parts`, as hex.
fn sha512_128(parts: &[&[u8]]) -> String {
    let mut h = Sha512::new();
    parts.iter().for_each(|p| h.update(p));
    h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A listed value's text: a string as it is, an integer in decimal.
fn unit(v: &Json<'static>) -> String {
    v.as_str().map(String::from).unwrap_or_else(|| v.to_text())
}

/// `values` hashed with `salt` (hex) and `hashes` as they are, sorted: a derived hashed list.
fn hashed(salt: &str, values: &[Json<'static>], hashes: &[Json<'static>]) -> Json<'static> {
    let salt: Vec<u8> = (0..16).map(|i| u8::from_str_radix(&salt[2 * i..2 * i + 2], 16).expect("hex")).collect();
    let mut all: Vec<String> = values.iter().map(|v| sha512_128(&[&salt, unit(v).as_bytes()])).collect();
    all.extend(hashes.iter().map(|h| h.as_str().expect("a hash").to_string()));
    all.sort();
    Json::Array(all.into_iter().map(Json::from).collect())
}

/// The salt a derivation from `text` uses when `text` has none: of its compact JSON text.
fn derived_salt(text: &str) -> String {
    let compact = Json::parse(text).expect("JSON").to_text();
    sha512_128(&[b"edgeflag-client-salt\n", compact.as_bytes()])
}

const EXAMPLE: &str = include_str!("../examples/snapshot.json");
const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

fn vector_docs() -> Vec<(String, Json<'static>)> {
    let files = vector_files();
    assert!(files.len() >= 10, "vectors not found: {files:?}");
    let name = |p: &std::path::Path| p.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
    files.iter().map(|p| (name(p), load_vector(p))).collect()
}

/// Every snapshot to derive from: the example and each vector file's (as text).
fn snapshots() -> Vec<(String, String)> {
    let mut out = vec![("examples/snapshot.json".to_string(), EXAMPLE.to_string())];
    for (name, doc) in vector_docs() {
        match doc.get("snapshot") {
            Some(Json::Null) | None => {}
            Some(s) => out.push((name, s.to_text())),
        }
    }
    assert!(out.len() >= 12, "only {} snapshots", out.len());
    out
}

/// A context to evaluate with: JSON text (some are not JSON, or not objects), a time and
/// perhaps a default.
#[derive(Clone)]
struct Case {
    /// The flag the case is about, where it names one.
    flag: Option<String>,
    context: String,
    now: i64,
    default: Option<Json<'static>>,
}

/// Every context, time and default in the evaluation vectors.
fn vector_cases() -> Vec<Case> {
    let out: Vec<Case> = vector_cases_by_file().into_iter().flat_map(|(_, cases)| cases).collect();
    assert!(out.len() >= 200, "only {} vector cases", out.len());
    out
}

/// The vectors' cases, file by file.
fn vector_cases_by_file() -> Vec<(String, Vec<Case>)> {
    let mut files = Vec::new();
    for (file, doc) in vector_docs() {
        let mut out = Vec::new();
        let Some(Json::Array(cases)) = doc.get("cases") else { continue };
        for case in cases {
            let context = match (case.get("contextJson"), case.get("context")) {
                (Some(text), _) => text.as_str().unwrap_or_else(|| panic!("{file}: contextJson")).to_string(),
                (None, Some(c)) => c.to_text(),
                (None, None) => "{}".to_string(),
            };
            let now_text = case.get("now").and_then(Json::as_str).unwrap_or(DEFAULT_NOW);
            let now = parse_timestamp(now_text).unwrap_or_else(|| panic!("{file}: now {now_text}"));
            let flag = case.get("flag").and_then(Json::as_str).map(str::to_string);
            out.push(Case { flag, context, now, default: case.get("default").cloned() });
        }
        files.push((file, out));
    }
    files
}

/// Contexts over the example's attributes, at times across a week (its off-peak windows).
fn generated_cases(n: usize) -> Vec<Case> {
    let mut rng = Rng(7);
    let start = parse_timestamp("2026-11-23T00:00:00Z").expect("a time");
    (0..n)
        .map(|i| {
            let mut members = vec![format!(r#""key":"user-{}""#, rng.below(100_000))];
            if rng.chance(60) {
                members.push(format!(r#""tier":"{}""#, rng.pick(&["free", "pro", "enterprise", "trial"])));
            }
            for attribute in ["beta", "beta_opt_in"] {
                if rng.chance(40) {
                    members.push(format!(r#""{attribute}":{}"#, rng.chance(50)));
                }
            }
            if rng.chance(50) {
                let account = rng.pick(&[r#""acme""#, r#""globex""#, "4711", r#""initech""#, "12"]);
                members.push(format!(r#""accountId":{account}"#));
            }
            if rng.chance(30) {
                let email = rng.pick(&["a@example.com", "b@example.org", "c@sub.example.com"]);
                members.push(format!(r#""email":"{email}""#));
            }
            if rng.chance(50) {
                members.push(format!(r#""app_version":"2.{}.{}""#, rng.range(0, 5), rng.range(0, 3)));
            }
            if i % 50 == 0 {
                members[0] =
                    rng.pick(&[r#""key":"u-ops-1""#, r#""key":"u-contractor-7""#, r#""key":"test-user-1""#]).into();
            }
            Case {
                flag: None,
                context: format!("{{{}}}", members.join(",")),
                now: start + rng.range(0, 7 * 86_400_000),
                default: None,
            }
        })
        .collect()
}

fn object(v: Option<&Json<'static>>) -> Vec<(String, Json<'static>)> {
    match v {
        Some(Json::Object(members)) => members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

fn items(v: Option<&Json<'static>>) -> Vec<Json<'static>> {
    match v {
        Some(Json::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn segment_refs(clauses: Option<&Json<'static>>, out: &mut Vec<String>) {
    for clause in items(clauses) {
        if clause.get("op").and_then(Json::as_str) == Some("segmentMatch") {
            out.extend(items(clause.get("values")).iter().filter_map(|v| v.as_str().map(String::from)));
        }
    }
}

/// What should be kept, read from the full snapshot's JSON without the library: the flags
/// (client-visible and prerequisites, transitively) and the segments they use.
fn expected_keep(full: &Json<'static>) -> (BTreeSet<String>, BTreeSet<String>) {
    let flags = object(full.get("flags"));
    let segments = object(full.get("segments"));
    let find =
        |list: &[(String, Json<'static>)], key: &str| list.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let mut kept = BTreeSet::new();
    let mut todo: Vec<String> = flags
        .iter()
        .filter(|(_, f)| f.get("clientVisible") == Some(&Json::Bool(true)))
        .map(|(k, _)| k.clone())
        .collect();
    let mut segment_todo = Vec::new();
    while let Some(key) = todo.pop() {
        if !kept.insert(key.clone()) {
            continue;
        }
        let flag = find(&flags, &key).expect("a prerequisite that exists");
        todo.extend(items(flag.get("prerequisites")).iter().filter_map(|p| p.get("flag")?.as_str().map(String::from)));
        for rule in items(flag.get("rules")) {
            segment_refs(rule.get("clauses"), &mut segment_todo);
            // A rule's prerequisites (imported snapshots) are needed as a flag's are.
            todo.extend(
                items(rule.get("prerequisites")).iter().filter_map(|p| p.get("flag")?.as_str().map(String::from)),
            );
        }
    }
    let mut used = BTreeSet::new();
    while let Some(key) = segment_todo.pop() {
        if !used.insert(key.clone()) {
            continue;
        }
        let segment = find(&segments, &key).expect("a segment that exists");
        for rule in items(segment.get("rules")) {
            segment_refs(rule.get("clauses"), &mut segment_todo);
        }
    }
    (kept, used)
}

/// The full flag with what derivation strips removed and its targets hashed with `salt`: what
/// the derived flag must equal.
fn stripped(flag: &Json<'static>, client_visible: bool, salt: &str) -> Json<'static> {
    let mut f = flag.clone();
    if let Some(Json::Array(targets)) = f.get_mut("targets") {
        for t in targets.iter_mut() {
            let list = hashed(salt, &items(t.get("values")), &items(t.get("hashes")));
            if let Json::Object(m) = t {
                m.retain(|(k, _)| k != "values" && k != "hashes");
            }
            t.set("hashes", list);
        }
    }
    let drop = |v: &mut Json<'static>, names: &[&str]| {
        if let Json::Object(m) = v {
            m.retain(|(k, _)| !names.contains(&&**k));
        }
    };
    if let Some(m) = f.get_mut("metadata") {
        drop(m, &["description", "owner"]);
    }
    for list in ["rules", "variations"] {
        if let Some(Json::Array(items)) = f.get_mut(list) {
            items.iter_mut().for_each(|i| drop(i, &["description"]));
        }
    }
    f.set("clientVisible", Json::Bool(client_visible));
    f
}

/// Names of description/owner members left anywhere a snapshot holds notes.
fn notes_left(derived: &Json<'static>) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |at: String, v: Option<&Json<'static>>, names: &[&str]| {
        for (k, _) in object(v) {
            if names.contains(&k.as_str()) {
                out.push(format!("{at}.{k}"));
            }
        }
    };
    for (key, flag) in object(derived.get("flags")) {
        check(format!("flags.{key}.metadata"), flag.get("metadata"), &["description", "owner"]);
        for list in ["rules", "variations"] {
            for (i, item) in items(flag.get(list)).iter().enumerate() {
                check(format!("flags.{key}.{list}[{i}]"), Some(item), &["description", "owner"]);
            }
        }
        check(format!("flags.{key}"), Some(&flag), &["description", "owner"]);
    }
    for (key, segment) in object(derived.get("segments")) {
        check(format!("segments.{key}"), Some(&segment), &["description", "owner"]);
        for (i, rule) in items(segment.get("rules")).iter().enumerate() {
            check(format!("segments.{key}.rules[{i}]"), Some(rule), &["description"]);
        }
    }
    out
}

/// Derives from `text` and checks everything but evaluation; returns the derived text.
fn check_derived(name: &str, text: &str) -> String {
    let derived = client_snapshot(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let loaded =
        Snapshot::parse(&derived).unwrap_or_else(|e| panic!("{name}: the derived snapshot does not load: {e}"));
    let full_doc = Json::parse(text).expect("JSON").to_owned_json();
    let doc = Json::parse(&derived).expect("JSON").to_owned_json();
    let full = Snapshot::parse(text).expect("loads");
    assert_eq!((loaded.version(), loaded.generated_at()), (full.version(), full.generated_at()), "{name}");
    let salt = doc.get("keyHashing").and_then(|k| k.get("salt")).and_then(Json::as_str).expect("keyHashing.salt");
    let want_salt = match full_doc.get("keyHashing") {
        Some(k) => k.get("salt").and_then(Json::as_str).expect("a salt").to_string(),
        None => derived_salt(text),
    };
    assert_eq!(salt, want_salt, "{name}: salt");
    if full_doc.get("keyHashing").is_some() {
        assert_eq!(doc.get("keyHashing"), full_doc.get("keyHashing"), "{name}: keyHashing");
    }
    for member in ["formatVersion", "version", "generatedAt", "bucketing"] {
        assert_eq!(doc.get(member), full_doc.get(member), "{name}: {member}");
    }
    let (want_flags, want_segments) = expected_keep(&full_doc);
    let flags: BTreeSet<String> = object(doc.get("flags")).into_iter().map(|(k, _)| k).collect();
    let segments: BTreeSet<String> = object(doc.get("segments")).into_iter().map(|(k, _)| k).collect();
    assert_eq!(flags, want_flags, "{name}: flags kept");
    assert_eq!(segments, want_segments, "{name}: segments kept");
    assert_eq!(loaded.segment_count(), want_segments.len(), "{name}");
    let full_flags = object(full_doc.get("flags"));
    for (key, flag) in object(doc.get("flags")) {
        let original = full_flags.iter().find(|(k, _)| *k == key).map(|(_, f)| f).expect("in the full snapshot");
        let visible = full.flag(&key).expect("loaded").client_visible();
        let want = stripped(original, visible, salt);
        assert!(
            same(&flag, &want),
            "{name}: flag {key} changed beyond stripping:\n{}\n{}",
            flag.to_text(),
            want.to_text()
        );
        assert_eq!(loaded.flag(&key).map(|f| f.client_visible()), Some(visible), "{name}: {key}");
        // Written out, for hosts that read the JSON rather than load it.
        assert_eq!(flag.get("clientVisible"), Some(&Json::Bool(visible)), "{name}: {key}");
    }
    let full_segments = object(full_doc.get("segments"));
    for (key, segment) in object(doc.get("segments")) {
        let mut want = full_segments.iter().find(|(k, _)| *k == key).map(|(_, s)| s.clone()).expect("kept");
        for (raw, hashes) in [("included", "includedHashes"), ("excluded", "excludedHashes")] {
            if want.get(raw).is_some() || want.get(hashes).is_some() {
                let list = hashed(salt, &items(want.get(raw)), &items(want.get(hashes)));
                if let Json::Object(m) = &mut want {
                    m.retain(|(k, _)| k != raw && k != hashes);
                }
                want.set(hashes, list);
            }
        }
        assert!(same(&segment, &want), "{name}: segment {key} changed:\n{}\n{}", segment.to_text(), want.to_text());
    }
    assert_eq!(notes_left(&doc), Vec::<String>::new(), "{name}: notes left");
    // Nothing listed that is neither client-visible nor needed by one.
    for f in loaded.flags() {
        assert!(f.client_visible() || want_flags.contains(f.key()), "{name}: {} kept", f.key());
    }
    assert_eq!(client_snapshot(text).as_deref(), Ok(derived.as_str()), "{name}: not deterministic");
    assert_eq!(client_snapshot(&derived).as_deref(), Ok(derived.as_str()), "{name}: deriving again changes it");
    derived
}

/// Every client-visible flag of `full` evaluates identically from `derived` for every case.
/// Returns the number of evaluations compared.
fn check_evaluations(name: &str, full: &str, derived: &str, cases: &[Case]) -> usize {
    let full = Snapshot::parse(full).expect("loads");
    let derived = Snapshot::parse(derived).expect("loads");
    let visible: Vec<&str> = full.flags().iter().filter(|f| f.client_visible()).map(|f| f.key()).collect();
    let mut compared = 0;
    for case in cases {
        let ctx = Context::parse(&case.context);
        let all_full = full.evaluate_all(&ctx, case.now);
        let all_derived = derived.evaluate_all(&ctx, case.now);
        for key in &visible {
            for default in [None, case.default.as_ref()] {
                let want = full.evaluate(key, &ctx, case.now, default);
                let got = derived.evaluate(key, &ctx, case.now, default);
                assert_eq!(got, want, "{name}: {key} for {} at {}", case.context, case.now);
                compared += 1;
            }
            let want = all_full.iter().find(|(k, _)| k == key).map(|(_, e)| e);
            let got = all_derived.iter().find(|(k, _)| k == key).map(|(_, e)| e);
            assert_eq!(got, want, "{name}: evaluate_all {key} for {}", case.context);
        }
    }
    compared
}

#[test]
fn every_snapshot_derives_a_loading_client_snapshot_that_evaluates_the_same() {
    let cases = vector_cases();
    let mut compared = 0;
    for (name, text) in snapshots() {
        let derived = check_derived(&name, &text);
        compared += check_evaluations(&name, &text, &derived, &cases);
    }
    assert!(compared > 5_000, "only {compared} evaluations compared");
}

/// The vectors' snapshots mark (almost) no flag client-visible: so each flag in turn is made the
/// only client-visible one, and must evaluate the same from what is derived for it alone (its
/// prerequisites and segments, and nothing else).
#[test]
fn each_flag_alone_keeps_what_it_needs() {
    // Each flag meets its own file's cases and a sample of every file's (a few hundred): all of
    // them for every flag of every file would grow as the square of the vectors.
    let by_file = vector_cases_by_file();
    let all: Vec<&Case> = by_file.iter().flat_map(|(_, cases)| cases).collect();
    let stride = (all.len() / 200).max(1);
    let sample: Vec<Case> = all.iter().step_by(stride).map(|c| (*c).clone()).collect();
    let mut compared = 0;
    for (name, text) in snapshots() {
        let own = by_file.iter().find(|(file, _)| *file == name).map_or(&[][..], |(_, cases)| &cases[..]);
        let doc = Json::parse(&text).expect("JSON").to_owned_json();
        for (key, _) in object(doc.get("flags")) {
            let mut one = doc.clone();
            if let Some(Json::Object(flags)) = one.get_mut("flags") {
                // The others without the member (absent means false).
                for (k, f) in flags.iter_mut() {
                    if let Json::Object(m) = f {
                        m.retain(|(name, _)| name != "clientVisible");
                    }
                    if **k == *key {
                        f.set("clientVisible", Json::Bool(true));
                    }
                }
            }
            let one = one.to_text();
            let label = format!("{name} with only {key} client-visible");
            let derived = check_derived(&label, &one);
            // The file's cases about this flag (all of them where cases name no flag).
            let mut cases = sample.clone();
            cases.extend(own.iter().filter(|c| c.flag.as_ref().is_none_or(|f| **f == *key)).cloned());
            compared += check_evaluations(&label, &one, &derived, &cases);
        }
    }
    assert!(compared > 100_000, "only {compared} evaluations compared");
}

#[test]
fn generated_contexts_evaluate_the_same_over_the_example() {
    let derived = check_derived("example", EXAMPLE);
    let n = check_evaluations("example", EXAMPLE, &derived, &generated_cases(3000));
    assert_eq!(n, 3000 * 6 * 2, "six client-visible flags, with and without a default");
}

#[test]
fn the_example_keeps_prerequisites_and_their_segments_only() {
    let derived = client_snapshot(EXAMPLE).expect("derives");
    let doc = Json::parse(&derived).expect("JSON");
    let flags = doc.get("flags").expect("flags");
    let sentiment =
        flags.get("sentiment_analysis").expect("sentiment_analysis: a prerequisite of response_suggestions");
    assert_eq!(sentiment.get("clientVisible"), Some(&Json::Bool(false)));
    for hidden in ["enhanced_metadata_context", "retry_logic", "auto_escalation"] {
        assert!(flags.get(hidden).is_none(), "{hidden} is server-only and no prerequisite");
    }
    let segments = doc.get("segments").expect("segments");
    assert!(segments.get("beta_customers").is_some() && segments.get("internal_users").is_some(), "{derived}");
    assert!(!derived.contains("\"description\"") && !derived.contains("\"owner\""), "{derived}");
    assert!(derived.contains(r#""tags":["ai","phase-4","server"]"#), "tags are kept: {derived}");

    // beta_customers is there only because of sentiment_analysis: without response_suggestions
    // client-visible, neither is kept.
    let without = EXAMPLE.replacen(
        r#""response_suggestions": {
      "on": true,
      "clientVisible": true,"#,
        r#""response_suggestions": {
      "on": true,
      "clientVisible": false,"#,
        1,
    );
    assert_ne!(without, EXAMPLE);
    let derived = client_snapshot(&without).expect("derives");
    let doc = Json::parse(&derived).expect("JSON");
    let flags = doc.get("flags").expect("flags");
    assert!(flags.get("sentiment_analysis").is_none() && flags.get("response_suggestions").is_none());
    let segments = doc.get("segments").expect("internal_users is still used by ai_search");
    assert!(segments.get("beta_customers").is_none(), "{derived}");
    assert!(segments.get("internal_users").is_some(), "{derived}");
}

#[test]
fn no_client_visible_flag_gives_no_flags_and_no_segments() {
    let text = r#"{"$schema":"x","version":3,"generatedAt":"2026-01-01","segments":{"s":{"included":["a"]}},
      "flags":{"f":{"on":true,"variations":[{"name":"a","value":1}],"fallthrough":{"variation":"a"},
      "rules":[{"id":"r","clauses":[{"op":"segmentMatch","values":["s"]}],"serve":{"variation":0}}]}}}"#;
    let salt = derived_salt(text);
    assert_eq!(
        client_snapshot(text),
        Ok(format!(
            r#"{{"version":3,"generatedAt":"2026-01-01","keyHashing":{{"algorithm":"sha512-128","salt":"{salt}"}},"segments":{{}},"flags":{{}}}}"#
        ))
    );
}

#[test]
fn a_snapshot_that_does_not_load_gives_the_loaders_error() {
    let mut checked = 0;
    for (file, doc) in vector_docs() {
        let Some(Json::Array(entries)) = doc.get("loadErrors") else { continue };
        for entry in entries {
            let text = match (entry.get("snapshotJson"), entry.get("snapshot")) {
                (Some(t), _) => t.as_str().expect("text").to_string(),
                (None, Some(s)) => s.to_text(),
                (None, None) => panic!("{file}: no snapshot"),
            };
            let want = Snapshot::parse(&text).expect_err("a load error vector");
            assert_eq!(client_snapshot(&text), Err(want), "{file}: {text}");
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} load errors");
    for text in [&EXAMPLE[..300], "", "[]", &EXAMPLE.replacen("\"semverGte\"", "\"semverGe\"", 1)] {
        let want = Snapshot::parse(text).expect_err("refused");
        let got = client_snapshot(text).expect_err("refused");
        assert!(!got.message.is_empty());
        assert_eq!(got, want);
    }
}

/// Every raw value listed in `doc`'s targets and segments, as `(its JSON text, is an integer)`.
fn listed_values(doc: &Json<'static>) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut add = |v: &Json<'static>| out.push((v.to_text(), v.as_str().is_none()));
    for (_, flag) in object(doc.get("flags")) {
        for t in items(flag.get("targets")) {
            items(t.get("values")).iter().for_each(&mut add);
        }
    }
    for (_, segment) in object(doc.get("segments")) {
        for list in ["included", "excluded"] {
            items(segment.get(list)).iter().for_each(&mut add);
        }
    }
    out
}

/// Every number in `v`, as JSON text (integers read from JSON are numbers).
fn numbers(v: &Json<'static>, out: &mut Vec<String>) {
    match v {
        Json::Number(_) => out.push(v.to_text()),
        Json::Array(items) => items.iter().for_each(|i| numbers(i, out)),
        Json::Object(members) => members.iter().for_each(|(_, m)| numbers(m, out)),
        _ => {}
    }
}

/// The leak test: with every flag client-visible, no raw target key or segment member is left
/// in the client-safe snapshot's bytes. A key that is also written elsewhere (a clause value, a
/// variation name, a flag key) must appear exactly as often as in the derivation of the same
/// snapshot with every list emptied, so only what the lists put there is counted.
#[test]
fn no_listed_key_is_left_in_the_client_snapshot() {
    let mut checked = 0;
    for (name, text) in snapshots() {
        let mut doc = Json::parse(&text).expect("JSON").to_owned_json();
        let keys: Vec<String> = object(doc.get("flags")).into_iter().map(|(k, _)| k).collect();
        for key in &keys {
            if let Some(flag) = doc.get_mut("flags").and_then(|f| f.get_mut(key)) {
                flag.set("clientVisible", Json::Bool(true));
            }
        }
        let values = listed_values(&doc);
        let derived = client_snapshot(&doc.to_text()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut empty = doc.clone();
        for (kind, lists) in [("flags", &["targets"][..]), ("segments", &["included", "excluded"][..])] {
            let entries: Vec<String> = object(empty.get(kind)).into_iter().map(|(k, _)| k).collect();
            for entry in entries {
                let Some(e) = empty.get_mut(kind).and_then(|m| m.get_mut(&entry)) else { continue };
                for list in lists {
                    if e.get(list).is_some() {
                        e.set(list, Json::Array(Vec::new()));
                    }
                }
            }
        }
        let baseline = client_snapshot(&empty.to_text()).unwrap_or_else(|e| panic!("{name} emptied: {e}"));
        let number_tokens = |t: &str| {
            let mut out = Vec::new();
            numbers(&Json::parse(t).expect("JSON").to_owned_json(), &mut out);
            out
        };
        // A string counts as its quoted JSON text (a hash is quoted whole, so cannot hide one),
        // an integer as a number token (hex digits could hold its digits).
        let occurrences = |text: &str, value: &str, integer: bool| match integer {
            true => number_tokens(text).iter().filter(|t| *t == value).count(),
            false => text.matches(value).count(),
        };
        let (full_text, empty_text) = (doc.to_text(), empty.to_text());
        for (value, integer) in &values {
            // The same count finds every listed value in the full snapshot: it can see a leak.
            assert!(
                occurrences(&full_text, value, *integer) > occurrences(&empty_text, value, *integer),
                "{name}: {value}"
            );
            let (got, want) = (occurrences(&derived, value, *integer), occurrences(&baseline, value, *integer));
            assert_eq!(got, want, "{name}: listed value {value} is in the client snapshot");
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} listed values checked");
    eprintln!("leak test: {checked} listed values, none left in the client snapshots");
}

//! The peers' bucketing schemes (src/eval/bucketing/, docs/bucketing.md "Peers' schemes")
//! against the peers' own published data in `../shared/peer-suites` (or
//! `$EDGEFLAG_PEER_SUITES`): GrowthBook's `cases.json` hash section, and flagd-testbed's v2
//! `fractional` examples whose bucketing string is a plain concatenation. Without that folder
//! each test says so and passes nothing off as checked. The whole suites run through the
//! importers; these pin the hashes and the arithmetic alone.

use edgeflag::bucketing::flagd::{fractional_v2, FlagdEncoding};
use edgeflag::bucketing::growthbook::{bucket, GrowthBookEncoding, HashVersion};
use serde_json::Value;
use std::path::PathBuf;

fn suites() -> Option<PathBuf> {
    let dir = std::env::var_os("EDGEFLAG_PEER_SUITES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peer-suites"));
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("skipped: no peer suites at {} (set EDGEFLAG_PEER_SUITES)", dir.display());
    None
}

fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn growthbook_cases_hash() {
    let Some(dir) = suites() else { return };
    let cases = read_json(dir.join("growthbook/cases.json"));
    let cases = cases["hash"].as_array().expect("a hash section");
    let mut checked = 0;
    for case in cases {
        let [seed, value, version, expected] = &case.as_array().expect("a tuple")[..] else { panic!("{case}") };
        let (seed, value) = (seed.as_str().expect("seed"), value.as_str().expect("value"));
        let version = match version.as_u64() {
            Some(1) => HashVersion::V1,
            Some(2) => HashVersion::V2,
            // An unknown version hashes to null in the SDK: an importer refuses it.
            _ => {
                assert!(expected.is_null(), "{case}");
                continue;
            }
        };
        let b = bucket(seed, value, version, GrowthBookEncoding::Utf16);
        // The SDK's n is the bucket over the scale, a division in binary64.
        assert_eq!(f64::from(b) / f64::from(version.scale()), expected.as_f64().expect("n"), "{case}");
        checked += 1;
    }
    assert_eq!(checked, cases.len() - 1, "every case but the unknown version");
}

/// The `@fractional-v2` examples of flagd-testbed's `evaluator/gherkin/fractional.feature` for
/// the scenarios whose flag buckets a plain string: `cat` of the flag key or a literal and a
/// context value, the targeting key, or the shorthand's flag key + targeting key.
#[test]
fn flagd_testbed_fractional_v2() {
    let Some(dir) = suites() else { return };
    let root = dir.join("flagd/flagd-testbed/evaluator");
    let flags = read_json(root.join("flags/testkit-flags.json"));
    let feature = std::fs::read_to_string(root.join("gherkin/fractional.feature")).expect("the feature file");
    let mut checked = 0;
    let chunks: Vec<&str> = feature.split("Scenario").collect();
    for (i, scenario) in chunks.iter().enumerate().skip(1) {
        // A scenario's own tags end the text before it; its examples may carry version tags.
        let tags =
            chunks[i - 1].lines().rev().map(str::trim).skip_while(|l| l.is_empty()).take_while(|l| l.starts_with('@'));
        let tagged_v2 = tags.clone().any(|t| t.contains("@fractional-v2"));
        if tags.clone().any(|t| t.contains("@fractional-v1") || t.contains("@fractional-nested")) {
            continue;
        }
        let Some(key) = quoted_after(scenario, "String-flag with key ") else { continue };
        let targeting = &flags["flags"][key]["targeting"]["fractional"];
        let Some(args) = targeting.as_array() else { continue };
        // The bucketing string's pieces: a literal, or the flag key, then the context value.
        let (prefix, buckets) = match &args[0] {
            Value::Object(o) if o.get("var").is_some_and(|v| v == "targetingKey") => ("", &args[1..]),
            Value::Object(o) => match o.get("cat").and_then(Value::as_array).map(Vec::as_slice) {
                Some([Value::String(literal), _]) => (literal.as_str(), &args[1..]),
                Some([Value::Object(var), _]) if var["var"] == "$flagd.flagKey" => (key, &args[1..]),
                _ => continue,
            },
            Value::Array(_) => (key, &args[..]),
            _ => continue,
        };
        // Plain names and integer weights only (nested JSON Logic runs through the importer).
        let Some(weights) = buckets
            .iter()
            .map(|b| Some((b[0].as_str()?, b.get(1).map_or(Some(1), |w| w.as_u64().map(|w| w as u32))?)))
            .collect::<Option<Vec<(&str, u32)>>>()
        else {
            continue;
        };
        let total = weights.iter().map(|w| w.1).sum();
        let examples = match scenario.split("@fractional-v2").nth(1) {
            Some(v2) => v2,
            None if tagged_v2 && !scenario.contains("@fractional-v1") => scenario,
            None => continue,
        };
        for row in examples.lines().map(str::trim).filter(|l| l.starts_with('|')).skip(1) {
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            let (unit, expected) = (cells[0], cells[1]);
            let b = fractional_v2(&[prefix, unit], total, FlagdEncoding::Utf8);
            let mut sum = 0;
            let served = weights.iter().find(|(_, w)| {
                sum += w;
                sum > b
            });
            let value = served.and_then(|(name, _)| flags["flags"][key]["variants"][name].as_str());
            assert_eq!(value, Some(expected), "{key} {unit}");
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} examples found: has the feature file changed?");
    eprintln!("flagd-testbed fractional v2: {checked} examples");
}

fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let rest = rest.strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// tests/peer-buckets.json: generated inputs (non-ASCII, empty, astral) with what each peer's
/// own npm code computes (tests/js/peer-buckets.mjs, which also checks the file is current).
#[test]
fn generated_cases_bucket_as_the_peers_code() {
    use edgeflag::bucketing::launchdarkly::{self, Float};
    use edgeflag::bucketing::unleash::{normalized, UnleashEncoding};
    let cases = read_json(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peer-buckets.json"));
    let rows = |peer: &str| cases[peer].as_array().expect(peer).clone();
    let (s, n) = (|v: &Value| v.as_str().expect("a string").to_owned(), |v: &Value| v.as_u64().expect("a number"));
    let mut counted = 0;
    for r in rows("flagd") {
        let (input, total) = (s(&r[0]), n(&r[1]) as u32);
        assert_eq!(u64::from(fractional_v2(&[&input], total, FlagdEncoding::Utf8)), n(&r[2]), "{r}");
        assert_eq!(u64::from(fractional_v2(&[&input], total, FlagdEncoding::Utf16Imurmurhash)), n(&r[3]), "{r}");
        counted += 2;
    }
    for r in rows("unleash") {
        let (group, value, seed, m) = (s(&r[0]), s(&r[1]), n(&r[2]) as u32, n(&r[3]) as u32);
        assert_eq!(u64::from(normalized(&group, &value, seed, m, UnleashEncoding::Utf8)), n(&r[4]), "{r}");
        assert_eq!(u64::from(normalized(&group, &value, seed, m, UnleashEncoding::Utf16LowByte)), n(&r[5]), "{r}");
        counted += 2;
    }
    for r in rows("growthbook") {
        let version = if n(&r[2]) == 1 { HashVersion::V1 } else { HashVersion::V2 };
        let b = bucket(&s(&r[0]), &s(&r[1]), version, GrowthBookEncoding::Utf16);
        assert_eq!(f64::from(b) / f64::from(version.scale()), r[3].as_f64().expect("n"), "{r}");
        counted += 1;
    }
    for r in rows("launchdarkly") {
        let h = launchdarkly::hash(&s(&r[0]), &s(&r[1]));
        assert_eq!(launchdarkly::bucket_value(h, Float::F64), r[2].as_f64().expect("f64"), "{r}");
        assert_eq!(launchdarkly::bucket_value(h, Float::F32), r[3].as_f64().expect("f32"), "{r}");
        counted += 2;
    }
    assert!(counted >= 2800, "{counted}");
    eprintln!("peer buckets: {counted} checks");
}

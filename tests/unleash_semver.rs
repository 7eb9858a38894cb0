//! tests/vectors/unleash-semver.json's `semverStrict*` answers are what Rust's semver crate
//! (Yggdrasil's) gives: `Version::parse` of the context string, then `cmp_precedence`.

use semver::Version;
use serde_json::Value;

#[test]
fn strict_answers_are_the_semver_crates() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/unleash-semver.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let flags = &doc["snapshot"]["flags"];
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let clause = &flags[case["flag"].as_str().unwrap()]["rules"][0]["clauses"][0];
        let op = clause["op"].as_str().unwrap();
        let Some(cmp) = op.strip_prefix("semverStrict") else { continue };
        let value = Version::parse(clause["values"][0].as_str().unwrap()).unwrap();
        let want = match case["context"]["x"].as_str().map(Version::parse) {
            Some(Ok(x)) => {
                let o = x.cmp_precedence(&value);
                match cmp {
                    "Eq" => o.is_eq(),
                    "Lt" => o.is_lt(),
                    "Lte" => o.is_le(),
                    "Gt" => o.is_gt(),
                    "Gte" => o.is_ge(),
                    other => panic!("operator {other}"),
                }
            }
            _ => false,
        };
        assert_eq!(case["expect"]["value"].as_bool(), Some(want), "{}", case["name"]);
        checked += 1;
    }
    assert!(checked > 400, "{checked} strict cases");
}

//! The core's JSON text parser against serde_json (with `float_roundtrip`, so both round
//! numbers correctly): the same texts accepted, the same values for them. Inputs: every vector
//! file, the example, generated snapshots, hand-picked edge cases, mutations of real snapshots
//! and numbers in many spellings.

mod common;

use common::Rng;
use edgeflag::Json;
use std::path::PathBuf;

/// Equal values, numbers bit for bit except the sign of zero (serde_json reads `-0` as the
/// integer 0).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.to_bits() == y.to_bits() || (*x == 0.0 && *y == 0.0),
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, v), (l, w))| k == l && same(v, w))
        }
        _ => a == b,
    }
}

/// Checks one text; returns whether it parsed.
fn check(text: &str) -> bool {
    let ours = Json::parse(text);
    let reference: Result<Json, _> = serde_json::from_str(text);
    match (&ours, &reference) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "different values for {text:?}: {a:?} vs {b:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text:?}: ours {ours:?}, serde_json {:?}", reference.map_err(|e| e.to_string())),
    }
    ours.is_ok()
}

fn files() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("tests/vectors"))
        .expect("vectors")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.push(root.join("examples/snapshot.json"));
    paths.push(root.join("tests/bucketing-examples.json"));
    let mut texts: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("readable")).collect();
    texts.extend((1..4).map(|seed| edgeflag::synthetic::snapshot(200, seed)));
    texts
}

#[test]
fn real_snapshots_and_vectors_parse_identically() {
    for text in files() {
        assert!(check(&text));
    }
}

#[test]
fn edge_cases() {
    let accepted = [
        "0",
        "-0",
        "1",
        "-1",
        "0.5",
        "1e3",
        "1E3",
        "1e+3",
        "1e-3",
        "2.5e-3",
        "0.1",
        "0.30000000000000004",
        "9007199254740991",
        "9007199254740993",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890",
        "1.7976931348623157e308",
        "5e-324",
        "2.2250738585072014e-308",
        "1e-400",
        "0.000000000000000000000001",
        "100000000000000000000000",
        "3.141592653589793238462643383",
        r#""""#,
        r#""a\"b""#,
        r#""\\ \/ \b \f \n \r \t""#,
        r#""\u00e9\u4e2d""#,
        r#""\ud83d\ude00""#,
        r#""héllo ✓ 😀""#,
        "[]",
        "{}",
        " [ 1 , 2 ] ",
        "\t\n\r{\"a\":1}\n",
        "true",
        "false",
        "null",
        r#"{"a":1,"a":2}"#,
        r#"[[[[]]]]"#,
        r#"{"":""}"#,
    ];
    let refused = [
        "",
        " ",
        "01",
        "-01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "1.e3",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "-1e400",
        "tru",
        "nul",
        "falsey",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{a:1}",
        "{\"a\" 1}",
        "[1 2]",
        "\"abc",
        "\"a\u{1}b\"",
        r#""\x""#,
        r#""\u12""#,
        r#""\ud83d""#,
        r#""\ud83dx""#,
        r#""\ude00""#,
        r#""\ud83d\u0041""#,
        "[1] 2",
        "{} {}",
        "\u{feff}{}",
        "'a'",
        "[",
        "{",
        "{\"a\":",
        "]",
    ];
    for t in accepted {
        assert!(check(t), "{t:?} should parse");
    }
    for t in refused {
        assert!(!check(t), "{t:?} should not parse");
    }
    // Nesting: serde_json's limit, to the level.
    for depth in [126, 127, 128, 129, 130] {
        check(&("[".repeat(depth) + &"]".repeat(depth)));
        check(&("{\"a\":".repeat(depth) + "1" + &"}".repeat(depth)));
    }
}

#[test]
fn mutated_snapshots() {
    let texts = files();
    let pieces =
        ["\"", "{", "}", "[", "]", ",", ":", "\\", "\\u", "0", "-", ".", "e", "1", " ", "\n", "null", "é", "\u{1}"];
    let mut rng = Rng(7);
    let (mut parsed, mut total) = (0, 0);
    for _ in 0..4000 {
        let base = &texts[rng.below(texts.len())];
        let mut t = base.clone();
        for _ in 0..1 + rng.below(3) {
            let mut at = rng.below(t.len() + 1);
            while !t.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => t.insert_str(at, pieces[rng.below(pieces.len())]),
                1 if at < t.len() => {
                    let end = (at + 1..=t.len()).find(|&e| t.is_char_boundary(e)).unwrap_or(t.len());
                    t.replace_range(at..end, "");
                }
                _ => {
                    let end = (at + 1..=t.len()).find(|&e| t.is_char_boundary(e)).unwrap_or(t.len());
                    t.replace_range(at..end.min(t.len()), pieces[rng.below(pieces.len())]);
                }
            }
        }
        total += 1;
        parsed += usize::from(check(&t));
    }
    // Both outcomes must be well represented for the comparison to mean something.
    assert!(parsed > total / 10 && parsed < total * 9 / 10, "{parsed} of {total} mutated texts parsed");
}

#[test]
fn numbers_in_many_spellings() {
    let mut rng = Rng(11);
    for _ in 0..200_000 {
        let bits = rng.next();
        let x = match rng.below(4) {
            0 => f64::from_bits(bits),
            1 => (bits % 100_000_000) as f64 / 10f64.powi(rng.below(12) as i32),
            2 => (bits >> 11) as f64 * 10f64.powi(rng.below(40) as i32 - 20),
            _ => (bits % 1_000_000) as f64,
        };
        if !x.is_finite() {
            continue;
        }
        let digits = 1 + rng.below(25);
        for text in [format!("{x}"), format!("{x:e}"), format!("{x:.digits$e}"), format!("{x:.digits$}")] {
            check(&text);
        }
    }
}

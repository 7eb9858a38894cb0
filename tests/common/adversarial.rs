//! Adversarial snapshots at the limits of `edgeflag::limits`: the worst that still load, and the
//! same one step past. Shared by tests/hostile.rs (exact errors) and benches/adversarial.rs
//! (how long the worst evaluations take).
#![allow(dead_code)]

use serde_json::{json, Value};

pub const GENERATED_AT: &str = "2026-01-01T00:00:00Z";

/// A snapshot of `flags` and `segments`.
pub fn snapshot(flags: Value, segments: Value) -> String {
    json!({ "formatVersion": 1, "version": 1, "generatedAt": GENERATED_AT, "segments": segments, "flags": flags })
        .to_string()
}

/// A boolean flag serving `off` unless a rule says otherwise.
pub fn flag(rules: Value) -> Value {
    json!({ "on": true,
            "variations": [ {"name": "off", "value": false}, {"name": "on", "value": true} ],
            "offVariation": "off", "rules": rules, "fallthrough": { "variation": "off" } })
}

/// `rules` rules of `clauses` clauses each on `email`: every clause but a rule's last one
/// matches an email containing `a`, the last one needs `zz`, so an evaluation tests them all.
/// Costs 2 + rules × (1 + clauses).
pub fn clause_wall(rules: usize, clauses: usize) -> String {
    let rule = |i: usize| {
        let mut cs: Vec<Value> =
            (1..clauses).map(|_| json!({"attribute": "email", "op": "contains", "values": ["a"]})).collect();
        cs.push(json!({"attribute": "email", "op": "contains", "values": ["zz"]}));
        json!({ "id": format!("r{i}"), "clauses": cs, "serve": {"variation": "on"} })
    };
    snapshot(json!({ "wall": flag((0..rules).map(rule).collect()) }), json!({}))
}

/// Segments `s00` … nested `depth` deep, each naming the next twice, the last listing only
/// `nobody`: matching `s00` visits 2^depth segments (they are not remembered within an
/// evaluation). Flag `diamond` asks for `s00`. `s00` costs 2^(depth+2) − 2, the flag 4 more.
pub fn segment_diamond(depth: usize) -> String {
    let mut segments = serde_json::Map::new();
    for i in 0..depth {
        let next = format!("s{:02}", i + 1);
        segments.insert(
            format!("s{i:02}"),
            json!({ "rules": [ { "clauses": [ {"op": "segmentMatch", "values": [next, next]} ] } ] }),
        );
    }
    segments.insert(format!("s{depth:02}"), json!({ "included": ["nobody"] }));
    let rules = json!([ { "id": "in", "clauses": [ {"op": "segmentMatch", "values": ["s00"]} ], "serve": {"variation": "on"} } ]);
    snapshot(json!({ "diamond": flag(rules) }), Value::Object(segments))
}

/// Flags `a00`/`b00` … `a{depth}`/`b{depth}`: each level requires both flags of the next, so
/// `a00` reaches 2^(depth+1) − 2 prerequisite evaluations along its paths.
pub fn prerequisite_ladder(depth: usize) -> String {
    let mut flags = serde_json::Map::new();
    for i in 0..=depth {
        let mut f = flag(json!([]));
        if i < depth {
            f["prerequisites"] = json!([ {"flag": format!("a{:02}", i + 1), "variation": "off"},
                                         {"flag": format!("b{:02}", i + 1), "variation": "off"} ]);
        }
        flags.insert(format!("a{i:02}"), f.clone());
        flags.insert(format!("b{i:02}"), f);
    }
    snapshot(Value::Object(flags), json!({}))
}

/// Flag `top` requiring `p00` … `p{n-1}`, each a `clause_wall(rules, 100)` on the array attribute
/// `groups`: a context whose `groups` makes each wall do just under the work limit has `top` do
/// it `n + 1` times (the most work one evaluation can do, `n` = `MAX_PREREQUISITES`).
pub fn prerequisite_walls(n: usize, rules: usize) -> String {
    let wall: Value =
        serde_json::from_str(&clause_wall(rules, 100).replace(r#""attribute":"email""#, r#""attribute":"groups""#))
            .expect("JSON");
    let mut flags = serde_json::Map::new();
    let mut top = wall["flags"]["wall"].clone();
    top["prerequisites"] = (0..n).map(|i| json!({"flag": format!("p{i:02}"), "variation": "off"})).collect();
    for i in 0..n {
        flags.insert(format!("p{i:02}"), wall["flags"]["wall"].clone());
    }
    flags.insert("top".into(), top);
    snapshot(Value::Object(flags), json!({}))
}

/// One flag `listed` targeting `n` distinct keys `user-0` … (its values array is `n` long).
pub fn target_list(n: usize) -> String {
    let mut f = flag(json!([]));
    f["targets"] = json!([ { "variation": "on", "values": (0..n).map(|i| format!("user-{i}")).collect::<Vec<_>>() } ]);
    snapshot(json!({ "listed": f }), json!({}))
}

/// `n` static flags `f00000` ….
pub fn many_flags(n: usize) -> String {
    let flags: serde_json::Map<String, Value> = (0..n)
        .map(|i| {
            (
                format!("f{i:05}"),
                json!({"on": true, "variations": [{"name": "v", "value": true}], "fallthrough": {"variation": "v"}}),
            )
        })
        .collect();
    snapshot(Value::Object(flags), json!({}))
}

/// A context whose attribute `groups` holds as many short strings as fit in `bytes` of text, the
/// last one `beta`.
pub fn wide_context(bytes: usize) -> String {
    let mut text = String::from(r#"{"key":"user-1","groups":["#);
    while text.len() + 16 < bytes {
        text.push_str(r#""g","#);
    }
    text.push_str(r#""beta"]}"#);
    text
}

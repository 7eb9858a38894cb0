//! Moving a ramp: a two-way rollout's split, or an experiment's traffic, set to a new weight.
//! Raising one only adds units to the ramped side (docs/bucketing.md), which is what makes a
//! ramp safe to move in steps.

use super::{flag_path, invalid, item, member, resolve, variation_names, Document, EditError};
use crate::json::Json;
use crate::message::message;
use alloc::string::String;

/// What [`Document::set_ramp`] moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RampKind {
    /// A two-way rollout's split.
    Ramp,
    /// An experiment's `traffic`: the share of units enrolled.
    ExperimentTraffic,
}

/// A ramp moved: what, from which weight to which (out of 100000), and the attribute it buckets
/// by (a sample varies it to see who changes: [`super::compare_sample`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RampMove {
    /// A rollout's split or an experiment's traffic.
    pub kind: RampKind,
    /// The ramped variation's name; `None` for an experiment's traffic (enrolment is what moves).
    pub variation: Option<String>,
    /// Its weight before (0 when the document had none that is a weight).
    pub old_weight: u32,
    /// Its weight now.
    pub new_weight: u32,
    /// The `bucketBy` attribute reference (`key` by default).
    pub bucket_by: String,
}

/// The total of edgeflag-v1's weights: a ramp's percentage is its weight / 1000.
const TOTAL: u32 = 100_000;

impl Document {
    /// Moves the ramp of `flags.KEY`'s rule `rule` (`None`: its fallthrough) to `weight` out of
    /// 100000. A rollout must be edgeflag's own (a peer's scheme counts its weights in its own
    /// units) and two-way; the ramped side is `variation`, or else the one variation of the two
    /// that is not the flag's `offVariation`, and the other side gets the rest. An experiment's
    /// `traffic` becomes `weight` (`variation` is not used). A fixed variation has no ramp.
    pub fn set_ramp(
        &mut self,
        key: &str,
        rule: Option<&str>,
        variation: Option<&str>,
        weight: u32,
    ) -> Result<RampMove, EditError> {
        let flag = self.flag_mut(key)?;
        let mut at = flag_path(key);
        if weight > TOTAL {
            return Err(invalid(at, message!("a ramp's weight is out of 100000")));
        }
        let names = variation_names(flag);
        let off = flag.get("offVariation").and_then(|r| resolve(r, &names));
        let serve = match rule {
            None => {
                at = member(&at, "fallthrough");
                flag.get_mut("fallthrough")
                    .ok_or_else(|| invalid(at.clone(), message!("the flag has no fallthrough")))?
            }
            Some(id) => {
                at = member(&at, "rules");
                let rules = match flag.get_mut("rules") {
                    Some(Json::Array(rules)) => &mut rules[..],
                    _ => &mut [],
                };
                let Some(r) = rules.iter().position(|r| r.get("id").and_then(Json::as_str) == Some(id)) else {
                    return Err(invalid(at, message!("no rule ", quoted(id), " in flag ", quoted(key))));
                };
                at = member(&item(&at, r), "serve");
                match rules.get_mut(r).and_then(|r| r.get_mut("serve")) {
                    Some(serve) => serve,
                    None => return Err(invalid(at, message!("rule ", quoted(id), " has no serve"))),
                }
            }
        };

        if let Some(rollout) = serve.get_mut("rollout") {
            at = member(&at, "rollout");
            // Percentages are of edgeflag-v1's 100000 buckets; a peer's scheme counts its own.
            if let Some(scheme) = rollout.get("scheme") {
                let name = scheme.get("name").and_then(Json::as_str).unwrap_or("?");
                let m =
                    message!("this rollout buckets by the scheme ", quoted(name), ": set its weights in the snapshot");
                return Err(invalid(member(&at, "scheme"), m));
            }
            let bucket_by = rollout.get("bucketBy").and_then(Json::as_str).unwrap_or("key").into();
            at = member(&at, "variations");
            let Some(Json::Array(entries)) = rollout.get_mut("variations") else {
                return Err(invalid(at, message!("a rollout's variations are an array")));
            };
            let count = entries.len() as u64;
            let [first, second] = &mut entries[..] else {
                let mut n = itoa::Buffer::new();
                let m = message!(
                    "the rollout has ",
                    n.format(count),
                    " variations; only two-way ramps can be moved by percentage"
                );
                return Err(invalid(at, m));
            };
            let refs = [&*first, &*second].map(|e| e.get("variation").and_then(|r| resolve(r, &names)));
            let name = |r: Option<usize>| r.and_then(|i| names[i].as_deref());
            let ramped = match variation {
                Some(v) => match refs.iter().position(|&r| name(r) == Some(v)) {
                    Some(i) => i,
                    None => return Err(invalid(at, message!(quoted(v), " is not in this rollout"))),
                },
                None => match (refs[0] != off, refs[1] != off) {
                    (true, false) => 0,
                    (false, true) => 1,
                    _ => return Err(invalid(at, message!("say which variation is ramped"))),
                },
            };
            let (this, other) = if ramped == 0 { (first, second) } else { (second, first) };
            let old_weight = this.get("weight").and_then(Json::as_integer).and_then(|w| u32::try_from(w).ok());
            this.set("weight", Json::Number(f64::from(weight)));
            other.set("weight", Json::Number(f64::from(TOTAL - weight)));
            return Ok(RampMove {
                kind: RampKind::Ramp,
                variation: Some(name(refs[ramped]).unwrap_or("?").into()),
                old_weight: old_weight.unwrap_or(0),
                new_weight: weight,
                bucket_by,
            });
        }
        if let Some(experiment) = serve.get_mut("experiment") {
            let bucket_by = experiment.get("bucketBy").and_then(Json::as_str).unwrap_or("key").into();
            let old_weight = experiment.get("traffic").and_then(Json::as_integer).and_then(|w| u32::try_from(w).ok());
            experiment.set("traffic", Json::Number(f64::from(weight)));
            return Ok(RampMove {
                kind: RampKind::ExperimentTraffic,
                variation: None,
                old_weight: old_weight.unwrap_or(0),
                new_weight: weight,
                bucket_by,
            });
        }
        Err(invalid(at, message!("that serves a fixed variation: there is no ramp to move")))
    }
}

#[cfg(test)]
mod tests {
    use super::{RampKind, RampMove};
    use crate::edit::fixtures::example;
    use crate::edit::{Document, EditErrorKind};
    use crate::json::Json;
    use alloc::string::String;

    fn weights(doc: &Document, flag: &str, rule: Option<usize>) -> String {
        let f = doc.flag(flag).expect("the flag");
        let serve = match rule {
            None => f.get("fallthrough"),
            Some(r) => match f.get("rules") {
                Some(Json::Array(rules)) => rules.get(r).and_then(|r| r.get("serve")),
                _ => None,
            },
        };
        serve.map(Json::to_text).unwrap_or_default()
    }

    #[test]
    fn a_rule_s_ramp_moves() {
        let mut doc = example();
        let m = doc.set_ramp("conversations_enabled", Some("paid-ramp"), None, 50_000).expect("moved");
        let expected = RampMove {
            kind: RampKind::Ramp,
            variation: Some("on".into()),
            old_weight: 10_000,
            new_weight: 50_000,
            bucket_by: "key".into(),
        };
        assert_eq!(m, expected);
        assert_eq!(
            weights(&doc, "conversations_enabled", Some(1)),
            r#"{"rollout":{"variations":[{"variation":"on","weight":50000},{"variation":"off","weight":50000}]}}"#
        );
        // Naming the other side ramps it instead.
        let m = doc.set_ramp("conversations_enabled", Some("paid-ramp"), Some("off"), 75_000).expect("moved");
        assert_eq!((m.variation.as_deref(), m.old_weight), (Some("off"), 50_000));
        assert!(weights(&doc, "conversations_enabled", Some(1)).contains(r#"{"variation":"on","weight":25000}"#));
        doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
    }

    #[test]
    fn experiment_traffic_moves() {
        let mut doc = example();
        let m = doc.set_ramp("checkout_experiment", None, None, 12_500).expect("moved");
        assert_eq!(
            (m.kind, m.variation, m.old_weight, m.new_weight),
            (RampKind::ExperimentTraffic, None, 50_000, 12_500)
        );
        assert!(weights(&doc, "checkout_experiment", None).contains(r#""traffic":12500"#));
    }

    #[test]
    fn refusals_say_where() {
        let mut doc = example();
        let refused = |doc: &mut Document, flag: &str, rule: Option<&str>, variation: Option<&str>, weight: u32| {
            let e = doc.set_ramp(flag, rule, variation, weight).expect_err("refused");
            (e.kind, e.path, e.message)
        };
        let invalid = |path: &str, message: &str| (EditErrorKind::Invalid, String::from(path), String::from(message));
        assert_eq!(refused(&mut doc, "nope", None, None, 1).0, EditErrorKind::NotFound);
        assert_eq!(
            refused(&mut doc, "ai_search", Some("beta"), None, 1),
            invalid("flags.ai_search.rules", r#"no rule "beta" in flag "ai_search""#)
        );
        assert_eq!(
            refused(&mut doc, "ai_search", Some("internal"), None, 1),
            invalid("flags.ai_search.rules[0].serve", "that serves a fixed variation: there is no ramp to move")
        );
        assert_eq!(
            refused(&mut doc, "ai_search", Some("beta-ramp"), Some("maybe"), 1),
            invalid("flags.ai_search.rules[1].serve.rollout.variations", r#""maybe" is not in this rollout"#)
        );
        assert_eq!(refused(&mut doc, "ai_search", Some("beta-ramp"), None, 100_001).0, EditErrorKind::Invalid);
        assert_eq!(refused(&mut doc, "plan_limits", Some("tier-pro"), None, 1).0, EditErrorKind::Invalid);

        let mut peer = Document::parse(
            r#"{"flags": {"f": {"on": true, "variations": [{"name": "on", "value": true}, {"name": "off", "value": false}],
                "offVariation": "off", "fallthrough": {"rollout": {"scheme": {"name": "flagd-v2"},
                "variations": [{"variation": "on", "weight": 1}, {"variation": "off", "weight": 3}]}}},
                "three": {"variations": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
                "fallthrough": {"rollout": {"variations": [{"variation": "a", "weight": 1}, {"variation": 1, "weight": 2},
                                                           {"variation": "c", "weight": 3}]}}},
                "both": {"variations": [{"name": "a"}, {"name": "b"}],
                "fallthrough": {"rollout": {"variations": [{"variation": 0, "weight": 1}, {"variation": "b", "weight": 2}]}}}}}"#,
        )
        .expect("JSON");
        assert_eq!(
            refused(&mut peer, "f", None, None, 1),
            invalid(
                "flags.f.fallthrough.rollout.scheme",
                r#"this rollout buckets by the scheme "flagd-v2": set its weights in the snapshot"#
            )
        );
        assert_eq!(
            refused(&mut peer, "three", None, None, 1).2,
            "the rollout has 3 variations; only two-way ramps can be moved by percentage"
        );
        // Without an offVariation neither side is the ramped one by default; by index works.
        assert_eq!(refused(&mut peer, "both", None, None, 1).2, "say which variation is ramped");
        let m = peer.set_ramp("both", None, Some("a"), 7).expect("named");
        assert_eq!((m.old_weight, m.new_weight), (1, 7));
        assert!(peer.json().to_text().contains(r#"{"variation":0,"weight":7},{"variation":"b","weight":99993}"#));
    }
}

//! One feature (`features.KEY`): its values as variations and its rules as edgeflag rules, with
//! the gates (`parentConditions` with `gate: true`) left for `prerequisites.rs`.
//!
//! Rule ids carry what a caller needs to recover GrowthBook's answer (docs/import.md, GrowthBook):
//! `force:I:ID` for a force rule and `experiment:I:J:K:ID` for an experiment rule, where `I` is
//! the rule's index in the feature, `J` the variation's index (`experimentResult.variationId`),
//! `K` the part (a variation's buckets may take more than one range) and `ID` the rule's own
//! `id` (possibly empty).

use super::buckets::{bucket_ranges, choose_variation, in_range, runs};
use super::condition::{all, Conditions};
use super::hashing::{self, attribute, filters, namespace, range, Hashing};
use super::json::{index, items, member, members, number, obj, s, text_or, truthy};
use crate::ImportError;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// A gate: the feature serves `null` (source `prerequisite`) unless `condition` holds on the
/// parent's value.
#[derive(Clone, Debug)]
pub struct Gate {
    /// The parent feature's key.
    pub parent: String,
    /// The condition on `{ value }`.
    pub condition: Json<'static>,
    /// Where it is in the payload.
    pub path: String,
}

/// A feature converted but for its gates.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Variation names and values, each value once (by first occurrence).
    pub variations: Vec<(String, Json<'static>)>,
    /// The edgeflag rules.
    pub rules: Vec<Json<'static>>,
    /// Gates in evaluation order.
    pub gates: Vec<Gate>,
    /// Parent conditions without gate, by the index of the rule they skip (`force:I:…` and
    /// `experiment:I:…` ids name it): each becomes that rule's prerequisite.
    pub rule_parents: Vec<(usize, Vec<Gate>)>,
    /// Every parent named by any `parentConditions` (for cycles).
    pub parents: Vec<String>,
    /// The feature serves `null` whatever the attributes (no value at all).
    pub null: bool,
}

/// What a rule may serve, before the variations are settled.
struct Outcome {
    name: String,
    value: Json<'static>,
    path: String,
}

struct Builder {
    outcomes: Vec<Outcome>,
    rules: Vec<(String, Vec<Json<'static>>, usize)>,
}

impl Builder {
    fn outcome(&mut self, name: String, value: &Json<'_>, path: String) -> usize {
        self.outcomes.push(Outcome { name, value: value.to_owned_json(), path });
        self.outcomes.len() - 1
    }
}

fn kind(v: &Json<'_>) -> &'static str {
    match v {
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        _ => "json",
    }
}

fn rule_id(rule: &Json<'_>, path: &str) -> Result<String, ImportError> {
    match rule.get("id") {
        None | Some(Json::Null) => Ok(String::new()),
        Some(Json::String(t)) => Ok(t.to_string()),
        Some(_) => Err(ImportError::unsupported(member(path, "id"), "a rule id that is not a string")),
    }
}

/// The clause of a rule's `condition` (`None` when falsy: the SDK skips the test).
fn condition(conds: &Conditions<'_, '_>, rule: &Json<'_>, path: &str) -> Result<Option<Json<'static>>, ImportError> {
    match rule.get("condition") {
        Some(c) if truthy(c) => Ok(Some(conds.translate(c, &member(path, "condition"))?)),
        _ => Ok(None),
    }
}

/// Converts `features[key]`.
pub fn draft(key: &str, def: &Json<'_>, conds: &Conditions<'_, '_>, path: &str) -> Result<Draft, ImportError> {
    members(def, path)?;
    let mut b = Builder { outcomes: Vec::new(), rules: Vec::new() };
    let default = def.get("defaultValue").unwrap_or(&Json::Null);
    b.outcome("default".into(), default, member(path, "defaultValue"));
    let mut gates = Vec::new();
    let mut rule_parents = Vec::new();
    let mut parents = Vec::new();
    let rules_at = member(path, "rules");
    let rules: &[Json<'_>] = match def.get("rules") {
        None | Some(Json::Null) => &[],
        Some(r) => items(r, &rules_at)?,
    };
    // Rules before the first that can serve a value: a gate there is met on every evaluation,
    // so it is a prerequisite of the whole flag.
    let mut leading = true;
    for (i, rule) in rules.iter().enumerate() {
        let at = index(&rules_at, i);
        members(rule, &at)?;
        for field in ["contextualVariations", "contextualBanditRef"] {
            if rule.get(field).is_some() {
                return Err(ImportError::unsupported(
                    member(&at, field),
                    "contextual bandits choose weights per context from a model the snapshot cannot hold",
                ));
            }
        }
        let force = rule.get("force");
        let variations = match rule.get("variations") {
            Some(v) if truthy(v) => Some(items(v, &member(&at, "variations"))?),
            _ => None,
        };
        // A rule without force and without two variations never serves (the SDK skips it).
        let inert = force.is_none() && variations.is_none_or(|v| v.len() < 2);
        let mut skips = Vec::new();
        if let Some(pcs) = rule.get("parentConditions").filter(|v| truthy(v)) {
            let pcs_at = member(&at, "parentConditions");
            let mut gating = true;
            for (j, pc) in items(pcs, &pcs_at)?.iter().enumerate() {
                let pc_at = index(&pcs_at, j);
                let Some(Json::String(parent)) = pc.get("id") else {
                    return Err(ImportError::invalid(member(&pc_at, "id"), "a parent feature id is a string"));
                };
                parents.push(parent.to_string());
                let gate = pc.get("gate").is_some_and(truthy);
                if gate && leading && gating {
                    let condition =
                        pc.get("condition").filter(|c| truthy(c)).cloned().unwrap_or(Json::Object(Vec::new()));
                    gates.push(Gate { parent: parent.to_string(), condition: condition.to_owned_json(), path: pc_at });
                } else if gate {
                    return Err(ImportError::unsupported(
                        pc_at,
                        "a gate after a rule that can serve, or after a non-gate parent condition, blocks only when reached; edgeflag prerequisites hold for the whole flag",
                    ));
                } else {
                    // Skips this rule when it fails: the rule's prerequisite (mod.rs).
                    let condition =
                        pc.get("condition").filter(|c| truthy(c)).cloned().unwrap_or(Json::Object(Vec::new()));
                    skips.push(Gate { parent: parent.to_string(), condition: condition.to_owned_json(), path: pc_at });
                    gating = false;
                }
            }
        }
        if inert {
            continue;
        }
        if !skips.is_empty() {
            rule_parents.push((i, skips));
        }
        leading = false;
        let id = rule_id(rule, &at)?;
        let mut clauses = Vec::new();
        let filtered = match rule.get("filters") {
            Some(f) if truthy(f) => {
                clauses.extend(filters(f, &member(&at, "filters"))?);
                true
            }
            _ => false,
        };
        if let Some(c) = condition(conds, rule, &at)? {
            clauses.push(c);
        }
        if let Some(value) = force {
            force_rule(&mut b, key, rule, value, clauses, &id, i, &at)?;
        } else if let Some(variations) = variations {
            experiment_rule(&mut b, key, rule, variations, clauses, filtered, &id, i, &at)?;
        }
    }
    let mut d = settle(b, gates, parents, path)?;
    d.rule_parents = rule_parents;
    Ok(d)
}

/// `force`, included when `range` holds (`start ≤ n < end`) or, without one, `n ≤ coverage`.
#[allow(clippy::too_many_arguments)]
fn force_rule(
    b: &mut Builder,
    key: &str,
    rule: &Json<'_>,
    value: &Json<'_>,
    mut clauses: Vec<Json<'static>>,
    id: &str,
    i: usize,
    at: &str,
) -> Result<(), ImportError> {
    let range_v = rule.get("range").filter(|r| truthy(r));
    let coverage = rule.get("coverage");
    if range_v.is_some() || coverage.is_some() {
        let hashing = Hashing {
            attribute: attribute(rule, "hashAttribute", at)?,
            seed: text_or(rule, "seed", at)?.unwrap_or(key).into(),
            version: hashing::version(rule.get("hashVersion"), 1),
        };
        let runs = match (range_v, coverage) {
            (Some(r), _) => {
                let r = range(r, &member(at, "range"))?;
                runs(hashing.scale(), |n| in_range(n, r))
            }
            (None, Some(c)) => {
                let c = number(c, &member(at, "coverage"))?;
                // `coverage === 0` skips the rule before any unit is read.
                if c == 0.0 {
                    Vec::new()
                } else {
                    runs(hashing.scale(), |n| n <= c)
                }
            }
            (None, None) => Vec::new(),
        };
        clauses.push(hashing.clause(&runs));
    }
    let o = b.outcome(format!("r{i}"), value, member(at, "force"));
    b.rules.push((format!("force:{i}:{id}"), clauses, o));
    Ok(())
}

/// An experiment: variation `j` for the units whose `n` falls first in `ranges[j]`, one rule per
/// run of buckets; a unit in no range, or in a passthrough variation's, goes on to the next rule.
#[allow(clippy::too_many_arguments)]
fn experiment_rule(
    b: &mut Builder,
    key: &str,
    rule: &Json<'_>,
    variations: &[Json<'_>],
    mut clauses: Vec<Json<'static>>,
    filtered: bool,
    id: &str,
    i: usize,
    at: &str,
) -> Result<(), ImportError> {
    let exp_key = text_or(rule, "key", at)?.unwrap_or(key);
    let hashing = Hashing {
        attribute: attribute(rule, "hashAttribute", at)?,
        seed: text_or(rule, "seed", at)?.unwrap_or(exp_key).into(),
        version: hashing::version(rule.get("hashVersion"), 1),
    };
    if !filtered {
        if let Some(ns) = rule.get("namespace").filter(|v| truthy(v)) {
            clauses.push(namespace(ns, &hashing.attribute, &member(at, "namespace"))?);
        }
    }
    let ranges = match rule.get("ranges").filter(|v| truthy(v)) {
        Some(r) => {
            let r_at = member(at, "ranges");
            let mut out = Vec::new();
            for (k, x) in items(r, &r_at)?.iter().enumerate() {
                out.push(range(x, &index(&r_at, k))?);
            }
            out
        }
        None => {
            let coverage = match rule.get("coverage") {
                None => 1.0,
                Some(c) => number(c, &member(at, "coverage"))?,
            };
            let weights = match rule.get("weights").filter(|v| truthy(v)) {
                None => None,
                Some(w) => {
                    let w_at = member(at, "weights");
                    let mut out = Vec::new();
                    for (k, x) in items(w, &w_at)?.iter().enumerate() {
                        out.push(number(x, &index(&w_at, k))?);
                    }
                    Some(out)
                }
            };
            bucket_ranges(variations.len(), coverage, weights.as_deref())
        }
    };
    let meta = match rule.get("meta").filter(|v| truthy(v)) {
        None => None,
        Some(m) => {
            let m = items(m, &member(at, "meta"))?;
            if m.len() < variations.len() || m.iter().any(|x| !matches!(x, Json::Object(_))) {
                return Err(ImportError::unsupported(
                    member(at, "meta"),
                    "meta with fewer objects than variations makes the SDK throw when a unit lands past them",
                ));
            }
            Some(m)
        }
    };
    for (j, value) in variations.iter().enumerate().take(ranges.len()) {
        let m = meta.map(|m| &m[j]);
        if m.and_then(|m| m.get("passthrough")).is_some_and(truthy) {
            continue;
        }
        let parts = runs(hashing.scale(), |n| choose_variation(n, &ranges) == Some(j));
        if parts.is_empty() || hashing.version.is_none() {
            continue;
        }
        let name = match m.and_then(|m| m.get("key")) {
            Some(Json::String(k)) if !k.is_empty() => format!("r{i}.{j}.{k}"),
            _ => format!("r{i}.{j}"),
        };
        let o = b.outcome(name, value, index(&member(at, "variations"), j));
        for (k, part) in parts.iter().enumerate() {
            let mut c = clauses.clone();
            c.push(hashing.clause(core::slice::from_ref(part)));
            b.rules.push((format!("experiment:{i}:{j}:{k}:{id}"), c, o));
        }
    }
    Ok(())
}

/// Variations from the outcomes (each value once, by first occurrence), and the rules.
fn settle(b: Builder, gates: Vec<Gate>, parents: Vec<String>, path: &str) -> Result<Draft, ImportError> {
    let served: Vec<usize> = core::iter::once(0).chain(b.rules.iter().map(|r| r.2)).collect();
    let nulls = served.iter().filter(|&&o| b.outcomes[o].value == Json::Null).count();
    if nulls == served.len() {
        if !b.rules.is_empty() || !gates.is_empty() {
            return Err(ImportError::unsupported(
                path,
                "every value is null: edgeflag serves no null, and an off flag would not tell the rules apart",
            ));
        }
        return Ok(Draft {
            variations: vec![("unused".into(), Json::Bool(false))],
            rules: Vec::new(),
            gates,
            rule_parents: Vec::new(),
            parents,
            null: true,
        });
    }
    if let Some(&o) = served.iter().find(|&&o| b.outcomes[o].value == Json::Null) {
        return Err(ImportError::unsupported(
            &b.outcomes[o].path,
            "a null value beside others: edgeflag variations hold values, and only an error or an off flag serves none",
        ));
    }
    let first_kind = kind(&b.outcomes[0].value);
    if let Some(&o) = served.iter().find(|&&o| kind(&b.outcomes[o].value) != first_kind) {
        return Err(ImportError::unsupported(
            &b.outcomes[o].path,
            format!(
                "a {} value in a feature whose default is a {first_kind}: an edgeflag flag's values are of one kind",
                kind(&b.outcomes[o].value)
            ),
        ));
    }
    let mut variations: Vec<(String, Json<'static>)> = Vec::new();
    let mut name_of = |o: usize| -> String {
        let out = &b.outcomes[o];
        match variations.iter().find(|(_, v)| *v == out.value) {
            Some((name, _)) => name.clone(),
            None => {
                variations.push((out.name.clone(), out.value.clone()));
                out.name.clone()
            }
        }
    };
    name_of(0);
    let mut rules = Vec::new();
    for (id, clauses, o) in &b.rules {
        let name = name_of(*o);
        let clauses = match all(clauses.clone()) {
            Json::Object(m)
                if m.iter().any(|(k, v)| k == "op" && *v == s("all")) && !m.iter().any(|(k, _)| k == "negate") =>
            {
                match m.into_iter().find(|(k, _)| k == "clauses").map(|(_, v)| v) {
                    Some(Json::Array(list)) if !list.is_empty() => list,
                    _ => vec![super::condition::always()],
                }
            }
            one => vec![one],
        };
        rules.push(obj(vec![
            ("id", s(id)),
            ("clauses", Json::Array(clauses)),
            ("serve", obj(vec![("variation", s(&name))])),
        ]));
    }
    Ok(Draft { variations, rules, gates, rule_parents: Vec::new(), parents, null: false })
}

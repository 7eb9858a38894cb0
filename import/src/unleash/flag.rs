//! A toggle as the rules and variations of an edgeflag flag.

use super::build::{at, idx, obj, scheme, text, texts};
use super::context::Sdk;
use super::fail::{invalid, Fail};
use super::stickiness::empty_guard;
use super::strategy::{strategy, Pending};
use super::variants::{read, VariantSet};
use super::Segments;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::bucketing::unleash::{normalized, VARIANT_SEED};
use edgeflag::Json;

/// The variation "disabled": `getVariant` of a toggle that is off for the context.
pub const DISABLED: usize = 0;
/// The variation "enabled": on, with no variant to give.
pub const ENABLED: usize = 1;

/// What a rule or the fallthrough serves (variations by index).
pub enum Serve {
    /// Always this variation.
    Var(usize),
    /// Unleash's variant pick.
    Rollout { bucket_by: Vec<String>, group: String, slices: Vec<(usize, u32)>, missing: usize, sdk: Sdk },
}

/// A rule before rendering.
pub struct Rule {
    id: String,
    clauses: Vec<Json<'static>>,
    serve: Serve,
}

/// A toggle's flag before rendering: variation values (getVariant's answers), their names, rules.
pub struct Built {
    /// Variation values by index.
    pub values: Vec<Json<'static>>,
    names: Vec<String>,
    rules: Vec<Rule>,
    fallthrough: Serve,
    note: Option<String>,
}

fn answer(enabled: bool) -> Json<'static> {
    obj(alloc::vec![
        ("name", text("disabled")),
        ("enabled", Json::Bool(false)),
        ("feature_enabled", Json::Bool(enabled))
    ])
}

impl Built {
    /// Disabled for every context.
    pub fn disabled(note: Option<String>) -> Built {
        Built {
            values: alloc::vec![answer(false), answer(true)],
            names: alloc::vec![String::from("disabled"), String::from("enabled")],
            rules: Vec::new(),
            fallthrough: Serve::Var(DISABLED),
            note,
        }
    }

    /// The variation holding `value`, added under `name` (or `name#2`, … when taken) if new.
    fn add(&mut self, value: &Json<'static>, name: &str) -> usize {
        if let Some(i) = self.values.iter().position(|v| v == value) {
            return i;
        }
        let mut candidate = name.to_string();
        let mut n = 2;
        while candidate.is_empty() || self.names.contains(&candidate) {
            candidate = alloc::format!("{name}#{n}");
            n += 1;
        }
        self.values.push(value.clone());
        self.names.push(candidate);
        self.values.len() - 1
    }

    /// Rules picking from `set` for contexts matching `base`, and the serve that ends them.
    fn variants(&mut self, set: &VariantSet, base: &[Json<'static>], id: &str) -> Serve {
        let vi: Vec<usize> = set.variants.iter().map(|v| self.add(&v.value, &v.name)).collect();
        for (k, (clause, v)) in set.overrides.iter().enumerate() {
            let mut clauses = base.to_vec();
            clauses.push(clause.clone());
            self.rules.push(Rule { id: alloc::format!("{id}:overrides[{k}]"), clauses, serve: Serve::Var(vi[*v]) });
        }
        if let Some(only) = set.single() {
            return Serve::Var(vi[only]);
        }
        let missing = vi[set.first_positive()];
        match set.sdk {
            Sdk::Yggdrasil => {
                let total = set.total();
                let empty = vi[set.at_bucket(normalized(&set.group, "", VARIANT_SEED, total, set.sdk.encoding()))];
                for j in 0..set.chain.len() {
                    let mut clauses = base.to_vec();
                    clauses.extend(empty_guard(&set.chain, j));
                    self.rules.push(Rule { id: alloc::format!("{id}:empty[{j}]"), clauses, serve: Serve::Var(empty) });
                }
            }
            // unleash-client skips "" in its default chain as edgeflag's units do; a named
            // stickiness whose top-level member is "" draws at random (one outcome given here).
            Sdk::Node => {
                if let Some(top) = &set.empty_top {
                    let mut clauses = base.to_vec();
                    clauses.push(super::build::leaf(top, "in", &[""]));
                    self.rules.push(Rule { id: alloc::format!("{id}:empty[0]"), clauses, serve: Serve::Var(missing) });
                }
            }
        }
        Serve::Rollout {
            bucket_by: set.chain.clone(),
            group: set.group.clone(),
            slices: set.variants.iter().zip(&vi).map(|(v, &i)| (i, v.weight)).collect(),
            missing,
            sdk: set.sdk,
        }
    }

    /// Renders the flag; `name_of` names variation `i` in `variations`.
    pub fn render(
        &self,
        variations: Json<'static>,
        name_of: &dyn Fn(usize) -> String,
        prerequisites: Vec<Json<'static>>,
    ) -> Json<'static> {
        let serve = |s: &Serve| match s {
            Serve::Var(i) => obj(alloc::vec![("variation", text(&name_of(*i)))]),
            Serve::Rollout { bucket_by, group, slices, missing, sdk } => {
                let bucket_by = if bucket_by.len() == 1 { text(&bucket_by[0]) } else { texts(bucket_by) };
                let slices = slices
                    .iter()
                    .map(|&(i, w)| {
                        obj(alloc::vec![("variation", text(&name_of(i))), ("weight", Json::Number(f64::from(w)))])
                    })
                    .collect();
                obj(alloc::vec![(
                    "rollout",
                    obj(alloc::vec![
                        ("bucketBy", bucket_by),
                        ("scheme", scheme(group, "variant", *sdk)),
                        ("variations", Json::Array(slices)),
                        ("missingUnit", obj(alloc::vec![("variation", text(&name_of(*missing)))])),
                    ])
                )])
            }
        };
        let rules = self
            .rules
            .iter()
            .map(|r| {
                obj(alloc::vec![
                    ("id", text(&r.id)),
                    ("clauses", Json::Array(r.clauses.clone())),
                    ("serve", serve(&r.serve))
                ])
            })
            .collect();
        let mut members = alloc::vec![
            ("on", Json::Bool(true)),
            ("variations", variations),
            ("offVariation", text(&name_of(DISABLED))),
            ("fallthrough", serve(&self.fallthrough)),
            ("rules", Json::Array(rules)),
        ];
        if !prerequisites.is_empty() {
            members.push(("prerequisites", Json::Array(prerequisites)));
        }
        if let Some(note) = &self.note {
            members.push(("metadata", obj(alloc::vec![("description", text(note))])));
        }
        obj(members)
    }

    /// Renders the toggle's own flag: variations named as built, valued getVariant's answers.
    pub fn render_main(&self, prerequisites: Vec<Json<'static>>) -> Json<'static> {
        let variations = self
            .names
            .iter()
            .zip(&self.values)
            .map(|(n, v)| obj(alloc::vec![("name", text(n)), ("value", v.clone())]))
            .collect();
        self.render(Json::Array(variations), &|i| self.names[i].clone(), prerequisites)
    }
}

/// The flag of a toggle Yggdrasil does not compile: disabled for every context.
pub fn disabled_flag(why: &str) -> Json<'static> {
    Built::disabled(Some(alloc::format!(
        "Yggdrasil does not compile this toggle ({why}); it is disabled for every context."
    )))
    .render_main(Vec::new())
}

/// Builds the toggle `f` at `path`. `toggle`: its name; `group`: the groupId of a flexibleRollout
/// without one (see [`strategy`]).
pub fn build(
    f: &Json<'_>,
    path: &str,
    toggle: &str,
    group: &str,
    segments: &Segments<'_>,
    sdk: Sdk,
) -> Result<Built, Fail> {
    let enabled = match f.get("enabled") {
        Some(Json::Bool(b)) => *b,
        _ => return Err(invalid(&at(path, "enabled"), "expected a boolean")),
    };
    let mut b = Built::disabled(None);
    if !enabled {
        return Ok(b);
    }
    let variants_path = at(path, "variants");
    let feature_variants = || {
        let stickiness = match f.get("variants") {
            Some(Json::Array(items)) => items.first().and_then(|v| v.get("stickiness")).and_then(Json::as_str),
            _ => None,
        };
        read(f.get("variants"), &variants_path, toggle, stickiness, true, sdk)
    };
    let strategies = match f.get("strategies") {
        // unleash-client for Node: "strategies not an array" is disabled.
        None | Some(Json::Null) if sdk == Sdk::Node => return Ok(b),
        None | Some(Json::Null) => &[][..],
        Some(Json::Array(items)) => &items[..],
        Some(_) => return Err(invalid(&at(path, "strategies"), "expected an array")),
    };
    let mut pending = Pending::default();
    if strategies.is_empty() {
        // No strategy: on for everyone, with the feature's variants.
        b.fallthrough = match feature_variants()? {
            Some(set) => b.variants(&set, &[], "variants"),
            None => Serve::Var(ENABLED),
        };
        return Ok(b);
    }
    for (i, s) in strategies.iter().enumerate() {
        let sp = idx(&at(path, "strategies"), i);
        let Some(st) = strategy(s, &sp, toggle, group, segments, &mut pending, sdk)? else { continue };
        let base = alloc::vec![st.condition];
        // A matching strategy decides: its variants, else the feature's.
        let set = match st.variants {
            Some(set) => Some(set),
            None => pending.keep(feature_variants())?.flatten(),
        };
        let serve = match set {
            Some(set) => b.variants(&set, &base, &sp),
            None => Serve::Var(ENABLED),
        };
        b.rules.push(Rule { id: sp, clauses: base, serve });
    }
    if let Some(fail) = pending.0 {
        return Err(fail);
    }
    Ok(b)
}

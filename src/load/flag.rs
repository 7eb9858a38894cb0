//! Flags: variations, targets, rules, fallthrough, prerequisites, metadata.

use super::reader::{check, fail, first_repeat, no_separator, opt, req, unit_text, Field, Obj, Result, Ty::*};
use super::serve::{serve, variation_ref};
use super::{clause, Names};
use crate::attribute::AttrRef;
use crate::error::LoadErrorKind as K;
use crate::flag::{Flag, Kind, Metadata, Prerequisite, TargetGroup, Variation};
use crate::json::Json;
use crate::message::Part::*;
use crate::path::Path;
use crate::rule::Rule;
use crate::sets::KeyMap;
use alloc::string::String;
use alloc::vec::Vec;

const FLAG: &[Field] = &[
    req("on", Bool),
    req("variations", Items(&Object)),
    opt("offVariation", Variation),
    req("fallthrough", Object),
    opt("targets", List(&Object)),
    opt("rules", List(&Object)),
    opt("prerequisites", List(&Object)),
    opt("salt", Str),
    opt("clientVisible", Bool),
    opt("metadata", Object),
];
const VARIATION: &[Field] = &[req("name", Name), req("value", Any), opt("description", Str)];
// Target values are checked as they are scanned, so that a repeat before a bad value is the
// error reported (the first in document order).
const TARGET: &[Field] = &[req("variation", Variation), req("values", List(&Any)), opt("attribute", Attribute)];
const RULE: &[Field] =
    &[req("id", Name), opt("description", Str), req("clauses", Items(&Object)), req("serve", Object)];
const METADATA: &[Field] = &[
    opt("description", Str),
    opt("owner", Str),
    opt("createdAt", Time),
    opt("expiresAt", Time),
    opt("tags", List(&Str)),
];
const PREREQUISITE: &[Field] = &[req("flag", Name), req("variation", Variation)];

/// Everything but prerequisites, which [`prerequisites`] resolves in a second pass.
pub(super) fn flag(names: &Names, key: &str, v: &Json<'_>, path: &Path) -> Result<Flag> {
    let o = Obj::read(v, path, FLAG)?;
    let (variations, kind) = variations(o.items("variations"), &path.key("variations"))?;
    let salt = match o.str("salt") {
        Some(s) => {
            no_separator(s, &path.key("salt"))?;
            s
        }
        None => {
            no_separator(key, path)?;
            key
        }
    };
    let off_variation = match o.get("offVariation") {
        Some(r) => Some(variation_ref(r, &path.key("offVariation"), &variations)?),
        None => None,
    };
    let targets = targets(o.items("targets"), &path.key("targets"), &variations)?;
    let rules = rules(names, salt, o.items("rules"), &path.key("rules"), &variations)?;
    let fallthrough = serve(names, salt, o.value("fallthrough"), &path.key("fallthrough"), &variations)?;
    let metadata = match o.object("metadata", path, METADATA)? {
        Some(m) => Metadata {
            description: m.str("description").map(String::from),
            owner: m.str("owner").map(String::from),
            created_at: m.time("createdAt"),
            expires_at: m.time("expiresAt"),
            tags: m.items("tags").iter().filter_map(Json::as_str).map(String::from).collect(),
        },
        None => Metadata::default(),
    };
    Ok(Flag {
        key: key.into(),
        on: o.bool("on"),
        kind,
        variations,
        off_variation,
        targets,
        rules,
        fallthrough,
        prerequisites: Vec::new(),
        client_visible: o.bool("clientVisible"),
        metadata,
        is_static: false,
    })
}

fn variations(items: &[Json<'_>], path: &Path) -> Result<(Vec<Variation>, Kind)> {
    let mut out: Vec<Variation> = Vec::with_capacity(items.len());
    let mut kind = None;
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::read(item, &p, VARIATION)?;
        let name = o.str("name").unwrap_or_default();
        if out.iter().any(|v| v.name == name) {
            return fail(
                K::Duplicate,
                &p.key("name"),
                &[Text("variation name "), Quoted(name), Text(" is used twice")],
            );
        }
        let value = o.get("value").unwrap_or(&Json::Null);
        let value_path = p.key("value");
        let Some(k) = Kind::of(value) else {
            return fail(K::InvalidValue, &value_path, &[Text("a variation value must not be null")]);
        };
        match kind {
            None => kind = Some(k),
            Some(first) if first != k => {
                let among =
                    [Text("a "), Text(k.name()), Text(" value among "), Text(first.name()), Text(" variations")];
                return fail(K::MixedKinds, &value_path, &among);
            }
            Some(_) => {}
        }
        out.push(Variation { name: name.into(), value: value.to_owned_json() });
    }
    // `Items` guarantees at least one variation, hence a kind.
    Ok((out, kind.unwrap_or(Kind::Boolean)))
}

/// Targets of one attribute while loading, with where each value is written (target, index).
struct Group {
    attr: AttrRef,
    entries: Vec<(String, (u32, u32))>,
    at: Vec<(u32, u32)>,
}

fn targets(items: &[Json<'_>], path: &Path, variations: &[Variation]) -> Result<Vec<TargetGroup>> {
    let mut groups: Vec<Group> = Vec::new();
    let scanned = scan_targets(items, path, variations, &mut groups);
    // A value on two lists of one attribute is reported where a scan in document order meets
    // it, so before any error found after it.
    let first = groups
        .iter()
        .filter_map(|g| {
            let units: Vec<&str> = g.entries.iter().map(|e| e.0.as_str()).collect();
            first_repeat(&units).map(|k| (g.at[k], k, g))
        })
        .min_by_key(|(at, _, _)| *at);
    if let Some(((t, i), k, g)) = first {
        let p = path.index(t as usize);
        let vp = p.key("values");
        let unit = &g.entries[k].0;
        return fail(K::Duplicate, &vp.index(i as usize), &[Quoted(unit), Text(" is already targeted by this flag")]);
    }
    scanned?;
    Ok(groups.into_iter().map(|g| TargetGroup { attr: g.attr, entries: KeyMap::new(g.entries) }).collect())
}

fn scan_targets(items: &[Json<'_>], path: &Path, variations: &[Variation], groups: &mut Vec<Group>) -> Result<()> {
    for (t, item) in items.iter().enumerate() {
        let p = path.index(t);
        let o = Obj::read(item, &p, TARGET)?;
        let variation = variation_ref(o.value("variation"), &p.key("variation"), variations)?;
        let attr = clause::attribute(o.str("attribute"));
        let g = match groups.iter().position(|g| g.attr.text == attr.text) {
            Some(g) => g,
            None => {
                groups.push(Group { attr, entries: Vec::new(), at: Vec::new() });
                groups.len() - 1
            }
        };
        let group = &mut groups[g];
        let values_path = p.key("values");
        for (i, value) in o.items("values").iter().enumerate() {
            check(value, Unit, &values_path.index(i))?;
            group.entries.push((unit_text(value), (variation, t as u32)));
            group.at.push((t as u32, i as u32));
        }
    }
    Ok(())
}

fn rules(names: &Names, salt: &str, items: &[Json<'_>], path: &Path, variations: &[Variation]) -> Result<Vec<Rule>> {
    let mut out: Vec<Rule> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::read(item, &p, RULE)?;
        let id = o.str("id").unwrap_or_default();
        if out.iter().any(|r| r.id == id) {
            return fail(K::Duplicate, &p.key("id"), &[Text("rule id "), Quoted(id), Text(" is used twice")]);
        }
        let clauses = clause::clauses(names, o.items("clauses"), &p.key("clauses"))?;
        let serve = serve(names, salt, o.value("serve"), &p.key("serve"), variations)?;
        out.push(Rule { id: id.into(), clauses, serve });
    }
    Ok(out)
}

/// The flag's prerequisites, resolved against the other (compiled) flags.
pub(super) fn prerequisites(names: &Names, flags: &[Flag], v: &Json<'_>, path: &Path) -> Result<Vec<Prerequisite>> {
    let Some(Json::Array(items)) = v.get("prerequisites") else {
        return Ok(Vec::new());
    };
    let path = path.key("prerequisites");
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::read(item, &p, PREREQUISITE)?;
        let key = o.str("flag").unwrap_or_default();
        let Some(flag) = names.flag(key) else {
            return fail(K::UnknownFlag, &p.key("flag"), &[Text("no flag "), Quoted(key), Text(" in this snapshot")]);
        };
        let variations = &flags[flag as usize].variations;
        let variation = variation_ref(o.value("variation"), &p.key("variation"), variations)?;
        out.push(Prerequisite { flag, variation });
    }
    Ok(out)
}

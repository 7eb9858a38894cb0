//! Flags: variations, targets, rules, fallthrough, prerequisites, metadata.

use super::reader::{
    array, boolean, fail, first_repeat, no_separator, nonempty, nonempty_array, string, timestamp, unit_value, Obj,
    Result,
};
use super::serve::{serve, variation_ref};
use super::{clause, Names};
use crate::attribute::AttrRef;
use crate::error::LoadErrorKind as K;
use crate::flag::{Flag, Kind, Metadata, Prerequisite, TargetGroup, Variation};
use crate::json::Json;
use crate::json::Quoted;
use crate::path::Path;
use crate::rule::Rule;
use crate::sets::KeyMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const FIELDS: &[&str] = &[
    "on",
    "variations",
    "offVariation",
    "fallthrough",
    "targets",
    "rules",
    "prerequisites",
    "salt",
    "clientVisible",
    "metadata",
];

/// Everything but prerequisites, which [`prerequisites`] resolves in a second pass.
pub(super) fn flag(names: &Names, key: &str, v: &Json<'_>, path: &Path) -> Result<Flag> {
    let o = Obj::new(v, path, FIELDS)?;
    let on = boolean(o.req("on", path)?, &path.key("on"))?;
    let (variations, kind) = variations(o.req("variations", path)?, &path.key("variations"))?;
    let salt = match o.get("salt") {
        Some(s) => {
            let p = path.key("salt");
            let s = string(s, &p)?;
            no_separator(s, &p)?;
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
    let targets = match o.get("targets") {
        Some(t) => targets(t, &path.key("targets"), &variations)?,
        None => Vec::new(),
    };
    let rules = match o.get("rules") {
        Some(r) => rules(names, salt, r, &path.key("rules"), &variations)?,
        None => Vec::new(),
    };
    let fallthrough = serve(names, salt, o.req("fallthrough", path)?, &path.key("fallthrough"), &variations)?;
    let client_visible = match o.get("clientVisible") {
        Some(c) => boolean(c, &path.key("clientVisible"))?,
        None => false,
    };
    let metadata = match o.get("metadata") {
        Some(m) => metadata(m, &path.key("metadata"))?,
        None => Metadata::default(),
    };
    Ok(Flag {
        key: key.into(),
        on,
        kind,
        variations,
        off_variation,
        targets,
        rules,
        fallthrough,
        prerequisites: Vec::new(),
        client_visible,
        metadata,
        is_static: false,
    })
}

fn variations(v: &Json<'_>, path: &Path) -> Result<(Vec<Variation>, Kind)> {
    let items = nonempty_array(v, path)?;
    let mut out: Vec<Variation> = Vec::with_capacity(items.len());
    let mut kind = None;
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::new(item, &p, &["name", "value", "description"])?;
        let name_path = p.key("name");
        let name = nonempty(o.req("name", &p)?, &name_path)?;
        if out.iter().any(|v| v.name == name) {
            return fail(K::Duplicate, &name_path, format!("variation name {} is used twice", Quoted(name)));
        }
        if let Some(d) = o.get("description") {
            string(d, &p.key("description"))?;
        }
        let value_path = p.key("value");
        let value = o.req("value", &p)?;
        let Some(k) = Kind::of(value) else {
            return fail(K::InvalidValue, &value_path, "a variation value must not be null");
        };
        match kind {
            None => kind = Some(k),
            Some(first) if first != k => {
                return fail(
                    K::MixedKinds,
                    &value_path,
                    format!("a {} value among {} variations", k.name(), first.name()),
                )
            }
            Some(_) => {}
        }
        out.push(Variation { name: name.into(), value: value.to_owned_json() });
    }
    // `nonempty_array` guarantees at least one variation, hence a kind.
    Ok((out, kind.unwrap_or(Kind::Boolean)))
}

/// Targets of one attribute while loading, with where each value is written (target, index).
struct Group {
    attr: AttrRef,
    entries: Vec<(String, (u32, u32))>,
    at: Vec<(u32, u32)>,
}

fn targets(v: &Json<'_>, path: &Path, variations: &[Variation]) -> Result<Vec<TargetGroup>> {
    let mut groups: Vec<Group> = Vec::new();
    let scanned = scan_targets(v, path, variations, &mut groups);
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
        return fail(
            K::Duplicate,
            &vp.index(i as usize),
            format!("{} is already targeted by this flag", Quoted(&g.entries[k].0)),
        );
    }
    scanned?;
    Ok(groups.into_iter().map(|g| TargetGroup { attr: g.attr, entries: KeyMap::new(g.entries) }).collect())
}

fn scan_targets(v: &Json<'_>, path: &Path, variations: &[Variation], groups: &mut Vec<Group>) -> Result<()> {
    for (t, item) in array(v, path)?.iter().enumerate() {
        let p = path.index(t);
        let o = Obj::new(item, &p, &["variation", "values", "attribute"])?;
        let variation = variation_ref(o.req("variation", &p)?, &p.key("variation"), variations)?;
        let attr = match o.get("attribute") {
            Some(a) => clause::attribute(a, &p.key("attribute"))?,
            None => AttrRef::key(),
        };
        let g = match groups.iter().position(|g| g.attr.text == attr.text) {
            Some(g) => g,
            None => {
                groups.push(Group { attr, entries: Vec::new(), at: Vec::new() });
                groups.len() - 1
            }
        };
        let group = &mut groups[g];
        let values_path = p.key("values");
        for (i, value) in array(o.req("values", &p)?, &values_path)?.iter().enumerate() {
            let vp = values_path.index(i);
            let unit = unit_value(value, &vp)?;
            group.entries.push((unit, (variation, t as u32)));
            group.at.push((t as u32, i as u32));
        }
    }
    Ok(())
}

fn rules(names: &Names, salt: &str, v: &Json<'_>, path: &Path, variations: &[Variation]) -> Result<Vec<Rule>> {
    let items = array(v, path)?;
    let mut out: Vec<Rule> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::new(item, &p, &["id", "description", "clauses", "serve"])?;
        let id_path = p.key("id");
        let id = nonempty(o.req("id", &p)?, &id_path)?;
        if out.iter().any(|r| r.id == id) {
            return fail(K::Duplicate, &id_path, format!("rule id {} is used twice", Quoted(id)));
        }
        if let Some(d) = o.get("description") {
            string(d, &p.key("description"))?;
        }
        let clauses = clause::clauses(names, o.req("clauses", &p)?, &p.key("clauses"))?;
        let serve = serve(names, salt, o.req("serve", &p)?, &p.key("serve"), variations)?;
        out.push(Rule { id: id.into(), clauses, serve });
    }
    Ok(out)
}

fn metadata(v: &Json<'_>, path: &Path) -> Result<Metadata> {
    let o = Obj::new(v, path, &["description", "owner", "createdAt", "expiresAt", "tags"])?;
    let text = |name: &str| -> Result<Option<String>> {
        o.get(name).map(|d| string(d, &path.key(name)).map(String::from)).transpose()
    };
    let date = |name: &str| -> Result<Option<i64>> { o.get(name).map(|d| timestamp(d, &path.key(name))).transpose() };
    let mut tags = Vec::new();
    if let Some(t) = o.get("tags") {
        let p = path.key("tags");
        for (i, tag) in array(t, &p)?.iter().enumerate() {
            tags.push(String::from(string(tag, &p.index(i))?));
        }
    }
    Ok(Metadata {
        description: text("description")?,
        owner: text("owner")?,
        created_at: date("createdAt")?,
        expires_at: date("expiresAt")?,
        tags,
    })
}

/// The flag's prerequisites, resolved against the other (compiled) flags.
pub(super) fn prerequisites(names: &Names, flags: &[Flag], v: &Json<'_>, path: &Path) -> Result<Vec<Prerequisite>> {
    let Some(list) = v.get("prerequisites") else {
        return Ok(Vec::new());
    };
    let path = path.key("prerequisites");
    let items = array(list, &path)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        let o = Obj::new(item, &p, &["flag", "variation"])?;
        let flag_path = p.key("flag");
        let key = nonempty(o.req("flag", &p)?, &flag_path)?;
        let Some(flag) = names.flag(key) else {
            return fail(K::UnknownFlag, &flag_path, format!("no flag {} in this snapshot", Quoted(key)));
        };
        let variation = variation_ref(o.req("variation", &p)?, &p.key("variation"), &flags[flag as usize].variations)?;
        out.push(Prerequisite { flag, variation });
    }
    Ok(out)
}

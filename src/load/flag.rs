//! Flags: variations, targets, rules, fallthrough, prerequisites, metadata.

use super::serve::serve;
use super::variation::{self, variation_ref};
use super::{attribute, rule, Names};
use crate::error::LoadErrorKind as K;
use crate::json::schema::{
    at_most, check, fail, first_repeat, no_separator, opt, req, unit_text, Field, Obj, Result, Ty::*,
};
use crate::json::Json;
use crate::limits::MAX_VARIATIONS;
use crate::model::attribute::AttrRef;
use crate::model::flag::{Flag, Metadata, Prerequisite, TargetGroup};
use crate::model::variation::Variation;
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
    opt("trackEvents", Bool),
    opt("metadata", Object),
];
// Target values are checked as they are scanned, so that a repeat before a bad value is the
// error reported (the first in document order).
const TARGET: &[Field] =
    &[req("variation", Variation), opt("values", List(&Any)), opt("hashes", List(&Str)), opt("attribute", Attribute)];
const METADATA: &[Field] = &[
    opt("description", Str),
    opt("owner", Str),
    opt("createdAt", Time),
    opt("expiresAt", Time),
    opt("tags", List(&Str)),
];
const PREREQUISITE: &[Field] = &[req("flag", Name), req("variation", Variation)];

/// Everything but prerequisites, which [`prerequisites`] resolves in a second pass.
pub(super) fn flag(names: &Names, key: &str, v: &Json<'_>) -> Result<Flag> {
    let o = Obj::read(v, FLAG)?;
    at_most(o.value("variations"), o.items("variations").len(), MAX_VARIATIONS, "variations")?;
    let (variations, kind) = variation::variations(o.items("variations"))?;
    let salt = match o.str("salt") {
        Some(s) => {
            no_separator(s, o.value("salt"))?;
            s
        }
        None => {
            no_separator(key, v)?;
            key
        }
    };
    let off_variation = match o.get("offVariation") {
        Some(r) => Some(variation_ref(r, &variations)?),
        None => None,
    };
    let targets = targets(names, o.items("targets"), &variations)?;
    let rules = rule::rules(names, salt, o.value("rules"), o.items("rules"), &variations)?;
    let fallthrough = serve(names, salt, o.value("fallthrough"), &variations)?;
    let metadata = match o.get("metadata") {
        Some(m) => {
            let m = Obj::read(m, METADATA)?;
            Metadata {
                description: m.str("description").map(String::from),
                owner: m.str("owner").map(String::from),
                created_at: m.time("createdAt"),
                expires_at: m.time("expiresAt"),
                tags: m.items("tags").iter().filter_map(Json::as_str).map(String::from).collect(),
            }
        }
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
        track_events: !matches!(o.get("trackEvents"), Some(Json::Bool(false))),
        metadata,
        is_static: false,
    })
}

/// Targets of one attribute while loading, with where each value is written: its position
/// (target, index), for document order, and the value itself, for the error.
struct Group<'j> {
    attr: AttrRef,
    values: Listed<'j>,
    /// Hashed values (`hashes`, whose positions follow the target's `values`).
    hashes: Listed<'j>,
}

/// Listed values of one kind: each with what it serves (variation, target) and where it is
/// written, for errors.
#[derive(Default)]
struct Listed<'j> {
    entries: Vec<(String, (u32, u32))>,
    at: Vec<Written<'j>>,
}

impl<'j> Listed<'j> {
    fn push(&mut self, text: String, served: (u32, u32), at: Written<'j>) {
        self.entries.push((text, served));
        self.at.push(at);
    }

    /// The first repeat: where, and the value repeated.
    fn repeat(&self) -> Option<(Written<'j>, &str)> {
        let units: Vec<&str> = self.entries.iter().map(|e| e.0.as_str()).collect();
        first_repeat(&units).map(|k| (self.at[k], units[k]))
    }
}

fn targets<'j>(names: &Names, items: &'j [Json<'j>], variations: &[Variation]) -> Result<Vec<TargetGroup>> {
    let mut groups: Vec<Group> = Vec::new();
    let scanned = scan_targets(names, items, variations, &mut groups);
    // A value on two lists of one attribute is reported where a scan in document order meets
    // it, so before any error found after it (a hash likewise among hashes).
    let first = groups
        .iter()
        .flat_map(|g| [g.values.repeat(), g.hashes.repeat()])
        .flatten()
        .min_by_key(|((position, _), _)| *position);
    if let Some(((_, at), unit)) = first {
        return fail(K::Duplicate, at, "\u{1} is already targeted by this flag", unit, "");
    }
    scanned?;
    Ok(groups
        .into_iter()
        .map(|g| TargetGroup {
            attr: g.attr,
            entries: KeyMap::new(g.values.entries),
            hashed: KeyMap::new(g.hashes.entries),
        })
        .collect())
}

/// A listed value's position (target, index) and the value itself, for errors.
type Written<'j> = ((u32, u32), &'j Json<'j>);

fn scan_targets<'j>(
    names: &Names,
    items: &'j [Json<'j>],
    variations: &[Variation],
    groups: &mut Vec<Group<'j>>,
) -> Result<()> {
    for (t, item) in items.iter().enumerate() {
        let o = Obj::read(item, TARGET)?;
        if o.get("values").is_none() && o.get("hashes").is_none() {
            o.need("values")?;
        }
        let variation = variation_ref(o.value("variation"), variations)?;
        let attr = attribute::attribute(o.str("attribute"));
        let g = match groups.iter().position(|g| g.attr.text == attr.text) {
            Some(g) => g,
            None => {
                groups.push(Group { attr, values: Listed::default(), hashes: Listed::default() });
                groups.len() - 1
            }
        };
        let group = &mut groups[g];
        for (i, value) in o.items("values").iter().enumerate() {
            check(value, Unit)?;
            group.values.push(unit_text(value), (variation, t as u32), ((t as u32, i as u32), value));
        }
        let listed = o.items("values").len() as u32;
        for (i, value) in o.items("hashes").iter().enumerate() {
            let digest = super::hash_of(names, value)?;
            group.hashes.push(digest.into(), (variation, t as u32), ((t as u32, listed + i as u32), value));
        }
    }
    Ok(())
}

/// The flag's prerequisites, resolved against the other (compiled) flags.
pub(super) fn prerequisites(names: &Names, flags: &[Flag], v: &Json<'_>) -> Result<Vec<Prerequisite>> {
    let Some(Json::Array(items)) = v.get("prerequisites") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in items {
        let o = Obj::read(item, PREREQUISITE)?;
        let key = o.str("flag").unwrap_or_default();
        let Some(flag) = names.flag(key) else {
            return fail(K::UnknownFlag, o.value("flag"), "no flag \u{1} in this snapshot", key, "");
        };
        let variations = flags.get(flag as usize).map_or(&[][..], |f| &f.variations);
        let variation = variation_ref(o.value("variation"), variations)?;
        out.push(Prerequisite { flag, variation });
    }
    Ok(out)
}

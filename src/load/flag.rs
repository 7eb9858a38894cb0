//! Flags: variations, targets, rules, fallthrough, prerequisites, metadata.

use super::serve::serve;
use super::variation::{self, variation_ref};
use super::{attribute, hashable, rule, Names};
use crate::error::LoadErrorKind as K;
use crate::eval::bucketing;
use crate::json::schema::{at_most, check, fail, first_repeat, members, need, unit_text, At, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_VARIATIONS;
use crate::message::message;
use crate::model::attribute::AttrRef;
use crate::model::flag::{Flag, Metadata, Prerequisite, TargetGroup};
use crate::model::variation::Variation;
use crate::sets::KeyMap;
use alloc::string::String;
use alloc::vec::Vec;

members! {
    struct FlagDoc<'j> {
        on: req Bool => bool,
        variations: req Items(&Object) => At<'j, &'j [Json<'j>]>,
        off_variation "offVariation": opt Variation,
        fallthrough: req Object,
        targets: opt List(&Object) => &'j [Json<'j>],
        rules: opt List(&Object) => At<'j, &'j [Json<'j>]>,
        // Read by `prerequisites`, once every flag is compiled.
        _prerequisites "prerequisites": opt List(&Object),
        salt: opt Str => At<'j, &'j str>,
        client_visible "clientVisible": opt Bool => bool,
        track_events "trackEvents": opt Bool => bool,
        metadata: opt Object,
    }
}
// Target values are checked as they are scanned, so that a repeat before a bad value is the
// error reported (the first in document order).
#[cfg(not(feature = "peers"))]
members! {
    struct TargetDoc<'j> {
        variation: req Variation,
        values: opt List(&Any) => &'j [Json<'j>],
        hashes: opt List(&Str) => &'j [Json<'j>],
        attribute: opt Attribute => &'j str,
    }
}
// With peers, a target may list the units of a context kind (`contextKind`).
#[cfg(feature = "peers")]
members! {
    struct TargetDoc<'j> {
        variation: req Variation,
        values: opt List(&Any) => &'j [Json<'j>],
        hashes: opt List(&Str) => &'j [Json<'j>],
        attribute: opt Attribute => &'j str,
        context_kind "contextKind": opt Any,
    }
}
members! {
    struct MetadataDoc<'j> {
        description: opt Str => &'j str,
        owner: opt Str => &'j str,
        created_at "createdAt": opt Time => i64,
        expires_at "expiresAt": opt Time => i64,
        tags: opt List(&Str) => &'j [Json<'j>],
    }
}
members! {
    struct PrerequisiteDoc<'j> {
        flag: req Name => At<'j, &'j str>,
        variation: req Variation,
    }
}

/// Everything but prerequisites, which [`prerequisites`] resolves in a second pass.
pub(super) fn flag(names: &Names, key: &str, v: &Json<'_>) -> Result<Flag> {
    let o = FlagDoc::read(v)?;
    let (items, at) = o.variations;
    at_most(at, items.len(), MAX_VARIATIONS, "variations")?;
    let (variations, kind) = variation::variations(items)?;
    // A key is the salt whenever none is given, so it may never hold the separator.
    hashable(bucketing::check_salt(key), v)?;
    let salt = match o.salt {
        Some((s, at)) => {
            hashable(bucketing::check_salt(s), at)?;
            s
        }
        None => key,
    };
    let off_variation = match o.off_variation {
        Some(r) => Some(variation_ref(r, &variations)?),
        None => None,
    };
    let targets = targets(names, o.targets.unwrap_or_default(), &variations)?;
    let rules = match o.rules {
        Some((items, at)) => rule::rules(names, salt, at, items, &variations)?,
        None => Vec::new(),
    };
    let fallthrough = serve(names, salt, o.fallthrough, &variations, false)?;
    let metadata = match o.metadata {
        Some(m) => {
            let m = MetadataDoc::read(m)?;
            Metadata {
                description: m.description.map(String::from),
                owner: m.owner.map(String::from),
                created_at: m.created_at,
                expires_at: m.expires_at,
                tags: m.tags.unwrap_or_default().iter().filter_map(Json::as_str).map(String::from).collect(),
            }
        }
        None => Metadata::default(),
    };
    Ok(Flag {
        key: key.into(),
        on: o.on,
        kind,
        variations,
        off_variation,
        targets,
        rules,
        fallthrough,
        prerequisites: Vec::new(),
        client_visible: o.client_visible == Some(true),
        track_events: o.track_events != Some(false),
        metadata,
        is_static: false, // Snapshot::from_parts derives it
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
        return fail(K::Duplicate, at, message!(quoted(unit), " is already targeted by this flag"));
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
        let o = TargetDoc::read(item)?;
        if o.hashes.is_none() {
            need(o.values, o.at, "values")?;
        }
        let variation = variation_ref(o.variation, variations)?;
        let attr = attribute::attribute(o.attribute);
        #[cfg(feature = "peers")]
        let attr = match o.context_kind {
            Some(kind) => super::scheme::kinded(&attr, kind)?,
            None => attr,
        };
        let g = match groups.iter().position(|g| g.attr.text == attr.text) {
            Some(g) => g,
            None => {
                groups.push(Group { attr, values: Listed::default(), hashes: Listed::default() });
                groups.len() - 1
            }
        };
        let group = &mut groups[g];
        let (values, hashes) = (o.values.unwrap_or_default(), o.hashes.unwrap_or_default());
        for (i, value) in values.iter().enumerate() {
            check(value, Unit)?;
            group.values.push(unit_text(value), (variation, t as u32), ((t as u32, i as u32), value));
        }
        let listed = values.len() as u32;
        for (i, value) in hashes.iter().enumerate() {
            let digest = super::hash_of(names, value)?;
            group.hashes.push(digest.into(), (variation, t as u32), ((t as u32, listed + i as u32), value));
        }
    }
    Ok(())
}

/// Its rules' `prerequisites` (`(rule, list)`, rules without any left out), resolved against the
/// other (compiled) flags: `{"flag": KEY, "variations": [REF, …]}`. Builds without peers' schemes
/// refuse them rather than ignore them.
pub(super) fn rule_prerequisites(
    names: &Names,
    flags: &[Flag],
    v: &Json<'_>,
) -> Result<Vec<(usize, RulePrerequisites)>> {
    let Some(Json::Array(rules)) = v.get("rules") else {
        return Ok(Vec::new());
    };
    #[cfg_attr(not(feature = "peers"), allow(unused_mut))]
    let mut out = Vec::new();
    for (r, rule) in rules.iter().enumerate() {
        let Some(Json::Array(items)) = rule.get("prerequisites") else { continue };
        if items.is_empty() {
            continue;
        }
        #[cfg(not(feature = "peers"))]
        {
            let _ = (names, flags, r);
            let at = rule.get("prerequisites").unwrap_or(rule);
            return fail(
                K::UnsupportedFormat,
                at,
                message!("a rule's prerequisites are read where peers' schemes are (docs/import.md)"),
            );
        }
        #[cfg(feature = "peers")]
        {
            let mut list = Vec::new();
            for item in items {
                let o = RulePrerequisiteDoc::read(item)?;
                let (key, at) = o.flag;
                let Some(flag) = names.flag(key) else {
                    return fail(K::UnknownFlag, at, message!("no flag ", quoted(key), " in this snapshot"));
                };
                let of = flags.get(flag as usize).map_or(&[][..], |f| &f.variations);
                let mut variations = Vec::new();
                for reference in o.variations {
                    let v = variation_ref(reference, of)?;
                    if !variations.contains(&v) {
                        variations.push(v);
                    }
                }
                list.push(crate::model::rule::RulePrerequisite { flag, variations });
            }
            out.push((r, list));
        }
    }
    Ok(out)
}

#[cfg(feature = "peers")]
type RulePrerequisites = Vec<crate::model::rule::RulePrerequisite>;
#[cfg(not(feature = "peers"))]
type RulePrerequisites = ();

#[cfg(feature = "peers")]
members! {
    struct RulePrerequisiteDoc<'j> {
        flag: req Name => At<'j, &'j str>,
        variations: req Items(&Variation) => &'j [Json<'j>],
    }
}

/// The flag's prerequisites, resolved against the other (compiled) flags.
pub(super) fn prerequisites(names: &Names, flags: &[Flag], v: &Json<'_>) -> Result<Vec<Prerequisite>> {
    let Some(Json::Array(items)) = v.get("prerequisites") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in items {
        let o = PrerequisiteDoc::read(item)?;
        let (key, at) = o.flag;
        let Some(flag) = names.flag(key) else {
            return fail(K::UnknownFlag, at, message!("no flag ", quoted(key), " in this snapshot"));
        };
        let variations = flags.get(flag as usize).map_or(&[][..], |f| &f.variations);
        let variation = variation_ref(o.variation, variations)?;
        out.push(Prerequisite { flag, variation });
    }
    Ok(out)
}

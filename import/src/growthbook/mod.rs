//! GrowthBook: the SDK payload (`GET /api/features/{clientKey}`: `features`, `savedGroups`) into
//! an edgeflag snapshot in which every feature serves what `new GrowthBook({ attributes,
//! features, savedGroups }).evalFeature(key)` gives (version 1.8.0 of the JavaScript SDK, with no
//! sticky-bucket service, URL, forced variations or QA mode), for every attributes object passed
//! as the context. docs/import.md, GrowthBook lists what is imported as what, and how a caller
//! reads GrowthBook's `source`, `on` and `variationId` from a result.

mod buckets;
mod coerce;
mod concrete;
mod condition;
mod decrypt;
mod feature;
mod hashing;
mod json;
mod path;
mod prerequisites;

pub use buckets::{bucket_ranges, choose_variation, equal_weights};
pub use decrypt::{decrypt, Failure as DecryptFailure};

use crate::{ImportError, Options, Skips};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use condition::Conditions;
use edgeflag::Json;
use feature::Draft;
use json::{members, obj, s};
use prerequisites::RuleParent;

/// Converts GrowthBook's payload.
pub fn convert(doc: &Json<'_>, options: &Options, skips: &mut Skips) -> Result<Json<'static>, ImportError> {
    members(doc, "")?;
    match decrypted(doc, options)? {
        Some(plain) => convert_plain(&plain, options, skips),
        None => convert_plain(doc, options, skips),
    }
}

/// The payload with `encryptedFeatures` and `encryptedSavedGroups` decrypted in place of
/// `features` and `savedGroups` (the SDK reads the encrypted ones when present), or `None` when
/// it has neither. `encryptedExperiments` is not read, as `experiments` is not.
fn decrypted(doc: &Json<'_>, options: &Options) -> Result<Option<Json<'static>>, ImportError> {
    const FIELDS: [(&str, &str); 2] = [("encryptedFeatures", "features"), ("encryptedSavedGroups", "savedGroups")];
    if FIELDS.iter().all(|(field, _)| doc.get(field).is_none()) {
        return Ok(None);
    }
    let Json::Object(top) = doc.to_owned_json() else { return Ok(None) };
    let mut out: Vec<(Cow<'static, str>, Json<'static>)> = top;
    for (field, plain) in FIELDS {
        let Some(value) = doc.get(field) else { continue };
        let Some(key) = options.decryption_key.as_deref() else {
            return Err(ImportError::unsupported(
                field,
                "an encrypted payload: give the SDK connection's decryption key (--decryption-key, decryptionKey)",
            ));
        };
        let Json::String(text) = value else { return Err(ImportError::invalid(field, "not a string")) };
        let text = decrypt::decrypt(text, key).map_err(|f| ImportError::invalid(field, f.message()))?;
        let parsed = Json::parse(&text)
            .map_err(|e| ImportError::invalid(field, format!("decrypted, it is not JSON: {e}")))?
            .to_owned_json();
        out.retain(|(k, _)| k != field && k != plain);
        out.push((Cow::Borrowed(plain), parsed));
    }
    Ok(Some(Json::Object(out)))
}

fn convert_plain(doc: &Json<'_>, options: &Options, skips: &mut Skips) -> Result<Json<'static>, ImportError> {
    let saved_groups = match doc.get("savedGroups") {
        None | Some(Json::Null) => None,
        Some(g) => {
            members(g, "savedGroups")?;
            Some(g)
        }
    };
    let conds = Conditions { saved_groups };
    let features = match doc.get("features") {
        None | Some(Json::Null) => &[][..],
        Some(f) => members(f, "features")?,
    };
    let mut drafts: Vec<(String, Draft)> = Vec::new();
    for (i, (key, def)) in features.iter().enumerate() {
        let path = feature_path(key);
        if features[..i].iter().any(|(k, _)| k == key) {
            return Err(ImportError::invalid(path, "this feature appears twice"));
        }
        if key.is_empty() || key.contains('\u{1f}') {
            skips.refuse(ImportError::unsupported(path, "an edgeflag flag key is non-empty and holds no U+001F"))?;
            continue;
        }
        match feature::draft(key, def, &conds, &path) {
            Ok(d) => drafts.push((key.to_string(), d)),
            Err(e) => skips.refuse(e)?,
        }
    }
    for key in prerequisites::cyclic(&drafts) {
        skips.refuse(ImportError::unsupported(
            feature_path(&key),
            "its parent conditions reach a cycle (GrowthBook answers cyclicPrerequisite; an edgeflag snapshot has no cycles)",
        ))?;
        drafts.retain(|(k, _)| *k != key);
    }
    // Resolve gates until nothing more is dropped: dropping a parent drops its children.
    let flags = loop {
        let mut flags = Vec::new();
        let mut dropped = None;
        for (key, d) in &drafts {
            match flag(d, &drafts, &conds, features) {
                Ok(f) => flags.push((Cow::Owned(key.clone()), f)),
                Err(e) => {
                    skips.refuse(e)?;
                    dropped = Some(key.clone());
                    break;
                }
            }
        }
        match dropped {
            Some(key) => drafts.retain(|(k, _)| *k != key),
            None => break flags,
        }
    };
    Ok(obj(vec![
        ("version", Json::Number(options.version as f64)),
        ("generatedAt", s(&options.generated_at)),
        ("flags", Json::Object(flags)),
    ]))
}

/// `features.KEY`, or `features["KEY"]` for keys that are not plain names.
fn feature_path(key: &str) -> String {
    crate::json::keyed("features", key)
}

/// The flag of a draft, its gates resolved against the other drafts.
fn flag(
    d: &Draft,
    drafts: &[(String, Draft)],
    conds: &Conditions<'_, '_>,
    features: &[(Cow<'_, str>, Json<'_>)],
) -> Result<Json<'static>, ImportError> {
    let variations = Json::Array(
        d.variations.iter().map(|(name, value)| obj(vec![("name", s(name)), ("value", value.clone())])).collect(),
    );
    let fallthrough = obj(vec![("variation", s(&d.variations[0].0))]);
    if d.null {
        // No value whatever the attributes: off, with no off variation, serves the caller's
        // default (evaluate without one: null).
        return Ok(obj(vec![("on", Json::Bool(false)), ("variations", variations), ("fallthrough", fallthrough)]));
    }
    let mut prereqs: Vec<Json<'static>> = Vec::new();
    for gate in &d.gates {
        let parent = drafts.iter().find(|(k, _)| *k == gate.parent).map(|(_, p)| p);
        let in_payload = features.iter().any(|(k, _)| *k == gate.parent);
        if let Some(p) = prerequisites::prerequisite(conds, gate, parent, in_payload)? {
            if !prereqs.contains(&p) {
                prereqs.push(p);
            }
        }
    }
    let mut rules = Vec::new();
    for rule in &d.rules {
        // `force:I:…` or `experiment:I:…`: rule I's parent conditions without gate.
        let index = rule.get("id").and_then(Json::as_str).and_then(|id| id.split(':').nth(1)?.parse::<usize>().ok());
        let skips = d.rule_parents.iter().find(|(i, _)| Some(*i) == index).map_or(&[][..], |(_, g)| &g[..]);
        let mut required = Vec::new();
        let mut never = false;
        for cond in skips {
            let parent = drafts.iter().find(|(k, _)| *k == cond.parent).map(|(_, p)| p);
            let in_payload = features.iter().any(|(k, _)| *k == cond.parent);
            match prerequisites::rule_prerequisite(conds, cond, parent, in_payload)? {
                RuleParent::Always => {}
                RuleParent::Never => never = true,
                RuleParent::Requires(p) => required.push(p),
            }
        }
        if never {
            continue; // the SDK always skips it
        }
        let mut rule = rule.clone();
        if !required.is_empty() {
            rule.set("prerequisites", Json::Array(required));
        }
        rules.push(rule);
    }
    let mut out = vec![("on", Json::Bool(true)), ("variations", variations), ("fallthrough", fallthrough)];
    if !rules.is_empty() {
        out.push(("rules", Json::Array(rules)));
    }
    if !prereqs.is_empty() {
        out.push(("prerequisites", Json::Array(prereqs)));
    }
    Ok(obj(out))
}

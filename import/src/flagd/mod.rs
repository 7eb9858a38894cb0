//! flagd: its flag file (`flags`, `$evaluators`) into an edgeflag snapshot that answers as
//! flagd (Go, core ≥ 0.15.0) does for every context (docs/import.md, flagd).
//!
//! Each flag keeps its key and variant names; its JSON Logic targeting becomes ordered rules
//! (`logic`, `emit`) and its default variant the fallthrough. A flag without a default variant
//! gets a helper flag, `KEY$targeted`, as its prerequisite: where flagd would serve its code
//! default, the prerequisite fails and edgeflag serves the caller's default too.

mod build;
mod emit;
mod fractional;
mod logic;
mod refs;
mod semver;
mod var;

use crate::{ImportError, Options, Skips};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use build::{member, n, obj, s};
use edgeflag::Json;

/// The suffix of the helper flag of a flag without a default variant.
pub const TARGETED_SUFFIX: &str = "$targeted";

/// Converts flagd's flag file.
pub fn convert(doc: &Json<'_>, options: &Options, skips: &mut Skips) -> Result<Json<'static>, ImportError> {
    let Json::Object(top) = doc else {
        return Err(ImportError::invalid("", "not a JSON object"));
    };
    let evaluators = doc.get("$evaluators");
    if let Some(e) = evaluators {
        let Json::Object(list) = e else {
            return Err(ImportError::invalid("$evaluators", "not an object"));
        };
        for (name, body) in list {
            // flagd refuses the whole file for an evaluator written in under 3 characters.
            if matches!(body, Json::Object(m) if m.is_empty()) || matches!(body, Json::Array(a) if a.is_empty()) {
                return Err(ImportError::invalid(
                    member("$evaluators", name),
                    "an empty evaluator (flagd refuses the file)",
                ));
            }
        }
    }
    for (name, _) in top {
        if !matches!(&**name, "flags" | "$evaluators" | "$schema") {
            skips.refuse(ImportError::unsupported(
                member("", name),
                "flag-set members (metadata) have no place in the snapshot",
            ))?;
        }
    }
    let flags = match doc.get("flags") {
        Some(Json::Object(flags)) => flags,
        Some(Json::Array(_)) => return Err(ImportError::unsupported("flags", "flags as an array")),
        _ => return Err(ImportError::invalid("flags", "missing or not an object")),
    };
    // Whose answers: flagd's Go evaluator (the reference server, the default) or flagd-core.
    let flagd_core = match options.reference.as_deref() {
        None | Some("flagd") => false,
        Some("flagd-core") => true,
        Some(other) => {
            return Err(ImportError::invalid(
                "",
                alloc::format!("reference {other:?}: flagd's are flagd (Go, the default) and flagd-core"),
            ))
        }
    };
    let keys: Vec<&str> = flags.iter().map(|(k, _)| &**k).collect();
    let mut out: Vec<(Cow<'static, str>, Json<'static>)> = Vec::new();
    for (key, def) in flags {
        let path = member("flags", key);
        match flag(key, def, evaluators, &path, &keys, flagd_core, skips) {
            Ok(list) => out.extend(list.into_iter().map(|(k, v)| (Cow::Owned(k), v))),
            Err(e) if e.kind == crate::ImportErrorKind::Unsupported => skips.refuse(e)?,
            Err(e) => return Err(e),
        }
    }
    Ok(obj(alloc::vec![
        ("version", n(options.version)),
        ("generatedAt", s(&options.generated_at)),
        ("flags", Json::Object(out)),
    ]))
}

/// A variant value's kind, as the snapshot groups them.
fn kind(value: &Json<'_>) -> Option<&'static str> {
    match value {
        Json::Bool(_) => Some("boolean"),
        Json::String(_) => Some("string"),
        Json::Number(_) => Some("number"),
        // flagd resolves objects only (an array is a type mismatch there).
        Json::Object(_) => Some("object"),
        Json::Null | Json::Array(_) => None,
    }
}

/// One flag: its snapshot flag, and its helper flag when it has no default variant.
fn flag(
    key: &str,
    def: &Json<'_>,
    evaluators: Option<&Json<'_>>,
    path: &str,
    keys: &[&str],
    js: bool,
    skips: &mut Skips,
) -> Result<Vec<(String, Json<'static>)>, ImportError> {
    let Json::Object(members) = def else {
        return Err(ImportError::invalid(path, "a flag is an object"));
    };
    if key.is_empty() {
        return Err(ImportError::invalid(path, "an empty flag key"));
    }
    for (name, _) in members {
        if !matches!(&**name, "state" | "variants" | "defaultVariant" | "targeting" | "metadata") {
            return Err(ImportError::unsupported(member(path, name), "a member flagd does not define"));
        }
    }
    // flagd serves only when the state is not DISABLED.
    let on = !matches!(def.get("state"), Some(Json::String(v)) if v == "DISABLED");
    let Some(Json::Object(variants)) = def.get("variants") else {
        return Err(ImportError::invalid(member(path, "variants"), "missing or not an object"));
    };
    if variants.is_empty() {
        return Err(ImportError::unsupported(member(path, "variants"), "no variants"));
    }
    let mut kinds = variants.iter().map(|(name, v)| (name, kind(v)));
    let first = kinds.next().and_then(|(_, k)| k);
    for (name, value) in variants {
        let at = member(&member(path, "variants"), name);
        if kind(value).is_none() || kind(value) != first {
            return Err(ImportError::unsupported(
                at,
                "null, an array, or a kind other than the first variant's: a snapshot flag serves one kind",
            ));
        }
        if refs::holds_ref(value) {
            return Err(ImportError::unsupported(at, "a $ref object, which flagd replaces inside variants too"));
        }
    }
    let names: Vec<String> = variants.iter().map(|(n, _)| n.to_string()).collect();
    let default = match def.get("defaultVariant") {
        Some(Json::String(v)) if !v.is_empty() => {
            if !names.iter().any(|n| n == &**v) {
                return Err(ImportError::invalid(
                    member(path, "defaultVariant"),
                    "not a variant (flagd refuses the file)",
                ));
            }
            Some(v.to_string())
        }
        // flagd reads "" as no default variant.
        None | Some(Json::Null) | Some(Json::String(_)) => None,
        Some(_) => return Err(ImportError::invalid(member(path, "defaultVariant"), "not a string")),
    };
    if def.get("metadata").is_some() {
        skips.refuse(ImportError::unsupported(member(path, "metadata"), "edgeflag results carry no flag metadata"))?;
    }
    let targeting_path = member(path, "targeting");
    let targeting = match def.get("targeting") {
        None => None,
        Some(Json::Object(m)) if m.is_empty() => None,
        // flagd-core reads a null targeting as none: STATIC.
        Some(Json::Null) if js => None,
        Some(t) => Some(refs::expand(t, evaluators, &targeting_path)?),
    };
    let flag_ctx = logic::Flag { key, variants: &names, js, interpreted: false };
    let rules = match &targeting {
        Some(t) => emit::rules(logic::outcome(&flag_ctx, t, "targeting").map_err(|e| relocate(e, path))?),
        None => Vec::new(),
    };
    let variations = variants
        .iter()
        .map(|(name, value)| obj(alloc::vec![("name", s(name)), ("value", value.to_owned_json())]))
        .collect();
    let mut rules_json: Vec<Json<'static>> = rules.iter().map(|r| r.to_json(None)).collect();
    let fallthrough = default.clone().unwrap_or_else(|| names[0].clone());
    // With targeting flagd says DEFAULT where it serves the default variant, never STATIC:
    // a rule that never matches keeps the flag from being static.
    if targeting.is_some() && rules_json.is_empty() {
        rules_json.push(obj(alloc::vec![
            ("id", s("targeting")),
            ("clauses", Json::Array(alloc::vec![build::composite("any", Vec::new(), false)])),
            ("serve", obj(alloc::vec![("variation", s(&fallthrough))])),
        ]));
    }
    let mut snapshot_flag = alloc::vec![
        ("on", Json::Bool(on)),
        ("variations", Json::Array(variations)),
        ("fallthrough", obj(alloc::vec![("variation", s(&fallthrough))])),
    ];
    let mut out = Vec::new();
    if default.is_none() {
        let helper = format!("{key}{TARGETED_SUFFIX}");
        if keys.contains(&helper.as_str()) {
            return Err(ImportError::unsupported(path, format!("the helper flag's key {helper} is taken")));
        }
        snapshot_flag.push((
            "prerequisites",
            Json::Array(alloc::vec![obj(alloc::vec![("flag", s(&helper)), ("variation", s("matched"))])]),
        ));
        let helper_rules: Vec<Json<'static>> = rules.iter().map(|r| r.to_json(Some("matched"))).collect();
        let mut helper_flag = alloc::vec![
            ("on", Json::Bool(true)),
            (
                "variations",
                Json::Array(alloc::vec![
                    obj(alloc::vec![("name", s("matched")), ("value", Json::Bool(true))]),
                    obj(alloc::vec![("name", s("unmatched")), ("value", Json::Bool(false))]),
                ]),
            ),
            ("fallthrough", obj(alloc::vec![("variation", s("unmatched"))])),
        ];
        if !helper_rules.is_empty() {
            helper_flag.push(("rules", Json::Array(helper_rules)));
        }
        out.push((helper, obj(helper_flag)));
    }
    if !rules_json.is_empty() {
        snapshot_flag.push(("rules", Json::Array(rules_json)));
    }
    out.insert(0, (key.to_string(), obj(snapshot_flag)));
    Ok(out)
}

/// Paths inside the targeting are written from `targeting`; the error gets the flag's prefix.
fn relocate(mut e: ImportError, flag_path: &str) -> ImportError {
    e.path = format!("{flag_path}.{}", e.path);
    e
}

//! `dependencies`: a toggle enabled only when its parents are (or serve given variants) as
//! Yggdrasil checks them, through one boolean flag per dependency, required as a prerequisite.
//!
//! The helper flag `<toggle>#dependencies[<i>]` is the parent's flag with each variation
//! replaced by whether it satisfies the dependency, so the prerequisite asks for one variation
//! (`true`) whatever set of the parent's answers satisfies it. It is built from the parent's
//! toggle as Yggdrasil evaluates it for the dependent: a flexibleRollout without groupId hashes
//! with the *dependent's* name there.

use super::build::{at, idx, obj, text};
use super::context::Sdk;
use super::fail::{invalid, refuse, Fail};
use super::flag::{build, Built};
use super::Segments;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// The flags of toggle `f` (`name`, at `path`): its own first, then its dependencies' helpers.
pub fn flags(
    f: &Json<'_>,
    path: &str,
    name: &str,
    features: &[(&Json<'_>, String)],
    names: &[&str],
    segments: &Segments<'_>,
    sdk: Sdk,
) -> Result<Vec<(String, Json<'static>)>, Fail> {
    let deps_path = at(path, "dependencies");
    let deps = match f.get("dependencies") {
        None | Some(Json::Null) => &[][..],
        Some(Json::Array(items)) => &items[..],
        Some(_) => return Err(invalid(&deps_path, "expected an array")),
    };
    // A disabled toggle is disabled whatever its parents do.
    let enabled = matches!(f.get("enabled"), Some(Json::Bool(true)));
    let mut helpers = Vec::new();
    let mut prerequisites = Vec::new();
    for (i, d) in deps.iter().enumerate().filter(|_| enabled) {
        let p = idx(&deps_path, i);
        let parent =
            d.get("feature").and_then(Json::as_str).ok_or_else(|| invalid(&at(&p, "feature"), "expected a string"))?;
        // `parent.enabled !== false`.
        let expected = match d.get("enabled") {
            None | Some(Json::Null) => true,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(invalid(&at(&p, "enabled"), "expected a boolean")),
        };
        let mut wanted = Vec::new();
        match d.get("variants") {
            None | Some(Json::Null) => {}
            Some(Json::Array(items)) => {
                for (k, v) in items.iter().enumerate() {
                    wanted.push(
                        v.as_str()
                            .ok_or_else(|| invalid(&idx(&at(&p, "variants"), k), "expected a string"))?
                            .to_string(),
                    );
                }
            }
            Some(_) => return Err(invalid(&at(&p, "variants"), "expected an array of strings")),
        }
        let Some(pi) = names.iter().position(|n| *n == parent) else {
            return Ok(never(name, &alloc::format!("{p} names toggle {parent:?}, which the payload lacks")));
        };
        let (pf, ppath) = &features[pi];
        if matches!(pf.get("dependencies"), Some(Json::Array(items)) if !items.is_empty()) {
            return Ok(never(name, &alloc::format!("{p}: Yggdrasil does not follow a parent's own dependencies")));
        }
        if !expected && !wanted.is_empty() && sdk == Sdk::Yggdrasil {
            return Err(refuse(
                &at(&p, "variants"),
                "a variant list on a parent expected disabled: Yggdrasil picks the disabled parent's variant",
            ));
        }
        let key = alloc::format!("{name}#dependencies[{i}]");
        if names.contains(&key.as_str()) {
            return Err(refuse(&p, "the helper flag's key is a toggle's name"));
        }
        let parent_flag = match build(pf, ppath, parent, name, segments, sdk) {
            Ok(b) => b,
            Err(Fail::Broken(_)) => Built::disabled(None),
            // Refused at this toggle's dependency, naming the parent's construct, so that what is
            // left out is traced to this toggle.
            Err(Fail::Error(mut e)) => {
                e.message = alloc::format!("parent {parent:?}, {}: {}", e.path, e.message);
                e.path = p.clone();
                return Err(Fail::Error(e));
            }
        };
        let satisfied = |value: &Json<'_>| {
            let fe = matches!(value.get("feature_enabled"), Some(Json::Bool(true)));
            if !expected {
                return !fe;
            }
            let has_variant = matches!(value.get("enabled"), Some(Json::Bool(true)));
            let vname = value.get("name").and_then(Json::as_str).unwrap_or("");
            match sdk {
                // No variant (enabled: false) satisfies any list, as Yggdrasil's `None` does.
                Sdk::Yggdrasil => fe && (wanted.is_empty() || !has_variant || wanted.iter().any(|w| w == vname)),
                // `variants.includes(name)`, the name "disabled" when there is no variant.
                Sdk::Node => fe && (wanted.is_empty() || wanted.iter().any(|w| w == vname)),
            }
        };
        let flags_of: Vec<bool> = parent_flag.values.iter().map(satisfied).collect();
        let variations = Json::Array(alloc::vec![
            obj(alloc::vec![("name", text("false")), ("value", Json::Bool(false))]),
            obj(alloc::vec![("name", text("true")), ("value", Json::Bool(true))]),
        ]);
        let helper =
            parent_flag.render(variations, &|k| String::from(if flags_of[k] { "true" } else { "false" }), Vec::new());
        prerequisites.push(obj(alloc::vec![("flag", text(&key)), ("variation", text("true"))]));
        helpers.push((key, helper));
    }
    let own = build(f, path, name, name, segments, sdk)?;
    let mut out = alloc::vec![(name.to_string(), own.render_main(prerequisites))];
    out.extend(helpers);
    Ok(out)
}

/// A toggle whose dependencies can never hold: disabled for every context.
fn never(name: &str, why: &str) -> Vec<(String, Json<'static>)> {
    let note = alloc::format!("Its dependencies never hold in Yggdrasil ({why}); it is disabled for every context.");
    alloc::vec![(name.to_string(), Built::disabled(Some(note)).render_main(Vec::new()))]
}

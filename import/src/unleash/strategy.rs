//! One strategy (with its constraints and segments) as the clause "Yggdrasil matches it".

use super::build::{all_of, always, at, idx, leaf, never};
use super::constraint::{constraint, ipv4_range, is_js_space, js_number};
use super::context::{attribute, field, Field, Sdk, CONSTRAINT_FIELDS};
use super::fail::{check_quotable, invalid, refuse, Fail};
use super::stickiness::{node_rollout, rollout};
use super::variants::{read, VariantSet};
use super::Segments;
use crate::ImportErrorKind;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// A converted strategy.
pub struct Strategy {
    /// Matches exactly when Yggdrasil's compiled strategy does.
    pub condition: Json<'static>,
    /// Its own variants, if any.
    pub variants: Option<VariantSet>,
}

/// Collects the first refusal while going on, so that a later construct that makes Yggdrasil
/// reject the whole feature (`Fail::Broken`) still decides: the feature is then imported as
/// always disabled, which is exact.
#[derive(Default)]
pub struct Pending(pub Option<Fail>);

impl Pending {
    /// `Ok(Some)`, or `Ok(None)` with an unsupported construct noted, or the error.
    pub fn keep<T>(&mut self, r: Result<T, Fail>) -> Result<Option<T>, Fail> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Fail::Error(e)) if e.kind == ImportErrorKind::Unsupported => {
                self.0.get_or_insert(Fail::Error(e));
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }
}

/// Converts the strategy `s` at `path` of the feature `toggle`; `group` is the groupId a
/// flexibleRollout without one hashes with (the toggle's name; the dependent's name when
/// Yggdrasil evaluates the toggle as a parent).
pub fn strategy(
    s: &Json<'_>,
    path: &str,
    toggle: &str,
    group: &str,
    segments: &Segments<'_>,
    pending: &mut Pending,
    sdk: Sdk,
) -> Result<Option<Strategy>, Fail> {
    let name = s.get("name").and_then(Json::as_str).ok_or_else(|| invalid(&at(path, "name"), "expected a string"))?;
    let params_path = at(path, "parameters");
    let params = match s.get("parameters") {
        // unleash-client for Node reads parameters (and throws without them) except in a
        // `default` strategy without variants.
        None | Some(Json::Null)
            if sdk == Sdk::Node
                && (name != "default" || matches!(s.get("variants"), Some(Json::Array(v)) if !v.is_empty())) =>
        {
            return Err(refuse(&params_path, "no parameters: unleash-client for Node reads them and throws"))
        }
        None | Some(Json::Null) => None,
        Some(p @ Json::Object(members)) => {
            for (k, v) in members {
                if v.as_str().is_none() {
                    return Err(invalid(&at(&params_path, k), "expected a string"));
                }
            }
            Some(p)
        }
        Some(_) => return Err(invalid(&params_path, "expected an object of strings")),
    };
    let param = |k: &str| params.and_then(|p| p.get(k)).and_then(Json::as_str);

    let rule = match sdk {
        Sdk::Yggdrasil => pending.keep(rule(name, &param, path, &params_path, group))?,
        Sdk::Node => pending.keep(node_rule(name, &param, path, &params_path))?,
    };

    let mut clauses = Vec::new();
    let mut complete = rule.is_some();
    if let Some(r) = rule {
        clauses.push(r);
    }
    match s.get("constraints") {
        None | Some(Json::Null) => {}
        Some(Json::Array(items)) => {
            for (i, c) in items.iter().enumerate() {
                match pending.keep(constraint(c, &idx(&at(path, "constraints"), i), sdk))? {
                    Some(clause) => clauses.push(clause),
                    None => complete = false,
                }
            }
        }
        Some(_) => return Err(invalid(&at(path, "constraints"), "expected an array")),
    }
    match s.get("segments") {
        None | Some(Json::Null) => {}
        Some(Json::Array(ids)) => {
            for (i, id) in ids.iter().enumerate() {
                let p = idx(&at(path, "segments"), i);
                let id = id.as_integer().ok_or_else(|| invalid(&p, "expected a segment id"))?;
                let Some((constraints, seg_path)) = segments.get(id) else {
                    if sdk == Sdk::Node {
                        // A missing segment is a failing constraint there.
                        clauses.push(never());
                        continue;
                    }
                    return Err(Fail::Broken(alloc::format!("{p} names segment {id}, which the payload lacks")));
                };
                for (k, c) in constraints.iter().enumerate() {
                    // Refused at the toggle's reference, naming the segment's constraint, so
                    // what is left out is traced to the toggle.
                    let converted = constraint(c, &idx(&at(seg_path, "constraints"), k), sdk).map_err(|f| match f {
                        Fail::Error(mut e) => {
                            e.message = alloc::format!("segment {id}, {}: {}", e.path, e.message);
                            e.path = p.clone();
                            Fail::Error(e)
                        }
                        broken => broken,
                    });
                    match pending.keep(converted)? {
                        Some(clause) => clauses.push(clause),
                        None => complete = false,
                    }
                }
            }
        }
        Some(_) => return Err(invalid(&at(path, "segments"), "expected an array of segment ids")),
    }
    let variants_path = at(path, "variants");
    let variants = match sdk {
        // Strategy variants pick by the strategy's stickiness and groupId (Yggdrasil
        // `build_variant_rules`; the variants' own `stickiness` and overrides are not read there).
        Sdk::Yggdrasil => {
            let group = param("groupId").unwrap_or(toggle);
            pending.keep(read(s.get("variants"), &variants_path, group, param("stickiness"), false, sdk))?
        }
        // Node: the first variant's stickiness, else the strategy's; the groupId parameter as
        // JavaScript writes it in a template (`undefined` when absent); overrides read.
        Sdk::Node => {
            let group = param("groupId").unwrap_or("undefined");
            let first = match s.get("variants") {
                Some(Json::Array(items)) => items.first().and_then(|v| v.get("stickiness")).and_then(Json::as_str),
                _ => None,
            };
            let stickiness = first.filter(|s| !s.is_empty()).or(param("stickiness"));
            pending.keep(read(s.get("variants"), &variants_path, group, stickiness, true, sdk))?
        }
    };
    if !complete {
        return Ok(None);
    }
    Ok(Some(Strategy { condition: all_of(clauses), variants: variants.flatten() }))
}

/// The strategy's own rule (Yggdrasil `upgrade_strategy`).
fn rule<'p>(
    name: &str,
    param: &dyn Fn(&str) -> Option<&'p str>,
    path: &str,
    params_path: &str,
    group: &str,
) -> Result<Json<'static>, Fail> {
    match name {
        "default" => Ok(always()),
        "userWithId" => {
            let Some(ids) = param("userIds") else { return Ok(never()) };
            check_quotable(ids, &at(params_path, "userIds"), true)?;
            let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
            Ok(leaf("userId", "in", &ids))
        }
        "gradualRolloutUserId" | "gradualRolloutSessionId" => {
            let field = if name == "gradualRolloutUserId" { "userId" } else { "sessionId" };
            // Both a percentage and a groupId, or Yggdrasil compiles the strategy to false.
            let (Some(p), Some(g)) = (param("percentage").and_then(percent), param("groupId")) else {
                return Ok(never());
            };
            check_quotable(g, &at(params_path, "groupId"), false)?;
            let p = at_most_100(p)?;
            rollout(&[field.to_string()], false, g, p, &at(params_path, "percentage"))
        }
        "gradualRolloutRandom" => match param("percentage").and_then(percent) {
            None | Some(0) => Ok(never()),
            // `random < p` with random in 1…99.
            Some(p) if p >= 100 => Ok(always()),
            Some(_) => Err(refuse(
                &at(params_path, "percentage"),
                "gradualRolloutRandom between 0 % and 100 %: Unleash draws at random",
            )),
        },
        "flexibleRollout" => {
            let Some(p) = param("rollout").and_then(percent) else { return Ok(never()) };
            let p = at_most_100(p)?;
            let g = match param("groupId") {
                Some(g) => {
                    check_quotable(g, &at(params_path, "groupId"), false)?;
                    g
                }
                None => group,
            };
            let sp = at(params_path, "stickiness");
            match param("stickiness") {
                None | Some("default") => {
                    rollout(&[String::from("userId"), String::from("sessionId")], true, g, p, &sp)
                }
                Some("random") => rollout(&[], true, g, p, &sp),
                Some("currentTime") => {
                    Err(refuse(&sp, "currentTime defaults to the host's clock as text in Yggdrasil"))
                }
                Some(field) => {
                    check_quotable(field, &sp, false)?;
                    rollout(&[attribute(field, CONSTRAINT_FIELDS)], false, g, p, &sp)
                }
            }
        }
        "remoteAddress" => {
            let Some(ips) = param("IPs") else { return Ok(never()) };
            let ips_path = at(params_path, "IPs");
            check_quotable(ips, &ips_path, false)?;
            let mut addresses = Vec::new();
            for entry in ips.split(',').map(str::trim) {
                // An empty entry is no network: Yggdrasil drops what does not parse.
                if !entry.is_empty() {
                    ipv4_range(entry, &ips_path, &mut addresses)?;
                }
            }
            Ok(if addresses.is_empty() { never() } else { leaf("remoteAddress", "in", &addresses) })
        }
        "applicationHostname" => {
            Err(refuse(&at(path, "name"), "applicationHostname depends on the evaluating host's name"))
        }
        _ => Err(refuse(&at(path, "name"), "a custom strategy: its outcome is the application's code")),
    }
}

/// The strategy's own rule as unleash-client for Node evaluates it.
fn node_rule<'p>(
    name: &str,
    param: &dyn Fn(&str) -> Option<&'p str>,
    path: &str,
    params_path: &str,
) -> Result<Json<'static>, Fail> {
    // `Number(parameter)`: NaN (absent) is `None`.
    let number =
        |k: &str| -> Result<Option<f64>, Fail> { param(k).map(|v| js_number(v, &at(params_path, k))).transpose() };
    match name {
        "default" => Ok(always()),
        "userWithId" => {
            // `userIds.split(/\s*,\s*/)`: white space around commas goes, at the ends it stays;
            // `includes(context.userId)`, strictly.
            let ids = match param("userIds") {
                None | Some("") => return Ok(never()),
                Some(ids) => ids,
            };
            let pieces: Vec<&str> = ids.split(',').collect();
            let last = pieces.len().saturating_sub(1);
            let ids: Vec<&str> = pieces
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let p = if i > 0 { p.trim_start_matches(is_js_space) } else { p };
                    if i < last {
                        p.trim_end_matches(is_js_space)
                    } else {
                        p
                    }
                })
                .collect();
            Ok(leaf("userId", "in", &ids))
        }
        "gradualRolloutUserId" | "gradualRolloutSessionId" => {
            let attr = if name == "gradualRolloutUserId" { "userId" } else { "sessionId" };
            let group = param("groupId").unwrap_or("");
            let f = Field::One(String::from(attr));
            Ok(node_rollout(Some(&f), group, number("percentage")?))
        }
        "gradualRolloutRandom" => match number("percentage")? {
            // `percentage >= random` with random in 1…100.
            Some(p) if p >= 100.0 => Ok(always()),
            None => Ok(never()),
            Some(p) if p < 1.0 => Ok(never()),
            Some(_) => Err(refuse(
                &at(params_path, "percentage"),
                "gradualRolloutRandom between 0 % and 100 %: Unleash draws at random",
            )),
        },
        "flexibleRollout" => {
            let group = param("groupId").unwrap_or("");
            let percent = number("rollout")?;
            let sp = at(params_path, "stickiness");
            match param("stickiness").filter(|s| !s.is_empty()).unwrap_or("default") {
                "default" => Ok(node_rollout(None, group, percent)),
                "random" => match percent {
                    Some(p) if p >= 100.0 => Ok(always()),
                    Some(p) if p > 0.0 => {
                        Err(refuse(&sp, "random stickiness between 0 % and 100 %: Unleash draws at random"))
                    }
                    _ => Ok(never()),
                },
                "currentTime" => Err(refuse(&sp, "currentTime is a Date in unleash-client's context")),
                other => {
                    let f = field(other, CONSTRAINT_FIELDS, Sdk::Node)
                        .ok_or_else(|| refuse(&sp, "a name JavaScript reads from the context object's prototype"))?;
                    Ok(node_rollout(Some(&f), group, percent))
                }
            }
        }
        "remoteAddress" => Err(refuse(
            &at(path, "name"),
            "unleash-client for Node reads addresses with ip-address, whose accepted texts are not listed here",
        )),
        "applicationHostname" => {
            Err(refuse(&at(path, "name"), "applicationHostname depends on the evaluating host's name"))
        }
        _ => Err(refuse(&at(path, "name"), "a custom strategy: its outcome is the application's code")),
    }
}

/// A percentage parameter as Rust's `usize` parses it (an optional `+`, then digits); other text
/// makes Yggdrasil compile the strategy to false.
fn percent(s: &str) -> Option<u32> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Past usize (64 bits) Rust's parse fails: the strategy is false. Below it, anything past
    // 100 fails the grammar alike.
    let n = digits.parse::<u64>().ok()?;
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Yggdrasil's grammar reads at most `100%`: a larger rollout fails the whole feature.
fn at_most_100(p: u32) -> Result<u32, Fail> {
    if p > 100 {
        return Err(Fail::Broken(alloc::format!("a rollout of {p} %, which Yggdrasil's rule grammar rejects")));
    }
    Ok(p)
}

//! Gates as edgeflag prerequisites: a gate's condition is evaluated on each value the parent can
//! serve; exactly one variation passing is a prerequisite on it. An edgeflag prerequisite fails
//! when the parent serves nothing, where GrowthBook tests the condition on `null`: a parent that
//! can serve null (one with gates of its own, or one that is always null) is handled by what
//! the condition says of `null`.

use super::concrete::Test;
use super::condition::Conditions;
use super::feature::{Draft, Gate};
use super::json::{obj, s};
use crate::ImportError;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use edgeflag::Json;

/// The prerequisite for `gate` (`None`: it always passes), or why it cannot be one. `parent` is
/// the parent's draft, `None` when it is not in the payload (`in_payload` false: the SDK then
/// tests the condition on `null`) or was not imported.
pub fn prerequisite(
    conds: &Conditions<'_, '_>,
    gate: &Gate,
    parent: Option<&Draft>,
    in_payload: bool,
) -> Result<Option<Json<'static>>, ImportError> {
    let test = Test::new(conds, &gate.condition, &format!("{}.condition", gate.path))?;
    let on_null = test.holds(&Json::Null);
    let Some(parent) = parent else {
        if !in_payload && on_null {
            // An unknown parent's value is null, on which the condition holds: never blocks.
            return Ok(None);
        }
        return Err(ImportError::unsupported(
            &gate.path,
            format!(
                "the parent feature `{}` {}",
                gate.parent,
                if in_payload {
                    "was not imported"
                } else {
                    "is not in the payload and the condition fails on its null value: the feature is always blocked, which an edgeflag flag cannot say"
                }
            ),
        ));
    };
    if parent.null {
        // An always-null parent is an off flag: a prerequisite on it always fails.
        return Ok(if on_null {
            None
        } else {
            Some(obj(vec![("flag", s(&gate.parent)), ("variation", s(&parent.variations[0].0))]))
        });
    }
    let mut passing = Vec::new();
    for (name, value) in &parent.variations {
        if test.holds(value) {
            passing.push(name.clone());
        }
    }
    if on_null && !parent.gates.is_empty() {
        return Err(ImportError::unsupported(
            &gate.path,
            "the condition holds for null, which the parent serves when its own gate blocks it; an edgeflag prerequisite fails then",
        ));
    }
    match &passing[..] {
        [one] => Ok(Some(obj(vec![("flag", s(&gate.parent)), ("variation", s(one))]))),
        [] => Err(ImportError::unsupported(
            &gate.path,
            "the condition holds for none of the parent's values (the feature would always be blocked)",
        )),
        many if many.len() == parent.variations.len() && (on_null || parent.gates.is_empty()) => Ok(None),
        _ => Err(ImportError::unsupported(
            &gate.path,
            "the condition holds for more than one of the parent's values; an edgeflag prerequisite names one variation",
        )),
    }
}

/// Features that can reach a cycle of parent conditions (the SDK answers `cyclicPrerequisite`
/// when it meets one; edgeflag refuses cycles), in `drafts`' order.
pub fn cyclic(drafts: &[(String, Draft)]) -> Vec<String> {
    let find = |k: &str| drafts.iter().position(|(key, _)| key == k);
    let mut out = Vec::new();
    for (start, (key, _)) in drafts.iter().enumerate() {
        // Depth-first walk from `start`; a feature seen twice on the current path is a cycle.
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        let mut on_path = vec![start];
        let mut hit = false;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let parents = &drafts[node].1.parents;
            if *next >= parents.len() || hit {
                stack.pop();
                on_path.pop();
                continue;
            }
            let p = &parents[*next];
            *next += 1;
            if let Some(pi) = find(p) {
                if on_path.contains(&pi) {
                    hit = true;
                } else if stack.len() < 256 {
                    stack.push((pi, 0));
                    on_path.push(pi);
                } else {
                    hit = true;
                }
            }
        }
        if hit {
            out.push(key.clone());
        }
    }
    out
}

/// A parent condition without gate, as the prerequisite of the one rule it skips.
pub enum RuleParent {
    /// It holds whatever the parent serves: nothing to require.
    Always,
    /// It never holds: the rule never applies.
    Never,
    /// `{"flag", "variations"}`: the parent's variations on which it holds.
    Requires(Json<'static>),
}

/// The rule prerequisite for `cond` (a parent condition without gate). The SDK tests the
/// condition on the parent's value, `null` when the parent is not in the payload, always null, or
/// blocked by its own gate; an edgeflag prerequisite fails when the parent serves nothing.
pub fn rule_prerequisite(
    conds: &Conditions<'_, '_>,
    cond: &Gate,
    parent: Option<&Draft>,
    in_payload: bool,
) -> Result<RuleParent, ImportError> {
    let test = Test::new(conds, &cond.condition, &format!("{}.condition", cond.path))?;
    let on_null = test.holds(&Json::Null);
    let on_null = if on_null { RuleParent::Always } else { RuleParent::Never };
    let parent = match parent {
        Some(p) if !p.null => p,
        // Always null: the condition on null decides, once for all.
        Some(_) => return Ok(on_null),
        None if !in_payload => return Ok(on_null),
        None => {
            return Err(ImportError::unsupported(
                &cond.path,
                format!("the parent feature `{}` was not imported", cond.parent),
            ))
        }
    };
    let can_be_null = !parent.gates.is_empty();
    if can_be_null && matches!(on_null, RuleParent::Always) {
        return Err(ImportError::unsupported(
            &cond.path,
            "the condition holds for null, which the parent serves when its own gate blocks it; a rule's prerequisite fails then",
        ));
    }
    let passing: Vec<Json<'static>> =
        parent.variations.iter().filter(|(_, value)| test.holds(value)).map(|(name, _)| s(name)).collect();
    Ok(match passing.len() {
        0 => RuleParent::Never,
        n if n == parent.variations.len() && !can_be_null => RuleParent::Always,
        _ => RuleParent::Requires(obj(vec![("flag", s(&cond.parent)), ("variations", Json::Array(passing))])),
    })
}

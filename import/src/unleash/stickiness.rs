//! Rollouts on a stickiness chain as Yggdrasil resolves it: the first field of the chain that the
//! context holds, the empty string included (edgeflag's units skip `""`, so a context whose
//! first held field is empty is handled by a branch of its own, its bucket computed here).

use super::build::{all_of, always, any, exists, in_bucket, leaf, never, not, obj, scheme, text, texts};
use super::context::{Field, Sdk};
use super::fail::{refuse, Fail};
use alloc::string::String;
use alloc::vec::Vec;
use edgeflag::bucketing::unleash::{normalized, ROLLOUT_SEED};
use edgeflag::Json;

/// The clause "Yggdrasil's `percent% sticky on chain (| random) with group_id of group`
/// holds". `random`: a random draw follows the chain (the `default` stickiness), which at
/// 0 % and 100 % decides nothing; in between, a context holding no field of the chain is drawn
/// for at random by Unleash and is left out here (docs/import.md, Unleash).
pub fn rollout(chain: &[String], random: bool, group: &str, percent: u32, path: &str) -> Result<Json<'static>, Fail> {
    if percent == 0 {
        return Ok(never());
    }
    if percent >= 100 {
        return Ok(if random { always() } else { any(chain.iter().map(|a| exists(a)).collect()) });
    }
    if chain.is_empty() {
        return Err(refuse(path, "random stickiness between 0 % and 100 %: Unleash draws at random"));
    }
    let empty_in = normalized(group, "", ROLLOUT_SEED, 100, Sdk::Yggdrasil.encoding()) < percent;
    let mut branches = Vec::with_capacity(chain.len());
    for (j, attr) in chain.iter().enumerate() {
        let mut clauses: Vec<Json<'static>> = chain[..j].iter().map(|a| not(exists(a))).collect();
        clauses.push(exists(attr));
        let bucket = in_bucket(attr, group, percent, Sdk::Yggdrasil);
        clauses.push(if empty_in { any(alloc::vec![leaf(attr, "in", &[""]), bucket]) } else { bucket });
        branches.push(all_of(clauses));
    }
    Ok(if branches.len() == 1 { branches.pop().unwrap_or_else(never) } else { any(branches) })
}

/// The guard of the `j`-th empty-string branch: no earlier field held, field `j` empty.
pub fn empty_guard(chain: &[String], j: usize) -> Vec<Json<'static>> {
    let mut clauses: Vec<Json<'static>> = chain[..j].iter().map(|a| not(exists(a))).collect();
    clauses.push(leaf(&chain[j], "in", &[""]));
    clauses
}

/// unleash-client for Node's rollout `normalized(unit) <= percentage` (`percentage > 0`), with
/// `percentage` as JavaScript's Number reads the parameter (`percent`: its floor, or `None` for
/// NaN): the units read from `field`, or with `field` `None` the default stickiness
/// `userId || sessionId || random` (a draw at random decides nothing at 0 % and 100 %; in
/// between, a context holding neither is left out here, one of Unleash's outcomes).
pub fn node_rollout(field: Option<&Field>, group: &str, percent: Option<f64>) -> Json<'static> {
    let Some(p) = percent.filter(|p| *p > 0.0) else { return never() };
    // normalized = bucket + 1 <= p  <=>  bucket < floor(p).
    let upto = if p >= 100.0 { 100 } else { p as u32 };
    match field {
        None if upto >= 100 => always(),
        None => obj(alloc::vec![
            ("op", text("inBucket")),
            ("bucketBy", texts(&["userId", "sessionId"])),
            ("scheme", scheme(group, "rollout", Sdk::Node)),
            ("buckets", Json::Number(100.0)),
            ("range", Json::Array(alloc::vec![Json::Number(0.0), Json::Number(f64::from(upto))])),
        ]),
        // The value read, if missing or "", is no unit: not in, as `!stickinessId` says.
        Some(f) => f.clause(&|a| in_bucket(a, group, upto, Sdk::Node)),
    }
}

//! Variant lists (a feature's, a strategy's) and how Yggdrasil picks one of them.

use super::build::{at, idx, leaf, obj, text};
use super::context::{field, Field, Sdk, OVERRIDE_FIELDS, STICKINESS_FIELDS};
use super::fail::{invalid, refuse, Fail};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use edgeflag::Json;

/// One variant: its answer (`getVariant`'s object) and weight.
pub struct Variant {
    /// `{name, payload?, enabled: true, feature_enabled: true}`.
    pub value: Json<'static>,
    /// Its Unleash name (the variation's preferred name).
    pub name: String,
    /// Its weight.
    pub weight: u32,
}

/// A variant list with what picks among it.
pub struct VariantSet {
    /// The variants, in order.
    pub variants: Vec<Variant>,
    /// The groupId hashed with the unit.
    pub group: String,
    /// The stickiness chain (attribute references); a random draw follows it.
    pub chain: Vec<String>,
    /// Overrides in order: the clause matching the context, the variant index.
    pub overrides: Vec<(Json<'static>, usize)>,
    /// Whose pick this is.
    pub sdk: Sdk,
    /// Node, a named stickiness: the top-level member whose `""` makes unleash-client draw at
    /// random (it reads `""` and does not fall back to the property).
    pub empty_top: Option<String>,
}

impl VariantSet {
    /// The sum of the weights (checked positive and below 2^31 when read).
    pub fn total(&self) -> u32 {
        self.variants.iter().map(|v| v.weight).sum()
    }

    /// The variant Yggdrasil gives a bucket (`hash % total`): the first whose running sum
    /// reaches `bucket + 1`.
    pub fn at_bucket(&self, bucket: u32) -> usize {
        let mut sum = 0;
        for (i, v) in self.variants.iter().enumerate() {
            sum += v.weight;
            if sum > bucket {
                return i;
            }
        }
        self.variants.len().saturating_sub(1)
    }

    /// The only variant with a positive weight, if just one has: every draw gives it.
    pub fn single(&self) -> Option<usize> {
        let mut positive = self.variants.iter().enumerate().filter(|(_, v)| v.weight > 0);
        let first = positive.next()?.0;
        positive.next().is_none().then_some(first)
    }

    /// The first variant with a positive weight.
    pub fn first_positive(&self) -> usize {
        self.variants.iter().position(|v| v.weight > 0).unwrap_or(0)
    }
}

/// Reads `list` (`variants` at `path`): `None` when absent, `null` or empty (Unleash then falls
/// back, or answers no variant). `stickiness`: the name that picks (`default` or absent:
/// userId, then sessionId). `overrides`: whether to read each variant's `overrides`
/// (Yggdrasil drops them from strategy variants).
pub fn read(
    list: Option<&Json<'_>>,
    path: &str,
    group: &str,
    stickiness: Option<&str>,
    overrides: bool,
    sdk: Sdk,
) -> Result<Option<VariantSet>, Fail> {
    let items = match list {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Array(items)) if items.is_empty() => return Ok(None),
        Some(Json::Array(items)) => items,
        Some(_) => return Err(invalid(path, "expected an array of variants")),
    };
    let (chain, empty_top) = chain(stickiness, sdk, path)?;
    let mut set =
        VariantSet { variants: Vec::new(), group: group.to_string(), chain, overrides: Vec::new(), sdk, empty_top };
    let mut total: u64 = 0;
    for (i, v) in items.iter().enumerate() {
        let p = idx(path, i);
        let name = v.get("name").and_then(Json::as_str).ok_or_else(|| invalid(&at(&p, "name"), "expected a string"))?;
        let weight = v
            .get("weight")
            .and_then(Json::as_integer)
            .ok_or_else(|| invalid(&at(&p, "weight"), "expected an integer"))?;
        let weight = u32::try_from(weight)
            .ok()
            .filter(|&w| w <= i32::MAX as u32)
            .ok_or_else(|| refuse(&at(&p, "weight"), "a weight outside 0…2147483647"))?;
        total += u64::from(weight);
        let mut value = alloc::vec![("name", text(name))];
        match v.get("payload") {
            None | Some(Json::Null) => {}
            Some(payload) => {
                let pp = at(&p, "payload");
                let kind = payload
                    .get("type")
                    .and_then(Json::as_str)
                    .ok_or_else(|| invalid(&at(&pp, "type"), "expected a string"))?;
                let data = payload
                    .get("value")
                    .and_then(Json::as_str)
                    .ok_or_else(|| invalid(&at(&pp, "value"), "expected a string"))?;
                value.push(("payload", obj(alloc::vec![("type", text(kind)), ("value", text(data))])));
            }
        }
        value.push(("enabled", Json::Bool(true)));
        value.push(("feature_enabled", Json::Bool(true)));
        if overrides {
            read_overrides(v.get("overrides"), &at(&p, "overrides"), i, &mut set.overrides, sdk)?;
        }
        set.variants.push(Variant { value: obj(value), name: name.to_string(), weight });
    }
    if total == 0 || total > i32::MAX as u64 {
        // Yggdrasil takes the hash modulo the sum: 0 panics there; past 2^31 - 1 edgeflag's
        // rollouts stop.
        return Err(refuse(path, "variant weights summing to 0 or past 2147483647"));
    }
    Ok(Some(set))
}

/// The stickiness chain of variants (Yggdrasil `get_seed`; unleash-client's `getSeed`, whose
/// default also takes `remoteAddress`), and for Node the member whose `""` draws at random.
fn chain(stickiness: Option<&str>, sdk: Sdk, path: &str) -> Result<(Vec<String>, Option<String>), Fail> {
    let default = match sdk {
        Sdk::Yggdrasil => &["userId", "sessionId"][..],
        Sdk::Node => &["userId", "sessionId", "remoteAddress"][..],
    };
    match stickiness {
        None | Some("default") => Ok((default.iter().map(|s| String::from(*s)).collect(), None)),
        Some(name) => match field(name, STICKINESS_FIELDS, sdk) {
            Some(Field::One(a)) => Ok((alloc::vec![a], None)),
            Some(Field::Fallback(top, props)) => Ok((alloc::vec![top.clone(), props], Some(top))),
            None => Err(refuse(path, "a stickiness JavaScript reads from the context object's prototype")),
        },
    }
}

fn read_overrides(
    list: Option<&Json<'_>>,
    path: &str,
    variant: usize,
    out: &mut Vec<(Json<'static>, usize)>,
    sdk: Sdk,
) -> Result<(), Fail> {
    let items = match list {
        None | Some(Json::Null) => return Ok(()),
        Some(Json::Array(items)) => items,
        Some(_) => return Err(invalid(path, "expected an array of overrides")),
    };
    for (k, o) in items.iter().enumerate() {
        let p = idx(path, k);
        let name = o
            .get("contextName")
            .and_then(Json::as_str)
            .ok_or_else(|| invalid(&at(&p, "contextName"), "expected a string"))?;
        let values = match o.get("values") {
            Some(Json::Array(values)) => values,
            _ => return Err(invalid(&at(&p, "values"), "expected an array of strings")),
        };
        let mut list = Vec::new();
        for (i, v) in values.iter().enumerate() {
            list.push(v.as_str().ok_or_else(|| invalid(&idx(&at(&p, "values"), i), "expected a string"))?.to_string());
        }
        let f = field(name, OVERRIDE_FIELDS, sdk).ok_or_else(|| {
            refuse(&at(&p, "contextName"), "a name JavaScript reads from the context object's prototype")
        })?;
        if !list.is_empty() {
            out.push((f.clause(&|a| leaf(a, "in", &list)), variant));
        }
    }
    Ok(())
}

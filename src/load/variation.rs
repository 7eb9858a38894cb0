//! Variations: names unique, values of one kind and never null; references to them by name or
//! index.

use crate::error::LoadErrorKind as K;
use crate::json::schema::{fail, members, At, Result, Ty::*};
use crate::json::Json;
use crate::message::message;
use crate::model::variation::{Kind, Variation};
use alloc::vec::Vec;

members! {
    struct VariationDoc<'j> {
        name: req Name => At<'j, &'j str>,
        value: req Any,
        _description "description": opt Str,
    }
}

/// A flag's `variations` (checked to be a non-empty array of objects), and their kind.
pub(super) fn variations(items: &[Json<'_>]) -> Result<(Vec<Variation>, Kind)> {
    let mut out: Vec<Variation> = Vec::new();
    let mut kind: Option<Kind> = None;
    for item in items {
        let o = VariationDoc::read(item)?;
        let (name, at) = o.name;
        if out.iter().any(|v| v.name == name) {
            return fail(K::Duplicate, at, message!("variation name ", quoted(name), " is used twice"));
        }
        let value = o.value;
        // Refused here as in every object of a snapshot (and in contexts).
        if let Some((name, at)) = value.repeated_member() {
            return fail(K::Duplicate, at, message!("member ", quoted(name), " appears twice"));
        }
        let Some(k) = Kind::of(value) else {
            return fail(K::InvalidValue, value, message!("a variation value must not be null"));
        };
        match kind {
            Some(first) if first != k => {
                return fail(
                    K::MixedKinds,
                    value,
                    message!("a ", k.name(), " value among ", first.name(), " variations"),
                )
            }
            _ => kind = Some(k),
        }
        out.push(Variation { name: name.into(), value: value.to_owned_json() });
    }
    // `Items` guarantees at least one variation, hence a kind.
    Ok((out, kind.unwrap_or(Kind::Boolean)))
}

/// A checked `Variation` value, resolved: the index into `variations`.
pub(super) fn variation_ref(v: &Json<'_>, variations: &[Variation]) -> Result<u32> {
    let found = match v {
        Json::String(name) => variations.iter().position(|x| x.name == *name),
        _ => v.as_integer().filter(|i| *i < variations.len() as i64).map(|i| i as usize),
    };
    match (found, v) {
        (Some(i), _) => Ok(i as u32),
        (None, Json::String(name)) => fail(K::UnknownVariation, v, message!("no variation named ", quoted(name))),
        (None, _) => {
            let index = v.as_integer().unwrap_or_default();
            fail(K::UnknownVariation, v, message!("no variation at index ", itoa::Buffer::new().format(index)))
        }
    }
}

//! Served values: a tag byte (0 null, 1 false, 2 true, 3 number, 4 string, 5 array, 6 object)
//! and what the tag says follows. Nesting is bounded as in JSON text (`MAX_NESTING`).

use super::bytes::{Reader, Result, Writer};
use crate::json::Json;
use crate::limits::MAX_NESTING;
use alloc::borrow::Cow;

pub(super) fn write(w: &mut Writer, v: &Json<'_>) {
    match v {
        Json::Null => w.u8(0),
        Json::Bool(b) => w.u8(1 + *b as u8),
        Json::Number(n) => {
            w.u8(3);
            w.f64(*n);
        }
        Json::String(s) => {
            w.u8(4);
            w.str(s);
        }
        Json::Array(items) => {
            w.u8(5);
            w.list(items, write);
        }
        Json::Object(members) => {
            w.u8(6);
            w.list(members, |w, (k, v)| {
                w.str(k);
                write(w, v);
            });
        }
    }
}

pub(super) fn read(r: &mut Reader<'_>) -> Result<Json<'static>> {
    value(r, 0)
}

fn value(r: &mut Reader<'_>, depth: usize) -> Result<Json<'static>> {
    let nested = |r: &mut Reader<'_>| match depth < MAX_NESTING {
        true => Ok(depth + 1),
        false => r.fail("values nest too deep"),
    };
    Ok(match r.u8()? {
        0 => Json::Null,
        1 => Json::Bool(false),
        2 => Json::Bool(true),
        3 => match r.f64()? {
            n if n.is_finite() => Json::Number(n),
            _ => return r.fail("a number that is not finite"),
        },
        4 => Json::String(Cow::Owned(r.string()?)),
        5 => {
            let d = nested(r)?;
            Json::Array(r.list(usize::MAX, |r| value(r, d))?)
        }
        6 => {
            let d = nested(r)?;
            Json::Object(r.list(usize::MAX, |r| Ok((Cow::Owned(r.string()?), value(r, d)?)))?)
        }
        _ => return r.fail("unknown value tag"),
    })
}

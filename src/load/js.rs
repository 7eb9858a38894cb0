//! Clauses that read a whole value as JavaScript does (`eval::js`): `jsStringIs`, `jsNumberIs`,
//! `truthy`, `jsLt` … `jsGte`, `type`, GrowthBook's `paddedVersionEq` … `paddedVersionGte`, and
//! Unleash's `semverStrictEq` … and `semverNodeEq` …, flagd's `flagdSemverEq` … `flagdSemverMinor`,
//! `jsRegex` and `jsRegexIgnoreCase` (docs/snapshot.md, "Clauses").

use crate::error::LoadErrorKind as K;
use crate::eval::js::{Primitive, TYPES};
use crate::eval::regex::{Pattern, Unusable};
use crate::json::schema::{empty, fail, members, need, too_long, wrong_type, At, Result, Ty::*};
use crate::json::Json;
use crate::limits::MAX_STRING_BYTES;
use crate::message::message;
use crate::model::clause::{Clause, Operator, Test};
use alloc::string::String;
use alloc::vec::Vec;

members! {
    struct JsDoc<'j> {
        _op "op": req Str,
        attribute: req Attribute => &'j str,
        values: opt List(&Any) => At<'j, &'j [Json<'j>]>,
        negate: opt Bool => bool,
    }
}

/// The clause `v`, whose operator `op` is one of the JavaScript ones.
pub(super) fn clause(v: &Json<'_>, op: &'static str, operator: Operator) -> Result<Clause> {
    let o = JsDoc::read(v)?;
    let values = o.values.map_or(&[][..], |(items, _)| items);
    let test = match operator {
        Operator::Truthy => match o.values {
            Some((_, at)) if !values.is_empty() => {
                return fail(K::InvalidValue, at, message!("\"truthy\" takes no values"))
            }
            _ => Test::Truthy,
        },
        _ if values.is_empty() => return empty(need(o.values, v, "values")?.1),
        Operator::JsString => {
            let mut out = Vec::new();
            for item in values {
                match item {
                    Json::String(s) if s.len() > MAX_STRING_BYTES => return too_long(item, "a string", s.len()),
                    Json::String(s) => out.push(String::from(&**s)),
                    _ => return wrong_type(item, "a string"),
                }
            }
            Test::JsString(out)
        }
        Operator::JsNumber => {
            let mut out = Vec::new();
            for item in values {
                match item {
                    Json::Number(n) => out.push(*n),
                    _ => return wrong_type(item, "a number"),
                }
            }
            Test::JsNumber(out)
        }
        Operator::JsCompare(cmp) => {
            let literal = match values {
                [Json::Number(n)] => Primitive::Number(*n),
                [Json::String(s)] if s.len() <= MAX_STRING_BYTES => Primitive::String(String::from(&**s)),
                [item @ Json::String(s)] => return too_long(item, "a string", s.len()),
                [item] => return wrong_type(item, "a number or a string"),
                _ => {
                    let at = o.values.map_or(v, |(_, at)| at);
                    return fail(K::InvalidValue, at, message!(quoted(op), " compares with one value"));
                }
            };
            Test::JsCompare(cmp, literal)
        }
        Operator::PaddedVersion(cmp) => match values {
            [v @ (Json::String(_) | Json::Number(_))] => {
                Test::PaddedVersion(cmp, crate::eval::padded_version::padded(v))
            }
            [item] => return wrong_type(item, "a version string or a number"),
            _ => {
                let at = o.values.map_or(v, |(_, at)| at);
                return fail(K::InvalidValue, at, message!(quoted(op), " compares with one version"));
            }
        },
        Operator::UnleashSemver(dialect, cmp) => match values {
            [item @ Json::String(s)] if s.len() > MAX_STRING_BYTES => return too_long(item, "a string", s.len()),
            [item @ Json::String(s)] => match crate::eval::unleash_semver::parse_value(dialect, s) {
                Some(version) => {
                    let text = String::from(&**s);
                    let s = crate::model::clause::UnleashSemver { dialect, cmp, text, version };
                    Test::UnleashSemver(alloc::boxed::Box::new(s))
                }
                None => return fail(K::InvalidValue, item, message!(quoted(op), " needs a version it reads")),
            },
            [item] => return wrong_type(item, "a version string"),
            _ => {
                let at = o.values.map_or(v, |(_, at)| at);
                return fail(K::InvalidValue, at, message!(quoted(op), " compares with one version"));
            }
        },
        Operator::FlagdCoreSemver(test) => match values {
            [item @ Json::String(s)] if s.len() > MAX_STRING_BYTES => return too_long(item, "a string", s.len()),
            [item @ (Json::String(_) | Json::Number(_))] => {
                let text = crate::eval::js::to_string(item);
                match crate::eval::flagd_core_semver::normalize(&text) {
                    Some(version) => Test::FlagdCoreSemver(test, alloc::boxed::Box::new((text, version))),
                    None => return fail(K::InvalidValue, item, message!("not a version flagd-core reads")),
                }
            }
            [item] => return wrong_type(item, "a version string or a number"),
            _ => {
                let at = o.values.map_or(v, |(_, at)| at);
                return fail(K::InvalidValue, at, message!(quoted(op), " compares with one version"));
            }
        },
        Operator::JsRegex(ignore_case) => match values {
            [item] => Test::JsRegex(alloc::boxed::Box::new(pattern(item, ignore_case)?)),
            _ => {
                let at = o.values.map_or(v, |(_, at)| at);
                return fail(K::InvalidValue, at, message!(quoted(op), " takes one pattern"));
            }
        },
        Operator::FlagdSemver(test) => match values {
            [item @ Json::String(s)] if s.len() > MAX_STRING_BYTES => return too_long(item, "a string", s.len()),
            [item @ (Json::String(_) | Json::Number(_))] => match crate::eval::flagd_semver::text(item) {
                Some(text) => Test::FlagdSemver(test, text.into_owned()),
                None => return fail(K::InvalidValue, item, message!("not a version flagd reads")),
            },
            [item] => return wrong_type(item, "a version string or a number"),
            _ => {
                let at = o.values.map_or(v, |(_, at)| at);
                return fail(K::InvalidValue, at, message!(quoted(op), " compares with one version"));
            }
        },
        _ => {
            let mut bits = 0u8;
            for item in values {
                match item.as_str().and_then(|t| TYPES.iter().position(|n| *n == t)) {
                    Some(i) => bits |= 1 << i,
                    None => {
                        return fail(
                            K::InvalidValue,
                            item,
                            message!("not a type: null, boolean, number, string, array or object"),
                        )
                    }
                }
            }
            Test::Type(bits)
        }
    };
    let work = test.work().min(u32::MAX as u64) as u32;
    let attr = Some(super::attribute::attribute(Some(o.attribute)));
    Ok(Clause { op, attr, test, negate: o.negate == Some(true), work })
}

/// A pattern string of the subset, compiled by the runtime's engine.
pub(super) fn pattern(item: &Json<'_>, ignore_case: bool) -> Result<Pattern> {
    let Json::String(s) = item else { return wrong_type(item, "a pattern string") };
    if s.len() > MAX_STRING_BYTES {
        return too_long(item, "a string", s.len());
    }
    Pattern::compile(s, ignore_case).or_else(|e| match e {
        Unusable::Syntax(why) => fail(K::InvalidValue, item, message!("a pattern outside the subset: ", why.why)),
        Unusable::NoEngine => {
            fail(K::UnsupportedFormat, item, message!("regular expressions: this build has no engine"))
        }
        Unusable::Refused => fail(K::InvalidValue, item, message!("a pattern the engine refuses")),
    })
}

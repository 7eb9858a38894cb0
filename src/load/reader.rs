//! Reading JSON with paths. Each object is read against a table of its members and their types
//! ([`Field`]), checked in one place; the compiling code then takes the types as given and
//! reports only what a type cannot say (unknown names, duplicates, sums). One checker instead of
//! a typed accessor per member keeps the loader small in the Wasm module.

use crate::attribute::AttrRef;
use crate::error::{LoadError, LoadErrorKind as K};
use crate::json::Json;
use crate::message::{message, Part, Part::*};
use crate::path::Path;
use crate::timestamp;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// Boxed: errors are rare, and a one-word error keeps every `Result` the loader moves small
/// (measured: a smaller Wasm module).
pub(crate) type Result<T> = core::result::Result<T, Box<LoadError>>;

pub(crate) fn fail<T>(kind: K, path: &Path, parts: &[Part<'_>]) -> Result<T> {
    Err(error(kind, path, parts))
}

#[cold]
#[inline(never)]
fn error(kind: K, path: &Path, parts: &[Part<'_>]) -> Box<LoadError> {
    Box::new(LoadError::new(kind, path, message(parts)))
}

/// What a member holds.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Ty {
    /// Any value.
    Any,
    Bool,
    /// Any string.
    Str,
    /// A non-empty string.
    Name,
    /// A safe integer in `min..=max` (a reference keeps the tables small).
    Integer(&'static (i64, i64)),
    /// An RFC 3339 date-time or date, or integer milliseconds.
    Time,
    /// A unit value: a non-empty string or an integer.
    Unit,
    /// A variation by name (a string) or by index (an integer from 0).
    Variation,
    /// An attribute reference: a non-empty string; a JSON Pointer when it starts with `/`.
    Attribute,
    /// An object, read against its own table where it is compiled.
    Object,
    /// An array of values of a type.
    List(&'static Ty),
    /// A non-empty array.
    Items(&'static Ty),
}

impl Ty {
    fn expected(self) -> &'static str {
        match self {
            Ty::Bool => "a boolean",
            Ty::Str | Ty::Name | Ty::Attribute => "a string",
            Ty::Integer(..) => "an integer",
            Ty::Time => "a timestamp",
            Ty::Unit => "a string or an integer",
            Ty::Variation => "a variation name or index",
            Ty::List(_) | Ty::Items(_) => "an array",
            Ty::Any | Ty::Object => "an object",
        }
    }
}

/// A member of an object: its name, type and whether it is required.
pub(crate) struct Field(&'static str, Ty, bool);

pub(crate) const fn req(name: &'static str, ty: Ty) -> Field {
    Field(name, ty, true)
}

pub(crate) const fn opt(name: &'static str, ty: Ty) -> Field {
    Field(name, ty, false)
}

/// Checks a value against a type, elements of arrays included.
pub(crate) fn check(v: &Json<'_>, ty: Ty, path: &Path) -> Result<()> {
    match (ty, v) {
        (Ty::Any, _) | (Ty::Bool, Json::Bool(_)) | (Ty::Str, Json::String(_)) | (Ty::Object, Json::Object(_)) => Ok(()),
        (Ty::Variation, Json::String(_)) => Ok(()),
        (Ty::Name | Ty::Unit | Ty::Attribute, Json::String(s)) if s.is_empty() => not_empty(path),
        (Ty::Attribute, Json::String(s)) => match AttrRef::parse(s) {
            Ok(_) => Ok(()),
            Err(_) => fail(K::InvalidValue, path, &[Text("malformed JSON Pointer (`~` must be followed by 0 or 1)")]),
        },
        (Ty::Name | Ty::Unit, Json::String(_)) => Ok(()),
        (Ty::Time, Json::String(s)) => match timestamp::parse_timestamp(s) {
            Some(_) => Ok(()),
            None => fail(K::InvalidTimestamp, path, &[Quoted(s), Text(" is not an RFC 3339 date-time or date")]),
        },
        (Ty::Integer(..) | Ty::Unit | Ty::Variation | Ty::Time, Json::Number(_)) => {
            let Some(n) = v.as_integer() else {
                let expected = match ty {
                    Ty::Time => "integer milliseconds",
                    Ty::Unit => "a string or an integer",
                    _ => "an integer",
                };
                return wrong_type(v, path, expected);
            };
            let (min, max) = match ty {
                Ty::Integer(&range) => range,
                Ty::Variation => (0, i64::MAX / 2),
                _ => return Ok(()),
            };
            if n < min || n > max {
                return fail(K::InvalidValue, path, &[Int(n), Text(" is outside "), Int(min), Text("..="), Int(max)]);
            }
            Ok(())
        }
        (Ty::List(item) | Ty::Items(item), Json::Array(items)) => {
            if items.is_empty() && matches!(ty, Ty::Items(_)) {
                return not_empty(path);
            }
            for (i, v) in items.iter().enumerate() {
                check(v, *item, &path.index(i))?;
            }
            Ok(())
        }
        _ => wrong_type(v, path, ty.expected()),
    }
}

fn not_empty(path: &Path) -> Result<()> {
    fail(K::InvalidValue, path, &[Text("must not be empty")])
}

pub(crate) fn wrong_type<T>(v: &Json<'_>, path: &Path, expected: &str) -> Result<T> {
    fail(K::WrongType, path, &[Text("expected "), Text(expected), Text(", got "), Text(v.type_name())])
}

/// An object whose members were checked against its table: all known, none repeated, the
/// required ones present, each of its type.
#[derive(Clone, Copy)]
pub(crate) struct Obj<'j> {
    members: &'j [(Cow<'j, str>, Json<'j>)],
}

impl<'j> Obj<'j> {
    pub fn read(v: &'j Json<'j>, path: &Path, fields: &[Field]) -> Result<Obj<'j>> {
        let Json::Object(members) = v else {
            return wrong_type(v, path, "an object");
        };
        debug_assert!(fields.len() <= 32);
        let mut seen = 0u32;
        for (name, value) in members {
            let p = path.key(name);
            let Some(i) = fields.iter().position(|f| f.0 == name) else {
                return fail(K::UnknownField, &p, &[Text("unknown member "), Quoted(name)]);
            };
            if seen & (1 << i) != 0 {
                return fail(K::Duplicate, &p, &[Text("member "), Quoted(name), Text(" appears twice")]);
            }
            seen |= 1 << i;
            check(value, fields[i].1, &p)?;
        }
        for (i, f) in fields.iter().enumerate() {
            if f.2 && seen & (1 << i) == 0 {
                return fail(K::MissingField, &path.key(f.0), &[Text("missing required member "), Quoted(f.0)]);
            }
        }
        Ok(Obj { members })
    }

    pub fn get(&self, name: &str) -> Option<&'j Json<'j>> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// A member optional in the table that the compiling code requires.
    pub fn need(&self, name: &str, path: &Path) -> Result<&'j Json<'j>> {
        match self.get(name) {
            Some(v) => Ok(v),
            None => fail(K::MissingField, &path.key(name), &[Text("missing required member "), Quoted(name)]),
        }
    }

    /// A required member (`null` stands in if it were absent, which reading rules out).
    pub fn value(&self, name: &str) -> &'j Json<'j> {
        self.get(name).unwrap_or(&Json::Null)
    }

    /// A string member (`Str`, `Name` or `Attribute`).
    pub fn str(&self, name: &str) -> Option<&'j str> {
        self.get(name).and_then(Json::as_str)
    }

    /// A `Bool` member; false when absent.
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Json::Bool(true)))
    }

    /// An `Int` member.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Json::as_integer)
    }

    /// A `Time` member, in milliseconds.
    pub fn time(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(timestamp::from_json)
    }

    /// A `List` or `Items` member; empty when absent.
    pub fn items(&self, name: &str) -> &'j [Json<'j>] {
        match self.get(name) {
            Some(Json::Array(items)) => items,
            _ => &[],
        }
    }

    /// An `Object` member, read against its table.
    pub fn object(&self, name: &str, path: &Path, fields: &[Field]) -> Result<Option<Obj<'j>>> {
        self.get(name).map(|v| Obj::read(v, &path.key(name), fields)).transpose()
    }
}

/// A `Unit` value as its text (`42` → `"42"`).
pub(crate) fn unit_text(v: &Json<'_>) -> String {
    match (v, v.as_integer()) {
        (_, Some(n)) => itoa::Buffer::new().format(n).into(),
        (v, None) => v.as_str().unwrap_or_default().into(),
    }
}

/// The members of an object used as a map (flags, segments), sorted by key, none repeated.
pub(crate) fn map<'j>(v: &'j Json<'j>, path: &Path) -> Result<Vec<(&'j str, &'j Json<'j>)>> {
    let Json::Object(members) = v else {
        return wrong_type(v, path, "an object");
    };
    // Ties by position: among equal keys the later member comes later, and is the one reported.
    let order = crate::sets::order_by_key(members.len(), &|i| &members[i].0);
    for pair in order.windows(2) {
        if members[pair[0]].0 == members[pair[1]].0 {
            let name = &members[pair[1]].0;
            return fail(K::Duplicate, &path.key(name), &[Text("key "), Quoted(name), Text(" appears twice")]);
        }
    }
    if order.first().is_some_and(|&i| members[i].0.is_empty()) {
        return fail(K::InvalidValue, &path.key(""), &[Text("keys must not be empty")]);
    }
    Ok(order.into_iter().map(|i| (&*members[i].0, &members[i].1)).collect())
}

/// The smallest position whose value an earlier position holds: the first repeat a scan in
/// document order meets (by sorting, as everything else here, not a hash set).
pub(crate) fn first_repeat<S: AsRef<str>>(items: &[S]) -> Option<usize> {
    let order = crate::sets::order_by_key(items.len(), &|i| items[i].as_ref());
    order.windows(2).filter(|p| items[p[0]].as_ref() == items[p[1]].as_ref()).map(|p| p[1]).min()
}

/// A salt or `bucketBy`: may not contain the bucketing separator.
pub(crate) fn no_separator(s: &str, path: &Path) -> Result<()> {
    if s.bytes().any(|b| b == crate::bucketing::SEPARATOR as u8) {
        return fail(K::InvalidValue, path, &[Text("must not contain U+001F")]);
    }
    Ok(())
}

//! Reading JSON with paths: typed accessors that turn every surprise into a [`LoadError`].

use crate::error::{LoadError, LoadErrorKind as K};
use crate::json::Json;
use crate::json::Quoted;
use crate::path::Path;
use crate::timestamp;
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Boxed: errors are rare, and a one-word error keeps every `Result` the loader moves small
/// (measured: a smaller Wasm module).
pub(crate) type Result<T> = core::result::Result<T, alloc::boxed::Box<LoadError>>;

pub(crate) fn fail<T>(kind: K, path: &Path, message: impl Into<String>) -> Result<T> {
    Err(error(kind, path, message.into()))
}

#[cold]
#[inline(never)]
fn error(kind: K, path: &Path, message: String) -> alloc::boxed::Box<LoadError> {
    alloc::boxed::Box::new(LoadError::new(kind, path, message))
}

/// An object whose members are all known and none repeated.
pub(crate) struct Obj<'j> {
    members: &'j [(Cow<'j, str>, Json<'j>)],
}

impl<'j> Obj<'j> {
    pub fn new(v: &'j Json<'j>, path: &Path, known: &[&str]) -> Result<Obj<'j>> {
        let Json::Object(members) = v else {
            return wrong_type(v, path, "an object");
        };
        debug_assert!(known.len() <= 64);
        let mut seen = 0u64;
        for (name, _) in members {
            let Some(i) = known.iter().position(|k| k == name) else {
                return fail(K::UnknownField, &path.key(name), format!("unknown member {}", Quoted(name)));
            };
            if seen & (1 << i) != 0 {
                return fail(K::Duplicate, &path.key(name), format!("member {} appears twice", Quoted(name)));
            }
            seen |= 1 << i;
        }
        Ok(Obj { members })
    }

    pub fn get(&self, name: &str) -> Option<&'j Json<'j>> {
        self.members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// A required member; `path` is the object's path.
    pub fn req(&self, name: &str, path: &Path) -> Result<&'j Json<'j>> {
        match self.get(name) {
            Some(v) => Ok(v),
            None => fail(K::MissingField, &path.key(name), format!("missing required member {}", Quoted(name))),
        }
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
            return fail(K::Duplicate, &path.key(name), format!("key {} appears twice", Quoted(name)));
        }
    }
    for &i in &order {
        if members[i].0.is_empty() {
            return fail(K::InvalidValue, &path.key(""), "keys must not be empty");
        }
    }
    Ok(order.into_iter().map(|i| (&*members[i].0, &members[i].1)).collect())
}

/// The smallest position whose value an earlier position holds: the first repeat a scan in
/// document order meets (by sorting, as everything else here, not a hash set).
pub(crate) fn first_repeat<S: AsRef<str>>(items: &[S]) -> Option<usize> {
    let order = crate::sets::order_by_key(items.len(), &|i| items[i].as_ref());
    order.windows(2).filter(|p| items[p[0]].as_ref() == items[p[1]].as_ref()).map(|p| p[1]).min()
}

pub(crate) fn wrong_type<T>(v: &Json<'_>, path: &Path, expected: &str) -> Result<T> {
    fail(K::WrongType, path, format!("expected {expected}, got {}", v.type_name()))
}

pub(crate) fn boolean(v: &Json<'_>, path: &Path) -> Result<bool> {
    match v {
        Json::Bool(b) => Ok(*b),
        _ => wrong_type(v, path, "a boolean"),
    }
}

pub(crate) fn string<'j>(v: &'j Json<'j>, path: &Path) -> Result<&'j str> {
    match v {
        Json::String(s) => Ok(s),
        _ => wrong_type(v, path, "a string"),
    }
}

pub(crate) fn nonempty<'j>(v: &'j Json<'j>, path: &Path) -> Result<&'j str> {
    match string(v, path)? {
        "" => fail(K::InvalidValue, path, "must not be empty"),
        s => Ok(s),
    }
}

pub(crate) fn array<'j>(v: &'j Json<'j>, path: &Path) -> Result<&'j [Json<'j>]> {
    match v {
        Json::Array(items) => Ok(items),
        _ => wrong_type(v, path, "an array"),
    }
}

pub(crate) fn nonempty_array<'j>(v: &'j Json<'j>, path: &Path) -> Result<&'j [Json<'j>]> {
    match array(v, path)? {
        [] => fail(K::InvalidValue, path, "must not be empty"),
        items => Ok(items),
    }
}

/// A safe integer in `min..=max`.
pub(crate) fn integer(v: &Json<'_>, path: &Path, min: i64, max: i64) -> Result<i64> {
    let Some(n) = v.as_integer() else {
        return wrong_type(v, path, "an integer");
    };
    if n < min || n > max {
        return fail(K::InvalidValue, path, format!("{n} is outside {min}..={max}"));
    }
    Ok(n)
}

pub(crate) fn timestamp(v: &Json<'_>, path: &Path) -> Result<i64> {
    match v {
        Json::String(s) => match timestamp::parse_timestamp(s) {
            Some(t) => Ok(t),
            None => fail(K::InvalidTimestamp, path, format!("{} is not an RFC 3339 date-time or date", Quoted(s))),
        },
        Json::Number(_) => match v.as_integer() {
            Some(t) => Ok(t),
            None => wrong_type(v, path, "integer milliseconds"),
        },
        _ => wrong_type(v, path, "a timestamp"),
    }
}

/// A string or integer identifying a unit, as its text (`42` → `"42"`).
pub(crate) fn unit_value(v: &Json<'_>, path: &Path) -> Result<String> {
    match v {
        Json::String(s) if s.is_empty() => fail(K::InvalidValue, path, "must not be empty"),
        Json::String(s) => Ok(String::from(&**s)),
        Json::Number(_) => match v.as_integer() {
            Some(n) => Ok(itoa::Buffer::new().format(n).into()),
            None => wrong_type(v, path, "a string or an integer"),
        },
        _ => wrong_type(v, path, "a string or an integer"),
    }
}

/// A salt or `bucketBy`: may not contain the bucketing separator.
pub(crate) fn no_separator(s: &str, path: &Path) -> Result<()> {
    if s.contains(crate::bucketing::SEPARATOR) {
        return fail(K::InvalidValue, path, "must not contain U+001F");
    }
    Ok(())
}

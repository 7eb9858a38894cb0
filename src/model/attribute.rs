//! Attribute references (`tier`, `/address/city`) and unit values.

use crate::json::pointer::{self, BadPointer};
use crate::json::{safe_integer, Json};
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// A compiled attribute reference.
#[derive(Clone, Debug)]
pub(crate) struct AttrRef {
    /// As written in the snapshot (bucketing hashes this text).
    pub text: String,
    /// JSON-Pointer segments, unescaped; `None` for a plain top-level name.
    pointer: Option<Vec<String>>,
    /// The reference is `key`, which contexts keep at hand (rollouts bucket by it by default).
    pub is_key: bool,
    /// The context kind it reads, LaunchDarkly's way (`contextKind`, docs/snapshot.md): the
    /// attribute of the context of that kind, in a single- or multi-kind context.
    #[cfg(feature = "peers")]
    pub kind: Option<alloc::boxed::Box<str>>,
}

impl AttrRef {
    /// The context key: the default unit of targets, segments and rollouts.
    pub fn key() -> AttrRef {
        AttrRef {
            text: "key".into(),
            pointer: None,
            is_key: true,
            #[cfg(feature = "peers")]
            kind: None,
        }
    }

    pub fn parse(text: &str) -> Result<AttrRef, BadPointer> {
        #[cfg(feature = "peers")]
        if text.starts_with(crate::eval::bucketing::SEPARATOR) {
            return super::context_kind::parse_kinded(text);
        }
        let pointer = match text.as_bytes().first() {
            Some(b'/') => Some(pointer::segments(text)?),
            _ => None,
        };
        Ok(AttrRef {
            text: text.into(),
            is_key: text == "key",
            pointer,
            #[cfg(feature = "peers")]
            kind: None,
        })
    }

    /// The JSON-Pointer segments, `None` for a plain name.
    #[cfg(feature = "peers")]
    pub(crate) fn segments(&self) -> Option<&[String]> {
        self.pointer.as_deref()
    }

    /// The referenced value in a context object's members; `None` when absent.
    pub fn lookup<'c, 'a>(&self, members: &'c [(Cow<'a, str>, Json<'a>)]) -> Option<&'c Json<'a>> {
        #[cfg(feature = "peers")]
        if let Some(kind) = &self.kind {
            return super::context_kind::lookup(self, kind, members);
        }
        let Some(segments) = &self.pointer else {
            return member(members, &self.text);
        };
        let (first, rest) = segments.split_first()?;
        let mut value = member(members, first)?;
        for segment in rest {
            match value {
                Json::Object(inner) => value = member(inner, segment)?,
                _ => return None,
            }
        }
        Some(value)
    }
}

pub(crate) fn member<'c, 'a>(members: &'c [(Cow<'a, str>, Json<'a>)], name: &str) -> Option<&'c Json<'a>> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A unit value: what targets, segment lists and bucketing identify a context by.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Unit<'c> {
    Str(&'c str),
    Int(i64),
}

/// Why a value is not a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotUnit {
    /// Missing, `null` or `""`.
    Missing,
    /// A value that cannot identify anything (fraction, boolean, array, object).
    Invalid,
}

impl<'c> Unit<'c> {
    pub fn of(value: Option<&'c Json<'_>>) -> Result<Unit<'c>, NotUnit> {
        match value {
            None | Some(Json::Null) => Err(NotUnit::Missing),
            Some(Json::String(s)) if s.is_empty() => Err(NotUnit::Missing),
            Some(Json::String(s)) => Ok(Unit::Str(s)),
            Some(Json::Number(n)) => safe_integer(*n).map(Unit::Int).ok_or(NotUnit::Invalid),
            Some(_) => Err(NotUnit::Invalid),
        }
    }

    /// The unit as text: strings as they are, integers in shortest decimal form.
    pub fn as_str<'b>(&self, buf: &'b mut itoa::Buffer) -> &'b str
    where
        'c: 'b,
    {
        match *self {
            Unit::Str(s) => s,
            Unit::Int(i) => buf.format(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn ctx() -> Vec<(Cow<'static, str>, Json<'static>)> {
        vec![
            (Cow::Borrowed("app.version"), Json::from("2.3.0")),
            (
                Cow::Borrowed("address"),
                Json::Object(vec![
                    (Cow::Borrowed("city"), Json::from("Zürich")),
                    (Cow::Borrowed("a/b"), Json::from(1.0)),
                    (Cow::Borrowed("m~n"), Json::from(2.0)),
                ]),
            ),
            (Cow::Borrowed("list"), Json::Array(vec![Json::Object(vec![(Cow::Borrowed("x"), Json::Null)])])),
        ]
    }

    #[test]
    fn plain_names_are_literal_and_pointers_nest() {
        let c = ctx();
        let get = |r: &str| AttrRef::parse(r).ok().unwrap().lookup(&c).cloned();
        assert_eq!(get("app.version"), Some(Json::from("2.3.0")));
        assert_eq!(get("/address/city"), Some(Json::from("Zürich")));
        assert_eq!(get("/address/a~1b"), Some(Json::from(1.0)));
        assert_eq!(get("/address/m~0n"), Some(Json::from(2.0)));
        assert_eq!(get("/list/0/x"), None);
        assert_eq!(get("/app.version"), Some(Json::from("2.3.0")));
        assert!(AttrRef::parse("/a~2").is_err());
    }

    #[test]
    fn units() {
        let mut buf = itoa::Buffer::new();
        let n = Json::Number(1207.0);
        assert_eq!(Unit::of(Some(&n)).unwrap().as_str(&mut buf), "1207");
        assert_eq!(Unit::of(Some(&Json::Number(-5.0))).unwrap().as_str(&mut buf), "-5");
        assert_eq!(Unit::of(Some(&Json::Number(1.5))).err(), Some(NotUnit::Invalid));
        assert_eq!(Unit::of(Some(&Json::from(""))).err(), Some(NotUnit::Missing));
        assert_eq!(Unit::of(Some(&Json::Bool(true))).err(), Some(NotUnit::Invalid));
        assert_eq!(Unit::of(None).err(), Some(NotUnit::Missing));
    }
}

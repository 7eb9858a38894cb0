//! Attribute references (`tier`, `/address/city`) and unit values.

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
}

/// Why a reference could not be compiled.
pub(crate) struct BadPointer;

impl AttrRef {
    /// The context key: the default unit of targets, segments and rollouts.
    pub fn key() -> AttrRef {
        AttrRef { text: "key".into(), pointer: None, is_key: true }
    }

    pub fn parse(text: &str) -> Result<AttrRef, BadPointer> {
        let pointer = match text.as_bytes().first() {
            Some(b'/') => Some(segments(text)?),
            _ => None,
        };
        Ok(AttrRef { text: text.into(), is_key: text == "key", pointer })
    }

    /// The referenced value in a context object's members; `None` when absent.
    pub fn lookup<'c, 'a>(&self, members: &'c [(Cow<'a, str>, Json<'a>)]) -> Option<&'c Json<'a>> {
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

fn member<'c, 'a>(members: &'c [(Cow<'a, str>, Json<'a>)], name: &str) -> Option<&'c Json<'a>> {
    members.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// The segments of a JSON Pointer (RFC 6901), each after a `/`: `~1` in them is `/`, `~0` is
/// `~`, any other `~` is malformed. One pass over bytes rather than `str::split`, which would
/// bring core's character searching into the Wasm module: `/`, `~`, `0` and `1` are ASCII, so
/// the runs between them are copied whole.
fn segments(pointer: &str) -> Result<Vec<String>, BadPointer> {
    let bytes = pointer.as_bytes();
    let mut segments = Vec::new();
    let mut segment = String::new();
    // Past the leading `/`.
    let (mut run, mut i) = (1, 1);
    loop {
        let b = bytes.get(i).copied();
        if let None | Some(b'/' | b'~') = b {
            segment.push_str(pointer.get(run..i).unwrap_or_default());
        }
        match b {
            None => break,
            Some(b'/') => segments.push(core::mem::take(&mut segment)),
            Some(b'~') => {
                i += 1;
                segment.push(match bytes.get(i) {
                    Some(b'0') => '~',
                    Some(b'1') => '/',
                    _ => return Err(BadPointer),
                });
            }
            _ => {}
        }
        i += 1;
        if let Some(b'/' | b'~') = b {
            run = i;
        }
    }
    segments.push(segment);
    Ok(segments)
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
    fn pointer_escapes() {
        let one = |p: &str| segments(p).ok().map(|s| s.join("|"));
        assert_eq!(one("/a~1b~0c~01ü").as_deref(), Some("a/b~c~1ü"));
        assert_eq!(one("/~~"), None);
        assert_eq!(one("/end~"), None);
        assert_eq!(one("/a/~2"), None);
        assert_eq!(one("/").as_deref(), Some(""));
        assert_eq!(one("//x~1/").as_deref(), Some("|x/|"));
    }

    /// The previous implementation, on `str::split`.
    fn split_segments(pointer: &str) -> Option<Vec<String>> {
        let unescape = |s: &str| -> Option<String> {
            let mut out = String::new();
            let mut rest = s;
            while let Some(at) = rest.find('~') {
                out.push_str(&rest[..at]);
                match rest.as_bytes().get(at + 1) {
                    Some(b'0') => out.push('~'),
                    Some(b'1') => out.push('/'),
                    _ => return None,
                }
                rest = &rest[at + 2..];
            }
            out.push_str(rest);
            Some(out)
        };
        pointer.strip_prefix('/')?.split('/').map(unescape).collect()
    }

    #[test]
    fn pointers_split_as_before() {
        // Every string of up to five pieces from these: the bytes that matter, and others.
        let pieces = ["/", "~", "0", "1", "2", "a", "é", "~0", "~1"];
        let mut texts = alloc::vec![String::from("/")];
        let mut at = 0;
        while at < texts.len() && texts.len() < 100_000 {
            let t = texts[at].clone();
            at += 1;
            if t.len() < 9 {
                texts.extend(pieces.iter().map(|p| t.clone() + p));
            }
        }
        let accepted = texts.iter().filter(|t| segments(t).is_ok()).count();
        assert!(accepted > texts.len() / 4 && accepted < texts.len() * 3 / 4, "{accepted} of {}", texts.len());
        for t in &texts {
            assert_eq!(segments(t).ok(), split_segments(t), "{t:?}");
        }
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

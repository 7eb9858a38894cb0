//! The JSON value the evaluator works on.
//!
//! Objects keep their members in document order, duplicates included, so the loader can
//! report a repeated member with its path instead of silently keeping the last one. Numbers are
//! `f64`, as in JavaScript, so every runtime reads a snapshot identically.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// A JSON value. Strings borrow from the parsed text where they can (`'a`), so loading a
/// snapshot or a context does not allocate for every key and string; `Json<'static>` owns all.
#[derive(Clone, Debug, PartialEq)]
pub enum Json<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Any number (integers are exact up to 2^53 - 1).
    Number(f64),
    /// A string.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object's members in document order (duplicates kept).
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Largest integer every runtime represents exactly (JavaScript's `Number.MAX_SAFE_INTEGER`).
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl<'a> Json<'a> {
    /// The member `name` of an object (the first, if repeated); `None` for other values.
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `name` of an object, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Json<'a>> {
        match self {
            Json::Object(members) => members.iter_mut().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets the member `name` of an object (added at the end when absent); no-op otherwise.
    pub fn set(&mut self, name: &str, value: Json<'a>) {
        if let Json::Object(members) = self {
            match members.iter_mut().find(|(k, _)| k == name) {
                Some(slot) => slot.1 = value,
                None => members.push((Cow::Owned(name.into()), value)),
            }
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a safe integer: a number with no fraction within ±(2^53 - 1).
    pub fn as_integer(&self) -> Option<i64> {
        match *self {
            Json::Number(n) => safe_integer(n),
            _ => None,
        }
    }

    /// A timestamp written as a string (`docs/snapshot.md`, "Timestamps") or as integer
    /// milliseconds since the epoch.
    pub(crate) fn as_time(&self) -> Option<i64> {
        match self {
            Json::String(s) => crate::timestamp::parse_timestamp(s),
            Json::Number(_) => self.as_integer(),
            _ => None,
        }
    }

    /// The first member, in document order, whose name an earlier member of the same object
    /// has, at any depth: its name and value. JSON text may repeat a name, and readers disagree
    /// on which one counts (JavaScript's `JSON.parse` keeps the last, a search the first), so
    /// everywhere edgeflag reads JSON a repeated member is refused rather than picked.
    pub(crate) fn repeated_member(&self) -> Option<(&str, &Json<'a>)> {
        let (items, members) = match self {
            Json::Array(items) => (&items[..], &[][..]),
            Json::Object(members) => (&[][..], &members[..]),
            _ => return None,
        };
        if let Some(found) = items.iter().find_map(Json::repeated_member) {
            return Some(found);
        }
        let repeat = first_repeated_name(members);
        // Inside the members before it: earlier in the document than the repeat itself.
        for (i, (name, value)) in members.iter().enumerate() {
            if repeat == Some(i) {
                return Some((name, value));
            }
            if let Some(found) = value.repeated_member() {
                return Some(found);
            }
        }
        None
    }

    /// A copy that owns all its strings.
    pub fn to_owned_json(&self) -> Json<'static> {
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(*b),
            Json::Number(n) => Json::Number(*n),
            Json::String(s) => Json::String(Cow::Owned(String::from(&**s))),
            Json::Array(items) => Json::Array(items.iter().map(Json::to_owned_json).collect()),
            Json::Object(members) => {
                Json::Object(members.iter().map(|(k, v)| (Cow::Owned(String::from(&**k)), v.to_owned_json())).collect())
            }
        }
    }

    /// A short name of the value's JSON type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

/// The position of the first member whose name an earlier member has. Objects are mostly small:
/// compared pairwise up to 16 members, sorted by name beyond.
fn first_repeated_name(members: &[(Cow<'_, str>, Json<'_>)]) -> Option<usize> {
    if members.len() <= 16 {
        return (1..members.len()).find(|&i| members[..i].iter().any(|(k, _)| *k == members[i].0));
    }
    let names: Vec<&str> = members.iter().map(|(k, _)| &**k).collect();
    super::schema::first_repeat(&names)
}

/// An object's members by name: their positions sorted by name (ties by position), so finding a
/// member among many (a snapshot's flags) is a binary search rather than a scan. Merge patches
/// and diffs look members up with it.
#[cfg(feature = "json")]
pub(crate) struct ByName(Vec<usize>);

#[cfg(feature = "json")]
impl ByName {
    pub fn new(members: &[(Cow<'_, str>, Json<'_>)]) -> ByName {
        ByName(crate::sets::order_by_key(members.len(), &|i| &members[i].0))
    }

    /// The positions of the members named `name`, in document order. `members` is the slice this
    /// was built from, or it with members appended (those are not found).
    pub fn find(&self, members: &[(Cow<'_, str>, Json<'_>)], name: &str) -> &[usize] {
        let start = self.0.partition_point(|&i| &*members[i].0 < name);
        let rest = self.0.get(start..).unwrap_or_default();
        &rest[..rest.partition_point(|&i| members[i].0 == name)]
    }

    /// Whether a name is repeated.
    pub fn repeats(&self, members: &[(Cow<'_, str>, Json<'_>)]) -> bool {
        self.0.windows(2).any(|w| members[w[0]].0 == members[w[1]].0)
    }

    /// The positions, sorted by name.
    pub fn order(&self) -> &[usize] {
        &self.0
    }
}

/// `n` as an integer when it is one every runtime agrees on.
pub(crate) fn safe_integer(n: f64) -> Option<i64> {
    // Range first (NaN fails it), then exactness of the truncation.
    if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n) && (n as i64) as f64 == n {
        Some(n as i64)
    } else {
        None
    }
}

impl From<bool> for Json<'_> {
    fn from(b: bool) -> Self {
        Json::Bool(b)
    }
}

impl<'a> From<&'a str> for Json<'a> {
    fn from(s: &'a str) -> Self {
        Json::String(Cow::Borrowed(s))
    }
}

impl From<String> for Json<'_> {
    fn from(s: String) -> Self {
        Json::String(Cow::Owned(s))
    }
}

impl From<f64> for Json<'_> {
    fn from(n: f64) -> Self {
        Json::Number(n)
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::*;

    #[test]
    fn borrows_unescaped_strings() {
        let text = r#"{"plain":"abc","escaped":"a\nb"}"#;
        let Json::Object(m) = Json::parse(text).unwrap() else { panic!() };
        assert!(matches!(m[0].0, Cow::Borrowed("plain")));
        assert!(matches!(m[0].1, Json::String(Cow::Borrowed("abc"))));
        assert!(matches!(&m[1].1, Json::String(Cow::Owned(s)) if s == "a\nb"));
    }

    #[test]
    fn keeps_duplicates_and_order() {
        let j = Json::parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let Json::Object(m) = &j else { panic!() };
        let keys: Vec<&str> = m.iter().map(|(k, _)| &**k).collect();
        assert_eq!(keys, ["b", "a", "b"]);
    }

    #[test]
    fn integers_are_safe_range_only() {
        assert_eq!(Json::Number(10000.0).as_integer(), Some(10000));
        assert_eq!(Json::Number(0.5).as_integer(), None);
        assert_eq!(Json::Number(9_007_199_254_740_992.0).as_integer(), None);
        assert_eq!(Json::parse("1e3").unwrap().as_integer(), Some(1000));
    }

    #[test]
    fn numbers_round_trip_like_javascript() {
        let j = Json::parse(r#"[1, 1.0, 2.5, -0, 100000]"#).unwrap();
        assert_eq!(j.to_text(), "[1,1,2.5,0,100000]");
    }
}

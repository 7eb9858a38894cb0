//! Reading JSON against a schema: for the loader, exposure batches and client snapshots. Each
//! kind of object declares its members once ([`members!`]): a table of their names and types
//! ([`Field`]), checked in one place, and a struct of their values. The compiling code then takes
//! the types as given and reports only what a type cannot say (unknown names, duplicates, sums).
//!
//! A problem names the value it is about ([`Fault`]), not a path: the path is found by searching
//! the document for that value, and only when the snapshot is refused. Threading paths and
//! building messages at every step was a third of the loader's code in the Wasm module.

use crate::error::{LoadError, LoadErrorKind as K};
use crate::json::Json;
use crate::limits::{MAX_LIST_ITEMS, MAX_STRING_BYTES};
use crate::message::{fill, message, past_limit, Message};

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// A problem: its kind, the value it is about (by address), the member missing from that value
/// if that is the problem, and the message.
pub(crate) struct Fault {
    kind: K,
    at: usize,
    member: &'static str,
    message: String,
}

/// Boxed: problems are rare, and a one-word error keeps every `Result` the loader moves small.
pub(crate) type Result<T> = core::result::Result<T, Box<Fault>>;

fn address(v: &Json<'_>) -> usize {
    v as *const Json<'_> as usize
}

/// A problem with the value `at`, said by `m` ([`message!`]).
// These four are inlined: otherwise each result type gets its own copy (measured 0.5 KB
// gzipped of the module); the work is in `fault`.
#[inline(always)]
pub(crate) fn fail<T>(kind: K, at: &Json<'_>, m: Message) -> Result<T> {
    Err(fault(kind, address(at), "", m.template, m.a, m.b))
}

#[cold]
#[inline(never)]
fn fault(kind: K, at: usize, member: &'static str, template: &str, a: &str, b: &str) -> Box<Fault> {
    Box::new(Fault { kind, at, member, message: fill(template, a, b) })
}

/// The object `at` lacks the member `name`, said by `m`.
#[inline(always)]
pub(crate) fn missing<T>(at: &Json<'_>, name: &'static str, m: Message) -> Result<T> {
    Err(fault(K::MissingField, address(at), name, m.template, m.a, m.b))
}

/// The object `at` lacks the required member `name`.
#[inline(always)]
fn missing_required<T>(at: &Json<'_>, name: &'static str) -> Result<T> {
    missing(at, name, message!("missing required member ", quoted(name)))
}

impl Fault {
    /// The error as reported, with the path from `root` to the value (and member) concerned.
    pub(crate) fn into_error(self, root: &Json<'_>) -> LoadError {
        // Not found (a stand-in value, which reading rules out) leaves the path empty.
        let mut path = String::new();
        crate::json::path::find(root, self.at, &mut path);
        if !self.member.is_empty() {
            crate::json::path::push_key(&mut path, self.member);
        }
        LoadError { kind: self.kind, path, message: self.message }
    }
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
pub(crate) fn check(v: &Json<'_>, ty: Ty) -> Result<()> {
    match (ty, v) {
        (Ty::Any, _) => Ok(()),
        (_, Json::String(s)) if s.len() > MAX_STRING_BYTES => too_long(v, "a string", s.len()),
        (Ty::Bool, Json::Bool(_)) | (Ty::Str, Json::String(_)) | (Ty::Object, Json::Object(_)) => Ok(()),
        (Ty::Variation, Json::String(_)) => Ok(()),
        (Ty::Name | Ty::Unit | Ty::Attribute, Json::String(s)) if s.is_empty() => empty(v),
        (Ty::Attribute, Json::String(s)) => match s.starts_with('/') && super::pointer::segments(s).is_err() {
            false => Ok(()),
            true => fail(K::InvalidValue, v, message!("malformed JSON Pointer (`~` must be followed by 0 or 1)")),
        },
        (Ty::Name | Ty::Unit, Json::String(_)) => Ok(()),
        (Ty::Time, Json::String(s)) => match crate::timestamp::parse_timestamp(s) {
            Some(_) => Ok(()),
            None => fail(K::InvalidTimestamp, v, message!(quoted(s), " is not an RFC 3339 date-time or date")),
        },
        (Ty::Integer(..) | Ty::Unit | Ty::Variation | Ty::Time, Json::Number(_)) => {
            let Some(n) = v.as_integer() else {
                // Past 2^52 every double is an integer (JSON text holds no infinity).
                if matches!(v, Json::Number(n) if !(-4_503_599_627_370_496.0..=4_503_599_627_370_496.0).contains(n)) {
                    return fail(
                        K::InvalidValue,
                        v,
                        message!("an integer beyond ±(2^53 − 1), which not every runtime represents exactly"),
                    );
                }
                let expected = match ty {
                    Ty::Time => "integer milliseconds",
                    Ty::Unit => "a string or an integer",
                    _ => "an integer",
                };
                return wrong_type(v, expected);
            };
            let (min, max) = match ty {
                Ty::Integer(&range) => range,
                Ty::Variation => (0, i64::MAX / 2),
                _ => return Ok(()),
            };
            if n < min || n > max {
                return out_of_range(v, n, min, max);
            }
            Ok(())
        }
        (Ty::List(item) | Ty::Items(item), Json::Array(items)) => {
            if items.is_empty() && matches!(ty, Ty::Items(_)) {
                return empty(v);
            }
            at_most(v, items.len(), MAX_LIST_ITEMS, "items")?;
            for v in items {
                check(v, *item)?;
            }
            Ok(())
        }
        _ => wrong_type(v, ty.expected()),
    }
}

/// A string (`what`: "a string", "a key") of `len` bytes, longer than `MAX_STRING_BYTES`.
#[cold]
pub(crate) fn too_long<T>(v: &Json<'_>, what: &str, len: usize) -> Result<T> {
    let mut before = String::from(what);
    before.push_str(" of ");
    let message = past_limit(&before, len as u64, " bytes", MAX_STRING_BYTES as u64);
    fail(K::TooLarge, v, message!(&message))
}

/// `n` things of a kind (`what`, plural) at `v`, refused past `limit`.
pub(crate) fn at_most(v: &Json<'_>, n: usize, limit: usize, what: &str) -> Result<()> {
    if n <= limit {
        return Ok(());
    }
    let mut after = String::from(" ");
    after.push_str(what);
    let message = past_limit("", n as u64, &after, limit as u64);
    fail(K::TooLarge, v, message!(&message))
}

#[cold]
fn out_of_range(v: &Json<'_>, n: i64, min: i64, max: i64) -> Result<()> {
    let mut range = String::from(itoa::Buffer::new().format(min));
    range.push_str("..=");
    range.push_str(itoa::Buffer::new().format(max));
    fail(K::InvalidValue, v, message!(itoa::Buffer::new().format(n), " is outside ", &range))
}

#[inline(always)]
pub(crate) fn empty<T>(v: &Json<'_>) -> Result<T> {
    fail(K::InvalidValue, v, message!("must not be empty"))
}

#[inline(always)]
pub(crate) fn wrong_type<T>(v: &Json<'_>, expected: &str) -> Result<T> {
    fail(K::WrongType, v, message!("expected ", expected, ", got ", v.type_name()))
}

/// Reads the object `v` against `fields`: all members known, none repeated, the required ones
/// present, each of its type; member `i` goes to `slots[i]`. One copy for every table (the
/// structs of [`members!`] only move the slots into their fields).
pub(crate) fn read<'j>(v: &'j Json<'j>, fields: &[Field], slots: &mut [Option<&'j Json<'j>>]) -> Result<()> {
    let Json::Object(members) = v else {
        return wrong_type(v, "an object");
    };
    for (name, value) in members {
        let Some(i) = fields.iter().position(|f| f.0 == name) else {
            return fail(K::UnknownField, value, message!("unknown member ", quoted(name)));
        };
        if slots[i].is_some() {
            return fail(K::Duplicate, value, message!("member ", quoted(name), " appears twice"));
        }
        slots[i] = Some(value);
        check(value, fields[i].1)?;
    }
    for (f, slot) in fields.iter().zip(slots.iter()) {
        if f.2 && slot.is_none() {
            return missing_required(v, f.0);
        }
    }
    Ok(())
}

/// A member optional in its table that the compiling code requires (`name` is for the error).
#[inline(always)]
pub(crate) fn need<T>(member: Option<T>, at: &Json<'_>, name: &'static str) -> Result<T> {
    match member {
        Some(m) => Ok(m),
        None => missing_required(at, name),
    }
}

/// What a checked member becomes in a struct of [`members!`]. Reading checked the value's type,
/// so the fallbacks below are never taken.
pub(crate) trait Member<'j> {
    fn take(v: &'j Json<'j>) -> Self;
}

/// A member's value as its type gives it, with the value itself, for problems about it.
pub(crate) type At<'j, T> = (T, &'j Json<'j>);

impl<'j> Member<'j> for &'j Json<'j> {
    fn take(v: &'j Json<'j>) -> Self {
        v
    }
}

/// `Bool`.
impl<'j> Member<'j> for bool {
    fn take(v: &'j Json<'j>) -> Self {
        matches!(v, Json::Bool(true))
    }
}

/// `Integer`, or `Time` in milliseconds.
impl<'j> Member<'j> for i64 {
    fn take(v: &'j Json<'j>) -> Self {
        v.as_time().unwrap_or_default()
    }
}

/// `Str`, `Name` or `Attribute`.
impl<'j> Member<'j> for &'j str {
    fn take(v: &'j Json<'j>) -> Self {
        v.as_str().unwrap_or_default()
    }
}

/// `List` or `Items`.
impl<'j> Member<'j> for &'j [Json<'j>] {
    fn take(v: &'j Json<'j>) -> Self {
        match v {
            Json::Array(items) => items,
            _ => &[],
        }
    }
}

impl<'j, T: Member<'j>> Member<'j> for At<'j, T> {
    fn take(v: &'j Json<'j>) -> Self {
        (T::take(v), v)
    }
}

/// Declares an object's members once: the table [`read`] checks them against (in this order,
/// which decides which problem is reported first) and a struct with a field per member, so a
/// misspelt member does not compile.
///
/// A member is `field: req Ty`, or `field "jsonName": opt Ty => RustType`: the JSON name is the
/// field's unless given; the field is a [`Member`] type (`&Json` unless given), in an `Option`
/// for `opt` members. The struct also has `at`, the object itself. Fields named `_…` are
/// members that are allowed but not read.
macro_rules! members {
    (
        $(#[$doc:meta])*
        struct $name:ident<$j:lifetime> {
            $($field:ident $($json:literal)?: $need:ident $ty:expr $(=> $rust:ty)?),* $(,)?
        }
    ) => {
        $(#[$doc])*
        struct $name<$j> {
            /// The object itself, for problems about it (not every object has those).
            #[allow(dead_code)]
            at: &$j $crate::json::Json<$j>,
            $($field: $crate::json::schema::members!(@type $need $j $($rust)?),)*
        }

        impl<$j> $name<$j> {
            const TABLE: &'static [$crate::json::schema::Field] =
                &[$($crate::json::schema::$need($crate::json::schema::members!(@name $field $($json)?), $ty)),*];

            fn read(v: &$j $crate::json::Json<$j>) -> $crate::json::schema::Result<Self> {
                let mut slots = [$($crate::json::schema::members!(@none $field)),*];
                $crate::json::schema::read(v, Self::TABLE, &mut slots)?;
                let [$($field),*] = slots;
                Ok($name { at: v, $($field: $crate::json::schema::members!(@take $need $field)),* })
            }
        }
    };
    (@type req $j:lifetime) => { &$j $crate::json::Json<$j> };
    (@type req $j:lifetime $rust:ty) => { $rust };
    (@type opt $j:lifetime) => { Option<&$j $crate::json::Json<$j>> };
    (@type opt $j:lifetime $rust:ty) => { Option<$rust> };
    (@name $field:ident $json:literal) => { $json };
    (@name $field:ident) => { stringify!($field) };
    (@none $field:ident) => { None };
    // Reading leaves no required slot empty; `null` stands in for the impossible.
    (@take req $slot:ident) => {
        $crate::json::schema::Member::take($slot.unwrap_or(&$crate::json::Json::Null))
    };
    (@take opt $slot:ident) => { $slot.map($crate::json::schema::Member::take) };
}
pub(crate) use members;

/// A `Unit` value as its text (`42` → `"42"`).
pub(crate) fn unit_text(v: &Json<'_>) -> String {
    match (v, v.as_integer()) {
        (_, Some(n)) => itoa::Buffer::new().format(n).into(),
        (v, None) => v.as_str().unwrap_or_default().into(),
    }
}

/// The members of an object used as a map (flags, segments), sorted by key, none repeated.
pub(crate) fn map<'j>(v: &'j Json<'j>) -> Result<Vec<(&'j str, &'j Json<'j>)>> {
    let Json::Object(members) = v else {
        return wrong_type(v, "an object");
    };
    // Ties by position: among equal keys the later member comes later, and is the one reported.
    let order = crate::sets::order_by_key(members.len(), &|i| &members[i].0);
    for pair in order.windows(2) {
        let (name, value) = &members[pair[1]];
        if members[pair[0]].0 == *name {
            return fail(K::Duplicate, value, message!("key ", quoted(name), " appears twice"));
        }
    }
    if let Some((name, value)) = order.first().map(|&i| &members[i]) {
        if name.is_empty() {
            return fail(K::InvalidValue, value, message!("keys must not be empty"));
        }
    }
    // The longest key sorts anywhere, so every key is measured (in document order).
    if let Some((name, value)) = members.iter().find(|(name, _)| name.len() > MAX_STRING_BYTES) {
        return too_long(value, "a key", name.len());
    }
    Ok(order.into_iter().map(|i| (&*members[i].0, &members[i].1)).collect())
}

/// The smallest position whose text an earlier position holds: the first repeat a scan in
/// document order meets (by sorting, as everything else here, not a hash set).
pub(crate) fn first_repeat(items: &[&str]) -> Option<usize> {
    let order = crate::sets::order_by_key(items.len(), &|i| items[i]);
    order.windows(2).filter(|p| items[p[0]] == items[p[1]]).map(|p| p[1]).min()
}

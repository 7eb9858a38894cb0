//! Context kinds, as LaunchDarkly's contexts have them (docs/snapshot.md, "Context kinds"): an
//! attribute reference with a `contextKind` reads the context of that kind — the whole context
//! when its `kind` is that kind, the member of that name when its `kind` is `multi`, and a context
//! without `kind` as a user in LaunchDarkly's older user format.

use super::attribute::{member, AttrRef};
use crate::eval::bucketing::SEPARATOR;
use crate::json::pointer::BadPointer;
use crate::json::Json;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;

/// Whether `kind` can name a context kind: ASCII letters, digits, `.`, `_` and `-`, not `kind`
/// (LaunchDarkly's rule; such a name cannot clash with the separator of the stored form).
pub(crate) fn valid_kind(kind: &str) -> bool {
    !kind.is_empty() && kind != "kind" && kind.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// The reference `text` read in the context of kind `kind`.
pub(crate) fn kinded(kind: &str, text: &str) -> Result<AttrRef, BadPointer> {
    let mut full = String::with_capacity(kind.len() + text.len() + 2);
    for part in [SEPARATOR.encode_utf8(&mut [0; 4]), kind, SEPARATOR.encode_utf8(&mut [0; 4]), text] {
        full.push_str(part);
    }
    parse_kinded(&full)
}

/// A reference in its stored form, `␟kind␟reference` (U+001F around the kind), as the compiled
/// form and explanations write it.
pub(crate) fn parse_kinded(full: &str) -> Result<AttrRef, BadPointer> {
    let rest = full.get(1..).ok_or(BadPointer)?;
    let end = rest.find(SEPARATOR).ok_or(BadPointer)?;
    let (kind, text) = (&rest[..end], &rest[end + 1..]);
    if !valid_kind(kind) || text.is_empty() || text.starts_with(SEPARATOR) {
        return Err(BadPointer);
    }
    let mut r = AttrRef::parse(text)?;
    r.text = full.into();
    r.is_key = false;
    r.kind = Some(Box::from(kind));
    Ok(r)
}

static FALSE: Json<'static> = Json::Bool(false);
static TRUE: Json<'static> = Json::Bool(true);
static USER: Json<'static> = Json::String(Cow::Borrowed("user"));

/// `anonymous`, which LaunchDarkly reads as JavaScript's truthiness of the member (absent: false).
fn anonymous<'c>(v: Option<&Json<'_>>) -> &'c Json<'static> {
    let truthy = match v {
        None | Some(Json::Null | Json::Bool(false)) => false,
        Some(Json::Number(n)) => *n != 0.0,
        Some(Json::String(s)) => !s.is_empty(),
        Some(_) => true,
    };
    if truthy {
        &TRUE
    } else {
        &FALSE
    }
}

/// The attribute `attr` of the context of kind `kind` in a context's `members`.
pub(crate) fn lookup<'c, 'a>(
    attr: &AttrRef,
    kind: &str,
    members: &'c [(Cow<'a, str>, Json<'a>)],
) -> Option<&'c Json<'a>> {
    let scope = match member(members, "kind") {
        Some(Json::String(k)) if k == "multi" => match member(members, kind)? {
            Json::Object(inner) => inner,
            _ => return None,
        },
        Some(Json::String(k)) if k == kind => members,
        Some(_) => return None,
        None if kind == "user" => return legacy(attr, members),
        None => return None,
    };
    let (first, rest) = split(attr)?;
    let value = match (member(scope, first), first) {
        // `_meta` holds private-attribute settings, never an attribute.
        (_, "_meta") => return None,
        (v, "anonymous") => anonymous(v),
        (Some(v), _) => v,
        (None, "kind") => member(members, "kind")?,
        (None, _) => return None,
    };
    descend(value, rest)
}

/// A context without `kind`: a user in the older format, read as LaunchDarkly's JavaScript SDKs
/// convert it: the members of `custom`, then `key`, `anonymous` and, when not `null`, `name`,
/// `ip`, `firstName`, `lastName`, `email`, `avatar` and `country` over them; any other top-level
/// member is no attribute.
fn legacy<'c, 'a>(attr: &AttrRef, members: &'c [(Cow<'a, str>, Json<'a>)]) -> Option<&'c Json<'a>> {
    let (first, rest) = split(attr)?;
    let custom = |name: &str| match member(members, "custom") {
        Some(Json::Object(c)) => member(c, name),
        _ => None,
    };
    let top = |name: &str| member(members, name).filter(|v| !matches!(v, Json::Null));
    let value = match first {
        "kind" => &USER,
        "key" => member(members, first)?,
        "anonymous" => anonymous(top("anonymous").or_else(|| custom("anonymous"))),
        "_meta" => return None,
        "name" | "ip" | "firstName" | "lastName" | "email" | "avatar" | "country" => {
            top(first).or_else(|| custom(first))?
        }
        _ => custom(first)?,
    };
    descend(value, rest)
}

/// The first name a reference reads and the names below it.
fn split(attr: &AttrRef) -> Option<(&str, &[String])> {
    match attr.segments() {
        Some(segments) => segments.split_first().map(|(f, r)| (f.as_str(), r)),
        None => {
            let text = attr.text.as_str();
            // The stored form's reference, after `␟kind␟`.
            let at = text.get(1..)?.find(SEPARATOR)? + 2;
            Some((text.get(at..)?, &[]))
        }
    }
}

fn descend<'c, 'a>(mut value: &'c Json<'a>, rest: &[String]) -> Option<&'c Json<'a>> {
    for name in rest {
        match value {
            Json::Object(inner) => value = member(inner, name)?,
            _ => return None,
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(members: &[(&'static str, Json<'static>)]) -> Json<'static> {
        Json::Object(members.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect())
    }

    fn get(kind: &str, text: &str, ctx: &Json<'static>) -> Option<Json<'static>> {
        let Json::Object(members) = ctx else { return None };
        kinded(kind, text).ok().and_then(|a| a.lookup(members).cloned())
    }

    #[test]
    fn reads_the_context_of_its_kind() {
        let single =
            obj(&[("kind", Json::from("org")), ("key", Json::from("o")), ("a", obj(&[("b", Json::from(1.0))]))]);
        assert_eq!(get("org", "key", &single), Some(Json::from("o")));
        assert_eq!(get("org", "/a/b", &single), Some(Json::from(1.0)));
        assert_eq!(get("user", "key", &single), None);
        assert_eq!(get("org", "anonymous", &single), Some(Json::Bool(false)));
        let anon = obj(&[("kind", Json::from("org")), ("key", Json::from("o")), ("anonymous", Json::from("yes"))]);
        assert_eq!(get("org", "anonymous", &anon), Some(Json::Bool(true)));
        let multi =
            obj(&[("kind", Json::from("multi")), ("user", single.clone()), ("org", obj(&[("key", Json::from("x"))]))]);
        assert_eq!(get("org", "key", &multi), Some(Json::from("x")));
        assert!(get("user", "a", &multi).is_some());
        assert_eq!(get("dog", "key", &multi), None);
    }

    #[test]
    fn reads_the_older_user_format() {
        let user = obj(&[
            ("key", Json::from("u")),
            ("email", Json::from("top")),
            ("extra", Json::from(1.0)),
            ("custom", obj(&[("email", Json::from("custom")), ("key", Json::from("no")), ("c", Json::from(2.0))])),
        ]);
        assert_eq!(get("user", "key", &user), Some(Json::from("u")));
        assert_eq!(get("user", "email", &user), Some(Json::from("top")));
        assert_eq!(get("user", "anonymous", &user), Some(Json::Bool(false)));
        assert_eq!(get("user", "c", &user), Some(Json::from(2.0)));
        assert_eq!(get("user", "extra", &user), None);
        assert_eq!(get("user", "kind", &user), Some(Json::from("user")));
        assert_eq!(get("org", "key", &user), None);
    }

    #[test]
    fn kinds_and_stored_forms() {
        assert!(valid_kind("org.a_b-1") && !valid_kind("kind") && !valid_kind("") && !valid_kind("a b"));
        let a = kinded("org", "/a~1b").ok().unwrap();
        assert_eq!(a.text, "\u{1f}org\u{1f}/a~1b");
        assert_eq!(AttrRef::parse(&a.text).ok().map(|b| b.text), Some(a.text.clone()));
        for bad in ["\u{1f}org", "\u{1f}\u{1f}a", "\u{1f}o g\u{1f}a", "\u{1f}org\u{1f}", "\u{1f}org\u{1f}\u{1f}a"] {
            assert!(AttrRef::parse(bad).is_err(), "{bad:?}");
        }
    }
}

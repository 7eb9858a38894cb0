//! JSON Patch (RFC 6902): the operations that turn one value into another, and applying them.
//! A record of each change to a snapshot, as a host keeps one, is the patch from the document
//! before to the document after.

use super::pointer::{push_segment, segments};
use super::value::ByName;
use super::Json;
use crate::error::at_path;
use crate::message::message;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The JSON Patch that turns `from` into `to`: an array of `add`, `remove` and `replace`
/// operations (`{"op": …, "path": …, "value": …}`), `[]` when the two are [`equal`].
///
/// Objects are compared member by member: a member only `from` has is removed, one only `to` has
/// is added, one both have is compared in turn. Arrays are compared index by index over the
/// length they share, then the items `from` has beyond it are removed from the last one down, or
/// those `to` has are added at their indexes in increasing order. Any other difference replaces
/// the value. An object that repeats a name is replaced whole: a pointer names only the first.
/// Paths are JSON Pointers (RFC 6901). Recursion follows the values' nesting, which the parser
/// bounds.
pub fn diff(from: &Json<'_>, to: &Json<'_>) -> Json<'static> {
    let mut ops = Vec::new();
    walk(from, to, &mut String::new(), &mut ops);
    Json::Array(ops)
}

fn walk(from: &Json<'_>, to: &Json<'_>, path: &mut String, ops: &mut Vec<Json<'static>>) {
    let len = path.len();
    match (from, to) {
        (Json::Object(a), Json::Object(b)) => {
            let (by_a, by_b) = (ByName::new(a), ByName::new(b));
            if by_a.repeats(a) || by_b.repeats(b) {
                if !equal(from, to) {
                    ops.push(op("replace", path, Some(to)));
                }
                return;
            }
            for (name, value) in a {
                push_segment(path, name);
                match by_b.find(b, name).first() {
                    Some(&j) => walk(value, &b[j].1, path, ops),
                    None => ops.push(op("remove", path, None)),
                }
                path.truncate(len);
            }
            for (name, value) in b {
                if by_a.find(a, name).is_empty() {
                    push_segment(path, name);
                    ops.push(op("add", path, Some(value)));
                    path.truncate(len);
                }
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            let shared = a.len().min(b.len());
            let at = |path: &mut String, i: usize| {
                path.truncate(len);
                path.push('/');
                path.push_str(itoa::Buffer::new().format(i as u64));
            };
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                at(path, i);
                walk(x, y, path, ops);
            }
            for i in (shared..a.len()).rev() {
                at(path, i);
                ops.push(op("remove", path, None));
            }
            for (i, y) in b.iter().enumerate().skip(shared) {
                at(path, i);
                ops.push(op("add", path, Some(y)));
            }
            path.truncate(len);
        }
        _ if equal(from, to) => {}
        _ => ops.push(op("replace", path, Some(to))),
    }
}

fn op(name: &'static str, path: &str, value: Option<&Json<'_>>) -> Json<'static> {
    let mut members = Vec::with_capacity(3);
    members.push((Cow::Borrowed("op"), Json::String(Cow::Borrowed(name))));
    members.push((Cow::Borrowed("path"), Json::String(Cow::Owned(path.into()))));
    if let Some(v) = value {
        members.push((Cow::Borrowed("value"), v.to_owned_json()));
    }
    Json::Object(members)
}

/// Whether two values are the same JSON value, as RFC 6902's `test` compares them: numbers by
/// value, arrays item by item, objects by their members whatever their order. An object that
/// repeats a name is the same only as one with the same members in the same order.
pub fn equal(a: &Json<'_>, b: &Json<'_>) -> bool {
    match (a, b) {
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q)),
        (Json::Object(x), Json::Object(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let (by_x, by_y) = (ByName::new(x), ByName::new(y));
            if by_x.repeats(x) || by_y.repeats(y) {
                return x.iter().zip(y).all(|((n, p), (m, q))| n == m && equal(p, q));
            }
            // As many members, none repeated, each found in `y`: the same names.
            x.iter().all(|(name, p)| by_y.find(y, name).first().is_some_and(|&j| equal(p, &y[j].1)))
        }
        _ => a == b,
    }
}

/// A patch that cannot be applied: where in the patch (`[2].path`: the third operation's
/// `path`), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchError {
    /// The operation, or its member, at fault (empty for the patch as a whole).
    pub path: String,
    /// What went wrong, for people.
    pub message: String,
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        at_path(f, &self.path, &self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PatchError {}

/// Applies a JSON Patch (RFC 6902) to `target`: `add`, `remove`, `replace`, `move`, `copy` and
/// `test`, in order. A pointer into an object names its first member of that name; into an
/// array, an index written without leading zeros, or `-` (past the end) for `add`. When an
/// operation fails, `target` is left as it was.
pub fn apply(target: &mut Json<'static>, patch: &Json<'_>) -> Result<(), PatchError> {
    let Json::Array(ops) = patch else {
        return Err(PatchError {
            path: String::new(),
            message: message!("a JSON Patch is an array of operations").text(),
        });
    };
    let mut doc = target.clone();
    for (i, op) in ops.iter().enumerate() {
        if let Err((member, message)) = step(&mut doc, op) {
            let mut path = String::from("[");
            path.push_str(itoa::Buffer::new().format(i as u64));
            path.push(']');
            if !member.is_empty() {
                path.push('.');
                path.push_str(member);
            }
            return Err(PatchError { path, message });
        }
    }
    *target = doc;
    Ok(())
}

/// What went wrong in one operation: the member at fault (`""`: the operation) and why.
type Failed = (&'static str, String);

fn step(doc: &mut Json<'static>, op: &Json<'_>) -> Result<(), Failed> {
    if !matches!(op, Json::Object(_)) {
        return Err(("", message!("an operation is an object, not ", op.type_name()).text()));
    }
    let Some(name) = op.get("op").and_then(Json::as_str) else {
        return Err(("op", message!("an operation names its op as a string").text()));
    };
    let path = pointer(op, "path")?;
    let value = || op.get("value").ok_or(("value", message!("a ", name, " operation needs a value").text()));
    let missing = |member: &'static str| (member, message!("nothing at ", quoted(text(op, member))).text());
    match name {
        "add" => add(doc, &path, value()?.to_owned_json()).map_err(|m| ("path", m)),
        "remove" => remove(doc, &path).map(drop).map_err(|m| ("path", m)),
        "replace" => {
            let v = value()?.to_owned_json();
            *find(doc, &path).ok_or_else(|| missing("path"))? = v;
            Ok(())
        }
        "move" => {
            let from = pointer(op, "from")?;
            if path.len() > from.len() && path.starts_with(&from) {
                return Err(("from", message!("a value cannot move into itself").text()));
            }
            let v = remove(doc, &from).map_err(|m| ("from", m))?;
            add(doc, &path, v).map_err(|m| ("path", m))
        }
        "copy" => {
            let from = pointer(op, "from")?;
            let v = find(doc, &from).ok_or_else(|| missing("from"))?.clone();
            add(doc, &path, v).map_err(|m| ("path", m))
        }
        "test" => {
            let expected = value()?;
            match find(doc, &path) {
                Some(found) if equal(found, expected) => Ok(()),
                Some(_) => Err(("value", message!("the value at ", quoted(text(op, "path")), " differs").text())),
                None => Err(missing("path")),
            }
        }
        _ => Err(("op", message!("unknown operation ", quoted(name)).text())),
    }
}

/// A member of an operation as text, for messages.
fn text<'o>(op: &'o Json<'_>, member: &str) -> &'o str {
    op.get(member).and_then(Json::as_str).unwrap_or_default()
}

/// The operation's pointer `member` as its segments (none: the whole document).
fn pointer(op: &Json<'_>, member: &'static str) -> Result<Vec<String>, Failed> {
    match op.get(member).and_then(Json::as_str) {
        Some("") => Ok(Vec::new()),
        Some(p) if p.starts_with('/') => {
            segments(p).map_err(|_| (member, message!("malformed JSON Pointer ", quoted(p)).text()))
        }
        Some(p) => Err((member, message!("a JSON Pointer is empty or starts with /, not ", quoted(p)).text())),
        None => Err((member, message!("an operation needs ", member, " as a string").text())),
    }
}

/// An array index as a pointer writes it: `0`, or digits not starting with `0`.
fn index(segment: &str) -> Option<usize> {
    let digits = segment.as_bytes();
    let plain = !digits.is_empty() && digits.iter().all(u8::is_ascii_digit);
    if !plain || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    segment.parse().ok()
}

/// The value at `path`, if there is one.
fn find<'d>(doc: &'d mut Json<'static>, path: &[String]) -> Option<&'d mut Json<'static>> {
    let mut here = doc;
    for segment in path {
        here = match here {
            Json::Object(_) => here.get_mut(segment)?,
            Json::Array(items) => items.get_mut(index(segment)?)?,
            _ => return None,
        };
    }
    Some(here)
}

/// The parent of `path`'s value and its last segment; `None` for the whole document.
fn parent<'d, 'p>(
    doc: &'d mut Json<'static>,
    path: &'p [String],
) -> Result<Option<(&'d mut Json<'static>, &'p str)>, String> {
    let Some((last, up)) = path.split_last() else { return Ok(None) };
    match find(doc, up) {
        Some(parent) => Ok(Some((parent, last))),
        None => Err(message!("no value holds ", quoted(last)).text()),
    }
}

fn add(doc: &mut Json<'static>, path: &[String], value: Json<'static>) -> Result<(), String> {
    let Some((parent, last)) = parent(doc, path)? else {
        *doc = value;
        return Ok(());
    };
    match parent {
        Json::Object(_) => parent.set(last, value),
        Json::Array(items) => match (last, index(last)) {
            ("-", _) => items.push(value),
            (_, Some(i)) if i <= items.len() => items.insert(i, value),
            _ => return Err(message!("no index ", quoted(last), " to add at").text()),
        },
        other => return Err(message!("cannot add a member to ", other.type_name()).text()),
    }
    Ok(())
}

fn remove(doc: &mut Json<'static>, path: &[String]) -> Result<Json<'static>, String> {
    let Some((parent, last)) = parent(doc, path)? else {
        return Err(message!("the whole document cannot be removed").text());
    };
    let removed = match parent {
        Json::Object(members) => members.iter().position(|(k, _)| k == last).map(|i| members.remove(i).1),
        Json::Array(items) => index(last).filter(|&i| i < items.len()).map(|i| items.remove(i)),
        _ => None,
    };
    removed.ok_or_else(|| message!("nothing at ", quoted(last), " to remove").text())
}

#[cfg(test)]
mod tests {
    use super::{apply, diff, equal};
    use crate::json::Json;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn json(text: &str) -> Json<'static> {
        Json::parse(text).expect("JSON").to_owned_json()
    }

    fn diffed(from: &str, to: &str) -> String {
        diff(&json(from), &json(to)).to_text()
    }

    fn applied(target: &str, patch: &str) -> Result<String, String> {
        let mut t = json(target);
        apply(&mut t, &json(patch)).map(|()| t.to_text()).map_err(|e| alloc::string::ToString::to_string(&e))
    }

    #[test]
    fn operations_as_documented() {
        assert_eq!(diffed(r#"{"a":1}"#, r#"{"a":1}"#), "[]");
        assert_eq!(diffed(r#"{"a":1,"b":2}"#, r#"{"b":2,"a":1}"#), "[]", "member order is no difference");
        assert_eq!(
            diffed(r#"{"a":1,"b":{"c":[1,2,3]},"x":true}"#, r#"{"a":2,"b":{"c":[1,5]},"y":null}"#),
            concat!(
                r#"[{"op":"replace","path":"/a","value":2},{"op":"replace","path":"/b/c/1","value":5},"#,
                r#"{"op":"remove","path":"/b/c/2"},{"op":"remove","path":"/x"},{"op":"add","path":"/y","value":null}]"#
            )
        );
        assert_eq!(
            diffed("[1,2,3,4]", "[1]"),
            r#"[{"op":"remove","path":"/3"},{"op":"remove","path":"/2"},{"op":"remove","path":"/1"}]"#
        );
        assert_eq!(
            diffed("[1]", r#"[1,{"a":1},[]]"#),
            r#"[{"op":"add","path":"/1","value":{"a":1}},{"op":"add","path":"/2","value":[]}]"#
        );
        assert_eq!(diffed("1", "1.0"), "[]");
        assert_eq!(diffed("[]", "{}"), r#"[{"op":"replace","path":"","value":{}}]"#);
        // RFC 6901 escapes: `~` as `~0`, `/` as `~1`.
        assert_eq!(
            diffed(r#"{"a/b":1,"m~n":2}"#, r#"{"a/b":3}"#),
            r#"[{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/m~0n"}]"#
        );
        // A repeated name: the object replaced whole.
        assert_eq!(
            diffed(r#"{"o":{"a":1,"a":2}}"#, r#"{"o":{"a":1}}"#),
            r#"[{"op":"replace","path":"/o","value":{"a":1}}]"#
        );
    }

    #[test]
    fn rfc_6902_appendix_a() {
        // The RFC's examples (A.1–A.16), as target, patch and result, or the failing member.
        let cases: [(&str, &str, Result<&str, &str>); 16] = [
            (r#"{"foo":"bar"}"#, r#"[{"op":"add","path":"/baz","value":"qux"}]"#, Ok(r#"{"foo":"bar","baz":"qux"}"#)),
            (
                r#"{"foo":["bar","baz"]}"#,
                r#"[{"op":"add","path":"/foo/1","value":"qux"}]"#,
                Ok(r#"{"foo":["bar","qux","baz"]}"#),
            ),
            (r#"{"baz":"qux","foo":"bar"}"#, r#"[{"op":"remove","path":"/baz"}]"#, Ok(r#"{"foo":"bar"}"#)),
            (r#"{"foo":["bar","qux","baz"]}"#, r#"[{"op":"remove","path":"/foo/1"}]"#, Ok(r#"{"foo":["bar","baz"]}"#)),
            (
                r#"{"baz":"qux","foo":"bar"}"#,
                r#"[{"op":"replace","path":"/baz","value":"boo"}]"#,
                Ok(r#"{"baz":"boo","foo":"bar"}"#),
            ),
            (
                r#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
                r#"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
                Ok(r#"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
            ),
            (
                r#"{"foo":["all","grass","cows","eat"]}"#,
                r#"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
                Ok(r#"{"foo":["all","cows","eat","grass"]}"#),
            ),
            (
                r#"{"baz":"qux","foo":["a",2,"c"]}"#,
                r#"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
                Ok(r#"{"baz":"qux","foo":["a",2,"c"]}"#),
            ),
            (r#"{"baz":"qux"}"#, r#"[{"op":"test","path":"/baz","value":"bar"}]"#, Err("[0].value")),
            (
                r#"{"foo":"bar"}"#,
                r#"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
                Ok(r#"{"foo":"bar","child":{"grandchild":{}}}"#),
            ),
            (
                r#"{"foo":"bar"}"#,
                r#"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#,
                Ok(r#"{"foo":"bar","baz":"qux"}"#),
            ),
            (r#"{"foo":"bar"}"#, r#"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, Err("[0].path")),
            (r#"{"/":9,"~1":10}"#, r#"[{"op":"test","path":"/~01","value":10}]"#, Ok(r#"{"/":9,"~1":10}"#)),
            (r#"{"/":9,"~1":10}"#, r#"[{"op":"test","path":"/~01","value":"10"}]"#, Err("[0].value")),
            (
                r#"{"foo":["bar"]}"#,
                r#"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
                Ok(r#"{"foo":["bar",["abc","def"]]}"#),
            ),
            (r#"{"foo":null}"#, r#"[{"op":"copy","from":"/foo","path":"/bar"}]"#, Ok(r#"{"foo":null,"bar":null}"#)),
        ];
        for (target, patch, expected) in cases {
            match (applied(target, patch), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{patch}"),
                (Err(got), Err(at)) => assert!(got.starts_with(&alloc::format!("{at}: ")), "{patch}: {got}"),
                (got, _) => panic!("{patch}: {got:?}"),
            }
        }
    }

    #[test]
    fn refusals_leave_the_target_and_say_where() {
        let target = r#"{"a":[1,2],"b":{"c":1}}"#;
        for (patch, at) in [
            (r#"{"op":"add"}"#, ""),
            (r#"[1]"#, "[0]"),
            (r#"[{"path":"/a"}]"#, "[0].op"),
            (r#"[{"op":"add","path":"/z","value":1},{"op":"jump","path":"/a"}]"#, "[1].op"),
            (r#"[{"op":"add","path":"a","value":1}]"#, "[0].path"),
            (r#"[{"op":"add","path":"/~2","value":1}]"#, "[0].path"),
            (r#"[{"op":"add","path":"/z"}]"#, "[0].value"),
            (r#"[{"op":"add","path":"/a/3","value":1}]"#, "[0].path"),
            (r#"[{"op":"add","path":"/a/01","value":1}]"#, "[0].path"),
            (r#"[{"op":"add","path":"/a/99999999999999999999999","value":1}]"#, "[0].path"),
            (r#"[{"op":"add","path":"/b/c/d","value":1}]"#, "[0].path"),
            (r#"[{"op":"remove","path":"/a/2"}]"#, "[0].path"),
            (r#"[{"op":"remove","path":"/a/-"}]"#, "[0].path"),
            (r#"[{"op":"remove","path":""}]"#, "[0].path"),
            (r#"[{"op":"replace","path":"/nope","value":1}]"#, "[0].path"),
            (r#"[{"op":"move","from":"/b","path":"/b/c/x"}]"#, "[0].from"),
            (r#"[{"op":"move","from":"/nope","path":"/x"}]"#, "[0].from"),
            (r#"[{"op":"copy","path":"/x"}]"#, "[0].from"),
            (r#"[{"op":"test","path":"/nope","value":1}]"#, "[0].path"),
        ] {
            let mut t = json(target);
            let e = apply(&mut t, &json(patch)).expect_err(patch);
            assert_eq!(e.path, at, "{patch}: {e}");
            assert!(!e.message.is_empty());
            assert_eq!(t.to_text(), target, "{patch} changed the target");
        }
        // Moving a value onto itself, or the whole document, is allowed.
        assert_eq!(applied(target, r#"[{"op":"move","from":"/b","path":"/b"}]"#).as_deref(), Ok(target));
        assert_eq!(applied(target, r#"[{"op":"replace","path":"","value":[]}]"#).as_deref(), Ok("[]"));
    }

    #[test]
    fn equality_is_json_s() {
        assert!(equal(&json(r#"{"a":[1,{"b":2,"c":3}]}"#), &json(r#"{"a":[1.0,{"c":3,"b":2}]}"#)));
        assert!(!equal(&json(r#"{"a":1}"#), &json(r#"{"a":1,"b":2}"#)));
        assert!(!equal(&json(r#"{"a":1,"b":2}"#), &json(r#"{"a":1,"c":2}"#)));
        assert!(!equal(&json("[1,2]"), &json("[2,1]")));
        assert!(!equal(&json(r#"{"a":1,"a":2}"#), &json(r#"{"a":2,"a":1}"#)));
        assert!(equal(&json(r#"{"a":1,"a":2}"#), &json(r#"{"a":1,"a":2}"#)));
        assert!(!equal(&json("0"), &json("false")));
    }

    /// xorshift64*: a deterministic generator, no dependency.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n
        }
    }

    /// Values from a small alphabet of names and scalars, so that two of them share structure.
    fn generated(rng: &mut Rng, depth: u32) -> Json<'static> {
        match rng.below(if depth == 0 { 5 } else { 7 }) {
            0 => Json::Null,
            1 => Json::Bool(rng.below(2) == 1),
            2 => Json::Number(rng.below(4) as f64),
            3 => Json::from(["a", "b", "~", "/"][rng.below(4) as usize]),
            4 => Json::Number(0.5),
            5 => Json::Array((0..rng.below(4)).map(|_| generated(rng, depth - 1)).collect()),
            _ => {
                let mut members: Vec<(alloc::borrow::Cow<'static, str>, Json<'static>)> = Vec::new();
                for _ in 0..rng.below(5) {
                    let name = ["a", "b", "c", "a/b", "~1", ""][rng.below(6) as usize];
                    let v = generated(rng, depth - 1);
                    if !members.iter().any(|(k, _)| k == name) {
                        members.push((name.into(), v));
                    }
                }
                Json::Object(members)
            }
        }
    }

    #[test]
    fn a_diff_applied_gives_the_target() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut changed = 0;
        for _ in 0..5000 {
            let (from, to) = (generated(&mut rng, 4), generated(&mut rng, 4));
            let patch = diff(&from, &to);
            let mut t = from.clone();
            apply(&mut t, &patch)
                .unwrap_or_else(|e| panic!("{} → {}: {e}\n{}", from.to_text(), to.to_text(), patch.to_text()));
            assert!(equal(&t, &to), "{} → {}: {}", from.to_text(), to.to_text(), t.to_text());
            assert_eq!(patch == Json::Array(Vec::new()), equal(&from, &to));
            changed += usize::from(patch != Json::Array(Vec::new()));
        }
        assert!(changed > 2500, "{changed}");
    }
}

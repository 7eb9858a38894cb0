//! Paths into a snapshot, for error messages: `flags.checkout.rules[2].clauses[0].op`.
//!
//! The loader reports a problem by the value it is about; the path is found here, by searching
//! the document for that value, only when an error is reported. Valid snapshots pay nothing.

use crate::json::Json;
use crate::quote::write_quoted;
use alloc::string::String;

/// Appends to `out` the path from `v` to the value at address `at`; false (with `out` as it
/// was) when that value is not in `v`. Depth is bounded by the parser's nesting limit.
pub(crate) fn find(v: &Json<'_>, at: usize, out: &mut String) -> bool {
    if v as *const Json<'_> as usize == at {
        return true;
    }
    let len = out.len();
    match v {
        Json::Object(members) => {
            for (name, member) in members {
                push_key(out, name);
                if find(member, at, out) {
                    return true;
                }
                out.truncate(len);
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                out.push('[');
                out.push_str(itoa::Buffer::new().format(i as i64));
                out.push(']');
                if find(item, at, out) {
                    return true;
                }
                out.truncate(len);
            }
        }
        _ => {}
    }
    false
}

/// Appends a member name: `.name`, or `["name"]` when it is not plain.
pub(crate) fn push_key(out: &mut String, name: &str) {
    if is_plain(name) {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    } else {
        out.push('[');
        write_quoted(out, name);
        out.push(']');
    }
}

/// Keys written as `.name`: ASCII letters, digits, `_` and `-`, not starting with a digit.
fn is_plain(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::find;
    use crate::json::Json;
    use alloc::string::String;

    fn path_to(root: &Json<'_>, target: &Json<'_>) -> Option<String> {
        let mut out = String::new();
        find(root, target as *const Json<'_> as usize, &mut out).then_some(out)
    }

    #[test]
    fn renders_the_documented_form() {
        let doc = Json::parse(r#"{"flags":{"checkout":{"rules":[{},{},{"op":"x"}]},"🚀 launch":{"on":1},"1st":2}}"#)
            .unwrap_or(Json::Null);
        let flags = doc.get("flags").unwrap_or(&Json::Null);
        let rules = flags.get("checkout").and_then(|f| f.get("rules"));
        let Some(Json::Array(rules)) = rules else { panic!("rules") };
        let op = rules[2].get("op").unwrap_or(&Json::Null);
        assert_eq!(path_to(&doc, op).as_deref(), Some("flags.checkout.rules[2].op"));
        let on = flags.get("🚀 launch").and_then(|f| f.get("on")).unwrap_or(&Json::Null);
        assert_eq!(path_to(&doc, on).as_deref(), Some("flags[\"🚀 launch\"].on"));
        assert_eq!(path_to(&doc, flags.get("1st").unwrap_or(&Json::Null)).as_deref(), Some("flags[\"1st\"]"));
        assert_eq!(path_to(&doc, &doc).as_deref(), Some(""));
        assert_eq!(path_to(&doc, &Json::Null), None);
    }
}

//! JSON Merge Patch (RFC 7396): a document shaped like the one it changes, giving the members to
//! set and, as `null`, those to remove. How an operator's change to one flag is written.

use super::value::ByName;
use super::Json;
use alloc::borrow::Cow;
use alloc::vec;
use alloc::vec::Vec;

/// Applies `patch` to `target` as RFC 7396 says: a patch that is not an object replaces the
/// target; an object patch makes a target that is not an object `{}`, then removes the members
/// it sets to `null` and merges each other member into the target's member of that name (a
/// new member is merged into nothing, so `null`s inside it are dropped too).
///
/// Members keep their document order: a member set is changed where it stands (the first of
/// that name, when the target repeats one), a new member goes at the end, and `null` removes
/// every member of that name. A patch that repeats a name applies each in turn. Recursion
/// follows the patch's nesting, which the parser bounds.
pub fn merge_patch(target: &mut Json<'static>, patch: &Json<'_>) {
    let Json::Object(changes) = patch else {
        *target = patch.to_owned_json();
        return;
    };
    if !matches!(target, Json::Object(_)) {
        *target = Json::Object(Vec::new());
    }
    let Json::Object(members) = target else { return };
    // Looked up by name, not scanned: a patch of a whole snapshot's flags meets thousands.
    let index = ByName::new(members);
    let known = members.len();
    // Each patch member's name by its first patch member, and where that name now stands.
    let names = ByName::new(changes);
    let mut lead = vec![0; changes.len()];
    let order = names.order();
    for (k, &i) in order.iter().enumerate() {
        lead[i] = match k.checked_sub(1).map(|p| order[p]) {
            Some(before) if changes[before].0 == changes[i].0 => lead[before],
            _ => i,
        };
    }
    let mut at: Vec<Slot> = vec![Slot::Unseen; changes.len()];
    let mut keep = vec![true; known];
    for (j, (name, change)) in changes.iter().enumerate() {
        let slot = at[lead[j]];
        let here = match slot {
            Slot::Unseen => index.find(members, name).first().copied(),
            Slot::At(p) => Some(p),
            Slot::Gone => None,
        };
        if let Json::Null = change {
            for &p in index.find(members, name) {
                keep[p] = false;
            }
            if let Some(p) = here {
                keep[p] = false;
            }
            at[lead[j]] = Slot::Gone;
            continue;
        }
        let p = match here {
            Some(p) => {
                merge_patch(&mut members[p].1, change);
                p
            }
            None => {
                let mut value = Json::Null;
                merge_patch(&mut value, change);
                members.push((Cow::Owned((**name).into()), value));
                keep.push(true);
                members.len() - 1
            }
        };
        at[lead[j]] = Slot::At(p);
    }
    if keep.contains(&false) {
        let mut kept = keep.into_iter();
        members.retain(|_| kept.next().unwrap_or(true));
    }
}

/// Where a name the patch sets stands in the target.
#[derive(Clone, Copy)]
enum Slot {
    /// Not yet set by the patch: wherever the target has it, if it does.
    Unseen,
    At(usize),
    /// Removed by the patch.
    Gone,
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use crate::json::Json;

    fn merged(target: &str, patch: &str) -> alloc::string::String {
        let mut t = Json::parse(target).expect("target").to_owned_json();
        merge_patch(&mut t, &Json::parse(patch).expect("patch"));
        t.to_text()
    }

    #[test]
    fn rfc_7396_appendix_a() {
        // Every example of the RFC's Appendix A: original, patch, result.
        let cases = [
            (r#"{"a":"b"}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
            (r#"{"a":"b"}"#, r#"{"b":"c"}"#, r#"{"a":"b","b":"c"}"#),
            (r#"{"a":"b"}"#, r#"{"a":null}"#, r#"{}"#),
            (r#"{"a":"b","b":"c"}"#, r#"{"a":null}"#, r#"{"b":"c"}"#),
            (r#"{"a":["b"]}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
            (r#"{"a":"c"}"#, r#"{"a":["b"]}"#, r#"{"a":["b"]}"#),
            (r#"{"a":{"b":"c"}}"#, r#"{"a":{"b":"d","c":null}}"#, r#"{"a":{"b":"d"}}"#),
            (r#"{"a":[{"b":"c"}]}"#, r#"{"a":[1]}"#, r#"{"a":[1]}"#),
            (r#"["a","b"]"#, r#"["c","d"]"#, r#"["c","d"]"#),
            (r#"{"a":"b"}"#, r#"["c"]"#, r#"["c"]"#),
            (r#"{"a":"foo"}"#, r#"null"#, r#"null"#),
            (r#"{"a":"foo"}"#, r#""bar""#, r#""bar""#),
            (r#"{"e":null}"#, r#"{"a":1}"#, r#"{"e":null,"a":1}"#),
            (r#"[1,2]"#, r#"{"a":"b","c":null}"#, r#"{"a":"b"}"#),
            (r#"{}"#, r#"{"a":{"bb":{"ccc":null}}}"#, r#"{"a":{"bb":{}}}"#),
        ];
        for (target, patch, result) in cases {
            assert_eq!(merged(target, patch), result, "{target} + {patch}");
        }
    }

    #[test]
    fn the_rfc_s_worked_example() {
        // RFC 7396 §3.
        let target = r#"{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},
            "tags":["example","sample"],"content":"This will be unchanged"}"#;
        let patch =
            r#"{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}"#;
        assert_eq!(
            merged(target, patch),
            r#"{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}"#
        );
    }

    #[test]
    fn keeps_order_and_repeated_names() {
        // The first member of a name is the one changed; null removes every one of them.
        assert_eq!(merged(r#"{"b":1,"a":2,"b":3}"#, r#"{"b":4,"c":5}"#), r#"{"b":4,"a":2,"b":3,"c":5}"#);
        assert_eq!(merged(r#"{"b":1,"a":2,"b":3}"#, r#"{"b":null}"#), r#"{"a":2}"#);
        // A patch that repeats a name applies each in turn.
        assert_eq!(merged(r#"{"a":{"x":1}}"#, r#"{"a":{"y":2},"a":{"x":null}}"#), r#"{"a":{"y":2}}"#);
        assert_eq!(merged(r#"{"a":1,"z":0}"#, r#"{"a":null,"a":{"n":null,"m":1}}"#), r#"{"z":0,"a":{"m":1}}"#);
        assert_eq!(merged(r#"{}"#, r#"{"n":1,"n":null,"n":2}"#), r#"{"n":2}"#);
    }

    #[test]
    fn many_members_are_found_by_name() {
        let mut text = alloc::string::String::from("{");
        for i in 0..5000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&alloc::format!("\"f{i}\":{i}"));
        }
        text.push('}');
        let mut t = Json::parse(&text).expect("target").to_owned_json();
        merge_patch(&mut t, &Json::parse(r#"{"f4999":null,"f17":{"on":true},"new":1}"#).expect("patch"));
        let Json::Object(members) = &t else { panic!("an object") };
        assert_eq!(members.len(), 5000);
        assert_eq!(t.get("f17").map(Json::to_text).as_deref(), Some(r#"{"on":true}"#));
        assert_eq!(members.last().map(|m| &*m.0), Some("new"));
        assert!(t.get("f4999").is_none());
    }

    #[test]
    fn merging_is_idempotent() {
        let target = r#"{"a":{"b":[1,{"c":null}],"d":{"e":1}},"f":null}"#;
        let patch = r#"{"a":{"d":{"e":null,"g":{"h":null,"i":2}},"b":null},"f":null,"j":[null]}"#;
        let once = merged(target, patch);
        assert_eq!(merged(&once, patch), once);
        assert_eq!(once, r#"{"a":{"d":{"g":{"i":2}}},"j":[null]}"#);
    }
}

//! Whole flags: adding one, changing one with a merge patch, its kill switch, archiving one.

use super::{flag_path, invalid, item, member, Document, EditError, EditErrorKind};
use crate::json::merge_patch::merge_patch;
use crate::json::path;
use crate::json::Json;
use crate::message::message;
use crate::quote::write_quoted;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

impl Document {
    /// Applies `patch` to `flags.KEY` as an RFC 7396 merge patch ([`merge_patch`]): members to
    /// set, `null` for those to remove. The patch must be an object naming no member twice (at
    /// any depth: which of two would count is not something to guess), and the flag must exist.
    pub fn patch_flag(&mut self, key: &str, patch: &Json<'_>) -> Result<(), EditError> {
        let at = flag_path(key);
        if !matches!(patch, Json::Object(_)) {
            return Err(invalid(at, message!("a flag's patch is a JSON object, not ", patch.type_name())));
        }
        if let Some((name, value)) = patch.repeated_member() {
            // The repeat's path within the patch is its path within the flag.
            let mut where_ = String::new();
            path::find(patch, value as *const Json<'_> as usize, &mut where_);
            let mut at = at;
            if !where_.is_empty() && !where_.starts_with('[') {
                at.push('.');
            }
            at.push_str(&where_);
            return Err(invalid(at, message!("the patch names ", quoted(name), " twice")));
        }
        merge_patch(self.flag_mut(key)?, patch);
        Ok(())
    }

    /// Turns `flags.KEY` on or off: `false` is the kill switch, serving `offVariation` to all.
    pub fn set_on(&mut self, key: &str, on: bool) -> Result<(), EditError> {
        self.flag_mut(key)?.set("on", Json::Bool(on));
        Ok(())
    }

    /// Adds `flag` as `flags.KEY` (at the end of `flags`, which is created when the document
    /// has none). Refused when the key is taken ([`EditErrorKind::Exists`]), empty, or the
    /// document or its `flags` is not an object; the flag itself is checked when the document
    /// is finished.
    pub fn create_flag(&mut self, key: &str, flag: Json<'static>) -> Result<(), EditError> {
        if key.is_empty() {
            return Err(invalid(String::from("flags"), message!("a flag's key must not be empty")));
        }
        if !matches!(flag, Json::Object(_)) {
            return Err(invalid(flag_path(key), message!("a flag is a JSON object, not ", flag.type_name())));
        }
        let Json::Object(top) = &mut self.json else {
            return Err(invalid(String::new(), message!("a snapshot is a JSON object, not ", self.json.type_name())));
        };
        if !top.iter().any(|(name, _)| name == "flags") {
            top.push((Cow::Borrowed("flags"), Json::Object(Vec::new())));
        }
        let Some(Json::Object(flags)) = self.json.get_mut("flags") else {
            return Err(invalid(String::from("flags"), message!("flags is not a JSON object")));
        };
        if flags.iter().any(|(name, _)| name == key) {
            return Err(EditError::new(
                EditErrorKind::Exists,
                flag_path(key),
                message!("flag ", quoted(key), " exists"),
            ));
        }
        flags.push((Cow::Owned(key.into()), flag));
        Ok(())
    }

    /// Removes `flags.KEY` and gives back its document. Refused ([`EditErrorKind::Required`])
    /// while other flags name it as a prerequisite (theirs, or a rule's): the error is at the
    /// first such prerequisite and lists every flag that names it in `required_by`.
    pub fn archive_flag(&mut self, key: &str) -> Result<Json<'static>, EditError> {
        self.flag_mut(key)?;
        let (first, required_by) = self.dependents(key);
        if let Some(at) = first {
            let mut message = String::from("flag ");
            write_quoted(&mut message, key);
            message.push_str(" is a prerequisite of ");
            for (i, dependent) in required_by.iter().enumerate() {
                if i > 0 {
                    message.push_str(", ");
                }
                write_quoted(&mut message, dependent);
            }
            return Err(EditError { kind: EditErrorKind::Required, path: at, message, required_by });
        }
        let Some(Json::Object(flags)) = self.json.get_mut("flags") else {
            return Err(invalid(String::from("flags"), message!("flags is not a JSON object")));
        };
        match flags.iter().position(|(name, _)| name == key) {
            Some(i) => Ok(flags.remove(i).1),
            None => Err(EditError::new(EditErrorKind::NotFound, flag_path(key), message!("no flag ", quoted(key)))),
        }
    }

    /// The path of the first prerequisite naming `key` (a flag's own, then its rules', flags
    /// in document order), and the keys of every other flag naming it.
    fn dependents(&self, key: &str) -> (Option<String>, Vec<String>) {
        let (mut first, mut by) = (None, Vec::new());
        let Some(Json::Object(flags)) = self.json.get("flags") else { return (first, by) };
        for (name, flag) in flags.iter().filter(|(name, _)| name != key) {
            let at = flag_path(name);
            let mut lists: Vec<(String, &Json<'_>)> = Vec::new();
            if let Some(list) = flag.get("prerequisites") {
                lists.push((member(&at, "prerequisites"), list));
            }
            if let Some(Json::Array(rules)) = flag.get("rules") {
                for (r, rule) in rules.iter().enumerate() {
                    if let Some(list) = rule.get("prerequisites") {
                        lists.push((member(&item(&member(&at, "rules"), r), "prerequisites"), list));
                    }
                }
            }
            let named = lists.iter().find_map(|(path, list)| match list {
                Json::Array(items) => items
                    .iter()
                    .position(|p| p.get("flag").and_then(Json::as_str) == Some(key))
                    .map(|i| member(&item(path, i), "flag")),
                _ => None,
            });
            if let Some(path) = named {
                first.get_or_insert(path);
                by.push(String::from(&**name));
            }
        }
        (first, by)
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::fixtures::{example, NOW};
    use crate::edit::{Document, EditErrorKind};
    use crate::json::Json;
    use crate::Context;

    fn json(text: &str) -> Json<'static> {
        Json::parse(text).expect("JSON").to_owned_json()
    }

    #[test]
    fn the_kill_switch() {
        let mut doc = example();
        doc.set_on("ai_search", false).expect("a flag");
        let (_, s) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        let e = s.evaluate("ai_search", &Context::with_key("u-ops-1"), NOW, None);
        assert_eq!((e.reason, e.variation.map(|v| v.1)), (crate::Reason::Disabled, Some("off")));
        let e = doc.set_on("nope", false).expect_err("no flag");
        assert_eq!(
            (e.kind, e.path.as_str(), e.message.as_str()),
            (EditErrorKind::NotFound, "flags.nope", r#"no flag "nope""#)
        );
    }

    #[test]
    fn a_merge_patch_changes_one_flag() {
        let mut doc = example();
        let patch = json(r#"{"metadata": {"owner": "team-x", "tags": null}, "clientVisible": false}"#);
        doc.patch_flag("new_editor", &patch).expect("patched");
        let flag = doc.flag("new_editor").expect("the flag");
        assert_eq!(flag.get("clientVisible"), Some(&Json::Bool(false)));
        let metadata = flag.get("metadata").expect("metadata");
        assert_eq!(metadata.get("owner").and_then(Json::as_str), Some("team-x"));
        assert!(metadata.get("tags").is_none() && metadata.get("expiresAt").is_some());
        doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");

        let e = doc.patch_flag("new_editor", &json("[]")).expect_err("not an object");
        assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, "flags.new_editor"));
        let e = doc.patch_flag("nope", &json("{}")).expect_err("no flag");
        assert_eq!(e.kind, EditErrorKind::NotFound);
        let e = doc.patch_flag("new_editor", &json(r#"{"metadata": {"tags": [], "tags": null}}"#)).expect_err("twice");
        assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, "flags.new_editor.metadata.tags"));
        assert_eq!(e.message, r#"the patch names "tags" twice"#);
    }

    #[test]
    fn creating_a_flag() {
        let mut doc = example();
        let flag =
            json(r#"{"on": true, "variations": [{"name": "v", "value": 1}], "fallthrough": {"variation": "v"}}"#);
        doc.create_flag("limit", flag.clone()).expect("new");
        let e = doc.create_flag("limit", flag.clone()).expect_err("taken");
        assert_eq!((e.kind, e.kind.code(), e.path.as_str()), (EditErrorKind::Exists, "flag_exists", "flags.limit"));
        assert_eq!(doc.create_flag("", flag.clone()).map_err(|e| e.kind), Err(EditErrorKind::Invalid));
        assert_eq!(doc.create_flag("n", Json::Null).map_err(|e| e.path), Err("flags.n".into()));
        let (_, s) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        let e = s.evaluate("limit", &Context::with_key("u"), NOW, None);
        assert_eq!(e.value, Some(&Json::Number(1.0)));

        // A document without flags gets them; one whose flags is not an object does not.
        let mut bare = Document::parse(r#"{"version": 1, "generatedAt": "2026-01-01"}"#).expect("JSON");
        bare.create_flag("limit", flag.clone()).expect("flags made");
        bare.finish(2, "2026-01-02").expect("loads");
        let mut odd = Document::parse(r#"{"flags": []}"#).expect("JSON");
        assert_eq!(odd.create_flag("limit", flag).map_err(|e| e.path), Err("flags".into()));
    }

    #[test]
    fn archiving_waits_for_the_flags_that_require_it() {
        let mut doc = example();
        let e = doc.archive_flag("sentiment_analysis").expect_err("required");
        assert_eq!((e.kind, e.kind.code()), (EditErrorKind::Required, "flag_required"));
        assert_eq!(e.path, "flags.response_suggestions.prerequisites[0].flag");
        assert_eq!(e.required_by, ["response_suggestions", "auto_escalation"]);
        assert_eq!(
            e.message,
            r#"flag "sentiment_analysis" is a prerequisite of "response_suggestions", "auto_escalation""#
        );
        for dependent in ["response_suggestions", "auto_escalation"] {
            let archived = doc.archive_flag(dependent).expect("nothing requires it");
            assert!(archived.get("prerequisites").is_some());
        }
        doc.archive_flag("sentiment_analysis").expect("no longer required");
        assert!(doc.flag("sentiment_analysis").is_none());
        assert_eq!(doc.archive_flag("sentiment_analysis").map_err(|e| e.kind), Err(EditErrorKind::NotFound));
        let (_, s) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        assert_eq!(s.flags().len(), 7);
    }

    #[test]
    fn a_rule_s_prerequisites_count_too() {
        let mut doc = Document::parse(
            r#"{"flags": {"a": {"rules": [{"id": "r"}, {"id": "s", "prerequisites": [{"flag": "x"}, {"flag": "b"}]}]},
                          "b": {}}}"#,
        )
        .expect("JSON");
        let e = doc.archive_flag("b").expect_err("required");
        assert_eq!(
            (e.path.as_str(), e.required_by.as_slice()),
            ("flags.a.rules[1].prerequisites[1].flag", &["a".into()][..])
        );
    }
}

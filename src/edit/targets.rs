//! Lists of units: a flag's targets (who is served a variation by name) and a segment's
//! `included` and `excluded` lists. Values are units as the loader reads them: non-empty strings
//! or integers, an integer and its decimal text being the same unit.

use super::{flag_path, invalid, item, member, resolve, variation_names, Document, EditError, EditErrorKind};
use crate::json::schema::unit_text;
use crate::json::Json;
use crate::message::message;
use crate::quote::write_quoted;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// How many values an edit of a list added and removed (values already there, or not there, are
/// not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListChange {
    /// Values added.
    pub added: usize,
    /// Values removed.
    pub removed: usize,
}

/// One of a segment's two lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentList {
    /// `included`: in the segment, whatever its rules say.
    Included,
    /// `excluded`: not in it, unless included.
    Excluded,
}

impl SegmentList {
    fn name(self) -> &'static str {
        match self {
            SegmentList::Included => "included",
            SegmentList::Excluded => "excluded",
        }
    }

    fn other(self) -> SegmentList {
        match self {
            SegmentList::Included => SegmentList::Excluded,
            SegmentList::Excluded => SegmentList::Included,
        }
    }
}

impl Document {
    /// Removes `remove`, then adds `add`, in `flags.KEY`'s target serving `variation` to units of
    /// `attribute` (`None`: `key`). The target is the flag's first of that variation and
    /// attribute (with no `contextKind`); adding to one the flag lacks creates it at the end of
    /// `targets`, and a target left with no values and no hashes is dropped (and `targets` with
    /// it when it is left empty). A value another target of the same attribute lists is refused
    /// ([`EditErrorKind::Invalid`], at that value): a unit is listed once per attribute.
    pub fn edit_targets(
        &mut self,
        key: &str,
        variation: &str,
        attribute: Option<&str>,
        add: &[Json<'_>],
        remove: &[Json<'_>],
    ) -> Result<ListChange, EditError> {
        let at = member(&flag_path(key), "targets");
        let flag = self.flag_mut(key)?;
        let names = variation_names(flag);
        let Some(serves) = names.iter().position(|n| n.as_deref() == Some(variation)) else {
            let m = message!("no variation ", quoted(variation), " in flag ", quoted(key));
            return Err(invalid(member(&flag_path(key), "variations"), m));
        };
        let (add, remove) = (units(add, &at)?, units(remove, &at)?);
        let attribute = attribute.unwrap_or("key");
        if flag.get("targets").is_none() && !add.is_empty() {
            flag.set("targets", Json::Array(Vec::new()));
        }
        let targets = match flag.get_mut("targets") {
            Some(Json::Array(targets)) => targets,
            None => return Ok(ListChange::default()),
            Some(_) => return Err(invalid(at, message!("targets is not an array"))),
        };
        // Targets of the same units: the same attribute, no context kind.
        let same = |t: &Json<'_>| {
            t.get("contextKind").is_none() && t.get("attribute").and_then(Json::as_str).unwrap_or("key") == attribute
        };
        let ours =
            targets.iter().position(|t| same(t) && t.get("variation").and_then(|r| resolve(r, &names)) == Some(serves));
        for (unit, _) in &add {
            let held = targets.iter().enumerate().filter(|&(t, target)| Some(t) != ours && same(target)).find_map(
                |(t, target)| {
                    let Some(Json::Array(values)) = target.get("values") else { return None };
                    values.iter().position(|v| unit_of(v).as_deref() == Some(&**unit)).map(|i| (t, i))
                },
            );
            if let Some((t, i)) = held {
                let mut m = String::new();
                write_quoted(&mut m, unit);
                m.push_str(" is already targeted by ");
                m.push_str(&item(&at, t));
                let other = targets[t].get("variation").and_then(|r| resolve(r, &names)).and_then(|v| names[v].clone());
                if let Some(other) = other {
                    m.push_str(", which serves ");
                    write_quoted(&mut m, &other);
                }
                let path = item(&member(&item(&at, t), "values"), i);
                return Err(EditError { kind: EditErrorKind::Invalid, path, message: m, required_by: Vec::new() });
            }
        }

        let ours = match ours {
            Some(t) => t,
            None if add.is_empty() => return Ok(ListChange::default()),
            None => {
                let mut target = vec![(Cow::Borrowed("variation"), Json::from(String::from(variation)))];
                if attribute != "key" {
                    target.push((Cow::Borrowed("attribute"), Json::from(String::from(attribute))));
                }
                target.push((Cow::Borrowed("values"), Json::Array(Vec::new())));
                targets.push(Json::Object(target));
                targets.len() - 1
            }
        };
        let target = &mut targets[ours];
        if target.get("values").is_none() {
            target.set("values", Json::Array(Vec::new()));
        }
        let change = edit_list(target, "values", &add, &remove, &item(&at, ours))?;
        let hashed = matches!(target.get("hashes"), Some(Json::Array(h)) if !h.is_empty());
        if matches!(target.get("values"), Some(Json::Array(v)) if v.is_empty()) {
            if hashed {
                drop_member(target, "values");
            } else {
                targets.remove(ours);
            }
        }
        if targets.is_empty() {
            drop_member(flag, "targets");
        }
        Ok(change)
    }

    /// Removes `remove`, then adds `add`, in `segments.SEGMENT.included` or `.excluded` (made
    /// when missing, dropped when left empty). A value the other list holds is refused
    /// ([`EditErrorKind::Invalid`], at it): a unit may not be both included and excluded.
    pub fn edit_segment(
        &mut self,
        segment: &str,
        list: SegmentList,
        add: &[Json<'_>],
        remove: &[Json<'_>],
    ) -> Result<ListChange, EditError> {
        let mut at = String::from("segments");
        crate::json::path::push_key(&mut at, segment);
        let found = self.json.get_mut("segments").and_then(|s| s.get_mut(segment));
        let doc = match found {
            Some(doc @ Json::Object(_)) => doc,
            Some(other) => return Err(invalid(at, message!("a segment is a JSON object, not ", other.type_name()))),
            None => {
                let m = message!("no segment ", quoted(segment));
                return Err(EditError::new(EditErrorKind::SegmentNotFound, at, m));
            }
        };
        let path = member(&at, list.name());
        let (add, remove) = (units(add, &path)?, units(remove, &path)?);
        let other = list.other().name();
        if let Some(Json::Array(values)) = doc.get(other) {
            for (unit, _) in &add {
                if let Some(i) = values.iter().position(|v| unit_of(v).as_deref() == Some(&**unit)) {
                    let m = message!(quoted(unit), " is already ", other, ": a unit is included or excluded, not both");
                    return Err(invalid(item(&member(&at, other), i), m));
                }
            }
        }
        match doc.get(list.name()) {
            None if add.is_empty() => return Ok(ListChange::default()),
            None => doc.set(list.name(), Json::Array(Vec::new())),
            Some(_) => {}
        }
        let change = edit_list(doc, list.name(), &add, &remove, &at)?;
        if matches!(doc.get(list.name()), Some(Json::Array(v)) if v.is_empty()) {
            drop_member(doc, list.name());
        }
        Ok(change)
    }
}

/// Removes an object's member `name`.
fn drop_member(object: &mut Json<'_>, name: &str) {
    if let Json::Object(members) = object {
        members.retain(|(n, _)| n != name);
    }
}

/// Values with their units, or the error for the first that is no unit.
fn units<'v, 'j>(values: &'v [Json<'j>], at: &str) -> Result<Vec<Unit<'v, 'j>>, EditError> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match unit_of(v) {
            Some(unit) => out.push((unit, v)),
            None => {
                let text = v.to_text();
                let m = message!("a listed value is a non-empty string or an integer, not ", &text);
                return Err(invalid(String::from(at), m));
            }
        }
    }
    Ok(out)
}

/// A value to list, with its unit.
type Unit<'v, 'j> = (Cow<'v, str>, &'v Json<'j>);

/// A listed value's unit: a non-empty string, or an integer's decimal text.
fn unit_of<'v>(v: &'v Json<'_>) -> Option<Cow<'v, str>> {
    match v {
        Json::String(s) if !s.is_empty() => Some(Cow::Borrowed(&**s)),
        Json::Number(_) => v.as_integer().map(|_| Cow::Owned(unit_text(v))),
        _ => None,
    }
}

/// Removes `remove` from, then appends `add` to, the array `name` of `holder` (values already
/// there are not added twice); `at` is the holder's path.
fn edit_list(
    holder: &mut Json<'static>,
    name: &str,
    add: &[Unit<'_, '_>],
    remove: &[Unit<'_, '_>],
    at: &str,
) -> Result<ListChange, EditError> {
    let Some(Json::Array(values)) = holder.get_mut(name) else {
        return Err(invalid(member(at, name), message!(name, " is not an array")));
    };
    let before = values.len();
    values.retain(|v| !unit_of(v).is_some_and(|u| remove.iter().any(|(r, _)| *r == u)));
    let removed = before - values.len();
    let mut added = 0;
    for (unit, value) in add {
        if !values.iter().any(|v| unit_of(v).as_deref() == Some(&**unit)) {
            values.push(value.to_owned_json());
            added += 1;
        }
    }
    Ok(ListChange { added, removed })
}

#[cfg(test)]
mod tests {
    use super::{ListChange, SegmentList};
    use crate::edit::fixtures::{example, NOW};
    use crate::edit::{Document, EditErrorKind};
    use crate::json::Json;
    use crate::Context;

    fn values(list: &[&str]) -> alloc::vec::Vec<Json<'static>> {
        list.iter().map(|v| Json::parse(v).expect("JSON").to_owned_json()).collect()
    }

    fn targets(doc: &Document, flag: &str) -> alloc::string::String {
        doc.flag(flag).and_then(|f| f.get("targets")).map(Json::to_text).unwrap_or_default()
    }

    #[test]
    fn adding_and_removing_target_values() {
        let mut doc = example();
        let change = doc
            .edit_targets(
                "retry_logic",
                "on",
                None,
                &values(&[r#""qa-9""#, "42", r#""test-user-1""#]),
                &values(&[r#""test-user-2""#]),
            )
            .expect("edited");
        assert_eq!(change, ListChange { added: 2, removed: 1 });
        assert_eq!(
            targets(&doc, "retry_logic"),
            r#"[{"variation":"on","values":["test-user-1","qa-9",42]},{"variation":"off","values":["disabled-user-1"]}]"#
        );
        // 42 and "42" are the same unit.
        let change = doc.edit_targets("retry_logic", "on", None, &values(&[r#""42""#]), &[]).expect("edited");
        assert_eq!(change, ListChange::default());
        // A target emptied is dropped; `targets` with it when none is left.
        doc.edit_targets("retry_logic", "off", None, &[], &values(&[r#""disabled-user-1""#])).expect("edited");
        assert!(!targets(&doc, "retry_logic").contains("off"));
        doc.edit_targets("retry_logic", "on", None, &[], &values(&[r#""test-user-1""#, r#""qa-9""#, "42"]))
            .expect("edited");
        assert!(doc.flag("retry_logic").and_then(|f| f.get("targets")).is_none());
        doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
    }

    #[test]
    fn a_missing_target_is_created() {
        let mut doc = example();
        let change =
            doc.edit_targets("ai_search", "on", Some("accountId"), &values(&[r#""acme""#, "7"]), &[]).expect("made");
        assert_eq!(change.added, 2);
        assert_eq!(targets(&doc, "ai_search"), r#"[{"variation":"on","attribute":"accountId","values":["acme",7]}]"#);
        let (_, s) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        let ctx = Context::with_key("nobody").with("accountId", Json::Number(7.0));
        let e = s.evaluate("ai_search", &ctx, NOW, None);
        assert_eq!((e.reason, e.variation.map(|v| v.1)), (crate::Reason::TargetingMatch, Some("on")));
        // Removing from a target the flag does not have changes nothing.
        let change = doc.edit_targets("ai_search", "off", None, &[], &values(&[r#""x""#])).expect("nothing");
        assert_eq!(change, ListChange::default());
    }

    #[test]
    fn a_unit_is_listed_once_per_attribute() {
        let mut doc = example();
        let e =
            doc.edit_targets("retry_logic", "on", None, &values(&[r#""disabled-user-1""#]), &[]).expect_err("twice");
        assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, "flags.retry_logic.targets[1].values[0]"));
        assert_eq!(
            e.message,
            r#""disabled-user-1" is already targeted by flags.retry_logic.targets[1], which serves "off""#
        );
        // Another attribute is another list.
        doc.edit_targets("retry_logic", "on", Some("email"), &values(&[r#""disabled-user-1""#]), &[]).expect("another");
        for bad in ["null", r#""""#, "1.5", "[]", "true"] {
            let e = doc.edit_targets("retry_logic", "on", None, &values(&[bad]), &[]).expect_err(bad);
            assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, "flags.retry_logic.targets"), "{bad}");
        }
        let e = doc.edit_targets("retry_logic", "maybe", None, &[], &[]).expect_err("no variation");
        assert_eq!(e.path, "flags.retry_logic.variations");
        assert_eq!(doc.edit_targets("nope", "on", None, &[], &[]).map_err(|e| e.kind), Err(EditErrorKind::NotFound));
    }

    #[test]
    fn hashes_keep_a_target() {
        let mut doc = Document::parse(
            r#"{"flags": {"f": {"variations": [{"name": "on"}],
            "targets": [{"variation": "on", "values": ["a"], "hashes": ["00"]}]}}}"#,
        )
        .expect("JSON");
        doc.edit_targets("f", "on", None, &[], &values(&[r#""a""#])).expect("edited");
        assert_eq!(targets(&doc, "f"), r#"[{"variation":"on","hashes":["00"]}]"#);
        doc.edit_targets("f", "on", None, &values(&[r#""b""#]), &[]).expect("edited");
        assert_eq!(targets(&doc, "f"), r#"[{"variation":"on","hashes":["00"],"values":["b"]}]"#);
    }

    #[test]
    fn segment_lists() {
        let mut doc = example();
        let change = doc
            .edit_segment(
                "internal_users",
                SegmentList::Included,
                &values(&[r#""u-ops-9""#]),
                &values(&[r#""u-ops-1""#]),
            )
            .expect("edited");
        assert_eq!(change, ListChange { added: 1, removed: 1 });
        let e = doc.edit_segment("internal_users", SegmentList::Included, &values(&[r#""u-contractor-7""#]), &[]);
        let e = e.expect_err("excluded");
        assert_eq!((e.kind, e.path.as_str()), (EditErrorKind::Invalid, "segments.internal_users.excluded[0]"));
        assert_eq!(e.message, r#""u-contractor-7" is already excluded: a unit is included or excluded, not both"#);
        // A list emptied is dropped; a missing one is made.
        doc.edit_segment("internal_users", SegmentList::Excluded, &[], &values(&[r#""u-contractor-7""#]))
            .expect("edited");
        assert!(doc
            .json()
            .get("segments")
            .and_then(|s| s.get("internal_users"))
            .and_then(|s| s.get("excluded"))
            .is_none());
        doc.edit_segment("beta_customers", SegmentList::Excluded, &values(&["4712"]), &[]).expect("made");
        let e = doc.edit_segment("nope", SegmentList::Included, &[], &[]).expect_err("no segment");
        assert_eq!((e.kind.code(), e.path.as_str()), ("segment_not_found", "segments.nope"));
        let (_, s) = doc.finish(8, "2026-11-24T14:00:00Z").expect("loads");
        let on = |key: &str| s.evaluate("ai_search", &Context::with_key(key), NOW, None).variation.map(|v| v.1);
        assert_eq!((on("u-ops-9"), on("u-ops-1")), (Some("on"), Some("off")));
    }
}

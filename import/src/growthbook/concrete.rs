//! A parent's condition (`parentConditions[].condition`) evaluated, at import time, on each value
//! the parent feature can serve, as the SDK evaluates it on `{ value: parentValue }`: the values
//! for which it holds become an edgeflag prerequisite. The condition is translated as any other
//! (so what is refused there is refused here) and evaluated by edgeflag itself on a one-rule
//! snapshot: the prerequisite is decided by the very clauses a rule would hold.

use super::condition::Conditions;
use super::json::{obj, s};
use crate::ImportError;
use alloc::borrow::Cow;
use alloc::vec;
use edgeflag::{Context, Json, Snapshot};

/// A condition ready to be tested on parents' values.
pub struct Test {
    snapshot: Snapshot,
}

impl Test {
    /// The condition `cond` at `path` (in a gate, `{}` when it has none).
    pub fn new(conds: &Conditions<'_, '_>, cond: &Json<'_>, path: &str) -> Result<Test, ImportError> {
        let clause = conds.translate(cond, path)?;
        let variation = |name: &str, value: bool| obj(vec![("name", s(name)), ("value", Json::Bool(value))]);
        let rule = obj(vec![
            ("id", s("condition")),
            ("clauses", Json::Array(vec![clause])),
            ("serve", obj(vec![("variation", s("yes"))])),
        ]);
        let flag = obj(vec![
            ("on", Json::Bool(true)),
            ("variations", Json::Array(vec![variation("no", false), variation("yes", true)])),
            ("rules", Json::Array(vec![rule])),
            ("fallthrough", obj(vec![("variation", s("no"))])),
        ]);
        let doc = obj(vec![
            ("version", Json::Number(1.0)),
            ("generatedAt", s("1970-01-01T00:00:00Z")),
            ("flags", Json::Object(vec![(Cow::Borrowed("gate"), flag)])),
        ]);
        let snapshot = Snapshot::from_json(&doc)
            .map_err(|e| ImportError::unsupported(path, [e.message.as_str(), " (", e.kind.code(), ")"].concat()))?;
        Ok(Test { snapshot })
    }

    /// `evalCondition({ value }, condition)`.
    pub fn holds(&self, value: &Json<'_>) -> bool {
        let ctx = Context::new(Json::Object(vec![(Cow::Borrowed("value"), value.to_owned_json())]));
        self.snapshot.evaluate("gate", &ctx, 0, None).value == Some(&Json::Bool(true))
    }
}

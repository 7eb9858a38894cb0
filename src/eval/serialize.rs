//! Results as JSON (the shape documented in docs/snapshot.md, "Results").

use crate::eval::result::Evaluation;
use crate::json::Json;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// An evaluation with the caller's default, ready to serialize.
pub struct EvaluationJson<'a, 's> {
    /// The result.
    pub evaluation: &'a Evaluation<'s>,
    /// The caller's default (`null` when `None`).
    pub default: Option<&'a Json<'a>>,
}

impl Serialize for EvaluationJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.evaluation;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", e.value.or(self.default).unwrap_or(&Json::Null))?;
        m.serialize_entry("variation", &e.variation.map(|v| v.1))?;
        m.serialize_entry("variationIndex", &e.variation.map(|v| v.0))?;
        m.serialize_entry("reason", e.reason.name())?;
        if let Some(err) = &e.error {
            m.serialize_entry("errorCode", err.code.name())?;
            m.serialize_entry("errorMessage", &err.message)?;
        }
        if let Some(id) = e.rule_id {
            m.serialize_entry("ruleId", id)?;
        }
        if let Some(p) = e.prerequisite_failed {
            m.serialize_entry("prerequisiteFailed", p)?;
        }
        if let Some(b) = e.bucket {
            m.serialize_entry("bucket", &b)?;
        }
        if let Some(b) = e.variant_bucket {
            m.serialize_entry("variantBucket", &b)?;
        }
        if e.in_experiment {
            m.serialize_entry("inExperiment", &true)?;
        }
        m.end()
    }
}

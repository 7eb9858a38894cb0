//! LaunchDarkly's reason kind, read from an edgeflag result of an imported snapshot as
//! docs/import.md ("Reading LaunchDarkly's answer from a result") says: shared by the suite and the check
//! against LaunchDarkly's Rust evaluator.

use edgeflag::{Evaluation, Reason};

pub fn reason_kind(e: &Evaluation<'_>) -> &'static str {
    match (&e.error, e.prerequisite_failed, e.reason, e.rule_id) {
        (Some(_), ..) => "ERROR",
        (None, _, Reason::Disabled, _) => "OFF",
        (None, Some(_), ..) => "PREREQUISITE_FAILED",
        (None, None, _, Some(_)) => "RULE_MATCH",
        (None, None, Reason::TargetingMatch, None) => "TARGET_MATCH",
        _ => "FALLTHROUGH",
    }
}

//! What an evaluation returns. Reasons and error codes use OpenFeature's names.

use crate::json::Json;
use crate::message::message;
use alloc::boxed::Box;
use alloc::string::String;

/// Why a value was served (OpenFeature resolution reasons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The value cannot depend on the context: on, no prerequisites, targets or rules.
    Static,
    /// The fallthrough's fixed variation.
    Default,
    /// A target, a rule serving a fixed variation, or a failed prerequisite.
    TargetingMatch,
    /// A rollout or experiment bucket.
    Split,
    /// The flag is off.
    Disabled,
    /// See the error code.
    Error,
}

impl Reason {
    /// `STATIC`, `DEFAULT`, `TARGETING_MATCH`, `SPLIT`, `DISABLED` or `ERROR`.
    pub const fn name(self) -> &'static str {
        match self {
            Reason::Static => "STATIC",
            Reason::Default => "DEFAULT",
            Reason::TargetingMatch => "TARGETING_MATCH",
            Reason::Split => "SPLIT",
            Reason::Disabled => "DISABLED",
            Reason::Error => "ERROR",
        }
    }
}

/// OpenFeature error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// No flag with that key in the snapshot.
    FlagNotFound,
    /// The caller's default is of another kind than the flag's values.
    TypeMismatch,
    /// The context text is not JSON.
    ParseError,
    /// A rollout's `bucketBy` attribute is missing, `null` or empty.
    TargetingKeyMissing,
    /// The context is not an object, its key is not a string, or a `bucketBy` value is not a unit.
    InvalidContext,
    /// No snapshot is loaded.
    General,
}

impl ErrorCode {
    /// The OpenFeature name, e.g. `FLAG_NOT_FOUND`.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::FlagNotFound => "FLAG_NOT_FOUND",
            ErrorCode::TypeMismatch => "TYPE_MISMATCH",
            ErrorCode::ParseError => "PARSE_ERROR",
            ErrorCode::TargetingKeyMissing => "TARGETING_KEY_MISSING",
            ErrorCode::InvalidContext => "INVALID_CONTEXT",
            ErrorCode::General => "GENERAL",
        }
    }
}

/// An evaluation error: a code for programs, a message for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// The OpenFeature code.
    pub code: ErrorCode,
    /// What went wrong.
    pub message: String,
}

/// The result of evaluating one flag. Borrowed from the snapshot: no allocation unless it is an
/// error.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation<'s> {
    /// The served value; `None` means the caller's default (an error, or an off flag without
    /// `offVariation`).
    pub value: Option<&'s Json<'static>>,
    /// Index and name of the served variation.
    pub variation: Option<(u32, &'s str)>,
    /// Why.
    pub reason: Reason,
    /// Set when `reason` is `Error` (boxed: errors are rare, results are copied often).
    pub error: Option<Box<EvalError>>,
    /// The rule that decided (or errored).
    pub rule_id: Option<&'s str>,
    /// The prerequisite that failed.
    pub prerequisite_failed: Option<&'s str>,
    /// The rollout bucket, when a rollout or experiment decided.
    pub bucket: Option<u32>,
    /// The variant bucket of an enrolled experiment unit.
    pub variant_bucket: Option<u32>,
    /// Whether the unit is enrolled in an experiment.
    pub in_experiment: bool,
}

impl<'s> Evaluation<'s> {
    pub(crate) fn new(reason: Reason) -> Self {
        Evaluation {
            value: None,
            variation: None,
            reason,
            error: None,
            rule_id: None,
            prerequisite_failed: None,
            bucket: None,
            variant_bucket: None,
            in_experiment: false,
        }
    }

    pub(crate) fn error(code: ErrorCode, message: String) -> Self {
        let mut e = Evaluation::new(Reason::Error);
        e.error = Some(Box::new(EvalError { code, message }));
        e
    }

    /// The `FLAG_NOT_FOUND` result for `key`.
    pub fn flag_not_found(key: &str) -> Self {
        Evaluation::error(ErrorCode::FlagNotFound, message!("flag ", quoted(key), " not found").text())
    }

    /// The `GENERAL` result of an engine with no snapshot.
    pub fn no_snapshot() -> Self {
        Evaluation::error(ErrorCode::General, String::from("no snapshot loaded"))
    }

    /// The value to hand to the caller, given their default.
    pub fn value_or<'a>(&self, default: &'a Json<'a>) -> &'a Json<'a>
    where
        's: 'a,
    {
        self.value.unwrap_or(default)
    }

    /// The error code, if any.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.error.as_ref().map(|e| e.code)
    }
}

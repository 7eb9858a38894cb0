//! Load errors: a stable kind for programs, a path and a message for people.

use alloc::string::String;
use core::fmt;

/// Why a snapshot was refused. The names are stable (see `docs/snapshot.md`, "Load errors").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is documented by its code in docs/snapshot.md
pub enum LoadErrorKind {
    InvalidJson,
    WrongType,
    MissingField,
    UnknownField,
    InvalidValue,
    UnsupportedFormat,
    UnknownBucketing,
    UnknownOperator,
    InvalidSemver,
    InvalidTimestamp,
    Duplicate,
    UnknownVariation,
    UnknownFlag,
    UnknownSegment,
    MixedKinds,
    WeightsSum,
    PrerequisiteCycle,
    SegmentCycle,
    TooDeep,
    TooLarge,
    Unsigned,
    BadSignature,
    UnknownKey,
    VersionBackwards,
    Corrupt,
}

impl LoadErrorKind {
    /// The documented code, e.g. `unknown_operator`.
    pub fn code(self) -> &'static str {
        use LoadErrorKind::*;
        match self {
            InvalidJson => "invalid_json",
            WrongType => "wrong_type",
            MissingField => "missing_field",
            UnknownField => "unknown_field",
            InvalidValue => "invalid_value",
            UnsupportedFormat => "unsupported_format",
            UnknownBucketing => "unknown_bucketing",
            UnknownOperator => "unknown_operator",
            InvalidSemver => "invalid_semver",
            InvalidTimestamp => "invalid_timestamp",
            Duplicate => "duplicate",
            UnknownVariation => "unknown_variation",
            UnknownFlag => "unknown_flag",
            UnknownSegment => "unknown_segment",
            MixedKinds => "mixed_kinds",
            WeightsSum => "weights_sum",
            PrerequisiteCycle => "prerequisite_cycle",
            SegmentCycle => "segment_cycle",
            TooDeep => "too_deep",
            TooLarge => "too_large",
            Unsigned => "unsigned",
            BadSignature => "bad_signature",
            UnknownKey => "unknown_key",
            VersionBackwards => "version_backwards",
            Corrupt => "corrupt",
        }
    }
}

/// A snapshot that could not be loaded: `flags.checkout.rules[2].clauses[0].op: unknown
/// operator "betwen"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// What went wrong, for programs.
    pub kind: LoadErrorKind,
    /// Where, as a path (empty for the whole document).
    pub path: String,
    /// What went wrong, for people.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        at_path(f, &self.path, &self.message)
    }
}

/// `path: message`, or the message alone for the whole document: how every error with a path
/// reads.
pub(crate) fn at_path(f: &mut fmt::Formatter, path: &str, message: &str) -> fmt::Result {
    if path.is_empty() {
        f.write_str(message)
    } else {
        write!(f, "{path}: {message}")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for LoadError {}

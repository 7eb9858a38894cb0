//! Import errors: a kind for programs, the path in the peer's payload and a message for people.

use alloc::string::{String, ToString};
use core::fmt;

/// Why a payload (or a part of it) was not imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportErrorKind {
    /// The payload is not what the peer's SDKs read (not JSON, a member of the wrong type…).
    Invalid,
    /// A construct with no exact equivalent in edgeflag (`docs/import.md` says which and why).
    Unsupported,
    /// The converted snapshot did not load: the path is the snapshot's, the message the load error's.
    Snapshot,
}

impl ImportErrorKind {
    /// The stable code: `invalid`, `unsupported`, `snapshot`.
    pub fn code(self) -> &'static str {
        match self {
            ImportErrorKind::Invalid => "invalid",
            ImportErrorKind::Unsupported => "unsupported",
            ImportErrorKind::Snapshot => "snapshot",
        }
    }
}

/// A refused payload or construct, with its path in the peer's payload
/// (`flags.checkout.targeting.if[0].map`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// What kind of problem.
    pub kind: ImportErrorKind,
    /// Where, in the peer's payload (members joined by `.`, indexes as `[i]`).
    pub path: String,
    /// Why, for people.
    pub message: String,
}

impl ImportError {
    /// A payload the peer's SDKs would not read either.
    pub fn invalid(path: impl ToString, message: impl ToString) -> Self {
        Self { kind: ImportErrorKind::Invalid, path: path.to_string(), message: message.to_string() }
    }

    /// A construct with no exact equivalent.
    pub fn unsupported(path: impl ToString, message: impl ToString) -> Self {
        Self { kind: ImportErrorKind::Unsupported, path: path.to_string(), message: message.to_string() }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{} ({})", self.message, self.kind.code())
        } else {
            write!(f, "{}: {} ({})", self.path, self.message, self.kind.code())
        }
    }
}

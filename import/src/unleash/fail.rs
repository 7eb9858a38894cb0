//! Why a feature did not convert clause by clause.

use crate::ImportError;
use alloc::string::String;

/// A feature's conversion stopped.
#[derive(Debug)]
pub enum Fail {
    /// The payload is refused (`Invalid`) or the construct has no exact equivalent (`Unsupported`).
    Error(ImportError),
    /// Yggdrasil fails to compile the feature's strategies (an unknown operator, a value its rule
    /// grammar does not read, a missing segment…) and then answers "disabled" for every context:
    /// imported exactly as that. The text says why.
    Broken(String),
}

impl From<ImportError> for Fail {
    fn from(e: ImportError) -> Self {
        Fail::Error(e)
    }
}

/// A construct without an exact equivalent.
pub fn refuse(path: &str, why: &str) -> Fail {
    Fail::Error(ImportError::unsupported(path, why))
}

/// A payload member Unleash's client types do not read.
pub fn invalid(path: &str, why: &str) -> Fail {
    Fail::Error(ImportError::invalid(path, why))
}

/// Text Yggdrasil's rule grammar cannot carry as the payload means it: it writes names and
/// values between double quotes and reads `\"` back as a quote, so a backslash is ambiguous,
/// and names, groupIds and addresses are not escaped at all.
pub fn check_quotable(s: &str, path: &str, quotes_escaped: bool) -> Result<(), Fail> {
    if s.contains('\\') || (!quotes_escaped && s.contains('"')) {
        return Err(refuse(path, "a backslash or double quote, which Yggdrasil's rule text reads differently"));
    }
    Ok(())
}

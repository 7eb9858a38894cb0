//! flagd: its payload into an edgeflag snapshot (docs/import.md).

use crate::{ImportError, Options, Skips};
use edgeflag::Json;

/// Converts flagd's payload.
pub fn convert(_doc: &Json<'_>, _options: &Options, _skips: &mut Skips) -> Result<Json<'static>, ImportError> {
    Err(ImportError::unsupported("", "importing from flagd is not implemented yet"))
}

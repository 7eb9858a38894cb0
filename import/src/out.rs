//! What every converter shares: the list of skipped constructs.

use crate::ImportError;
use alloc::vec::Vec;

/// Refusals: an error for the caller, or, when skipping, an entry in the list of what was left
/// out (the caller then drops the construct and goes on).
#[derive(Debug)]
pub struct Skips {
    skip: bool,
    list: Vec<ImportError>,
}

impl Skips {
    /// `skip`: record unsupported constructs instead of failing on the first.
    pub fn new(skip: bool) -> Self {
        Self { skip, list: Vec::new() }
    }

    /// An unsupported construct: `Err` when not skipping, else recorded and `Ok` (drop it).
    pub fn refuse(&mut self, error: ImportError) -> Result<(), ImportError> {
        if self.skip {
            self.list.push(error);
            Ok(())
        } else {
            Err(error)
        }
    }

    /// What was left out, in the order met.
    pub fn into_list(self) -> Vec<ImportError> {
        self.list
    }
}

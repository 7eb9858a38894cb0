//! Segments: reusable audiences ("internal users", "beta customers").

use super::attribute::AttrRef;
use super::clause::Clause;
use crate::sets::KeySet;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug)]
pub(crate) struct Segment {
    pub key: String,
    pub attr: AttrRef,
    pub included: KeySet,
    pub excluded: KeySet,
    /// Hashes (hex) of included and excluded values (`includedHashes`, `excludedHashes`).
    pub included_hashed: KeySet,
    pub excluded_hashed: KeySet,
    pub rules: Vec<Vec<Clause>>,
}

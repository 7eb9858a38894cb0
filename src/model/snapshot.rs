//! A compiled snapshot: its flags sorted by key, its segments, the prerequisite order. Loading
//! builds it (`crate::load`), evaluation reads it (`crate::eval`).

use super::flag::Flag;
use super::segment::Segment;
use crate::eval::bucketing::Scheme;
#[cfg(not(target_family = "wasm"))]
use alloc::boxed::Box;
use alloc::vec::Vec;
#[cfg(not(target_family = "wasm"))]
use hashbrown::HashMap;

/// A validated, compiled snapshot. Immutable: updating means loading a new one.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) version: u64,
    pub(crate) generated_at: i64,
    pub(crate) scheme: Scheme,
    /// The salt of hashed lists (`keyHashing`), when it has them.
    pub(crate) salt: Option<crate::hashed::Salt>,
    /// Sorted by key (UTF-8 bytes).
    pub(crate) flags: Vec<Flag>,
    /// Sorted by key.
    pub(crate) segments: Vec<Segment>,
    /// Flag indexes, each after its prerequisites.
    pub(crate) order: Vec<u32>,
    /// Flag key → index natively: one hash and one comparison per lookup, whatever the flag
    /// count. Not in the Wasm module, whose wrapper keeps its own index by key: there
    /// [`Snapshot::search`] serves the rare lookup, and no hash table is linked.
    #[cfg(not(target_family = "wasm"))]
    pub(crate) index: HashMap<Box<str>, u32>,
}

/// What a snapshot is made of, as a loader (JSON or compiled) has read and checked it.
pub(crate) struct Parts {
    pub version: u64,
    pub generated_at: i64,
    pub scheme: Scheme,
    pub salt: Option<crate::hashed::Salt>,
    pub flags: Vec<Flag>,
    pub segments: Vec<Segment>,
    pub order: Vec<u32>,
}

impl Snapshot {
    /// A snapshot from its parts, with what is derived from them, in one place for both loaders:
    /// each flag's `is_static` and, natively, the flag index.
    pub(crate) fn from_parts(p: Parts) -> Snapshot {
        let mut flags = p.flags;
        for f in &mut flags {
            f.is_static = f.on
                && f.prerequisites.is_empty()
                && f.targets.is_empty()
                && f.rules.is_empty()
                && matches!(f.fallthrough, super::serve::Serve::Variation(_));
        }
        Snapshot {
            version: p.version,
            generated_at: p.generated_at,
            scheme: p.scheme,
            salt: p.salt,
            #[cfg(not(target_family = "wasm"))]
            index: flags.iter().enumerate().map(|(i, f)| (f.key.as_str().into(), i as u32)).collect(),
            flags,
            segments: p.segments,
            order: p.order,
        }
    }

    /// The snapshot's `version`.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// `generatedAt`, in ms since the epoch.
    pub fn generated_at(&self) -> i64 {
        self.generated_at
    }

    /// The bucketing scheme.
    pub fn bucketing(&self) -> Scheme {
        self.scheme
    }

    /// All flags, by key.
    pub fn flags(&self) -> &[Flag] {
        &self.flags
    }

    /// Number of segments.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// One flag.
    pub fn flag(&self, key: &str) -> Option<&Flag> {
        self.index_of(key).map(|i| &self.flags[i])
    }

    /// The position of a flag in [`Snapshot::flags`].
    pub fn index_of(&self, key: &str) -> Option<usize> {
        #[cfg(not(target_family = "wasm"))]
        return self.index.get(key).map(|&i| i as usize);
        #[cfg(target_family = "wasm")]
        return self.search(key);
    }

    /// [`Snapshot::index_of`] by a binary search over the sorted keys: the lookup of the Wasm
    /// module, compiled on every target so that native tests run it too.
    pub fn search(&self, key: &str) -> Option<usize> {
        self.flags.binary_search_by(|f| f.key.as_str().cmp(key)).ok()
    }
}

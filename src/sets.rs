//! Sorted string sets and maps: what allow/deny lists and `in` values compile to.
//! Binary search over one contiguous vector: compact, cache-friendly and `no_std`.

use alloc::string::String;
use alloc::vec::Vec;

/// A set of strings.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeySet(Vec<String>);

impl KeySet {
    pub fn new(mut keys: Vec<String>) -> KeySet {
        keys.sort_unstable();
        keys.dedup();
        KeySet(keys)
    }

    pub fn contains(&self, key: &str) -> bool {
        // Short lists (tiers, countries) are faster scanned: equality checks lengths first.
        if self.0.len() <= 8 {
            return self.0.iter().any(|k| k == key);
        }
        self.0.binary_search_by(|k| k.as_str().cmp(key)).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A map from strings to small values.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyMap<V>(Vec<(String, V)>);

impl<V> KeyMap<V> {
    /// Keys must be distinct (the loader reports duplicates before building this).
    pub fn new(mut entries: Vec<(String, V)>) -> KeyMap<V> {
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        KeyMap(entries)
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.0[i].1)
    }
}

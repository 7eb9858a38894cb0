//! Sorted string sets and maps: what allow/deny lists and `in` values compile to.
//! Binary search over one contiguous vector: compact, cache-friendly and `no_std`.

use alloc::string::String;
use alloc::vec::Vec;

/// A set of strings.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeySet(Vec<String>);

impl KeySet {
    pub fn new(keys: Vec<String>) -> KeySet {
        let mut keys = in_order(keys, |k| k);
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
    pub fn new(entries: Vec<(String, V)>) -> KeyMap<V> {
        KeyMap(in_order(entries, |e| &e.0))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.0[i].1)
    }
}

/// Positions `0..n` ordered by `key`, ties by position. The crate's one sort: each type core's
/// sort is instantiated for adds ~3 KB to the Wasm module, so everything sorts positions here.
pub(crate) fn order_by_key<'k>(n: usize, key: &dyn Fn(usize) -> &'k str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
    order
}

/// `items` sorted by `key` (ties in their order), through [`order_by_key`].
fn in_order<T>(items: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let order = order_by_key(items.len(), &|i| key(&items[i]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

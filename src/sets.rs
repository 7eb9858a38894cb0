//! Sorted string sets and maps: what allow/deny lists and `in` values compile to.
//! Binary search over one contiguous vector: compact, cache-friendly and `no_std`.

use alloc::string::String;
use alloc::vec::Vec;

/// A set of strings.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeySet(Vec<String>);

impl KeySet {
    /// Duplicates are kept: membership is the same with them, and `in` lists rarely repeat.
    pub fn new(keys: Vec<String>) -> KeySet {
        KeySet(in_order(keys, |k| k))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.contains_bytes(key.as_bytes())
    }

    /// [`KeySet::contains`] for a key as bytes (a digest's hex digits, with no `str` to check).
    pub fn contains_bytes(&self, key: &[u8]) -> bool {
        // Short lists (tiers, countries) are faster scanned: equality checks lengths first.
        if self.0.len() <= 8 {
            return self.0.iter().any(|k| k.as_bytes() == key);
        }
        self.0.binary_search_by(|k| k.as_bytes().cmp(key)).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys, in order.
    pub fn items(&self) -> &[String] {
        &self.0
    }

    /// A set of keys already in order (the compiled form's); `None` if they are not.
    pub fn sorted(keys: Vec<String>) -> Option<KeySet> {
        keys.windows(2).all(|w| w[0] <= w[1]).then_some(KeySet(keys))
    }

    /// What a lookup can cost, in tests of `limits::MAX_EVALUATION_WORK`: its comparisons (a
    /// scan of up to 8, else a binary search) at one plus one per 64 bytes of its longest key
    /// each (a comparison stops within the shorter string).
    pub fn work(&self) -> u64 {
        let n = self.0.len();
        let steps = if n <= 8 { n as u64 } else { search_steps(n) };
        lookup_work(steps, self.0.iter().map(String::len).max().unwrap_or(0))
    }
}

/// Comparisons a binary search among `n` keys can make.
fn search_steps(n: usize) -> u64 {
    64 - (n as u64).leading_zeros() as u64
}

/// What `steps` comparisons with keys of at most `longest` bytes cost (see `KeySet::work`).
fn lookup_work(steps: u64, longest: usize) -> u64 {
    steps * (1 + longest as u64 / 64)
}

/// A map from strings to small values.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyMap<V>(Vec<(String, V)>);

impl<V> KeyMap<V> {
    /// Keys must be distinct (the loader reports duplicates before building this).
    pub fn new(entries: Vec<(String, V)>) -> KeyMap<V> {
        KeyMap(in_order(entries, |e| &e.0))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What a lookup can cost (see `KeySet::work`; maps always search).
    pub fn work(&self) -> u64 {
        lookup_work(search_steps(self.0.len()), self.0.iter().map(|e| e.0.len()).max().unwrap_or(0))
    }

    /// The entries, in key order.
    pub fn entries(&self) -> &[(String, V)] {
        &self.0
    }

    /// A map of entries already in key order (the compiled form's); `None` if they are not.
    pub fn sorted(entries: Vec<(String, V)>) -> Option<KeyMap<V>> {
        entries.windows(2).all(|w| w[0].0 <= w[1].0).then_some(KeyMap(entries))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.get_bytes(key.as_bytes())
    }

    /// [`KeyMap::get`] for a key as bytes.
    pub fn get_bytes(&self, key: &[u8]) -> Option<&V> {
        let i = self.0.binary_search_by(|(k, _)| k.as_bytes().cmp(key)).ok()?;
        Some(&self.0[i].1)
    }
}

/// Positions `0..n` ordered by `key`, ties by position. The crate's one sort, a heapsort:
/// core's `sort_unstable_by` is 4 KB of the Wasm module (1.2 KB gzipped) for lists the loader
/// sorts once; this is O(n log n) as well, in place, and does not allocate.
pub(crate) fn order_by_key<'k>(n: usize, key: &dyn Fn(usize) -> &'k str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    // Distinct positions make the order total, so the result is the one a stable sort gives.
    let less = |a: usize, b: usize| (key(a), a) < (key(b), b);
    let sift_down = |v: &mut [usize], mut root: usize| loop {
        let mut child = 2 * root + 1;
        if child >= v.len() {
            break;
        }
        if child + 1 < v.len() && less(v[child], v[child + 1]) {
            child += 1;
        }
        if !less(v[root], v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    for root in (0..n / 2).rev() {
        sift_down(&mut order, root);
    }
    for end in (1..n).rev() {
        order.swap(0, end);
        sift_down(&mut order[..end], 0);
    }
    order
}

/// `items` sorted by `key` (ties in their order), through [`order_by_key`]. The permutation is
/// applied in place, cycle by cycle: swaps only, the least code per item type.
fn in_order<T>(mut items: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let mut order = order_by_key(items.len(), &|i| key(&items[i]));
    for start in 0..order.len() {
        // Position `at` wants the item now at `order[at]`; placed positions point to themselves.
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
    items
}

#[cfg(test)]
mod tests {
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    #[test]
    fn orders_as_a_stable_sort_does() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in 0..300 {
            // Few distinct keys, so ties (decided by position) are common.
            let keys: Vec<String> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    ((state >> 33) % (n as u64 / 3 + 1)).to_string()
                })
                .collect();
            let mut want: Vec<usize> = (0..n).collect();
            want.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
            assert_eq!(super::order_by_key(n, &|i| &keys[i]), want, "{n} keys");
            let items: Vec<(String, usize)> = keys.iter().cloned().zip(0..).collect();
            let want: Vec<(String, usize)> = want.iter().map(|&i| items[i].clone()).collect();
            assert_eq!(super::in_order(items, |e| &e.0), want, "{n} items");
        }
    }
}

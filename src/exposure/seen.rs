//! Which (context key, flag, variation) triples produced an exposure recently: a bounded set
//! with an exact time window (docs/exposures.md, "Deduplication").
//!
//! Two generations of an open-addressing table of (fingerprint, time). New entries go into the
//! current one; when it holds half the capacity, or is a window old, it becomes the previous
//! one and the previous one is forgotten. Rotating on time keeps the window exact: the previous
//! generation is dropped only when all its entries are at least a window old. Rotating on size
//! bounds memory: past the capacity the oldest entries are forgotten early.
//!
//! A fingerprint's low bits pick a block of [`BLOCK`] slots, and the recorder takes those bits
//! from the context key alone (see `Recorder::seen`): a context's triples sit side by side, so
//! checking all flags for one context touches a cache line or two. Once a block is full (a
//! context with many tracked flags), linear probing continues from the fingerprint's high bits,
//! the triple's own hash, so that such a context does not pile its triples into one long run.

use alloc::vec::Vec;

/// Slots of a block: 8 × 16 bytes, two cache lines.
const BLOCK: usize = 8;

pub(super) struct Seen {
    window: i64,
    /// Entries per generation before it rotates.
    limit: usize,
    current: Table,
    previous: Table,
    /// When `current` started.
    since: i64,
}

#[derive(Default)]
struct Table {
    /// (fingerprint, time); fingerprint 0 is an empty slot. A power of two long, at most half
    /// full; grown on demand, so a browser remembering a few flags holds a few slots.
    slots: Vec<(u64, i64)>,
    len: usize,
}

impl Seen {
    pub fn new(window: i64, capacity: usize) -> Seen {
        Seen {
            window,
            limit: capacity.div_ceil(2).max(1),
            current: Table::default(),
            previous: Table::default(),
            since: 0,
        }
    }

    /// Whether `fp` was seen less than a window before `now`; if not, remembers it at `now`.
    pub fn check(&mut self, fp: u64, now: i64) -> bool {
        let fp = fp.max(1);
        if now.saturating_sub(self.since) >= self.window {
            self.rotate(now);
        }
        // A time behind the one remembered (a host clock stepping back) counts as within.
        let recent = |t: Option<i64>| t.is_some_and(|t| now.saturating_sub(t) < self.window);
        // The current generation first: a repeat is most often there, and found in one probe.
        if recent(self.current.find(fp)) || recent(self.previous.find(fp)) {
            return true;
        }
        if self.current.len >= self.limit && self.current.find(fp).is_none() {
            self.rotate(now);
        }
        let slot = self.current.slot(fp, self.limit);
        self.current.len += usize::from(self.current.slots[slot].0 == 0);
        self.current.slots[slot] = (fp, now);
        false
    }

    /// The current generation becomes the previous one; the old previous one's slots are
    /// emptied and reused, so a busy recorder does not regrow its table each generation.
    fn rotate(&mut self, now: i64) {
        core::mem::swap(&mut self.previous, &mut self.current);
        self.current.slots.fill((0, 0));
        self.current.len = 0;
        self.since = now;
    }
}

impl Table {
    fn find(&self, fp: u64) -> Option<i64> {
        if self.slots.is_empty() {
            return None;
        }
        let (f, t) = self.slots[probe(&self.slots, fp)];
        (f == fp).then_some(t)
    }

    /// The slot holding `fp`, or the empty one where it goes (growing first if needed).
    fn slot(&mut self, fp: u64, limit: usize) -> usize {
        if (self.len + 1) * 2 > self.slots.len() {
            // At most twice the limit: the table never needs more to stay half empty.
            self.grow((limit * 2).next_power_of_two().min((self.slots.len() * 2).max(16)));
        }
        probe(&self.slots, fp)
    }

    fn grow(&mut self, size: usize) {
        if size <= self.slots.len() {
            return;
        }
        let old = core::mem::replace(&mut self.slots, alloc::vec![(0, 0); size]);
        for (fp, t) in old.into_iter().filter(|e| e.0 != 0) {
            let i = probe(&self.slots, fp);
            self.slots[i] = (fp, t);
        }
    }
}

/// Where `fp` is, or the first empty slot of its probe sequence: its block, then on from its
/// high bits. Entries are never removed (a rotation empties the whole table), so a full block
/// stays full and a lookup follows the path its insertion took. `slots` is a power of two
/// long, at least `BLOCK`, and never full.
fn probe(slots: &[(u64, i64)], fp: u64) -> usize {
    let mask = slots.len() - 1;
    let block = fp as usize & mask & !(BLOCK - 1);
    if let Some(i) = (block..block + BLOCK).find(|&i| slots[i].0 == 0 || slots[i].0 == fp) {
        return i;
    }
    let mut i = (fp >> 32) as usize & mask;
    while slots[i].0 != 0 && slots[i].0 != fp {
        i = (i + 1) & mask;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn exact_window() {
        let mut s = Seen::new(1000, 100);
        assert!(!s.check(7, 0));
        assert!(s.check(7, 999));
        assert!(!s.check(7, 1000), "a window later it is new again");
        assert!(s.check(7, 1500));
        // Across generations (rotated at 1000 and at 2500).
        assert!(!s.check(9, 1999));
        assert!(s.check(9, 2500), "still in the previous generation, within the window");
        assert!(!s.check(7, 2000));
        assert!(s.check(9, 2998));
        assert!(!s.check(9, 3000));
    }

    #[test]
    fn bounded_and_forgets_the_oldest() {
        let mut s = Seen::new(i64::MAX, 1000);
        for fp in 1..=1000u64 {
            assert!(!s.check(fp.wrapping_mul(0x9E37_79B9_7F4A_7C15), 0));
        }
        // Everything within capacity is remembered.
        assert!((1..=1000u64).all(|fp| s.check(fp.wrapping_mul(0x9E37_79B9_7F4A_7C15), 1)));
        for fp in 1001..=3000u64 {
            s.check(fp.wrapping_mul(0x9E37_79B9_7F4A_7C15), 2);
        }
        assert!(s.current.slots.len() <= 1024 && s.previous.slots.len() <= 1024);
        assert!(!s.check(1u64.wrapping_mul(0x9E37_79B9_7F4A_7C15), 3), "the oldest is forgotten past the capacity");
    }

    #[test]
    fn many_triples_of_one_context() {
        // 5,000 fingerprints with the same low half (one context, many flags): all remembered,
        // none mistaken for another, and the table stays bounded.
        let fp = |i: u64| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) & !0xFFFF_FFFF) | 0x1234_5678;
        let mut s = Seen::new(i64::MAX, 20_000);
        assert!((1..=5000).all(|i| !s.check(fp(i), 0)));
        assert!((1..=5000).all(|i| s.check(fp(i), 1)));
        assert!(!s.check(fp(5001), 1));
        assert!(s.current.slots.len() <= 32_768);
    }

    #[test]
    fn clock_stepping_back_counts_as_seen() {
        let mut s = Seen::new(1000, 10);
        assert!(!s.check(3, 5000));
        assert!(s.check(3, 4000));
    }
}

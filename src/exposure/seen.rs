//! Which (context key, flag, variation) triples produced an exposure recently: a bounded set
//! with an exact time window (docs/exposures.md, "Deduplication").
//!
//! Two generations of an open-addressing table of (fingerprint, time). New entries go into the
//! current one; when it holds half the capacity, or is a window old, it becomes the previous
//! one and the previous one is forgotten. Rotating on time keeps the window exact: the previous
//! generation is dropped only when all its entries are at least a window old. Rotating on size
//! bounds memory: past the capacity the oldest entries are forgotten early.
//!
//! Slots are found from a fingerprint's low bits, which the recorder takes from the context key
//! alone (see `Recorder::seen`).

use alloc::vec::Vec;

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
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = fp as usize & mask;
        loop {
            match self.slots[i] {
                (0, _) => return None,
                (f, t) if f == fp => return Some(t),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The slot holding `fp`, or the empty one where it goes (growing first if needed).
    fn slot(&mut self, fp: u64, limit: usize) -> usize {
        if (self.len + 1) * 2 > self.slots.len() {
            // At most twice the limit: the table never needs more to stay half empty.
            self.grow((limit * 2).next_power_of_two().min((self.slots.len() * 2).max(16)));
        }
        let mask = self.slots.len() - 1;
        let mut i = fp as usize & mask;
        while !matches!(self.slots[i], (0, _)) && self.slots[i].0 != fp {
            i = (i + 1) & mask;
        }
        i
    }

    fn grow(&mut self, size: usize) {
        if size <= self.slots.len() {
            return;
        }
        let old = core::mem::replace(&mut self.slots, alloc::vec![(0, 0); size]);
        let mask = size - 1;
        for (fp, t) in old.into_iter().filter(|e| e.0 != 0) {
            let mut i = fp as usize & mask;
            while self.slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = (fp, t);
        }
    }
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
    fn clock_stepping_back_counts_as_seen() {
        let mut s = Seen::new(1000, 10);
        assert!(!s.check(3, 5000));
        assert!(s.check(3, 4000));
    }
}

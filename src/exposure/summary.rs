//! Evaluation counts per (flag, version, variation) since the last batch
//! (docs/exposures.md, "Summaries"). Bounded: past the capacity, evaluations needing a new
//! entry are counted as `unsummarized`.

use crate::eval::result::{Evaluation, Reason};
use crate::json::write::{comma, member};
use crate::model::flag::Flag;
use crate::quote::write_quoted;
use alloc::string::String;
use alloc::vec::Vec;

pub(super) struct Summary {
    capacity: usize,
    entries: Vec<Entry>,
    /// For the version in `version`: flag index → position of its first entry (its variations
    /// in order, then "none"), so counting a known flag is an index, not a search.
    by_flag: Vec<u32>,
    version: Option<u64>,
    pub unsummarized: u64,
}

struct Entry {
    flag: String,
    version: Option<u64>,
    variation: Option<(u32, String)>,
    count: u64,
    errors: u64,
    start: i64,
    end: i64,
}

const NONE: u32 = u32::MAX;

impl Summary {
    pub fn new(capacity: usize) -> Summary {
        Summary { capacity, entries: Vec::new(), by_flag: Vec::new(), version: None, unsummarized: 0 }
    }

    /// Counts an evaluation of the flag at `index` (of `flags`, from snapshot `version`).
    pub fn count(&mut self, version: u64, flags: &[Flag], index: usize, e: &Evaluation<'_>, now: i64) {
        if self.version != Some(version) {
            self.version = Some(version);
            self.by_flag.clear();
        }
        if self.by_flag.len() != flags.len() {
            self.by_flag.resize(flags.len(), NONE);
        }
        let Some(flag) = flags.get(index) else { return };
        let first = match self.by_flag[index] {
            NONE => {
                let n = flag.variations.len() + 1;
                if self.entries.len() + n > self.capacity {
                    self.unsummarized += 1;
                    return;
                }
                let first = self.entries.len();
                for (i, v) in flag.variations.iter().enumerate() {
                    self.entries.push(Entry::new(&flag.key, Some(version), Some((i as u32, v.name.clone()))));
                }
                self.entries.push(Entry::new(&flag.key, Some(version), None));
                self.by_flag[index] = first as u32;
                first
            }
            first => first as usize,
        };
        let slot = e.variation.map_or(flag.variations.len(), |(i, _)| i as usize);
        if let Some(entry) = self.entries.get_mut(first + slot) {
            entry.add(e, now);
        }
    }

    /// Counts an evaluation of a key the snapshot (if any) does not have.
    pub fn count_unknown(&mut self, version: Option<u64>, key: &str, e: &Evaluation<'_>, now: i64) {
        let found = self.entries.iter().position(|x| x.variation.is_none() && x.version == version && x.flag == key);
        let at = match found {
            Some(at) => at,
            None if self.entries.len() < self.capacity => {
                self.entries.push(Entry::new(key, version, None));
                self.entries.len() - 1
            }
            None => {
                self.unsummarized += 1;
                return;
            }
        };
        self.entries[at].add(e, now);
    }

    pub fn is_empty(&self) -> bool {
        self.unsummarized == 0 && self.entries.iter().all(|e| e.count == 0)
    }

    /// Writes entries with counts into `out` as JSON objects, each after a comma unless first,
    /// while `out` stays within `max` bytes (at least one if `force`), and resets what it wrote.
    pub fn write(&mut self, out: &mut String, max: usize, mut force: bool) {
        for e in self.entries.iter_mut().filter(|e| e.count > 0) {
            let mark = out.len();
            comma(out);
            e.write(out);
            if out.len() > max && !force {
                out.truncate(mark);
                return;
            }
            force = false;
            e.count = 0;
            e.errors = 0;
        }
        // All written: start the next window empty.
        self.entries.clear();
        self.by_flag.clear();
    }
}

impl Entry {
    fn new(flag: &str, version: Option<u64>, variation: Option<(u32, String)>) -> Entry {
        Entry { flag: flag.into(), version, variation, count: 0, errors: 0, start: 0, end: 0 }
    }

    fn add(&mut self, e: &Evaluation<'_>, now: i64) {
        if self.count == 0 {
            (self.start, self.end) = (now, now);
        }
        self.count += 1;
        self.errors += u64::from(e.reason == Reason::Error);
        // The latest time counted, not the last: a host clock stepping back must not render
        // `start` after `end`, which decoders refuse (and the batch would be lost).
        self.end = self.end.max(now);
    }

    fn write(&self, out: &mut String) {
        out.push('{');
        member(out, "flagKey");
        write_quoted(out, &self.flag);
        member(out, "version");
        super::integer(out, self.version.map(|v| v as i64));
        member(out, "variationIndex");
        super::integer(out, self.variation.as_ref().map(|(i, _)| i64::from(*i)));
        member(out, "variation");
        match &self.variation {
            Some((_, name)) => write_quoted(out, name),
            None => out.push_str("null"),
        }
        for (name, n) in
            [("count", self.count as i64), ("errors", self.errors as i64), ("start", self.start), ("end", self.end)]
        {
            member(out, name);
            super::integer(out, Some(n));
        }
        out.push('}');
    }
}

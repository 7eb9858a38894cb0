//! The result buffer: eight `i32` per result, read in place by the JS wrapper.
//!
//! | slot field | meaning (−1: none) |
//! |---|---|
//! | 0 | variation index |
//! | 1 | reason: position in the described `reasons` |
//! | 2 | error code: position in the described `errorCodes` |
//! | 3 | rule: position in the flag's described `rules` |
//! | 4 | failed prerequisite: flag index |
//! | 5 | rollout bucket |
//! | 6 | variant bucket |
//! | 7 | 1 when enrolled in an experiment, else 0 |

use crate::{Evaluation, Snapshot};
use alloc::string::String;
use alloc::vec::Vec;

/// `i32`s per result.
pub const WIDTH: usize = 8;

#[derive(Default)]
pub struct Slots {
    data: Vec<i32>,
    /// Error messages by slot; errors are rare, so a short list beats a column.
    messages: Vec<(usize, String)>,
}

impl Slots {
    pub fn clear(&mut self, results: usize) {
        self.data.clear();
        self.data.resize(results * WIDTH, -1);
        self.messages.clear();
    }

    pub fn ptr(&self) -> *const i32 {
        self.data.as_ptr()
    }

    /// Writes `e`, the result of the flag at `flag` in `s`, into slot `slot`.
    pub fn write(&mut self, slot: usize, s: &Snapshot, flag: usize, e: &Evaluation<'_>) {
        let Some(f) = s.flags().get(flag) else { return self.write_error(slot, e) };
        // Results borrow their rule id and prerequisite key from the snapshot: comparing
        // addresses finds them without comparing strings.
        let rule = e.rule_id.and_then(|id| f.rule_ids().position(|r| core::ptr::eq(r, id)));
        let prerequisite = e.prerequisite_failed.and_then(|k| {
            f.prerequisites.iter().map(|p| p.flag).find(|&p| core::ptr::eq(s.flags[p as usize].key.as_str(), k))
        });
        self.write_error(slot, e);
        let out = &mut self.data[slot * WIDTH..][..WIDTH];
        out[0] = e.variation.map_or(-1, |(i, _)| i as i32);
        out[3] = opt(rule.map(|r| r as u32));
        out[4] = opt(prerequisite);
        out[5] = opt(e.bucket);
        out[6] = opt(e.variant_bucket);
        out[7] = e.in_experiment as i32;
    }

    /// Writes the reason and error of `e` (all a flag-less result has).
    pub fn write_error(&mut self, slot: usize, e: &Evaluation<'_>) {
        let out = &mut self.data[slot * WIDTH..][..WIDTH];
        out[1] = e.reason as i32;
        out[2] = match &e.error {
            Some(err) => {
                self.messages.push((slot, err.message.clone()));
                err.code as i32
            }
            None => -1,
        };
    }

    pub fn message(&self, slot: usize) -> &str {
        self.messages.iter().find(|(s, _)| *s == slot).map_or("", |(_, m)| m)
    }
}

/// Buckets are below 100 000 and indexes below 2^31, so they fit; anything else reads as none.
fn opt(v: Option<u32>) -> i32 {
    v.and_then(|v| i32::try_from(v).ok()).unwrap_or(-1)
}

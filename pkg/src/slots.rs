//! The result buffer: one row of `i32` per result, read in place by the JS wrapper. The layout
//! is defined here once ([`FIELDS`]) and sent to the wrapper with the snapshot's tables: the
//! field names in row order, so a name's position is its offset and their count the row's width.

use alloc::string::String;
use alloc::vec::Vec;
use edgeflag::{Evaluation, Snapshot};

/// A result's fields, each at its offset in the row; −1 is none.
#[derive(Clone, Copy)]
enum Field {
    /// The variation's index.
    Variation,
    /// The reason: its position in the described `reasons`.
    Reason,
    /// The error code: its position in the described `errorCodes`.
    ErrorCode,
    /// The rule: its position in the flag's described `rules`.
    Rule,
    /// The failed prerequisite: its flag's index.
    Prerequisite,
    /// The rollout bucket.
    Bucket,
    /// The variant bucket.
    VariantBucket,
    /// 1 when enrolled in an experiment, else 0.
    InExperiment,
}

/// Every field with the name the wrapper knows it by, in row order: the position is the offset.
const FIELDS: [(Field, &str); 8] = [
    (Field::Variation, "variation"),
    (Field::Reason, "reason"),
    (Field::ErrorCode, "errorCode"),
    (Field::Rule, "rule"),
    (Field::Prerequisite, "prerequisite"),
    (Field::Bucket, "bucket"),
    (Field::VariantBucket, "variantBucket"),
    (Field::InExperiment, "inExperiment"),
];
const _: () = {
    let mut i = 0;
    while i < FIELDS.len() {
        assert!(FIELDS[i].0 as usize == i);
        i += 1;
    }
};

/// `i32`s per result.
const WIDTH: usize = FIELDS.len();

/// The field names in row order, as the tables send them (`slots`).
pub const NAMES: [&str; WIDTH] = {
    let mut names = [""; WIDTH];
    let mut i = 0;
    while i < WIDTH {
        names[i] = FIELDS[i].1;
        i += 1;
    }
    names
};

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
        let prerequisite =
            e.prerequisite_failed.and_then(|k| f.prerequisite_flags().find(|&p| core::ptr::eq(s.flags()[p].key(), k)));
        self.write_error(slot, e);
        let row = &mut self.data[slot * WIDTH..][..WIDTH];
        row[Field::Variation as usize] = e.variation.map_or(-1, |(i, _)| i as i32);
        row[Field::Rule as usize] = opt(rule);
        row[Field::Prerequisite as usize] = opt(prerequisite);
        row[Field::Bucket as usize] = opt(e.bucket.map(|b| b as usize));
        row[Field::VariantBucket as usize] = opt(e.variant_bucket.map(|b| b as usize));
        row[Field::InExperiment as usize] = e.in_experiment as i32;
    }

    /// Writes the reason and error of `e` (all a flag-less result has).
    pub fn write_error(&mut self, slot: usize, e: &Evaluation<'_>) {
        let row = &mut self.data[slot * WIDTH..][..WIDTH];
        row[Field::Reason as usize] = e.reason as i32;
        row[Field::ErrorCode as usize] = match &e.error {
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
fn opt(v: Option<usize>) -> i32 {
    v.and_then(|v| i32::try_from(v).ok()).unwrap_or(-1)
}

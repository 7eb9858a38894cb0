//! Evaluation with arbitrary contexts, flag keys, times and defaults, on the repository's
//! snapshots or on a snapshot the input carries. Input layout (`seed.mjs` writes it):
//!
//! ```text
//! byte 0       which fixed snapshot (edgeflag_fuzz::fixed_snapshots, modulo their number)
//! byte 1       which of its flags (modulo their number), unless the input names a key
//! byte 2       the caller's default (edgeflag_fuzz::default_of), unless the input gives one
//! bytes 3..11  now: an i64, little-endian, added (wrapping) to 2026-01-01T00:00:00Z
//! the rest     up to four parts separated by NUL bytes (which JSON text never holds):
//!              context text, flag key, default as JSON text, snapshot text
//! ```
//!
//! A snapshot part that loads replaces the fixed snapshot, so snapshots vary too. Asserts: no
//! panic; every result passes `check_result`; `explain` gives the same result as `evaluate`;
//! `evaluate_at` too; `evaluate_all` lists every flag in key order, each equal to evaluating it
//! alone; a `STATIC` result is the same for any context and time.
#![no_main]

use edgeflag::{Context, Json, Reason, Snapshot, Step};
use edgeflag_fuzz::{check_result, default_of, fixed_snapshots, BASE_NOW};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    let Some((header, rest)) = data.split_first_chunk::<11>() else { return };
    let mut parts = rest.split(|&b| b == 0).map(String::from_utf8_lossy);
    let context: Cow<str> = parts.next().unwrap_or_default();
    let key_part = parts.next();
    let default_part = parts.next();
    let snapshot_part = parts.next();

    let fixed = fixed_snapshots();
    let carried = snapshot_part.and_then(|t| Snapshot::parse(&t).ok());
    let snapshot = match &carried {
        Some(s) => s,
        None => &fixed[header[0] as usize % fixed.len()].1,
    };
    let flags = snapshot.flags();
    let key: Cow<str> = match key_part {
        Some(k) => k,
        None if flags.is_empty() => Cow::Borrowed("no_such_flag"),
        None => Cow::Borrowed(flags[header[1] as usize % flags.len()].key()),
    };
    let default: Option<Json> = match &default_part {
        // Text that is not JSON is a string default.
        Some(t) => Some(Json::parse(t).unwrap_or_else(|_| Json::String(Cow::Borrowed(t)))),
        None => default_of(header[2]),
    };
    let default = default.as_ref();
    let mut offset = [0; 8];
    offset.copy_from_slice(&header[3..]);
    let now = BASE_NOW.wrapping_add(i64::from_le_bytes(offset));

    let ctx = Context::parse(&context);
    let e = snapshot.evaluate(&key, &ctx, now, default);
    check_result(snapshot, &key, &ctx, &e, default);

    let x = snapshot.explain(&key, &ctx, now, default);
    assert_eq!(x.evaluation, e, "explain differs from evaluate");
    for step in &x.steps {
        if let Step::Bucket { bucket, ranges, .. } = step {
            // Below the last range's end: the rollout's bucket count (a peer's scheme its own).
            assert!(ranges.last().is_some_and(|(_, _, end)| bucket < end), "{step:?}");
            assert!(ranges.iter().any(|(_, start, end)| start <= bucket && bucket < end), "{step:?}");
        }
    }
    if let Some(i) = snapshot.index_of(&key) {
        let at = snapshot.evaluate_at(i, &ctx, now, default.and_then(edgeflag::Kind::of));
        assert_eq!(at, e, "evaluate_at differs from evaluate");
    }
    if e.reason == Reason::Static {
        let other = snapshot.evaluate(&key, &Context::parse("{}"), now.wrapping_add(86_400_000), None);
        assert_eq!((other.value, other.variation), (e.value, e.variation), "a STATIC value changed");
    }

    let all = snapshot.evaluate_all(&ctx, now);
    assert_eq!(all.len(), flags.len());
    for ((k, a), flag) in all.iter().zip(flags) {
        assert_eq!(*k, flag.key(), "evaluate_all is not in key order");
        let alone = snapshot.evaluate(k, &ctx, now, None);
        assert_eq!(*a, alone, "evaluate_all differs from evaluate for {k}");
        check_result(snapshot, k, &ctx, a, None);
    }
});

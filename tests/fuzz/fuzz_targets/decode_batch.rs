//! Exposure batches (docs/exposures.md, "Batches"), in two modes chosen by the first byte.
//!
//! - Any other first byte: the input is batch text for `decode_batch`, which accepts it or
//!   refuses it with a path (no panic). An accepted batch is not empty and counts no more errors
//!   than evaluations; the same batch written compactly gets the same verdict.
//! - `0xFF` (never in UTF-8 text): the rest drives a `Recorder` on the repository's snapshots:
//!   its configuration, contexts, evaluations (flag keys known or not, defaults, a clock that may
//!   step back), exposures reported lost, and batches taken with small size limits. Every batch
//!   it renders must decode, be numbered 1, 2, 3…, keep to its size limit unless it holds a
//!   single item, and once all are taken the counts must add up: every tracked evaluation
//!   counted in a summary or as `unsummarized`, and with deduplication off every exposure
//!   produced either delivered or in `dropped` (net of what was reported lost).
#![no_main]

use edgeflag::{decode_batch, Context, ExposureConfig, Json, Recorder};
use edgeflag_fuzz::{default_of, fixed_snapshots, BASE_NOW};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0xFF, rest)) => {
            let _ = record(&mut Unstructured::new(rest));
        }
        _ => {
            if let Ok(text) = std::str::from_utf8(data) {
                decode(text);
            }
        }
    }
});

fn decode(text: &str) {
    let verdict = decode_batch(text);
    if let Ok(b) = &verdict {
        assert!(b.exposures + b.summaries > 0 || b.dropped > 0 || b.unsummarized > 0, "an empty batch: {b:?}");
        assert!(b.errors <= b.evaluations, "{b:?}");
        assert!(b.sequence >= 1, "{b:?}");
    }
    if let Ok(v) = Json::parse(text) {
        assert_eq!(decode_batch(&v.to_text()), verdict, "the compact form gets another verdict");
    }
}

/// Names an attribute the exposures may copy: a context member, a pointer, or any text.
const ATTRIBUTES: [&str; 6] = ["tier", "key", "email", "/address/city", "beta_opt_in", "n"];
/// Contexts an evaluation may use, besides one the input writes.
const CONTEXTS: [&str; 6] = [
    r#"{"key":"user-42","tier":"pro","beta_opt_in":true,"email":"a@example.com"}"#,
    r#"{"key":"user-7","tier":"free","n":3,"address":{"city":"Zürich"}}"#,
    r#"{"tier":"enterprise"}"#,
    r#"{"key":17}"#,
    "not json",
    "{}",
];

fn record(u: &mut Unstructured) -> Result<()> {
    let fixed = fixed_snapshots();
    let snapshot = if u.ratio(1, 16)? { None } else { Some(&fixed[u.choose_index(fixed.len())?].1) };
    let mut config = ExposureConfig::new(u.arbitrary()?);
    config.queue_capacity = u.int_in_range(1..=8)?;
    config.dedupe_window_ms = if u.ratio(1, 4)? { 0 } else { u.int_in_range(1..=20_000)? };
    config.dedupe_capacity = u.int_in_range(1..=8)?;
    config.summary_capacity = u.int_in_range(1..=16)?;
    for _ in 0..u.int_in_range(0..=3)? {
        let name = if u.ratio(1, 4)? { u.arbitrary::<&str>()? } else { *u.choose(&ATTRIBUTES)? };
        config.attributes.push(name.into());
    }
    config.key_salt = u.arbitrary::<Option<&str>>()?.map(String::from);
    let dedupe = config.dedupe_window_ms > 0;
    // A configuration it refuses (an empty source, a salt with U+001F…) is not fuzzed further.
    let Ok(mut recorder) = Recorder::new(config) else { return Ok(()) };

    let own: &str = u.arbitrary()?;
    let contexts: Vec<Context> = CONTEXTS.iter().copied().chain([own]).map(Context::parse).collect();
    let subjects: Vec<_> = contexts.iter().map(|c| recorder.subject(c)).collect();

    let mut now = BASE_NOW;
    let mut batches = Batches::default();
    let (mut evaluations, mut tracked, mut lost) = (0u64, 0u64, 0u64);
    for _ in 0..u.int_in_range(1..=64)? {
        // Mostly forward; sometimes a step back, as a host clock may.
        now += u.int_in_range(-2_000..=30_000)?;
        match u.int_in_range(0..=9)? {
            0..=6 => {
                let c = u.choose_index(contexts.len())?;
                let key: String = match snapshot {
                    Some(s) if !s.flags().is_empty() && !u.ratio(1, 8)? => {
                        s.flags()[u.choose_index(s.flags().len())?].key().into()
                    }
                    _ => u.arbitrary::<&str>()?.into(),
                };
                let default = default_of(u.arbitrary()?);
                let e = recorder.evaluate(snapshot, &key, &contexts[c], &subjects[c], now, default.as_ref());
                evaluations += 1;
                let tracks = snapshot.and_then(|s| s.flag(&key)).is_some_and(|f| f.track_events());
                tracked += u64::from(tracks && e.variation.is_some());
            }
            7 => {
                // Mostly a batch's worth; sometimes any count a host might pass.
                let n = if u.ratio(1, 8)? { u.arbitrary()? } else { u.int_in_range(0..=1_000)? };
                recorder.lost(n);
                lost = lost.saturating_add(n);
            }
            _ => {
                let max = u.int_in_range(0..=2_000)?;
                if let Some(text) = recorder.take_batch(now, max) {
                    batches.check(&text, now, max);
                }
            }
        }
    }
    while let Some(text) = recorder.take_batch(now, 600) {
        batches.check(&text, now, 600);
    }
    assert_eq!(recorder.pending(), 0);
    assert_eq!(batches.evaluations + batches.unsummarized, evaluations, "evaluations counted");
    // The exposure count adds up while what was reported lost stays below what a batch can
    // carry (2^53 - 1); past that, `dropped` only has to stay decodable.
    if lost < 1 << 53 {
        let delivered = (batches.exposures + batches.dropped).checked_sub(lost);
        let delivered = delivered.unwrap_or_else(|| panic!("dropped {} < lost {lost}", batches.dropped));
        if dedupe {
            assert!(delivered <= tracked, "{delivered} exposures for {tracked} tracked evaluations");
        } else {
            assert_eq!(delivered, tracked, "exposures produced = delivered + dropped");
        }
    }
    Ok(())
}

/// Totals over the batches a recorder rendered.
#[derive(Default)]
struct Batches {
    sequence: u64,
    exposures: u64,
    dropped: u64,
    evaluations: u64,
    unsummarized: u64,
}

impl Batches {
    fn check(&mut self, text: &str, now: i64, max: usize) {
        let b = match decode_batch(text) {
            Ok(b) => b,
            Err(e) => panic!("a rendered batch does not decode: {e}\n{text}"),
        };
        self.sequence += 1;
        assert_eq!((b.sequence, b.sent_at), (self.sequence, now), "{text}");
        assert!(text.len() <= max || b.exposures + b.summaries <= 1, "over {max} bytes: {text}");
        self.exposures += b.exposures as u64;
        self.dropped = self.dropped.saturating_add(b.dropped);
        self.evaluations += b.evaluations;
        self.unsummarized += b.unsummarized;
    }
}

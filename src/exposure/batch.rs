//! Decoding a batch as a collector receives it (docs/exposures.md, "Batches"): everything
//! docs/exposures.schema.json checks, plus the rules the schema cannot express (attribute strings
//! in UTF-8 bytes, `errors ≤ count`, `start ≤ end`) and duplicate members, which a JSON object
//! model hides. Objects are read with the snapshot loader's tables, so a refused batch is
//! reported like a refused snapshot: `exposures[3].reason: …`.
//!
//! Only collectors call this; the Wasm module does not, and leaves it out.

use super::MAX_ATTRIBUTE_BYTES;
use crate::error::LoadErrorKind as K;
use crate::json::schema::{check, empty, fail, map, members, wrong_type, At, Result, Ty, Ty::*};
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::message::message;
use alloc::string::String;
use core::fmt;

/// What a collector needs from a valid batch to store it once and account for it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Batch {
    /// The sending engine; with `sequence`, identifies the batch (store it once).
    pub source: String,
    /// The batch's number, from 1.
    pub sequence: u64,
    /// Host time when the batch was rendered, in ms since the epoch.
    pub sent_at: i64,
    /// Exposures lost since the source's previous batch.
    pub dropped: u64,
    /// Evaluations the source's summary table had no room to count.
    pub unsummarized: u64,
    /// Exposures in the batch.
    pub exposures: usize,
    /// Summary rows in the batch.
    pub summaries: usize,
    /// Σ `count` over the summaries (saturating).
    pub evaluations: u64,
    /// Σ `errors` over the summaries (saturating).
    pub errors: u64,
}

/// A batch that does not meet docs/exposures.md: `exposures[0].keyHash: must be 16 lowercase
/// hexadecimal digits`. Paths are written as in [`crate::LoadError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchError {
    /// Where, as a path (empty for the whole batch).
    pub path: String,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        crate::error::at_path(f, &self.path, &self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BatchError {}

const MAX: i64 = MAX_SAFE_INTEGER as i64;
const SAFE: &(i64, i64) = &(-MAX, MAX);
const NON_NEGATIVE: &(i64, i64) = &(0, MAX);
const POSITIVE: &(i64, i64) = &(1, MAX);

members! {
    struct BatchDoc<'j> {
        schema_version "schemaVersion": req Integer(SAFE) => At<'j, i64>,
        source: req Name => At<'j, &'j str>,
        sequence: req Integer(POSITIVE) => i64,
        sent_at "sentAt": req Integer(SAFE) => i64,
        dropped: req Integer(NON_NEGATIVE) => i64,
        unsummarized: req Integer(NON_NEGATIVE) => i64,
        exposures: req List(&Object) => &'j [Json<'j>],
        summaries: req List(&Object) => &'j [Json<'j>],
    }
}

members! {
    struct ExposureDoc<'j> {
        _flag_key "flagKey": req Name,
        _variation_index "variationIndex": req Integer(NON_NEGATIVE),
        _variation "variation": req Name,
        reason: req Str => At<'j, &'j str>,
        _rule_id "ruleId": opt Name,
        in_experiment "inExperiment": opt Bool,
        _version "version": req Integer(NON_NEGATIVE),
        key: opt Str,
        key_hash "keyHash": opt Str => At<'j, &'j str>,
        attributes: opt Object,
        _timestamp "timestamp": req Integer(SAFE),
    }
}

// `Any` where `null` is allowed: the nullable members are checked in `summary`.
members! {
    struct SummaryDoc<'j> {
        _flag_key "flagKey": req Str,
        version: req Any,
        variation_index "variationIndex": req Any,
        variation: req Any,
        count: req Integer(POSITIVE) => i64,
        errors: req Integer(NON_NEGATIVE) => At<'j, i64>,
        start: req Integer(SAFE) => At<'j, i64>,
        end: req Integer(SAFE) => i64,
    }
}

/// `ERROR` is left out: an error serves no variation, so it produces no exposure.
const REASONS: [&str; 5] = ["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED"];

/// Decodes and checks a batch (JSON text, as `Recorder::take_batch` renders it).
pub fn decode_batch(text: &str) -> core::result::Result<Batch, BatchError> {
    let v = Json::parse(text)
        .map_err(|e| BatchError { path: String::new(), message: message!("invalid JSON: ", &e.text()).text() })?;
    batch(&v).map_err(|fault| {
        let e = fault.into_error(&v);
        BatchError { path: e.path, message: e.message }
    })
}

fn batch(v: &Json<'_>) -> Result<Batch> {
    let o = BatchDoc::read(v)?;
    let (n, at) = o.schema_version;
    if n != 1 {
        return fail(
            K::UnsupportedFormat,
            at,
            message!("schema version ", &decimal(n), " is not supported (this decoder reads 1)"),
        );
    }
    let (source, at) = o.source;
    // Characters, as the schema's maxLength counts them, not bytes.
    let chars = source.chars().count() as i64;
    if chars > 128 {
        return fail(K::InvalidValue, at, message!("longer than 128 characters (", &decimal(chars), ")"));
    }
    let exposures = o.exposures;
    for x in exposures {
        exposure(x)?;
    }
    let summaries = o.summaries;
    let (mut evaluations, mut errors) = (0u64, 0u64);
    for s in summaries {
        let (count, e) = summary(s)?;
        evaluations = evaluations.saturating_add(count);
        errors = errors.saturating_add(e);
    }
    // Range-checked by the table: never negative.
    let (dropped, unsummarized) = (o.dropped as u64, o.unsummarized as u64);
    if exposures.is_empty() && summaries.is_empty() && dropped == 0 && unsummarized == 0 {
        return fail(K::InvalidValue, v, message!("empty batch: no exposures, summaries, dropped or unsummarized"));
    }
    Ok(Batch {
        source: source.into(),
        sequence: o.sequence as u64,
        sent_at: o.sent_at,
        dropped,
        unsummarized,
        exposures: exposures.len(),
        summaries: summaries.len(),
        evaluations,
        errors,
    })
}

fn exposure(v: &Json<'_>) -> Result<()> {
    let o = ExposureDoc::read(v)?;
    let (reason, at) = o.reason;
    if !REASONS.contains(&reason) {
        return fail(
            K::InvalidValue,
            at,
            message!(
                quoted(reason),
                " is not an exposure reason (STATIC, DEFAULT, TARGETING_MATCH, SPLIT or DISABLED)"
            ),
        );
    }
    if let Some(at @ Json::Bool(false)) = o.in_experiment {
        return fail(K::InvalidValue, at, message!("must be true when present"));
    }
    if let Some((hex, at)) = o.key_hash {
        if o.key.is_some() {
            return fail(K::InvalidValue, at, message!("must not appear together with key"));
        }
        if hex.len() != 16 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return fail(K::InvalidValue, at, message!("must be 16 lowercase hexadecimal digits"));
        }
    }
    match o.attributes {
        Some(a) => attributes(a),
        None => Ok(()),
    }
}

fn attributes(v: &Json<'_>) -> Result<()> {
    // `map` refuses empty and repeated names.
    if map(v)?.is_empty() {
        return empty(v);
    }
    let Json::Object(members) = v else { return Ok(()) };
    for (_, value) in members {
        match value {
            Json::String(s) if s.len() > MAX_ATTRIBUTE_BYTES => {
                let n = decimal(s.len() as i64);
                return fail(K::InvalidValue, value, message!("longer than 256 UTF-8 bytes (", &n, ")"));
            }
            Json::String(_) | Json::Number(_) | Json::Bool(_) => {}
            _ => return wrong_type(value, "a string, number or boolean"),
        }
    }
    Ok(())
}

/// A summary's `count` and `errors`.
fn summary(v: &Json<'_>) -> Result<(u64, u64)> {
    let o = SummaryDoc::read(v)?;
    let version = nullable(o.version, Integer(NON_NEGATIVE), "an integer or null")?;
    let index = nullable(o.variation_index, Integer(NON_NEGATIVE), "an integer or null")?;
    let variation = nullable(o.variation, Name, "a string or null")?;
    let (count, (errors, errors_at), (start, start_at), end) = (o.count, o.errors, o.start, o.end);
    if index != variation {
        let (null, set) = if index { (o.variation, "variationIndex") } else { (o.variation_index, "variation") };
        return fail(K::InvalidValue, null, message!("must not be null when ", set, " is set"));
    }
    if index && !version {
        return fail(K::InvalidValue, o.version, message!("must not be null when a variation was served"));
    }
    if index && errors != 0 {
        return fail(K::InvalidValue, errors_at, message!("must be 0 when a variation was served"));
    }
    if errors > count {
        return fail(K::InvalidValue, errors_at, message!(&decimal(errors), " is more than count ", &decimal(count)));
    }
    if start > end {
        return fail(K::InvalidValue, start_at, message!(&decimal(start), " is after end ", &decimal(end)));
    }
    Ok((count as u64, errors as u64))
}

/// Whether `v` is set: `null`, or a value of `ty` (`expected` names both for the message).
fn nullable(v: &Json<'_>, ty: Ty, expected: &str) -> Result<bool> {
    match (v, ty) {
        (Json::Null, _) => Ok(false),
        (Json::Number(_), Integer(_)) | (Json::String(_), Name) => check(v, ty).map(|()| true),
        _ => wrong_type(v, expected),
    }
}

fn decimal(n: i64) -> String {
    itoa::Buffer::new().format(n).into()
}

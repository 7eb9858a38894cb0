//! Exposures: what each context was shown, recorded as evaluations happen and handed to the
//! host in batches of JSON text (docs/exposures.md, schema in docs/exposures.schema.json).
//!
//! No I/O and no clock: the host passes `now` in, takes batches out and delivers them. Memory is
//! bounded by the configuration: the queue drops (and counts) what does not fit, deduplication
//! forgets the oldest triples, summaries count what they cannot hold as `unsummarized`.
//! Exposures are rendered when recorded, into one buffer: a batch is then one copy of its
//! front, nothing recorded depends on the snapshot staying loaded, and an exposure costs no
//! allocation of its own.

mod batch;
mod seen;
mod summary;

use crate::eval::bucketing::{hash, SEPARATOR};
use crate::eval::context::Context;
use crate::eval::result::Evaluation;
use crate::json::write::{member, write};
use crate::json::{Json, MAX_SAFE_INTEGER};
use crate::message::message;
use crate::model::attribute::AttrRef;
use crate::model::flag::Flag;
use crate::model::snapshot::Snapshot;
use crate::model::variation::Kind;
use crate::quote::write_quoted;
use alloc::string::String;
use alloc::vec::Vec;
use seen::Seen;
use summary::Summary;

pub use batch::{decode_batch, Batch, BatchError};

/// How a [`Recorder`] records. [`ExposureConfig::new`] gives the documented defaults.
#[derive(Clone, Debug)]
pub struct ExposureConfig {
    /// Names the sender in every batch (1 to 128 bytes); with `sequence` it identifies a batch,
    /// so it must be unique per recorder: hosts use a random UUID.
    pub source: String,
    /// Exposures waiting for a batch, at most (default 1,000).
    pub queue_capacity: usize,
    /// An exposure is not produced again for the same context key, flag and variation within
    /// this many ms (default one hour; 0 turns deduplication off).
    pub dedupe_window_ms: i64,
    /// (context key, flag, variation) triples remembered, at most (default 10,000).
    pub dedupe_capacity: usize,
    /// Summary entries (flag, version, variation) held between batches, at most (default 10,000).
    pub summary_capacity: usize,
    /// Context attributes copied into exposures (references as in clauses: `tier`, `/a/b`).
    pub attributes: Vec<String>,
    /// When set, exposures carry `keyHash` (salted) instead of the context key.
    pub key_salt: Option<String>,
}

impl ExposureConfig {
    /// The defaults, with `source`.
    pub fn new(source: &str) -> ExposureConfig {
        ExposureConfig {
            source: source.into(),
            queue_capacity: 1000,
            dedupe_window_ms: 3_600_000,
            dedupe_capacity: 10_000,
            summary_capacity: 10_000,
            attributes: Vec::new(),
            key_salt: None,
        }
    }
}

/// A configuration the recorder refuses: which setting, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting, by its JavaScript option name (`queueCapacity`, `attributes[2]`, ...).
    pub setting: String,
    /// For people.
    pub message: String,
}

/// Who was exposed, prepared once per context: the identity deduplication uses and the
/// context's part of every exposure it is shown (key or key hash, attributes).
#[derive(Clone, Debug, Default)]
pub struct Subject {
    /// Hash of the context key; `None` without a key (no deduplication).
    identity: Option<u64>,
    /// `"key":…` / `"keyHash":…` and `"attributes":{…}`, each followed by a comma.
    part: String,
}

/// Records exposures and summaries; see the module documentation.
pub struct Recorder {
    source: String,
    queue_capacity: usize,
    attributes: Vec<AttrRef>,
    key_salt: Option<String>,
    seen: Option<Seen>,
    /// Queued exposures as JSON, each followed by a comma.
    queue: String,
    /// Their lengths (comma included), oldest first.
    lengths: Vec<u32>,
    summary: Summary,
    dropped: u64,
    sequence: u64,
}

/// Longest string attribute value copied into an exposure, in UTF-8 bytes.
pub const MAX_ATTRIBUTE_BYTES: usize = 256;

/// Largest queue, dedupe and summary capacity.
pub const MAX_CAPACITY: usize = 1 << 20;

impl Recorder {
    /// A recorder, once its configuration checks out.
    pub fn new(config: ExposureConfig) -> Result<Recorder, ConfigError> {
        let bad = |setting: &str, message: &str| Err(ConfigError { setting: setting.into(), message: message.into() });
        if config.source.is_empty() || config.source.len() > 128 {
            return bad("source", "must be 1 to 128 bytes long");
        }
        for (setting, n) in [
            ("queueCapacity", config.queue_capacity),
            ("dedupeCapacity", config.dedupe_capacity),
            ("summaryCapacity", config.summary_capacity),
        ] {
            // The upper bound keeps memory in reach of an edge isolate: a full dedupe table of
            // 2^20 triples is 32 MiB.
            if n == 0 || n > MAX_CAPACITY {
                return bad(setting, "must be an integer from 1 to 1048576");
            }
        }
        if config.dedupe_window_ms < 0 {
            return bad("dedupeWindowMs", "must not be negative");
        }
        if config.key_salt.as_deref().is_some_and(|s| s.contains(SEPARATOR)) {
            return bad("keySalt", "must not contain U+001F");
        }
        let mut attributes = Vec::new();
        for (i, text) in config.attributes.iter().enumerate() {
            match AttrRef::parse(text) {
                // Named twice, copied once: a member repeated in `attributes` makes the batch invalid.
                Ok(a) if !text.is_empty() => {
                    if !attributes.iter().any(|b: &AttrRef| b.text == a.text) {
                        attributes.push(a);
                    }
                }
                _ => {
                    let mut setting = String::from("attributes[");
                    setting.push_str(itoa::Buffer::new().format(i as i64));
                    setting.push(']');
                    return Err(ConfigError {
                        setting,
                        message: message!(quoted(text), " is not an attribute name or a JSON pointer").text(),
                    });
                }
            }
        }
        Ok(Recorder {
            source: config.source,
            queue_capacity: config.queue_capacity,
            attributes,
            key_salt: config.key_salt,
            seen: (config.dedupe_window_ms > 0).then(|| Seen::new(config.dedupe_window_ms, config.dedupe_capacity)),
            queue: String::new(),
            lengths: Vec::new(),
            summary: Summary::new(config.summary_capacity),
            dropped: 0,
            sequence: 0,
        })
    }

    /// Prepares `ctx` for [`Recorder::record`]: do it once per context, not per evaluation.
    pub fn subject(&self, ctx: &Context<'_>) -> Subject {
        let mut part = String::new();
        let key = ctx.key();
        if let Some(key) = key {
            match &self.key_salt {
                Some(salt) => {
                    part.push_str("\"keyHash\":\"");
                    let mut bytes = Vec::with_capacity(salt.len() + key.len() + 1);
                    bytes.extend_from_slice(salt.as_bytes());
                    bytes.push(SEPARATOR as u8);
                    bytes.extend_from_slice(key.as_bytes());
                    let h = hash(&bytes);
                    for shift in (0..16).rev() {
                        part.push(char::from(b"0123456789abcdef"[(h >> (shift * 4)) as usize & 15]));
                    }
                    part.push_str("\",");
                }
                None => {
                    part.push_str("\"key\":");
                    write_quoted(&mut part, key);
                    part.push(',');
                }
            }
        }
        let mut attributes = String::new();
        for a in &self.attributes {
            let value = ctx.lookup(a);
            let scalar = match value {
                Some(Json::String(s)) => s.len() <= MAX_ATTRIBUTE_BYTES,
                Some(Json::Number(_) | Json::Bool(_)) => true,
                _ => false,
            };
            if let (true, Some(v)) = (scalar, value) {
                attributes.push(if attributes.is_empty() { '{' } else { ',' });
                write_quoted(&mut attributes, &a.text);
                attributes.push(':');
                write(v, &mut attributes);
            }
        }
        if !attributes.is_empty() {
            part.push_str("\"attributes\":");
            part.push_str(&attributes);
            part.push_str("},");
        }
        Subject { identity: key.map(|k| hash(k.as_bytes())), part }
    }

    /// Records an evaluation of the flag at `index` in `snapshot`: always counted in the
    /// summary, and an exposure when a variation was served, the flag tracks events and this
    /// (context key, flag, variation) produced none within the window.
    pub fn record(&mut self, who: &Subject, snapshot: &Snapshot, index: usize, e: &Evaluation<'_>, now: i64) {
        let Some(flag) = snapshot.flags.get(index) else { return };
        self.summary.count(snapshot.version, &snapshot.flags, index, e, now);
        let Some((variation, name)) = e.variation else { return };
        if !flag.track_events || self.seen(who, flag, variation, now) {
            return;
        }
        if self.lengths.len() >= self.queue_capacity {
            // Saturating, as in `lost`, which may have taken it to the top.
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        let q = &mut self.queue;
        let start = q.len();
        q.push_str("{\"flagKey\":");
        write_quoted(q, &flag.key);
        q.push_str(",\"variationIndex\":");
        integer(q, Some(i64::from(variation)));
        q.push_str(",\"variation\":");
        write_quoted(q, name);
        q.push_str(",\"reason\":\"");
        q.push_str(e.reason.name());
        q.push('"');
        if let Some(rule) = e.rule_id {
            q.push_str(",\"ruleId\":");
            write_quoted(q, rule);
        }
        if e.in_experiment {
            q.push_str(",\"inExperiment\":true");
        }
        q.push_str(",\"version\":");
        integer(q, Some(snapshot.version as i64));
        q.push(',');
        q.push_str(&who.part);
        q.push_str("\"timestamp\":");
        integer(q, Some(now));
        q.push_str("},");
        // An exposure is far below 4 GiB: its parts are bounded strings.
        self.lengths.push((q.len() - start) as u32);
    }

    /// Evaluates `key` like [`Snapshot::evaluate`] and records it: the native host's one call
    /// per flag (prepare `who` with [`Recorder::subject`] once per context).
    pub fn evaluate<'s>(
        &mut self,
        snapshot: Option<&'s Snapshot>,
        key: &str,
        ctx: &Context<'_>,
        who: &Subject,
        now: i64,
        default: Option<&Json<'_>>,
    ) -> Evaluation<'s> {
        match snapshot.and_then(|s| Some((s, s.index_of(key)?))) {
            Some((s, i)) => {
                let e = s.evaluate_at(i, ctx, now, default.and_then(Kind::of));
                self.record(who, s, i, &e, now);
                e
            }
            None => {
                let e = match snapshot {
                    Some(_) => Evaluation::flag_not_found(key),
                    None => Evaluation::no_snapshot(),
                };
                self.record_unknown(snapshot, key, &e, now);
                e
            }
        }
    }

    /// Records an evaluation of a flag key the snapshot does not have (or with no snapshot):
    /// counted in the summary only.
    pub fn record_unknown(&mut self, snapshot: Option<&Snapshot>, key: &str, e: &Evaluation<'_>, now: i64) {
        self.summary.count_unknown(snapshot.map(Snapshot::version), key, e, now);
    }

    /// Whether this exposure was produced within the window (and if not, remembers it now).
    fn seen(&mut self, who: &Subject, flag: &Flag, variation: u32, now: i64) -> bool {
        let (Some(seen), Some(identity)) = (&mut self.seen, who.identity) else { return false };
        // Identity, variation and flag key, hashed together: flags are known by key across
        // snapshot versions. Joined on the stack for the usual short keys, like bucketing.
        let mut buf = [0u8; 96];
        let heap: Vec<u8>;
        let n = 12 + flag.key.len();
        let bytes: &[u8] = match buf.get_mut(..n) {
            Some(b) => {
                b[..8].copy_from_slice(&identity.to_le_bytes());
                b[8..12].copy_from_slice(&variation.to_le_bytes());
                b[12..].copy_from_slice(flag.key.as_bytes());
                b
            }
            None => {
                heap = [&identity.to_le_bytes()[..], &variation.to_le_bytes(), flag.key.as_bytes()].concat();
                &heap
            }
        };
        // The low half is the identity's: a context's triples start probing at the same slot and
        // lie side by side, so checking every flag for one context touches one or two cache
        // lines of a large table rather than one each. The high half tells the triples apart.
        seen.check(hash(bytes) & !0xFFFF_FFFF | identity & 0xFFFF_FFFF, now)
    }

    /// Exposures waiting for a batch.
    pub fn pending(&self) -> usize {
        self.lengths.len()
    }

    /// Adds `n` exposures the host could not deliver to the next batch's `dropped`.
    pub fn lost(&mut self, n: u64) {
        self.dropped = self.dropped.saturating_add(n);
    }

    /// The next batch as JSON text, at most `max_bytes` long unless a single exposure or summary
    /// entry is longer (it then goes alone); `None` when there is nothing to report. What the
    /// batch holds leaves the recorder: the host must deliver it or report it [`Recorder::lost`].
    pub fn take_batch(&mut self, now: i64, max_bytes: usize) -> Option<String> {
        if self.lengths.is_empty() && self.dropped == 0 && self.summary.is_empty() {
            return None;
        }
        self.sequence += 1;
        let mut out = String::from("{\"schemaVersion\":1,\"source\":");
        write_quoted(&mut out, &self.source);
        let unsummarized = core::mem::take(&mut self.summary.unsummarized);
        for (name, n) in [
            ("sequence", self.sequence as i64),
            ("sentAt", now),
            // At most 2^53 - 1, the decoders' bound, whatever `lost` was given: a batch stays valid.
            ("dropped", core::mem::take(&mut self.dropped).min(MAX_SAFE_INTEGER as u64) as i64),
            ("unsummarized", unsummarized as i64),
        ] {
            member(&mut out, name);
            integer(&mut out, Some(n));
        }
        out.push_str(",\"exposures\":[");
        // Room for the closing `],"summaries":[]}`.
        let max = max_bytes.saturating_sub(18);
        // The oldest exposures that fit, at least one; their commas separate them.
        let (mut n, mut bytes) = (0, 0);
        for &len in &self.lengths {
            if n > 0 && out.len() + bytes + len as usize > max {
                break;
            }
            n += 1;
            bytes += len as usize;
        }
        out.push_str(self.queue.get(..bytes.saturating_sub(1)).unwrap_or_default());
        self.queue.drain(..bytes);
        self.lengths.drain(..n);
        out.push_str("],\"summaries\":[");
        self.summary.write(&mut out, max, n == 0);
        out.push_str("]}");
        Some(out)
    }
}

/// An integer, or `null`.
fn integer(out: &mut String, n: Option<i64>) {
    match n {
        Some(n) => out.push_str(itoa::Buffer::new().format(n)),
        None => out.push_str("null"),
    }
}

//! The Wasm module under the npm package `edgeflag` (this folder): one engine's calls here, and
//! the module's exports over them in [`abi`]. Only the package's JS wrappers call it
//! (`pkg/lib/core.js`); their API is the public one (`pkg/README.md`).
//!
//! The per-request path is shaped for JavaScript: a context crosses once, as JSON text (measured
//! faster than serde-wasm-bindgen, see docs/performance.md) and serves every flag evaluated after
//! it; results are written as integers into a buffer the wrapper reads in place
//! ([`slots`], whose layout the tables name), and values come from tables the wrapper reads once
//! per snapshot and flag
//! ([`describe`]). No string crosses per evaluation except error messages. Text going out (those
//! tables, messages, batches) is read in place as well, from one buffer (`out_ptr`). Each export
//! costs the module and the JS every browser downloads a few bytes, so related calls share one
//! (docs/performance.md, "Size").

#![no_std]
// Denied everywhere but [`abi`] and [`numbers`], where exporting by name and calling JavaScript's
// two number functions are the module's boundary (each says why it is sound).
#![deny(unsafe_code)]

extern crate alloc;

// The exports and imports exist in the Wasm build only: natively (clippy, `cargo test` of the
// workspace) names like `free` and `new` would stand in for the C library's.
#[cfg(target_family = "wasm")]
mod abi;
mod describe;
#[cfg(target_family = "wasm")]
mod numbers;
#[cfg(all(target_family = "wasm", feature = "peers"))]
mod regex;
mod slots;

use alloc::string::String;
use edgeflag::{Context, Engine, ErrorCode, Evaluation, ExposureConfig, Json, Kind, Recorder, Subject};
use slots::Slots;

// talc instead of Rust's default dlmalloc for wasm32: measured smaller (docs/performance.md).
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

self_cell::self_cell!(
    /// A context parsed from text it keeps: strings stay borrowed from that text rather than
    /// copied one by one (the per-request path does one allocation for the text, one for members).
    struct OwnedContext {
        owner: String,
        #[covariant]
        dependent: Context,
    }
);

/// One engine: the snapshot serving, the current context, and the result buffer.
pub struct WasmEngine {
    engine: Engine,
    context: OwnedContext,
    slots: Slots,
    /// The last text output: a `String` return would cost a wasm-bindgen shim per method.
    out: String,
    /// Exposures, once the host turns recording on.
    recorder: Option<Recorder>,
    /// The current context prepared for the recorder, on its first tracked evaluation.
    subject: Option<Subject>,
    /// The keys the host verifies signatures with (`trust` without `keys`), and the bytes
    /// waiting for its verdict (`commit`): what to verify, the snapshot from the offset.
    #[cfg(all(feature = "trust", not(feature = "keys")))]
    keys: edgeflag::signature::Keys,
    #[cfg(all(feature = "trust", not(feature = "keys")))]
    staged: (usize, alloc::vec::Vec<u8>),
    /// The last compiled snapshot (`compile`), servers' module only.
    #[cfg(feature = "server")]
    compiled: alloc::vec::Vec<u8>,
}

impl WasmEngine {
    /// An engine with no snapshot.
    pub fn new() -> WasmEngine {
        #[cfg(target_family = "wasm")]
        numbers::install();
        #[cfg(all(target_family = "wasm", feature = "peers"))]
        regex::install();
        WasmEngine {
            engine: Engine::new(),
            context: OwnedContext::new(String::from("{}"), |t| Context::parse(t)),
            slots: Slots::default(),
            out: String::new(),
            recorder: None,
            subject: None,
            #[cfg(all(feature = "trust", not(feature = "keys")))]
            keys: Default::default(),
            #[cfg(all(feature = "trust", not(feature = "keys")))]
            staged: Default::default(),
            #[cfg(feature = "server")]
            compiled: alloc::vec::Vec::new(),
        }
    }

    /// Offers a snapshot as bytes: 0 replaced, 1 same version kept; refused, `-1 - n` where `n` is
    /// the length of the error as `[kind, path, message]` JSON text in `out` (see `out_ptr`).
    /// The compiled form (docs/compiled.md); in the servers' module also JSON text in UTF-8.
    /// In the module whose host verifies (`trust` without `keys`), with keys trusted, a signed
    /// snapshot from a trusted key answers `2 + n`: `n` bytes to verify are at `staged_ptr` (the
    /// signature's 64, a count of keys in one byte, each key's 32, then the message: the domain
    /// and every byte of the snapshot before its trailer, which follows them), and the snapshot
    /// waits for `commit`.
    #[cfg(feature = "compiled")]
    pub fn update(&mut self, bytes: &[u8]) -> i32 {
        #[cfg(all(feature = "trust", not(feature = "keys")))]
        if !self.keys.is_empty() && edgeflag::compiled::is_compiled(bytes) {
            return match self.keys.signed_compiled(bytes) {
                Ok(s) => {
                    let [domain, signed] = s.parts;
                    let mut staged = alloc::vec::Vec::with_capacity(bytes.len() + 128);
                    staged.extend_from_slice(&s.signature);
                    // Ids are 64 bits: even two trusted keys sharing one is rare; 255 is plenty.
                    staged.push(s.keys.len().min(255) as u8);
                    s.keys.iter().take(255).for_each(|k| staged.extend_from_slice(&k.to_bytes()));
                    staged.extend_from_slice(domain);
                    // The snapshot once: what is signed is its beginning, so the message ends inside it.
                    let at = staged.len();
                    staged.extend_from_slice(bytes);
                    self.staged = (at, staged);
                    2 + (at + signed.len()) as i32
                }
                Err(e) => -1 - self.refusal(&e) as i32,
            };
        }
        let result = self.load(bytes);
        self.answer(result)
    }

    /// Loads the bytes `update` staged when the host verified their signature (`verified`),
    /// else refuses them as `bad_signature`; answers as `update`. Nothing staged: refused as
    /// unsigned.
    #[cfg(all(feature = "trust", not(feature = "keys")))]
    pub fn commit(&mut self, verified: bool) -> i32 {
        let (at, staged) = core::mem::take(&mut self.staged);
        let bytes = staged.get(at..).unwrap_or_default();
        let result = match self.keys.signed_compiled(bytes) {
            Ok(_) if verified => edgeflag::Snapshot::from_compiled(bytes).and_then(|s| self.engine.update(s)),
            Ok(s) => Err(s.refusal()),
            Err(e) => Err(e),
        };
        self.answer(result)
    }

    /// Offers snapshot JSON text, signed or not, answering as `update`. Only in the servers'
    /// module: browsers read compiled snapshots unless a page asks for JSON.
    #[cfg(feature = "json")]
    pub fn update_text(&mut self, text: &str) -> i32 {
        let result = self.engine.update_str(text);
        self.answer(result)
    }

    /// Address of what `update` staged for the host to verify, valid until the next call.
    #[cfg(all(feature = "trust", not(feature = "keys")))]
    pub fn staged_ptr(&self) -> *const u8 {
        self.staged.1.as_ptr()
    }

    /// Trusts the public keys in `keys` (64 hex digits each, separated by commas; empty: none):
    /// from then on an update must be signed with one of them (docs/snapshot.md, "Signed
    /// snapshots"). Returns 0, or the length of the message in `out` (see `out_ptr`) when a key is
    /// refused; the keys trusted then stay as they were.
    #[cfg(any(feature = "keys", feature = "trust"))]
    pub fn trust(&mut self, keys: &str) -> u32 {
        self.out.clear();
        match edgeflag::signature::Keys::parse(keys) {
            #[cfg(feature = "keys")]
            Ok(keys) => self.engine.trust(keys),
            #[cfg(not(feature = "keys"))]
            Ok(keys) => self.keys = keys,
            Err(e) => self.out = e.0,
        }
        self.out_len()
    }

    /// The client-safe snapshot of `text` ([`edgeflag::client_snapshot`]; of its contents when it is
    /// signed) as JSON text, or when
    /// `text` does not load its error as `[kind, path, message]` (see `out_ptr`); the wrapper
    /// tells them apart by the first byte. A method writing to `out` rather than a function
    /// returning a `String`: measured 27 bytes smaller gzipped, module and bundled JS together.
    /// Only in the servers' module: browsers receive client-safe snapshots, never derive them.
    #[cfg(feature = "server")]
    pub fn client_snapshot(&mut self, text: &str) -> u32 {
        // A signed snapshot gives its contents (verified by whoever accepted it).
        match edgeflag::signature::contents(text).and_then(edgeflag::client_snapshot) {
            Ok(derived) => {
                self.out = derived;
                self.out_len()
            }
            Err(e) => self.refusal(&e),
        }
    }

    /// The compiled form (docs/compiled.md) of snapshot `text` (of its contents when it is
    /// signed): its length, the bytes at `compiled_ptr`; or when `text` does not load, `-1 - n`
    /// with the error as for `update`. Only in the servers' module: servers publish the form.
    #[cfg(feature = "server")]
    pub fn compile(&mut self, text: &str) -> i32 {
        let contents = edgeflag::signature::contents(text);
        match contents.and_then(|c| edgeflag::Snapshot::parse(c).map(|s| s.to_compiled(c.as_bytes()))) {
            Ok(bytes) => {
                self.compiled = bytes;
                self.compiled.len() as i32
            }
            Err(e) => -1 - self.refusal(&e) as i32,
        }
    }

    /// A peer's payload converted into a snapshot (`edgeflag-import`, docs/import.md): `text` is
    /// the options as a JSON object on its first line (`peer`, `version`, `generatedAt`,
    /// `skipUnsupported`, `decryptionKey`, `reference`), then the payload. Writes
    /// `{"snapshot": …, "skipped": [[kind, path, message], …]}`, or the refusal as
    /// `[kind, path, message]`. Servers' module only: converting is a publisher's work.
    #[cfg(feature = "server")]
    pub fn import_config(&mut self, text: &str) -> u32 {
        use edgeflag_import::{import, ImportError, Options, Peer};
        let (head, payload) = text.split_once('\n').unwrap_or((text, ""));
        let parsed = Json::parse(head).ok();
        let option = |name: &str| parsed.as_ref().and_then(|o| o.get(name));
        let text_of = |name: &str| option(name).and_then(Json::as_str).map(String::from);
        let result = match option("peer").and_then(Json::as_str).and_then(Peer::named) {
            None => Err(ImportError::invalid("", "peer must be one of flagd, unleash, growthbook, launchdarkly")),
            Some(peer) => {
                let options = Options {
                    version: option("version").and_then(Json::as_integer).unwrap_or(0).max(0) as u64,
                    generated_at: text_of("generatedAt").unwrap_or_default(),
                    skip_unsupported: option("skipUnsupported") == Some(&Json::Bool(true)),
                    decryption_key: text_of("decryptionKey"),
                    reference: text_of("reference"),
                };
                import(peer, payload, &options)
            }
        };
        self.out.clear();
        match result {
            Ok(imported) => {
                self.out.push_str("{\"snapshot\":");
                edgeflag::json::write::write(&imported.snapshot, &mut self.out);
                self.out.push_str(",\"skipped\":[");
                for (i, e) in imported.skipped.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    describe::strings(&mut self.out, &mut [e.kind.code(), &e.path, &e.message].into_iter());
                }
                self.out.push_str("]}");
            }
            Err(e) => describe::strings(&mut self.out, &mut [e.kind.code(), &e.path, &e.message].into_iter()),
        }
        self.out_len()
    }

    /// Address of the bytes the last `compile` wrote, valid until the next call.
    #[cfg(feature = "server")]
    pub fn compiled_ptr(&self) -> *const u8 {
        self.compiled.as_ptr()
    }

    /// Text the wrapper reads (see `out_ptr`), by `what`: -1, the serving snapshot's tables as
    /// JSON; a flag's index, that flag's table (nothing when there is no such flag); -2 - `slot`,
    /// the error message of that result slot.
    pub fn describe(&mut self, what: i32) -> u32 {
        self.out.clear();
        match what {
            -1 => describe::tables(self.engine.snapshot(), &mut self.out),
            i if i >= 0 => {
                if let Some(f) = self.engine.snapshot().and_then(|s| s.flags().get(i as usize)) {
                    describe::flag(f, &mut self.out);
                }
            }
            slot => self.out.push_str(self.slots.message((-2 - slot) as usize)),
        }
        self.out_len()
    }

    /// Sets the context every evaluation uses until the next call, from JSON text. Invalid text
    /// or a non-object gives each later evaluation a `PARSE_ERROR` / `INVALID_CONTEXT` result.
    /// `invalid`: the host could not turn its context into JSON (a cycle, a BigInt), and `text`
    /// says why: every evaluation gives `INVALID_CONTEXT` with it.
    pub fn set_context(&mut self, text: &str, invalid: bool) {
        self.context = match invalid {
            false => OwnedContext::new(String::from(text), |t| Context::parse(t)),
            true => {
                OwnedContext::new(String::new(), |_| Context::invalid(ErrorCode::InvalidContext, String::from(text)))
            }
        };
        self.subject = None;
    }

    /// Evaluates the flag at `index` of the described flags into slot 0, or with index -1 the flag
    /// `key` names: for keys the wrapper does not know, so the core decides (`FLAG_NOT_FOUND`, or
    /// `GENERAL` with no snapshot). `default_kind` is 0 for none (or null), else 1 + the position
    /// in the described `kinds`. `track`: record it (when recording is on). Returns the address of
    /// the result buffer (see `evaluate_all`).
    pub fn evaluate(&mut self, index: i32, key: &str, now: f64, default_kind: u32, track: bool) -> *const i32 {
        self.slots.clear(1);
        let now = millis(now);
        let s = self.engine.snapshot();
        match (s, u32::try_from(index).ok().or_else(|| s.and_then(|s| s.index_of(key)).map(|i| i as u32))) {
            (Some(s), Some(index)) => {
                let e = s.evaluate_at(index as usize, self.context.borrow_dependent(), now, kind(default_kind));
                self.slots.write(0, s, index as usize, &e);
                let ctx = self.context.borrow_dependent();
                if let Some((r, who)) = prepared(track, &mut self.recorder, &mut self.subject, ctx) {
                    r.record(who, s, index as usize, &e, now);
                }
            }
            // `FLAG_NOT_FOUND` is built here: `Engine::evaluate` would link a second copy of the
            // evaluation checks.
            (s, _) => {
                let e = if s.is_some() { Evaluation::flag_not_found(key) } else { Evaluation::no_snapshot() };
                self.slots.write_error(0, &e);
                if let (true, Some(r)) = (track, &mut self.recorder) {
                    r.record_unknown(s, key, &e, now);
                }
            }
        }
        self.slots.ptr()
    }

    /// Evaluates every flag into slot `i` for the described flag `i`. Returns the address of the
    /// result buffer in the module's memory (stable until the next evaluation that needs more
    /// slots than before).
    pub fn evaluate_all(&mut self, now: f64, track: bool) -> *const i32 {
        let Some(s) = self.engine.snapshot() else {
            self.slots.clear(0);
            return self.slots.ptr();
        };
        let now = millis(now);
        let slots = &mut self.slots;
        slots.clear(s.flags().len());
        let ctx = self.context.borrow_dependent();
        let mut recorder = prepared(track, &mut self.recorder, &mut self.subject, ctx);
        s.evaluate_each(ctx, now, |i, e| {
            slots.write(i, s, i, &e);
            if let Some((r, who)) = &mut recorder {
                r.record(who, s, i, &e, now);
            }
        });
        self.slots.ptr()
    }

    /// Turns exposure recording on (docs/exposures.md). `options` is JSON text of the package's
    /// own `exposures` options, checked by the wrapper and with its defaults filled in: `source`,
    /// `queueCapacity`, `dedupeWindowMs`, `dedupeCapacity`, `summaryCapacity`, `attributes`, and
    /// `keySalt` when given. Returns 0, or the length of `[setting, message]` JSON text in `out`
    /// when the configuration is refused (recording then stays as it was). The wrapper calls it
    /// once per engine.
    pub fn record_exposures(&mut self, options: &str) -> u32 {
        let options = Json::parse(options).unwrap_or(Json::Null);
        let number = |name| match options.get(name) {
            Some(Json::Number(n)) => *n,
            _ => 0.0,
        };
        let mut config = ExposureConfig::new(options.get("source").and_then(Json::as_str).unwrap_or_default());
        config.queue_capacity = number("queueCapacity") as usize;
        config.dedupe_window_ms = millis(number("dedupeWindowMs"));
        config.dedupe_capacity = number("dedupeCapacity") as usize;
        config.summary_capacity = number("summaryCapacity") as usize;
        if let Some(Json::Array(items)) = options.get("attributes") {
            config.attributes = items.iter().filter_map(Json::as_str).map(String::from).collect();
        }
        config.key_salt = options.get("keySalt").and_then(Json::as_str).map(String::from);
        self.out.clear();
        match Recorder::new(config) {
            Ok(r) => {
                self.recorder = Some(r);
                self.subject = None;
            }
            Err(e) => describe::strings(&mut self.out, &mut [e.setting.as_str(), &e.message].into_iter()),
        }
        self.out_len()
    }

    /// The next exposure batch, JSON text of at most about `max_bytes` (see `out_ptr`); 0 when
    /// there is nothing to send or recording is off.
    pub fn take_exposures(&mut self, now: f64, max_bytes: u32) -> u32 {
        self.out.clear();
        if let Some(batch) = self.recorder.as_mut().and_then(|r| r.take_batch(millis(now), max_bytes as usize)) {
            self.out = batch;
        }
        self.out_len()
    }

    /// Adds `lost` undeliverable exposures to the next batch's `dropped` (0: none), and returns
    /// how many exposures wait for a batch.
    pub fn exposures(&mut self, lost: f64) -> u32 {
        let Some(r) = &mut self.recorder else { return 0 };
        r.lost(millis(lost).max(0) as u64);
        r.pending() as u32
    }

    /// Address of the text the last call that returns a length wrote (`update` when it refuses,
    /// `trust`, `describe`, `record_exposures`, `take_exposures`), valid until the next call.
    pub fn out_ptr(&self) -> *const u8 {
        self.out.as_ptr()
    }
}

impl Default for WasmEngine {
    fn default() -> WasmEngine {
        WasmEngine::new()
    }
}

impl WasmEngine {
    /// A compiled snapshot, or in the servers' module JSON text in UTF-8; anything else is refused.
    #[cfg(feature = "compiled")]
    fn load(&mut self, bytes: &[u8]) -> Result<edgeflag::Update, edgeflag::LoadError> {
        if edgeflag::compiled::is_compiled(bytes) {
            #[cfg(feature = "keys")]
            return self.engine.update_compiled(bytes);
            // No key can be trusted without `trust`: the verifier stays out of the module.
            #[cfg(not(feature = "keys"))]
            return edgeflag::Snapshot::from_compiled(bytes).and_then(|s| self.engine.update(s));
        }
        #[cfg(feature = "json")]
        return self.engine.update_utf8(bytes);
        #[cfg(not(feature = "json"))]
        Err(edgeflag::LoadError {
            kind: edgeflag::LoadErrorKind::UnsupportedFormat,
            path: String::new(),
            message: String::from(
                "this module reads compiled snapshots (docs/compiled.md); for JSON snapshots, init(source, { json: true })",
            ),
        })
    }

    /// An update's outcome as `update` returns it.
    #[cfg(any(feature = "compiled", feature = "json"))]
    fn answer(&mut self, result: Result<edgeflag::Update, edgeflag::LoadError>) -> i32 {
        use edgeflag::Update;
        match result {
            Ok(Update::Replaced { .. }) => 0,
            Ok(Update::Unchanged { .. }) => 1,
            Err(e) => -1 - self.refusal(&e) as i32,
        }
    }

    /// A refused snapshot as `[kind, path, message]` JSON text in `out`; its length.
    #[cfg(any(feature = "compiled", feature = "json"))]
    fn refusal(&mut self, e: &edgeflag::LoadError) -> u32 {
        self.out.clear();
        describe::strings(&mut self.out, &mut [e.kind.code(), &e.path, &e.message].into_iter());
        self.out_len()
    }

    /// Texts are far below 4 GiB (the Wasm memory's limit).
    fn out_len(&self) -> u32 {
        self.out.len() as u32
    }
}

/// The recorder and the context prepared for it, when `track` and recording is on.
fn prepared<'a>(
    track: bool,
    recorder: &'a mut Option<Recorder>,
    subject: &'a mut Option<Subject>,
    ctx: &Context<'_>,
) -> Option<(&'a mut Recorder, &'a Subject)> {
    let r = recorder.as_mut().filter(|_| track)?;
    let who: &Subject = match subject {
        Some(who) => who,
        None => subject.insert(r.subject(ctx)),
    };
    Some((r, who))
}

/// The host's clock value in ms; a non-finite value counts as the epoch.
fn millis(now: f64) -> i64 {
    if now.is_finite() {
        now as i64
    } else {
        0
    }
}

fn kind(code: u32) -> Option<Kind> {
    describe::KINDS.get((code as usize).checked_sub(1)?).copied()
}

// The public API over the Wasm core. No evaluation logic lives here: snapshots and contexts go
// in as JSON text, results come back as integers in the core's buffer (see pkg/src/slots.rs)
// and are turned into values through tables the core describes (pkg/src/describe.rs): the
// snapshot's, with the results' layout, once per update; each flag's on its first use.
import { decoder as utf8, encoder, host, newCore } from './core.js';

/** A snapshot the engine refused: `kind` and `path` as in docs/snapshot.md ("Load errors"). */
export class LoadError extends Error {
  constructor(kind, path, message) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'EdgeflagLoadError';
    this.kind = kind;
    this.path = path;
  }
}

/** A peer's payload a converter refused, or a construct it left out (`importConfig`). */
export class ImportError extends Error {
  constructor(kind, path, message) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'EdgeflagImportError';
    this.kind = kind;
    this.path = path;
  }
}

export class Engine {
  #e; // the core and its tables, shared with this engine's scopes
  #recording = false;

  /**
   * @param snapshot optional snapshot (JSON text or object); throws LoadError if it is refused
   * @param options `{ now: () => ms, exposures: true | {...}, publicKeys: [hex] }` the clock
   *   (default Date.now); exposure recording (see `recordExposures`); the keys every snapshot
   *   must then be signed with (docs/snapshot.md, "Signed snapshots")
   */
  constructor(snapshot, options = {}) {
    this.#e = new Evaluator(options.now ?? Date.now);
    if (options.publicKeys !== undefined) this.#trust(options.publicKeys);
    if (options.exposures) this.recordExposures(options.exposures === true ? {} : options.exposures);
    if (snapshot !== undefined) {
      if (this.#e.later) throw new TypeError(LATER);
      const result = this.update(snapshot);
      if (!result.ok) throw result.error;
    }
  }

  #trust(keys) {
    const list = typeof keys === 'string' ? [keys] : keys;
    // An empty entry (an unset variable split on commas) must not quietly mean "trust none".
    if (!Array.isArray(list) || !list.every((k) => typeof k === 'string' && k.trim() !== '')) {
      throw new TypeError('edgeflag: publicKeys must be an array of public keys, 64 hex digits each');
    }
    // The browsers' default module does not verify signatures: keys need the one that does.
    if (!this.#e.core.trust) throw new TypeError('edgeflag: publicKeys need init(source, { keys: true }) first');
    const n = this.#e.core.trust(list.join(','));
    if (n) throw new TypeError(`edgeflag: publicKeys: ${this.#e.text(n)}`);
    // Browsers verify with WebCrypto, which answers later (core.js, `host`).
    this.#e.later = host() !== null;
  }

  /**
   * Offers a snapshot: the compiled form's bytes (docs/compiled.md), or JSON as text, bytes or a
   * value (in the module that reads JSON: every server entry, and browsers after
   * `init(source, { json: true })`). A refused one leaves the serving snapshot in place. Never
   * throws. In browsers given publicKeys signatures are verified asynchronously: there it
   * refuses every snapshot, saying to use `updateAsync`.
   */
  update(snapshot) {
    if (this.#e.later) return { ok: false, error: new TypeError(LATER), version: this.version };
    return this.#offer(snapshot);
  }

  /**
   * `update`, resolving to its result once the snapshot's signature is verified (browsers given
   * publicKeys: WebCrypto is asynchronous); updates offered this way load in the order offered.
   * Everywhere else it resolves to what `update` returns.
   */
  updateAsync(snapshot) {
    // The caller may reuse its buffer while an earlier update is verified.
    const copy = snapshot instanceof ArrayBuffer || ArrayBuffer.isView(snapshot) ? bytes(snapshot).slice() : snapshot;
    return (this.#queue = this.#queue.then(() => this.#offer(copy)));
  }
  #queue = Promise.resolve();

  /** Whether `update` needs to be `updateAsync` (browsers given publicKeys). */
  get asyncUpdates() {
    return this.#e.later;
  }

  /** A snapshot offered to the core, and its answer as a result (a Promise while it is verified). */
  #offer(snapshot) {
    return this.#answer(() => offer(this.#e.core, snapshot));
  }

  #answer(call) {
    const e = this.#e;
    const previousVersion = this.version;
    let code;
    try {
      code = call();
    } catch (error) {
      return { ok: false, error, version: previousVersion };
    }
    if (code >= 2) {
      // Signed, by a trusted key's id: the core waits for the host's verdict (pkg/src/lib.rs).
      return host().verify(new Uint8Array(e.core.memory.buffer, e.core.staged_ptr(), code - 2).slice()).then(
        (verified) => this.#answer(() => e.core.commit(verified)),
        (error) => (e.core.commit(false), { ok: false, error, version: previousVersion }),
      );
    }
    if (code < 0) {
      const [kind, path, message] = JSON.parse(e.text(-1 - code));
      return { ok: false, error: new LoadError(kind, path, message), version: previousVersion };
    }
    if (code === 0) e.describe();
    return { ok: true, changed: code === 0, version: this.version, previousVersion };
  }

  /** Version of the serving snapshot, or null before one is loaded. */
  get version() {
    return this.#e.tables.version;
  }

  /** The serving snapshot's flags: key, kind, on, clientVisible, variations, values, rules, metadata. */
  flags() {
    const e = this.#e;
    const t = e.tables;
    return (t.all ??= Object.freeze(t.keys.map((_, i) => e.flag(i))));
  }

  /** One flag of the serving snapshot (as in `flags()`), or undefined. */
  flag(flagKey) {
    const i = this.#e.tables.index.get(flagKey);
    return i === undefined ? undefined : this.#e.flag(i);
  }

  // Every evaluation takes a last `options`: `{ track: false }` records no exposure or count.
  // Each binds its context in a Scope; the typed getters (getBoolean … getJsonDetails) are
  // defined with Scope's, in its static block.

  /** One flag for one context: value, variation, reason and why. */
  evaluate(flagKey, context, defaultValue, options) {
    return this.context(context).evaluate(flagKey, defaultValue, options);
  }

  /** Every flag for one context: `{ flagKey: details }`. */
  evaluateAll(context, options) {
    return this.context(context).evaluateAll(options);
  }

  /** Every flag's value for one context: `{ flagKey: value }` (null where none is served). */
  values(context, options) {
    return this.context(context).values(options);
  }

  /** Binds a context once, for evaluating many flags with it (the per-request path). */
  context(context, options) {
    return new Scope(this.#e, text(context), options?.track !== false);
  }

  /**
   * Turns exposure recording on (docs/exposures.md): `{ source, queueCapacity, dedupeWindowMs,
   * dedupeCapacity, summaryCapacity, attributes, keySalt }`, all optional. Throws a TypeError
   * for a refused option; once on, it stays on with its options.
   */
  recordExposures(options = {}) {
    if (this.#recording) throw new TypeError('edgeflag: exposures are already being recorded');
    const o = options;
    if (typeof o !== 'object' || o === null) throw new TypeError('edgeflag: exposures options must be an object');
    for (const name of Object.keys(o)) {
      if (!OPTIONS.includes(name)) throw new TypeError(`edgeflag: unknown exposures option "${name}"`);
    }
    const count = (name, fallback) => {
      const v = o[name] ?? fallback;
      if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`edgeflag: exposures.${name} must be a non-negative integer`);
      return v;
    };
    const attributes = o.attributes ?? [];
    if (!Array.isArray(attributes) || !attributes.every((a) => typeof a === 'string')) {
      throw new TypeError('edgeflag: exposures.attributes must be an array of strings');
    }
    if (o.keySalt !== undefined && typeof o.keySalt !== 'string') throw new TypeError('edgeflag: exposures.keySalt must be a string');
    const source = o.source ?? randomId();
    if (typeof source !== 'string') throw new TypeError('edgeflag: exposures.source must be a string');
    const n = this.#e.core.record_exposures(
      JSON.stringify({
        source,
        queueCapacity: Math.min(count('queueCapacity', 1000), 2 ** 32 - 1),
        dedupeWindowMs: count('dedupeWindowMs', 3_600_000),
        dedupeCapacity: Math.min(count('dedupeCapacity', 10_000), 2 ** 32 - 1),
        summaryCapacity: Math.min(count('summaryCapacity', 10_000), 2 ** 32 - 1),
        attributes,
        keySalt: o.keySalt,
      }),
    );
    if (n) {
      const [setting, message] = JSON.parse(this.#e.text(n));
      throw new TypeError(`edgeflag: exposures.${setting} ${message}`);
    }
    this.#recording = true;
  }

  /** Whether exposures are being recorded. */
  get recording() {
    return this.#recording;
  }

  /** Exposures waiting for a batch. */
  get pendingExposures() {
    return this.#e.core.exposures(0);
  }

  /**
   * The next exposure batch as JSON text of about `maxBytes` at most, or null when there is
   * nothing to send. What it holds leaves the engine: deliver it, or report it `exposuresLost`.
   */
  takeExposures(maxBytes = 60_000) {
    const e = this.#e;
    const n = e.core.take_exposures(e.now(), Math.max(0, Math.min(maxBytes, 2 ** 32 - 1)) || 0);
    return n ? e.text(n) : null;
  }

  /** Reports `n` exposures that could not be delivered: the next batch counts them as dropped. */
  exposuresLost(n) {
    if (n > 0) this.#e.core.exposures(n);
  }

  /** Releases the Wasm memory this engine holds (optional: it is also reclaimed by GC). */
  free() {
    this.#e.core.free();
  }
}

/**
 * One core engine and the tables that turn its results into values: what an Engine and its
 * scopes evaluate with. Module-private, so the public classes carry no internal methods.
 */
class Evaluator {
  core;
  now;
  tables;
  later = false; // signatures verified by the host, asynchronously
  #contextText = null; // the context the core holds, as sent
  #view = null;
  #base = 0;

  constructor(now) {
    this.core = newCore(); // throws a clear error before `init()` in browsers
    this.now = now;
    this.describe();
  }

  /** One flag for the context `contextText`: its details. */
  one(contextText, flagKey, defaultValue, kind, track) {
    this.#use(contextText);
    const t = this.tables;
    const index = t.index.get(flagKey);
    const kindCode = kind === undefined ? 0 : (t.kindCodes[kind] ?? 0);
    this.#base =
      (index === undefined
        ? this.core.evaluate(-1, String(flagKey), this.now(), kindCode, track)
        : this.core.evaluate(index, undefined, this.now(), kindCode, track)) >>> 2;
    return this.#details(0, index ?? -1, defaultValue);
  }

  /** Every flag for the context `contextText`: `{ flagKey: details }`, or values without `details`. */
  all(contextText, details, track) {
    this.#use(contextText);
    const t = this.tables;
    const { width, variation } = t.slots;
    const out = {};
    this.#base = this.core.evaluate_all(this.now(), track) >>> 2;
    const v = this.#results();
    const keys = t.keys;
    for (let i = 0; i < keys.length; i++) {
      if (details) {
        out[keys[i]] = this.#details(i, i, undefined);
      } else {
        const n = v[this.#base + i * width + variation];
        out[keys[i]] = n >= 0 ? (t.flags[i] ?? this.flag(i)).values[n] : null;
      }
    }
    return out;
  }

  #use(contextText) {
    if (contextText === this.#contextText) return;
    if (typeof contextText === 'string') this.core.set_context(contextText, false);
    else this.core.set_context(contextText.error, true);
    this.#contextText = contextText;
  }

  /** The core's result buffer as an Int32Array (re-made when memory grows). */
  #results() {
    const buffer = this.core.memory.buffer;
    if (this.#view === null || this.#view.buffer !== buffer) this.#view = new Int32Array(buffer);
    return this.#view;
  }

  /** The core's text output of `length` bytes (read in place, as the results are). */
  text(length) {
    return utf8.decode(new Uint8Array(this.core.memory.buffer, this.core.out_ptr(), length));
  }

  /** Result `slot` as details, read at the offsets the core describes (`slots`). */
  #details(slot, flagIndex, defaultValue) {
    const v = this.#results();
    const t = this.tables;
    const s = t.slots;
    const o = this.#base + slot * s.width;
    const flag = flagIndex >= 0 ? this.flag(flagIndex) : null;
    const variation = v[o + s.variation];
    const d = {
      value: variation >= 0 ? flag.values[variation] : (defaultValue ?? null),
      variation: variation >= 0 ? flag.variations[variation] : null,
      variationIndex: variation >= 0 ? variation : null,
      reason: t.reasons[v[o + s.reason]],
    };
    const error = v[o + s.errorCode];
    if (error >= 0) {
      d.errorCode = t.errorCodes[error];
      d.errorMessage = this.text(this.core.describe(-2 - slot));
    }
    const rule = v[o + s.rule];
    if (rule >= 0) d.ruleId = flag.rules[rule];
    const prerequisite = v[o + s.prerequisite];
    if (prerequisite >= 0) d.prerequisiteFailed = t.keys[prerequisite];
    const bucket = v[o + s.bucket];
    if (bucket >= 0) d.bucket = bucket;
    const variantBucket = v[o + s.variantBucket];
    if (variantBucket >= 0) d.variantBucket = variantBucket;
    if (v[o + s.inExperiment] === 1) d.inExperiment = true;
    return d;
  }

  /** Reads the serving snapshot's tables (and the result layout) from the core. */
  describe() {
    const d = JSON.parse(this.text(this.core.describe(-1)));
    const kindCodes = {};
    d.kinds.forEach((k, i) => (kindCodes[k] = i + 1));
    // The result layout: each field's offset is its position; `width` i32s per result.
    const slots = { width: d.slots.length };
    d.slots.forEach((name, i) => (slots[name] = i));
    this.tables = {
      version: d.version,
      reasons: d.reasons,
      errorCodes: d.errorCodes,
      kindCodes,
      slots,
      keys: d.keys,
      index: new Map(d.keys.map((k, i) => [k, i])),
      flags: new Array(d.keys.length), // each flag's table, on first use
    };
  }

  /** Flag `i`'s table: variations, frozen values, rule ids, metadata. */
  flag(i) {
    const t = this.tables;
    return (t.flags[i] ??= deepFreeze(JSON.parse(this.text(this.core.describe(i)))));
  }
}

/** A context bound once; every call reuses it without converting it again. */
class Scope {
  #e;
  #text;
  #track;
  constructor(evaluator, contextText, track) {
    this.#e = evaluator;
    this.#text = contextText;
    this.#track = track;
  }
  evaluate(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, kindOf(defaultValue), options);
  }
  evaluateAll(options) {
    return this.#e.all(this.#text, true, this.#tracks(options));
  }
  values(options) {
    return this.#e.all(this.#text, false, this.#tracks(options));
  }
  #one(flagKey, defaultValue, kind, options) {
    return this.#e.one(this.#text, flagKey, defaultValue, kind, this.#tracks(options));
  }
  #tracks(options) {
    return options?.track === undefined ? this.#track : options.track !== false;
  }

  // The typed getters, for both classes from one definition: a flag of another kind gives the
  // default with TYPE_MISMATCH. Engine's bind the context, then call Scope's.
  static {
    // Not enumerable, as class methods are.
    const define = (C, name, value) => Object.defineProperty(C.prototype, name, { value, writable: true, configurable: true });
    for (const Kind of ['Boolean', 'String', 'Number', 'Json']) {
      const kind = Kind.toLowerCase();
      const details = `get${Kind}Details`;
      define(this, details, function (flagKey, defaultValue, options) {
        return this.#one(flagKey, defaultValue, kind, options);
      });
      define(this, `get${Kind}`, function (flagKey, defaultValue, options) {
        return this.#one(flagKey, defaultValue, kind, options).value;
      });
      define(Engine, details, function (flagKey, context, defaultValue, options) {
        return this.context(context)[details](flagKey, defaultValue, options);
      });
      define(Engine, `get${Kind}`, function (flagKey, context, defaultValue, options) {
        return this.context(context)[details](flagKey, defaultValue, options).value;
      });
    }
  }
}

let deriving = null; // a core engine used only for its outputs

/** What browsers get for `clientSnapshot`, `compile` and `importConfig` (browser.js): their module cannot derive them. */
export function serversOnly() {
  throw new Error('edgeflag: clientSnapshot, compile and importConfig run on servers (the node, workerd and edge-light entries); browsers receive what they make');
}

/**
 * The client-safe snapshot of `snapshot` (JSON text or object) as JSON text: client-visible
 * flags, the flags they need as prerequisites and the segments they use, without descriptions or
 * owners (docs/snapshot.md). Throws LoadError for a snapshot that does not load. A signed
 * snapshot gives its contents' (unsigned; the signature is the accepting engine's to check).
 * Server entries only: browsers import `serversOnly` in its place, and so do not download it.
 */
export function clientSnapshot(snapshot) {
  const text = snapshotText(snapshot);
  const c = (deriving ??= newCore());
  const length = c.client_snapshot(text); // first: it may grow the memory, detaching old buffers
  const out = utf8.decode(new Uint8Array(c.memory.buffer, c.out_ptr(), length));
  if (out[0] !== '[') return out;
  const [kind, path, message] = JSON.parse(out);
  throw new LoadError(kind, path, message);
}

/**
 * The compiled form (docs/compiled.md) of `snapshot` (JSON text, bytes or a value; of a signed
 * snapshot, its contents) as bytes: what browsers and isolates load without parsing JSON.
 * Throws LoadError for a snapshot that does not load. Server entries only.
 */
export function compile(snapshot) {
  const text = snapshotText(snapshot);
  const c = (deriving ??= newCore());
  const n = c.compile(text);
  const memory = c.memory.buffer;
  if (n >= 0) return new Uint8Array(memory, c.compiled_ptr(), n).slice();
  const [kind, path, message] = JSON.parse(utf8.decode(new Uint8Array(memory, c.out_ptr(), -1 - n)));
  throw new LoadError(kind, path, message);
}

/**
 * A peer's configuration (flagd's flag file, Unleash's client features response, GrowthBook's
 * SDK payload, LaunchDarkly's server-side SDK payload; text, bytes or a value) converted into a snapshot that buckets every user as the
 * peer does (docs/import.md): `{ snapshot, skipped }`, the snapshot as JSON text (checked to
 * load) and, with `skipUnsupported`, the ImportErrors of what was left out. Throws ImportError.
 * Server entries only, as `edgeflag import` on the command line.
 */
export function importConfig(peer, payload, { version = Date.now(), generatedAt = new Date().toISOString(), skipUnsupported = false, decryptionKey, reference } = {}) {
  let text;
  try {
    text = snapshotText(payload);
  } catch (e) {
    throw new ImportError('invalid', '', e.message);
  }
  const head = JSON.stringify({ peer, version, generatedAt, skipUnsupported, decryptionKey, reference });
  const c = (deriving ??= newCore());
  const length = c.import_config(`${head}\n${text}`);
  const out = utf8.decode(new Uint8Array(c.memory.buffer, c.out_ptr(), length));
  if (out[0] === '[') throw new ImportError(...JSON.parse(out));
  const { snapshot, skipped } = JSON.parse(out);
  return { snapshot: JSON.stringify(snapshot), skipped: skipped.map((s) => new ImportError(...s)) };
}

/**
 * Hands `snapshot` to the core as its module reads it (pkg/build.sh builds three): bytes to
 * `update` (the compiled form; in the servers' module also UTF-8 JSON), text to `update_text`
 * (JSON, in the servers' module). The browsers' modules have no `update_text`: text goes to them
 * as bytes, which they refuse with the reason.
 */
function offer(core, snapshot) {
  if (snapshot instanceof ArrayBuffer || ArrayBuffer.isView(snapshot)) return core.update(bytes(snapshot));
  const text = snapshotText(snapshot);
  return core.update_text ? core.update_text(text) : core.update(encoder.encode(text));
}

/**
 * A snapshot as JSON text: text, bytes (UTF-8, as a fetch body gives them) or a value. Bytes that
 * are not UTF-8, text that UTF-8 cannot encode (a lone surrogate) and a value JSON cannot hold
 * are LoadErrors: passed on, they would reach the core silently altered.
 */
function snapshotText(snapshot) {
  if (snapshot instanceof ArrayBuffer || ArrayBuffer.isView(snapshot)) {
    try {
      return strictUtf8.decode(snapshot);
    } catch {
      throw new LoadError('invalid_json', '', 'snapshot bytes are not UTF-8');
    }
  }
  if (typeof snapshot === 'string') {
    if (!wellFormed(snapshot)) throw new LoadError('invalid_json', '', `snapshot text ${LONE_SURROGATE}`);
    return snapshot;
  }
  try {
    return JSON.stringify(snapshot) ?? 'undefined';
  } catch (e) {
    throw new LoadError('invalid_json', '', `snapshot is not JSON: ${e.message}`);
  }
}

/** A context as the JSON text the core reads; JSON text is passed as is. */
function text(context) {
  if (typeof context === 'string') return wellFormed(context) ? context : { error: `context ${LONE_SURROGATE}` };
  try {
    return JSON.stringify(context) ?? 'null';
  } catch (e) {
    return { error: `context is not representable as JSON: ${e.message}` };
  }
}

/** Bytes as a Uint8Array over the same memory. */
function bytes(b) {
  return b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const LATER = 'edgeflag: browsers given publicKeys verify asynchronously: use updateAsync';
const strictUtf8 = new TextDecoder(undefined, { fatal: true }); // UTF-8, the default label
const LONE_SURROGATE = 'holds a lone surrogate (U+D800–U+DFFF), which UTF-8 cannot encode';
// String.prototype.isWellFormed is in every runtime the package supports but older ones.
const wellFormed = (s) => s.isWellFormed?.() ?? !/\p{Cs}/u.test(s);

const OPTIONS = ['source', 'queueCapacity', 'dedupeWindowMs', 'dedupeCapacity', 'summaryCapacity', 'attributes', 'keySalt'];

/** 128 random bits as hex: a batch source. Workers refuse crypto at global scope: Math.random then. */
function randomId() {
  const bytes = new Uint8Array(16);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The kind the core checks a default against: none for null/undefined. */
function kindOf(value) {
  if (value === null || value === undefined) return undefined;
  const t = typeof value;
  return t === 'object' ? 'json' : t;
}

// Served values are shared between results: frozen, so one caller cannot change another's.
function deepFreeze(v) {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
  return v;
}

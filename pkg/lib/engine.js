// The public API over the Wasm core. No evaluation logic lives here: snapshots and contexts go
// in as JSON text, results come back as integers in the core's buffer (see src/wasm/slots.rs)
// and are turned into values through tables the core describes (src/wasm/describe.rs): the
// snapshot's once per update, each flag's on its first use.
import { core, newCore } from './core.js';

const WIDTH = 8; // i32 per result in the core's buffer
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** A snapshot the engine refused: `kind` and `path` as in docs/snapshot.md ("Load errors"). */
export class LoadError extends Error {
  constructor(kind, path, message) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'EdgeflagLoadError';
    this.kind = kind;
    this.path = path;
  }
}

export class Engine {
  #core;
  #now;
  #tables;
  #contextText = null; // the context the core holds, as sent
  #memory = null;
  #view = null;

  #recording = false;

  /**
   * @param snapshot optional snapshot (JSON text or object); throws LoadError if it is refused
   * @param options `{ now: () => ms, exposures: true | {...}, publicKeys: [hex] }` the clock
   *   (default Date.now); exposure recording (see `recordExposures`); the keys every snapshot
   *   must then be signed with (docs/snapshot.md, "Signed snapshots")
   */
  constructor(snapshot, options = {}) {
    this.#memory = core().memory; // throws a clear error before `init()` in browsers
    this.#core = newCore();
    this.#now = options.now ?? Date.now;
    this.#tables = this.#describe();
    if (options.publicKeys !== undefined) this.#trust(options.publicKeys);
    if (options.exposures) this.recordExposures(options.exposures === true ? {} : options.exposures);
    if (snapshot !== undefined) {
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
    const n = this.#core.trust(list.join(','));
    if (n) throw new TypeError(`edgeflag: publicKeys: ${this.#text(n)}`);
  }

  /** Offers a snapshot; a refused one leaves the serving snapshot in place. Never throws. */
  update(snapshot) {
    const previousVersion = this.version;
    let text;
    try {
      text = snapshotText(snapshot);
    } catch (error) {
      return { ok: false, error, version: previousVersion };
    }
    const code = this.#core.update(text);
    if (code < 0) {
      const [kind, path, message] = JSON.parse(this.#text(this.#core.load_error()));
      return { ok: false, error: new LoadError(kind, path, message), version: previousVersion };
    }
    if (code === 0) this.#tables = this.#describe();
    return { ok: true, changed: code === 0, version: this.version, previousVersion };
  }

  /** Version of the serving snapshot, or null before one is loaded. */
  get version() {
    return this.#tables.version;
  }

  /** The serving snapshot's flags: key, kind, on, clientVisible, variations, values, rules, metadata. */
  flags() {
    const t = this.#tables;
    return (t.all ??= Object.freeze(t.keys.map((_, i) => this.#flag(i))));
  }

  /** One flag of the serving snapshot (as in `flags()`), or undefined. */
  flag(flagKey) {
    const i = this.#tables.index.get(flagKey);
    return i === undefined ? undefined : this.#flag(i);
  }

  // Every evaluation takes a last `options`: `{ track: false }` records no exposure or count.

  /** One flag for one context: value, variation, reason and why. */
  evaluate(flagKey, context, defaultValue, options) {
    return this.context(context).evaluate(flagKey, defaultValue, options);
  }

  // Typed getters: a flag of another kind gives the default with TYPE_MISMATCH.
  getBooleanDetails(flagKey, context, defaultValue, options) {
    return this.context(context).getBooleanDetails(flagKey, defaultValue, options);
  }
  getStringDetails(flagKey, context, defaultValue, options) {
    return this.context(context).getStringDetails(flagKey, defaultValue, options);
  }
  getNumberDetails(flagKey, context, defaultValue, options) {
    return this.context(context).getNumberDetails(flagKey, defaultValue, options);
  }
  getJsonDetails(flagKey, context, defaultValue, options) {
    return this.context(context).getJsonDetails(flagKey, defaultValue, options);
  }
  getBoolean(flagKey, context, defaultValue, options) {
    return this.getBooleanDetails(flagKey, context, defaultValue, options).value;
  }
  getString(flagKey, context, defaultValue, options) {
    return this.getStringDetails(flagKey, context, defaultValue, options).value;
  }
  getNumber(flagKey, context, defaultValue, options) {
    return this.getNumberDetails(flagKey, context, defaultValue, options).value;
  }
  getJson(flagKey, context, defaultValue, options) {
    return this.getJsonDetails(flagKey, context, defaultValue, options).value;
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
    return new Scope(this, text(context), options?.track !== false);
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
    const n = this.#core.record_exposures(
      source,
      Math.min(count('queueCapacity', 1000), 2 ** 32 - 1),
      count('dedupeWindowMs', 3_600_000),
      Math.min(count('dedupeCapacity', 10_000), 2 ** 32 - 1),
      Math.min(count('summaryCapacity', 10_000), 2 ** 32 - 1),
      JSON.stringify(attributes),
      o.keySalt,
    );
    if (n) {
      const [setting, message] = JSON.parse(this.#text(n));
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
    return this.#core.exposures_pending();
  }

  /**
   * The next exposure batch as JSON text of about `maxBytes` at most, or null when there is
   * nothing to send. What it holds leaves the engine: deliver it, or report it `exposuresLost`.
   */
  takeExposures(maxBytes = 60_000) {
    const n = this.#core.take_exposures(this.#now(), Math.max(0, Math.min(maxBytes, 2 ** 32 - 1)) || 0);
    return n ? this.#text(n) : null;
  }

  /** Reports `n` exposures that could not be delivered: the next batch counts them as dropped. */
  exposuresLost(n) {
    if (n > 0) this.#core.exposures_lost(n);
  }

  // Internal to the package (Scope and the OpenFeature providers).
  _use(contextText) {
    this.#use(contextText);
  }
  _one(flagKey, defaultValue, kind, track = true) {
    return this.#one(flagKey, defaultValue, kind, track);
  }
  _all(details, track = true) {
    return this.#all(details, track);
  }

  #use(contextText) {
    if (contextText === this.#contextText) return;
    if (typeof contextText === 'string') this.#core.set_context(contextText);
    else this.#core.set_context_error(contextText.error);
    this.#contextText = contextText;
  }

  #one(flagKey, defaultValue, kind, track) {
    const t = this.#tables;
    const index = t.index.get(flagKey);
    const kindCode = kind === undefined ? 0 : (t.kindCodes[kind] ?? 0);
    if (index === undefined) this.#core.evaluate_key(String(flagKey), this.#now(), kindCode, track);
    else this.#core.evaluate(index, this.#now(), kindCode, track);
    return this.#details(0, index ?? -1, defaultValue);
  }

  #all(details, track) {
    const t = this.#tables;
    const out = {};
    this.#core.evaluate_all(this.#now(), track);
    const v = this.#slots();
    const keys = t.keys;
    for (let i = 0; i < keys.length; i++) {
      if (details) {
        out[keys[i]] = this.#details(i, i, undefined);
      } else {
        const variation = v[this.#base + i * WIDTH];
        out[keys[i]] = variation >= 0 ? (t.flags[i] ?? this.#flag(i)).values[variation] : null;
      }
    }
    return out;
  }

  #base = 0;

  /** The core's result buffer as an Int32Array (re-made when memory grows). */
  #slots() {
    const buffer = this.#memory.buffer;
    if (this.#view === null || this.#view.buffer !== buffer) this.#view = new Int32Array(buffer);
    this.#base = this.#core.slots_ptr() >>> 2;
    return this.#view;
  }

  /** The core's text output of `length` bytes (read in place, as the slots are). */
  #text(length) {
    return utf8.decode(new Uint8Array(this.#memory.buffer, this.#core.out_ptr(), length));
  }

  #details(slot, flagIndex, defaultValue) {
    const v = this.#slots();
    const o = this.#base + slot * WIDTH;
    const t = this.#tables;
    const flag = flagIndex >= 0 ? this.#flag(flagIndex) : null;
    const variation = v[o];
    const d = {
      value: variation >= 0 ? flag.values[variation] : (defaultValue ?? null),
      variation: variation >= 0 ? flag.variations[variation] : null,
      variationIndex: variation >= 0 ? variation : null,
      reason: t.reasons[v[o + 1]],
    };
    if (v[o + 2] >= 0) {
      d.errorCode = t.errorCodes[v[o + 2]];
      d.errorMessage = this.#text(this.#core.message(slot));
    }
    if (v[o + 3] >= 0) d.ruleId = flag.rules[v[o + 3]];
    if (v[o + 4] >= 0) d.prerequisiteFailed = t.keys[v[o + 4]];
    if (v[o + 5] >= 0) d.bucket = v[o + 5];
    if (v[o + 6] >= 0) d.variantBucket = v[o + 6];
    if (v[o + 7] === 1) d.inExperiment = true;
    return d;
  }

  #describe() {
    const d = JSON.parse(this.#text(this.#core.describe()));
    const kindCodes = {};
    d.kinds.forEach((k, i) => (kindCodes[k] = i + 1));
    return {
      version: d.version,
      reasons: d.reasons,
      errorCodes: d.errorCodes,
      kindCodes,
      keys: d.keys,
      index: new Map(d.keys.map((k, i) => [k, i])),
      flags: new Array(d.keys.length), // each flag's table, on first use
    };
  }

  /** Flag `i`'s table: variations, frozen values, rule ids, metadata. */
  #flag(i) {
    const t = this.#tables;
    return (t.flags[i] ??= deepFreeze(JSON.parse(this.#text(this.#core.describe_flag(i)))));
  }

  /** Releases the Wasm memory this engine holds (optional: it is also reclaimed by GC). */
  free() {
    this.#core.free();
  }
}

/** A context bound once; every call reuses it without converting it again. */
class Scope {
  #engine;
  #text;
  #track;
  constructor(engine, contextText, track) {
    this.#engine = engine;
    this.#text = contextText;
    this.#track = track;
  }
  evaluate(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, kindOf(defaultValue), options);
  }
  getBooleanDetails(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'boolean', options);
  }
  getStringDetails(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'string', options);
  }
  getNumberDetails(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'number', options);
  }
  getJsonDetails(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'json', options);
  }
  getBoolean(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'boolean', options).value;
  }
  getString(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'string', options).value;
  }
  getNumber(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'number', options).value;
  }
  getJson(flagKey, defaultValue, options) {
    return this.#one(flagKey, defaultValue, 'json', options).value;
  }
  evaluateAll(options) {
    this.#engine._use(this.#text);
    return this.#engine._all(true, this.#tracks(options));
  }
  values(options) {
    this.#engine._use(this.#text);
    return this.#engine._all(false, this.#tracks(options));
  }
  #one(flagKey, defaultValue, kind, options) {
    this.#engine._use(this.#text);
    return this.#engine._one(flagKey, defaultValue, kind, this.#tracks(options));
  }
  #tracks(options) {
    return options?.track === undefined ? this.#track : options.track !== false;
  }
}

let deriving = null; // a core engine used only for its text output

/**
 * The client-safe snapshot of `snapshot` (JSON text or object) as JSON text: client-visible
 * flags, the flags they need as prerequisites and the segments they use, without descriptions or
 * owners (docs/snapshot.md). Throws LoadError for a snapshot that does not load. A signed
 * snapshot gives its contents' (unsigned; the signature is the accepting engine's to check).
 */
export function clientSnapshot(snapshot) {
  const text = snapshotText(snapshot);
  const c = (deriving ??= newCore());
  if (!c.client_snapshot) throw new Error('edgeflag: clientSnapshot runs on servers (the node, workerd and edge-light entries); browsers receive client-safe snapshots');
  const length = c.client_snapshot(text); // first: it may grow the memory, detaching old buffers
  const out = utf8.decode(new Uint8Array(core().memory.buffer, c.out_ptr(), length));
  if (out[0] !== '[') return out;
  const [kind, path, message] = JSON.parse(out);
  throw new LoadError(kind, path, message);
}

/**
 * A snapshot as the JSON text the core reads: text, bytes (UTF-8, as a fetch body gives them) or
 * a value. Bytes that are not UTF-8, text that UTF-8 cannot encode (a lone surrogate) and a
 * value JSON cannot hold are LoadErrors: passed on, they would reach the core silently altered.
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
  if (typeof context === 'string') return wellFormed(context) ? context : { error: `context text ${LONE_SURROGATE}` };
  try {
    return JSON.stringify(context) ?? 'null';
  } catch (e) {
    return { error: `context is not representable as JSON: ${e.message}` };
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
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

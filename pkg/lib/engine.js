// The public API over the Wasm core. No evaluation logic lives here: snapshots and contexts go
// in as JSON text, results come back as integers in the core's buffer (see src/wasm/slots.rs)
// and are turned into values through tables the core describes (src/wasm/describe.rs): the
// snapshot's once per update, each flag's on its first use.
import { WasmEngine } from '../wasm/edgeflag.js';
import { core } from './core.js';

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

  /**
   * @param snapshot optional snapshot (JSON text or object); throws LoadError if it is refused
   * @param options `{ now: () => ms }` the clock (default Date.now)
   */
  constructor(snapshot, options = {}) {
    this.#memory = core().memory; // throws a clear error before `init()` in browsers
    this.#core = new WasmEngine();
    this.#now = options.now ?? Date.now;
    this.#tables = this.#describe();
    if (snapshot !== undefined) {
      const result = this.update(snapshot);
      if (!result.ok) throw result.error;
    }
  }

  /** Offers a snapshot; a refused one leaves the serving snapshot in place. Never throws. */
  update(snapshot) {
    const previousVersion = this.version;
    let text;
    try {
      text = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot);
    } catch (e) {
      return { ok: false, error: new LoadError('invalid_json', '', `snapshot is not JSON: ${e.message}`), version: previousVersion };
    }
    const code = this.#core.update(text ?? 'undefined');
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

  /** One flag for one context: value, variation, reason and why. */
  evaluate(flagKey, context, defaultValue) {
    return this.context(context).evaluate(flagKey, defaultValue);
  }

  // Typed getters: a flag of another kind gives the default with TYPE_MISMATCH.
  getBooleanDetails(flagKey, context, defaultValue) {
    return this.context(context).getBooleanDetails(flagKey, defaultValue);
  }
  getStringDetails(flagKey, context, defaultValue) {
    return this.context(context).getStringDetails(flagKey, defaultValue);
  }
  getNumberDetails(flagKey, context, defaultValue) {
    return this.context(context).getNumberDetails(flagKey, defaultValue);
  }
  getJsonDetails(flagKey, context, defaultValue) {
    return this.context(context).getJsonDetails(flagKey, defaultValue);
  }
  getBoolean(flagKey, context, defaultValue) {
    return this.getBooleanDetails(flagKey, context, defaultValue).value;
  }
  getString(flagKey, context, defaultValue) {
    return this.getStringDetails(flagKey, context, defaultValue).value;
  }
  getNumber(flagKey, context, defaultValue) {
    return this.getNumberDetails(flagKey, context, defaultValue).value;
  }
  getJson(flagKey, context, defaultValue) {
    return this.getJsonDetails(flagKey, context, defaultValue).value;
  }

  /** Every flag for one context: `{ flagKey: details }`. */
  evaluateAll(context) {
    return this.context(context).evaluateAll();
  }

  /** Every flag's value for one context: `{ flagKey: value }` (null where none is served). */
  values(context) {
    return this.context(context).values();
  }

  /** Binds a context once, for evaluating many flags with it (the per-request path). */
  context(context) {
    return new Scope(this, text(context));
  }

  // Internal to the package (Scope and the OpenFeature providers).
  _use(contextText) {
    this.#use(contextText);
  }
  _one(flagKey, defaultValue, kind) {
    return this.#one(flagKey, defaultValue, kind);
  }
  _all(details) {
    return this.#all(details);
  }

  #use(contextText) {
    if (contextText === this.#contextText) return;
    if (typeof contextText === 'string') this.#core.set_context(contextText);
    else this.#core.set_context_error(contextText.error);
    this.#contextText = contextText;
  }

  #one(flagKey, defaultValue, kind) {
    const t = this.#tables;
    const index = t.index.get(flagKey);
    const kindCode = kind === undefined ? 0 : (t.kindCodes[kind] ?? 0);
    if (index === undefined) this.#core.evaluate_key(String(flagKey), this.#now(), kindCode);
    else this.#core.evaluate(index, this.#now(), kindCode);
    return this.#details(0, index ?? -1, defaultValue);
  }

  #all(details) {
    const t = this.#tables;
    const out = {};
    this.#core.evaluate_all(this.#now());
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
  constructor(engine, contextText) {
    this.#engine = engine;
    this.#text = contextText;
  }
  evaluate(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, kindOf(defaultValue));
  }
  getBooleanDetails(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'boolean');
  }
  getStringDetails(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'string');
  }
  getNumberDetails(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'number');
  }
  getJsonDetails(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'json');
  }
  getBoolean(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'boolean').value;
  }
  getString(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'string').value;
  }
  getNumber(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'number').value;
  }
  getJson(flagKey, defaultValue) {
    return this.#one(flagKey, defaultValue, 'json').value;
  }
  evaluateAll() {
    this.#engine._use(this.#text);
    return this.#engine._all(true);
  }
  values() {
    this.#engine._use(this.#text);
    return this.#engine._all(false);
  }
  #one(flagKey, defaultValue, kind) {
    this.#engine._use(this.#text);
    return this.#engine._one(flagKey, defaultValue, kind);
  }
}

/** A context as the JSON text the core reads; JSON text is passed as is. */
function text(context) {
  if (typeof context === 'string') return context;
  try {
    return JSON.stringify(context) ?? 'null';
  } catch (e) {
    return { error: `context is not representable as JSON: ${e.message}` };
  }
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

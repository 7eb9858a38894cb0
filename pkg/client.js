// `edgeflag/client`: the browser SDK. A client starts from the values the server already computed
// for this page (the bootstrap), so the first paint needs no Wasm and shows the right variant; it
// then loads the engine in the background, evaluates locally from a client-safe snapshot,
// re-evaluates when the context changes, revalidates the snapshot with its ETag (at once when
// the Worker pushes a new version, by polling while the push is down), and reports exposures of
// what was shown. No evaluation logic lives here: the engine decides every value.
// Loaded only by clients given `subscribeUrl` (pages that do not push pay nothing for it).
export { subscribeVersions } from './lib/subscription.js';

/**
 * What the server hands a page: every client-visible flag's result for `context`, from the
 * engine that served the request. Server-only flags are left out: the page may print all of it.
 */
export function bootstrap(engine, context) {
  const results = engine.evaluateAll(context, { track: false });
  const flags = {};
  for (const f of engine.flags()) if (f.clientVisible) flags[f.key] = results[f.key];
  return { version: engine.version, context, flags };
}

/** The media type of compiled snapshots (docs/compiled.md), as the client asks for them. */
export const COMPILED = 'application/vnd.edgeflag.compiled';

export function createClient(options) {
  return new Client(options);
}

export class Client {
  #options;
  #context;
  #boot; // the bootstrap, served until the engine may take over
  #results; // { flagKey: details } being served (client-visible flags only)
  #listeners = new Set();
  #engine = null;
  #reporter = null;
  #started = null;
  #etag = null;
  #staged; // a snapshot received before the engine exists
  #unexposed = new Map(); // context → flag keys read while the bootstrap served
  #timer = null;
  #onVisible = null;
  #error = null;
  #subscription = null;
  #live = false; // pushed versions arrive: polling waits
  #refreshing = null; // the refresh in flight, which concurrent callers share
  #wanted = 0; // the newest version pushed

  /**
   * @param options `{ context, bootstrap, snapshot, snapshotUrl, subscribeUrl, refreshIntervalMs,
   *   reporter, exposures, start, load, now, publicKeys, json, onError }` (see client.d.ts)
   */
  constructor(options = {}) {
    this.#options = options;
    this.#boot = options.bootstrap ?? null;
    this.#context = options.context ?? this.#boot?.context ?? {};
    this.#results = Object.freeze({ ...(this.#boot?.flags ?? {}) });
    this.#staged = options.snapshot;
    if (options.start ?? typeof document !== 'undefined') this.start();
  }

  /** The context values are for. */
  get context() {
    return this.#context;
  }

  /** The snapshot version the served values come from (the bootstrap's until the engine takes over). */
  get version() {
    return this.#engine !== null && this.#engineServes() ? this.#engine.version : (this.#boot?.version ?? null);
  }

  /** `bootstrap` until the engine serves, then `engine`. */
  get source() {
    return this.#engine !== null && this.#engineServes() ? 'engine' : 'bootstrap';
  }

  /** The engine, once loaded (null before). */
  get engine() {
    return this.#engine;
  }

  /** The last error met loading, refreshing or evaluating (null if none). */
  get lastError() {
    return this.#error;
  }

  /** Loads the engine and the snapshot (once); resolves when the engine serves, never rejects. */
  start() {
    return (this.#started ??= this.#load());
  }

  /** A flag's value (the default where none is served), recorded as an exposure unless `{ track: false }`. */
  get(flagKey, defaultValue, options) {
    const d = this.#results[flagKey];
    if (options?.track !== false) this.expose(flagKey);
    return d && d.variationIndex !== null ? d.value : defaultValue;
  }

  /** A flag's details as served now, or undefined for a flag the client does not know. Records nothing. */
  details(flagKey) {
    return this.#results[flagKey];
  }

  /** Every served flag's value: `{ flagKey: value }`. Records nothing. */
  values() {
    const out = {};
    for (const [k, d] of Object.entries(this.#results)) out[k] = d.value;
    return out;
  }

  /** Records that `flagKey` was shown for the current context (deduplicated by the engine). */
  expose(flagKey) {
    if (!this.#options.reporter || !(flagKey in this.#results)) return;
    if (this.#engine !== null && this.#engineServes()) return void this.#engine.evaluate(flagKey, this.#context);
    // The bootstrap is what was shown: recorded once the engine can evaluate it.
    const keys = this.#unexposed.get(this.#context) ?? new Set();
    this.#unexposed.set(this.#context, keys.add(flagKey));
  }

  /** Calls `listener()` whenever a served value changes; returns the unsubscribe function. */
  subscribe = (listener) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * A new context (sign-in, tier upgrade): evaluated at once if the engine is loaded, else as soon
   * as it is. Resolves when the values for it are served.
   */
  async identify(context) {
    this.#context = context ?? {};
    this.#boot = null; // computed for another context
    if (this.#engine === null) await this.start();
    this.#evaluate();
  }

  /**
   * Revalidates the snapshot at `snapshotUrl` with its ETag. Resolves (never rejects) to
   * `{ ok, status, changed, version, error? }`; a refused snapshot leaves the last good one serving.
   */
  refresh() {
    return this.#shared();
  }

  /** One fetch at a time: callers meanwhile share the one in flight. */
  #shared(minVersion) {
    return (this.#refreshing ??= this.#fetch(minVersion).finally(() => (this.#refreshing = null)));
  }

  /**
   * `minVersion`: a version was pushed; the URL is asked for it (`?minVersion=N`) so a server
   * that caches the snapshot (the app's route) revalidates first.
   */
  async #fetch(minVersion) {
    let url = this.#options.snapshotUrl;
    if (url && minVersion !== undefined) {
      const u = new URL(url, globalThis.location?.href);
      u.searchParams.set('minVersion', String(minVersion));
      url = u.href;
    }
    if (!url) return { ok: true, status: 0, changed: false, version: this.version };
    let response;
    try {
      const headers = new Headers(this.#options.headers);
      if (this.#etag) headers.set('if-none-match', this.#etag);
      // The compiled form (docs/compiled.md; signed, for keys) unless the client was asked for JSON.
      if (!headers.has('accept')) headers.set('accept', this.#options.json === true ? 'application/json' : COMPILED);
      // no-store: the 304 must reach us, not be answered from the HTTP cache as a 200.
      response = await fetch(url, { headers, cache: 'no-store' });
      if (response.status === 304) return { ok: true, status: 304, changed: false, version: this.version };
      if (!response.ok) throw new Error(`edgeflag: GET ${url}: HTTP ${response.status}`);
      const result = await this.#offer(new Uint8Array(await response.arrayBuffer()));
      if (result.ok) this.#etag = response.headers.get('etag');
      return { ...result, status: response.status };
    } catch (error) {
      this.#fail(error);
      return { ok: false, status: response?.status ?? 0, changed: false, version: this.version, error };
    }
  }

  /** Whether pushed versions are arriving (`subscribeUrl` connected). */
  get live() {
    return this.#live;
  }

  /** Stops refreshing and listening, then delivers the exposures left. */
  async close() {
    clearInterval(this.#timer);
    this.#subscription?.close();
    this.#subscription = null;
    if (this.#onVisible) removeEventListener('visibilitychange', this.#onVisible);
    this.#timer = this.#onVisible = null;
    await this.#reporter?.close();
  }

  async #load() {
    const o = this.#options;
    try {
      const { init, Engine, Reporter } = await (o.load?.() ?? import('edgeflag'));
      await init(o.wasm, { keys: this.#keys(), json: o.json === true });
      // With publicKeys, every snapshot offered (option or fetched) must be signed by one of them.
      const engine = new Engine(undefined, { now: o.now, publicKeys: o.publicKeys });
      if (o.reporter) {
        engine.recordExposures(o.exposures ?? {});
        this.#reporter = new Reporter(engine, { ...o.reporter, onError: o.reporter.onError ?? ((e) => this.#fail(e)) });
      }
      this.#engine = engine;
    } catch (error) {
      this.#fail(error); // keeps serving the bootstrap
      return;
    }
    if (this.#staged !== undefined) await this.#offer(this.#staged);
    this.#staged = undefined;
    if (o.snapshotUrl) {
      await this.refresh();
      const ms = o.refreshIntervalMs ?? 60_000;
      // Polling is the fallback while pushes arrive.
      if (ms > 0) this.#timer = setInterval(() => this.#live || this.refresh(), ms);
      if (o.subscribeUrl) {
        try {
          const { subscribeVersions } = await import('./lib/subscription.js');
          this.#subscription = subscribeVersions(o.subscribeUrl, {
            WebSocket: o.WebSocket,
            onVersion: (v) => this.#pushed(v),
            // (Re)connected: a version may have been missed meanwhile.
            onState: (live) => ((this.#live = live) && this.refresh()),
          });
        } catch (error) {
          this.#fail(error); // no WebSocket here: polling it is
        }
      }
      if (typeof document !== 'undefined') {
        this.#onVisible = () => document.visibilityState === 'visible' && this.refresh();
        addEventListener('visibilitychange', this.#onVisible);
      }
    }
    this.#evaluate();
  }

  /**
   * A version was pushed: fetch until it (or a newer one) serves. The snapshot URL may lag the
   * writer (a cache in front, an app revalidating), so a few tries, backing off, then polling.
   */
  async #pushed(version) {
    if (version <= this.#wanted) return;
    this.#wanted = version;
    for (const wait of [0, 100, 250, 500, 1000, 2000]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      if (this.#wanted !== version || (this.#engine?.version ?? -1) >= version) return;
      await this.#shared(version);
    }
  }

  /** Whether the engine verifies signatures. */
  #keys() {
    return (this.#options.publicKeys ?? []).length > 0;
  }

  async #offer(snapshot) {
    if (this.#engine === null) {
      this.#staged = snapshot;
      return { ok: true, changed: false, version: this.version };
    }
    // Asynchronous: with publicKeys, WebCrypto verifies the signature.
    const result = await this.#engine.updateAsync(snapshot);
    if (!result.ok) this.#fail(result.error);
    else if (result.changed) this.#evaluate();
    return { ok: result.ok, changed: !!result.changed, version: this.version, error: result.error };
  }

  // The engine serves once it holds a snapshot no older than the bootstrap (a stale cached
  // snapshot would otherwise undo the server's answer), or once the context is another.
  #engineServes() {
    const v = this.#engine.version;
    return v !== null && (this.#boot === null || v >= (this.#boot.version ?? 0));
  }

  #evaluate() {
    if (this.#engine === null || !this.#engineServes()) return;
    const engine = this.#engine;
    let all;
    try {
      all = engine.evaluateAll(this.#context, { track: false });
    } catch (error) {
      return this.#fail(error);
    }
    const next = {};
    let changed = false;
    for (const f of engine.flags()) {
      if (!f.clientVisible) continue;
      const prev = this.#results[f.key];
      const d = all[f.key];
      // Unchanged results keep their object, so a React hook does not re-render for them.
      next[f.key] = prev && same(prev, d) ? prev : ((changed = true), Object.freeze(d));
    }
    if (Object.keys(this.#results).some((k) => !(k in next))) changed = true;
    this.#results = Object.freeze(next);
    const unexposed = this.#unexposed;
    this.#unexposed = new Map();
    for (const [context, keys] of unexposed) for (const flagKey of keys) engine.evaluate(flagKey, context);
    if (changed) for (const l of [...this.#listeners]) l();
  }

  #fail(error) {
    this.#error = error;
    try {
      this.#options.onError?.(error);
    } catch {}
  }
}

const FIELDS = ['variation', 'reason', 'errorCode', 'errorMessage', 'ruleId', 'prerequisiteFailed', 'bucket', 'variantBucket', 'inExperiment'];

/** Equal results (a new snapshot's values are new objects: compared as JSON). */
function same(a, b) {
  if (FIELDS.some((f) => a[f] !== b[f])) return false;
  return a.value === b.value || JSON.stringify(a.value) === JSON.stringify(b.value);
}

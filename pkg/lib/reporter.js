// Delivers the exposure batches an Engine records (docs/exposures.md): POSTed to a collector
// URL with fetch, or handed to a transport of the caller's; one batch in flight at a time, in
// sequence order, retried with bounded exponential backoff (full jitter). When a page is hidden,
// every batch is sent at once with sendBeacon or a keepalive fetch, which outlive the page.
// Nothing here rejects: failures go to `onError`, and the exposures of a batch that definitively
// failed are handed back to the engine (`exposuresLost`) at the next flush, so that flush's first
// batch counts them in `dropped`.
export class Reporter {
  #engine;
  #options;
  #send;
  #work = Promise.resolve(); // the delivery chain: never rejects
  #queued = null; // a drain on the chain that has not started yet: later flushes join it
  #stop;
  #delivered = 0;
  #failed = 0;
  #lost = 0; // exposures of definitively failed batches, for the engine at the next take

  constructor(engine, options = {}) {
    const { url, transport } = options;
    if (!url && !transport) throw new TypeError('Reporter: url or transport required');
    this.#engine = engine;
    this.#options = options;
    if (!engine.recording) engine.recordExposures();
    const headers = new Headers(options.headers);
    const beacon = !options.headers; // a beacon cannot carry headers: then a keepalive fetch
    headers.has('content-type') || headers.set('content-type', 'text/plain;charset=UTF-8');
    // `hide`: the page is going away; the first try must start now, before this returns.
    this.#send =
      transport ??
      (async (batch, body, hide) => {
        if (hide && beacon && navigator.sendBeacon?.(url, body)) return;
        const response = await fetch(url, { method: 'POST', body, headers, keepalive: hide });
        const text = await response.text(); // read, so the connection is released
        if (!response.ok) {
          const { status } = response;
          throw Object.assign(new Error(`POST ${url}: HTTP ${status} ${text.slice(0, 200)}`), {
            status,
            retryable: status == 408 || status == 429 || status > 499,
          });
        }
      });
    const browser = typeof document != 'undefined' && typeof addEventListener == 'function';
    // Node (workerd with nodejs_compat says it is Node too, but allows no timers at startup).
    const node = globalThis.process?.versions?.node && !browser && globalThis.navigator?.userAgent != 'Cloudflare-Workers';
    // Browsers too: a page that keeps its queue short has little left for the beacon budget.
    const ms = options.flushIntervalMs ?? (node || browser ? 1e4 : 0);
    const timer = ms > 0 && setInterval(() => this.flush(), ms);
    timer?.unref?.();
    // A Node process that runs out of work exits without waiting for the interval: flush first.
    const exit = () => this.flush();
    if (node) process.once('beforeExit', exit);
    const hidden = (e) => (e.type == 'pagehide' || document.visibilityState == 'hidden') && this.#hide();
    const listen = (method) =>
      browser && options.pageHide !== false && ['pagehide', 'visibilitychange'].map((type) => globalThis[method](type, hidden, true));
    listen('addEventListener');
    this.#stop = () => {
      clearInterval(timer);
      if (node) process.off('beforeExit', exit);
      listen('removeEventListener');
    };
  }

  /**
   * Delivers every batch the engine has, in order. Resolves (never rejects) once every batch taken
   * until then is delivered or definitively failed, with the exposures delivered and failed
   * meanwhile (concurrent flushes share the work, so their counts overlap).
   */
  flush() {
    const delivered = this.#delivered;
    const failed = this.#failed;
    this.#queued ??= this.#work = this.#work
      .then(() => {
        this.#queued = null;
        return this.#drain();
      })
      .catch((error) => this.#report(error));
    return this.#queued.then(() => ({ delivered: this.#delivered - delivered, failed: this.#failed - failed }));
  }

  /** Stops the interval and the page listeners, then flushes. */
  close() {
    this.#stop();
    return this.flush();
  }

  async #drain() {
    for (let text = this.#take(true); text; text = this.#take()) await this.#deliver(text);
  }

  // The page is hidden (and may be gone soon): batches now, each first try started before this
  // returns; later flushes wait for these sends too. Browsers let a page have 64 KiB of beacon and
  // keepalive bodies in flight: what does not fit stays queued for the next flush (if the page
  // comes back), and onError says how much.
  #hide() {
    const sends = [this.#work];
    let budget = 64512;
    for (let text; budget > 1024 && (text = this.#take(sends.length < 2, budget)); ) {
      budget -= new Blob([text]).size;
      sends.push(this.#deliver(text, true));
    }
    const left = this.#engine.pendingExposures;
    if (left) this.#report(new Error(`edgeflag: ${left} exposures wait for the next flush: the page's beacon budget is spent`), { events: left, batch: null, final: false });
    this.#work = Promise.allSettled(sends);
    this.#queued = null;
  }

  // The next batch's text, or null (also when the engine fails: reported). The first take of a
  // flush first hands the engine the count of what failed before, so it rides in the `dropped` of
  // a batch of this flush; handed over at once, a collector refusing everything would get a new
  // batch (of that count) forever.
  #take(first, budget = Infinity) {
    try {
      if (first && this.#lost) this.#engine.exposuresLost(this.#lost), (this.#lost = 0);
      return this.#engine.takeExposures(Math.min(budget, this.#options.maxBatchBytes ?? 6e4));
    } catch (error) {
      this.#report(error);
      return null;
    }
  }

  async #deliver(text, hide) {
    const batch = JSON.parse(text);
    const events = batch.exposures.length;
    const { attempts = 5, baseMs = 250, maxMs = 1e4 } = this.#options.retry ?? {};
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#send(batch, text, hide);
        this.#delivered += events;
        return;
      } catch (error) {
        // A hidden page's timers may never run again: no retry there.
        const final = hide || error?.retryable === false || attempt >= attempts;
        this.#report(error, { events, batch, final });
        if (final) {
          this.#failed += events;
          this.#lost += events + batch.dropped;
          return;
        }
        await new Promise((wake) => setTimeout(wake, Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1))));
      }
    }
  }

  // Errors outside a batch's delivery (the engine failing) come with `events: 0, batch: null`.
  #report(error, info = { events: 0, batch: null, final: true }) {
    try {
      this.#options.onError?.(error, info)?.catch?.(() => {}); // an async onError's rejection too
    } catch {}
  }
}

// Where the app's snapshot comes from, kept per isolate: a URL revalidated with its ETag
// (EDGEFLAG_SNAPSHOT_URL, with EDGEFLAG_SNAPSHOT_TOKEN as a bearer token), a JSON value set in
// the environment as an Edge Config item would be (EDGEFLAG_SNAPSHOT), or the example snapshot
// embedded at build time. A snapshot the engine refuses never replaces the one serving; with no
// snapshot at all yet (the URL unreachable at a cold start), the embedded one serves until the URL
// answers. With EDGEFLAG_PUBLIC_KEYS (comma-separated), only snapshots signed with one of those
// keys load (docs/snapshot.md, "Signed snapshots"). Runs on the edge runtime: no Node APIs.
import { Engine, clientSnapshot, compile } from 'edgeflag';
import { subscribeVersions } from 'edgeflag/client';
import example from '../../examples/snapshot.json';

const env = (name: string) => process.env[name] || undefined;
const TTL_MS = Number(env('EDGEFLAG_SNAPSHOT_TTL_MS') ?? 5_000);
// A request asking for a newer version than the one serving (`?minVersion=`, sent by clients the
// Worker pushed it to) revalidates at once, but not more often than this.
const FORCED_MS = 250;
// Not filtered: an empty entry makes the engine throw rather than quietly trust no key.
const publicKeys = env('EDGEFLAG_PUBLIC_KEYS')?.split(',').map((k) => k.trim());

/** The client-safe snapshot of one version, as browsers receive it, with its ETag. */
export interface ClientCopy {
  version: number | null;
  /** JSON text (`clientSnapshot`). */
  text: string;
  etag: string;
}

/** The compiled form (docs/compiled.md) of a client copy's text, with its own ETag. */
export interface CompiledCopy {
  version: number | null;
  bytes: Uint8Array;
  etag: string;
}

export interface Health {
  version: number | null;
  origin: string;
  checkedAt: number;
  lastError: string | null;
}

class Source {
  readonly engine = new Engine(undefined, { publicKeys });
  origin = 'none';
  lastError: string | null = null;
  #text: string | null = null; // the serving snapshot, for its client-safe copy
  #etag: string | null = null;
  #checkedAt = 0;
  #checking: Promise<void> | null = null;
  #client: ClientCopy | null = null;
  #compiled: { version: number | null; form: Promise<CompiledCopy | null> } | null = null;
  #subscribed = false;

  /**
   * The engine with the current snapshot. Within the TTL no I/O; after it, a revalidation runs
   * behind the request (`waitUntil`) while the current snapshot answers. `atLeast`: a version a
   * client was told exists; revalidated now (awaited) when older serves. With
   * EDGEFLAG_SUBSCRIBE_URL (the Worker's /subscribe) and a WebSocket in this runtime, a pushed
   * version revalidates at once too.
   */
  async current(waitUntil?: (p: Promise<unknown>) => void, atLeast?: number): Promise<Engine> {
    const url = env('EDGEFLAG_SNAPSHOT_URL');
    if (url) this.#subscribe(url);
    if (url && atLeast !== undefined && (this.engine.version ?? -1) < atLeast && Date.now() - this.#checkedAt >= FORCED_MS) {
      await this.#revalidate(url);
    } else if (this.engine.version === null) {
      if (url) await this.#revalidate(url);
      if (this.engine.version === null) this.#fallback();
    } else if (url && Date.now() - this.#checkedAt >= TTL_MS) {
      const p = this.#revalidate(url);
      if (waitUntil) waitUntil(p);
      else await p;
    }
    return this.engine;
  }

  #subscribe(url: string) {
    const push = env('EDGEFLAG_SUBSCRIBE_URL');
    if (this.#subscribed || !push || typeof WebSocket !== 'function') return;
    this.#subscribed = true;
    subscribeVersions(push, { onVersion: (v) => (this.engine.version ?? -1) < v && void this.#revalidate(url) });
  }

  health(): Health {
    return { version: this.engine.version, origin: this.origin, checkedAt: this.#checkedAt, lastError: this.lastError };
  }

  /** The client-safe copy of the serving snapshot and its ETag, derived once per version. */
  async clientCopy(): Promise<ClientCopy | null> {
    if (this.#text === null) return null;
    const version = this.engine.version; // of #text, both replaced together
    if (this.#client?.version !== version) {
      const text = clientSnapshot(this.#text);
      this.#client = { version, text, etag: `"${version}-${await digest('SHA-256', text, 12)}"` };
    }
    return this.#client;
  }

  /**
   * The compiled form of the client copy (`compile` of its very text, so the same document:
   * unsigned, as the JSON copy is), derived once per version; its ETag is its own bytes' digest
   * with `-c`, so it never matches the JSON copy's. Null (and `lastError`) if it cannot be made:
   * the route then serves the JSON copy.
   */
  compiledCopy(): Promise<CompiledCopy | null> {
    return this.clientCopy().then((copy) => {
      if (copy === null) return null;
      // Concurrent requests share one derivation.
      if (this.#compiled?.version !== copy.version) this.#compiled = { version: copy.version, form: this.#compile(copy) };
      return this.#compiled.form;
    });
  }

  async #compile(copy: ClientCopy): Promise<CompiledCopy | null> {
    try {
      const bytes = compile(copy.text);
      return { version: copy.version, bytes, etag: `"${copy.version}-${await digest('SHA-256', bytes, 12)}-c"` };
    } catch (e) {
      this.lastError = `compiled copy of version ${copy.version} not served: ${(e as Error).message}`;
      return null;
    }
  }

  // One revalidation at a time; concurrent requests share it.
  #revalidate(url: string): Promise<void> {
    return (this.#checking ??= this.#fetch(url).finally(() => (this.#checking = null)));
  }

  async #fetch(url: string) {
    this.#checkedAt = Date.now();
    const headers: Record<string, string> = {};
    if (this.#etag) headers['if-none-match'] = this.#etag;
    const token = env('EDGEFLAG_SNAPSHOT_TOKEN');
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const res = await fetch(url, { headers, cache: 'no-store', signal: AbortSignal.timeout(3_000) });
      if (res.status === 304) return void (this.lastError = null);
      if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
      const text = await res.text();
      if (this.#offer(text, 'url')) {
        this.#etag = res.headers.get('etag');
        this.lastError = null;
      }
    } catch (e) {
      this.lastError = `snapshot URL: ${(e as Error).message}`;
    }
  }

  #fallback() {
    const config = env('EDGEFLAG_SNAPSHOT');
    const why = this.origin === 'none' && this.lastError ? ' (fallback)' : '';
    if (config && this.#offer(config, `config${why}`)) return;
    this.#offer(JSON.stringify(example), `example${why}`);
  }

  /** Offers a snapshot to the engine; false (and `lastError`) when refused. */
  #offer(text: string, origin: string): boolean {
    const result = this.engine.update(text);
    if (!result.ok) {
      const e = result.error;
      this.lastError = `${origin} snapshot refused: ${e.kind} at ${e.path || '(root)'}: ${e.message}`;
      return false;
    }
    if (result.changed) {
      this.#text = text;
      this.origin = origin;
    }
    return true;
  }
}

/** The first `n` bytes of a digest of `data` (text as UTF-8), in hex. */
async function digest(algorithm: string, data: string | Uint8Array, n: number): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const d = new Uint8Array(await crypto.subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d.slice(0, n), (b) => b.toString(16).padStart(2, '0')).join('');
}

// One per isolate (module scope survives between requests).
export const source = new Source();

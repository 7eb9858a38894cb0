// Where the app's snapshot comes from, kept per isolate: a URL revalidated with its ETag
// (EDGEFLAG_SNAPSHOT_URL, with EDGEFLAG_SNAPSHOT_TOKEN as a bearer token), a JSON value set in
// the environment as an Edge Config item would be (EDGEFLAG_SNAPSHOT), or the example snapshot
// embedded at build time. A snapshot the engine refuses never replaces the one serving; with no
// snapshot at all yet (the URL unreachable at a cold start), the embedded one serves until the URL
// answers. With EDGEFLAG_PUBLIC_KEYS (comma-separated), only snapshots signed with one of those
// keys load (docs/snapshot.md, "Signed snapshots"). Runs on the edge runtime: no Node APIs.
import { Engine, clientSnapshot } from 'edgeflag';
import example from '../../examples/snapshot.json';

const env = (name: string) => process.env[name] || undefined;
const TTL_MS = Number(env('EDGEFLAG_SNAPSHOT_TTL_MS') ?? 5_000);
// Not filtered: an empty entry makes the engine throw rather than quietly trust no key.
const publicKeys = env('EDGEFLAG_PUBLIC_KEYS')?.split(',').map((k) => k.trim());

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
  #client: { version: number | null; text: string; etag: string } | null = null;

  /**
   * The engine with the current snapshot. Within the TTL no I/O; after it, a revalidation runs
   * behind the request (`waitUntil`) while the current snapshot answers.
   */
  async current(waitUntil?: (p: Promise<unknown>) => void): Promise<Engine> {
    const url = env('EDGEFLAG_SNAPSHOT_URL');
    if (this.engine.version === null) {
      if (url) await this.#revalidate(url);
      if (this.engine.version === null) this.#fallback();
    } else if (url && Date.now() - this.#checkedAt >= TTL_MS) {
      const p = this.#revalidate(url);
      if (waitUntil) waitUntil(p);
      else await p;
    }
    return this.engine;
  }

  health(): Health {
    return { version: this.engine.version, origin: this.origin, checkedAt: this.#checkedAt, lastError: this.lastError };
  }

  /** The client-safe copy of the serving snapshot and its ETag, derived once per version. */
  async clientCopy(): Promise<{ text: string; etag: string } | null> {
    if (this.#text === null) return null;
    if (this.#client?.version !== this.engine.version) {
      const text = clientSnapshot(this.#text);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
      const hex = Array.from(digest.slice(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
      this.#client = { version: this.engine.version, text, etag: `"${this.engine.version}-${hex}"` };
    }
    return this.#client;
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

// One per isolate (module scope survives between requests).
export const source = new Source();

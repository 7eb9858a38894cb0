// Types of `edgeflag/client`, the browser SDK.
import type { Context, Details, Engine, ExposureOptions, JsonValue, LoadError, ReporterOptions } from './index.js';

/** What the server hands a page: the client-visible flags' results for one context. */
export interface Bootstrap {
  /** The snapshot version the results come from. */
  version: number | null;
  /** The context they were computed for. */
  context: Context;
  flags: Record<string, Details>;
}

/** The client-visible flags' results for `context` from a server-side engine (records no exposure). */
export function bootstrap(engine: Engine, context: Context): Bootstrap;

/** The media type of compiled snapshots, as the client asks for them. */
export const COMPILED: 'application/vnd.edgeflag.compiled';

export interface ClientOptions {
  /** The context (default: the bootstrap's). */
  context?: Context;
  /** The server's results for this page: served until the engine holds a snapshot at least as new. */
  bootstrap?: Bootstrap;
  /**
   * A client-safe snapshot to start from: compiled (`compile`, docs/compiled.md; signed with
   * `publicKeys`), or JSON text or object with `json`.
   */
  snapshot?: import('./index.js').Snapshot;
  /**
   * Where the client-safe snapshot is revalidated (If-None-Match / ETag), at start and every
   * `refreshIntervalMs`. Asked for compiled (`Accept: application/vnd.edgeflag.compiled`), or as
   * JSON with `json`.
   */
  snapshotUrl?: string | URL;
  /** Extra headers for the snapshot request. */
  headers?: Record<string, string> | [string, string][] | Headers;
  /** Revalidation interval in ms (default 60,000; 0: only at start and when the page becomes visible again). */
  refreshIntervalMs?: number;
  /**
   * The Worker's `/subscribe` (`ws:`/`wss:`, or `http(s):` turned into one): each pushed version
   * newer than the one serving is fetched from `snapshotUrl` at once; while the socket is down
   * (reconnecting with bounded backoff) `refreshIntervalMs` polling carries on, and while it is up
   * polling waits. An older or repeated version changes nothing.
   */
  subscribeUrl?: string | URL;
  /** The WebSocket class, where the runtime has none built in. */
  WebSocket?: unknown;
  /** Exposures of the flags shown are delivered with these options (none are recorded without). */
  reporter?: ReporterOptions;
  /** Recording options for the engine's exposures (with `reporter`). */
  exposures?: ExposureOptions;
  /** Load the engine at once (default: in browsers, where `document` exists). */
  start?: boolean;
  /** Where `init()` finds the .wasm when a bundler cannot (a URL or a `WebAssembly.Module`). */
  wasm?: URL | string | WebAssembly.Module;
  /** The package's entry (default `import('edgeflag')`, loaded only when the client starts). */
  load?: () => Promise<typeof import('./index.js')>;
  /** The engine's clock (default Date.now). */
  now?: () => number;
  /**
   * Public keys (64 hex digits each) the snapshots must be signed with, `snapshot` and every one
   * fetched from `snapshotUrl` (compiled ones signed as docs/compiled.md says; JSON ones as
   * docs/snapshot.md, "Signed snapshots", says): an unsigned or changed one
   * is refused (`onError`, `refresh()`'s `error`) and the last good one keeps serving.
   */
  publicKeys?: readonly string[] | string;
  /**
   * Read JSON snapshots (the larger module that reads them is loaded) rather than compiled ones.
   */
  json?: boolean;
  /** Told of load, refresh and delivery failures; the client keeps serving what it has. */
  onError?: (error: unknown) => void;
}

export interface RefreshResult {
  ok: boolean;
  /** HTTP status (304: unchanged; 0: no request or a network failure). */
  status: number;
  changed: boolean;
  version: number | null;
  error?: LoadError | Error;
}

export class Client {
  constructor(options?: ClientOptions);
  readonly context: Context;
  readonly version: number | null;
  readonly source: 'bootstrap' | 'engine';
  readonly engine: Engine | null;
  readonly lastError: unknown;
  /** Loads the engine and the snapshot once; never rejects. */
  start(): Promise<void>;
  /** A flag's value (the default where none is served); records an exposure unless `{ track: false }`. */
  get<T extends JsonValue>(flagKey: string, defaultValue: T, options?: { track?: boolean }): T;
  /** A flag's details as served now (undefined when unknown); records nothing. */
  details(flagKey: string): Details | undefined;
  /** Every served flag's value; records nothing. */
  values(): Record<string, JsonValue>;
  /** Records that a flag was shown for the current context. */
  expose(flagKey: string): void;
  /** Whether pushed versions are arriving (`subscribeUrl` connected). */
  readonly live: boolean;
  /** `listener` runs whenever a served result changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** A new context: values are re-evaluated locally. */
  identify(context: Context): Promise<void>;
  /** Revalidates the snapshot; never rejects; a refused snapshot keeps the last good one. */
  refresh(): Promise<RefreshResult>;
  /** Stops refreshing and delivers the exposures left. */
  close(): Promise<void>;
}

export function createClient(options?: ClientOptions): Client;

/**
 * Listens to the Worker's `/subscribe`: `onVersion(n)` for every version pushed, `onState(up)`
 * when the socket opens or closes; reconnects with bounded, jittered backoff until `close()`.
 */
export function subscribeVersions(
  url: string | URL,
  options?: {
    onVersion?: (version: number) => void;
    onState?: (connected: boolean) => void;
    WebSocket?: unknown;
    minDelayMs?: number;
    maxDelayMs?: number;
    pingMs?: number;
  },
): { readonly connected: boolean; close(): void };

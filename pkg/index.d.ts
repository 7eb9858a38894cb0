// Types for the `edgeflag` package (every runtime entry exports the same API).

/** A JSON value as flags serve it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Who is asking: an object whose optional `key` (a string) is the targeting key and whose other
 * members are attributes (dates become ISO strings). JSON text is accepted as is.
 */
export type Context = { key?: string; [attribute: string]: unknown } | string;

/** OpenFeature resolution reasons. */
export type Reason = 'STATIC' | 'DEFAULT' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'ERROR';

/** OpenFeature error codes. */
export type ErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'TYPE_MISMATCH'
  | 'PARSE_ERROR'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'GENERAL';

/** One evaluation, as in docs/snapshot.md ("Results"). */
export interface Details<T = JsonValue> {
  /** The served value, or the caller's default (null without one) on an error or off flag. */
  value: T;
  /** Name of the served variation, or null. */
  variation: string | null;
  /** Index of the served variation, or null. */
  variationIndex: number | null;
  reason: Reason;
  errorCode?: ErrorCode;
  errorMessage?: string;
  /** The rule that decided. */
  ruleId?: string;
  /** The prerequisite flag that was not met. */
  prerequisiteFailed?: string;
  /** The rollout bucket (0–99 999) when a rollout or experiment decided. */
  bucket?: number;
  /** The variant bucket of a unit enrolled in an experiment. */
  variantBucket?: number;
  /** True when the unit is enrolled in an experiment. */
  inExperiment?: true;
}

/** A snapshot the engine refused; `kind` and `path` as in docs/snapshot.md ("Load errors"). */
export class LoadError extends Error {
  readonly name: 'EdgeflagLoadError';
  /**
   * e.g. `unknown_operator`; for signed snapshots `unsigned` (path `signature`), `unknown_key`
   * (`signature.keyId`), `bad_signature` (`signature.value`).
   */
  readonly kind: string;
  /** Where in the snapshot, e.g. `flags.checkout.rules[2].clauses[0].op`. */
  readonly path: string;
}

export type UpdateResult =
  | { ok: true; changed: boolean; version: number; previousVersion: number | null }
  | { ok: false; error: LoadError; version: number | null };

/** What the serving snapshot says about a flag. */
export interface FlagInfo {
  readonly key: string;
  readonly kind: 'boolean' | 'string' | 'number' | 'json';
  readonly on: boolean;
  readonly clientVisible: boolean;
  readonly variations: readonly string[];
  readonly values: readonly JsonValue[];
  /** Rule ids in order. */
  readonly rules: readonly string[];
  readonly metadata: {
    readonly description?: string;
    readonly owner?: string;
    readonly createdAt?: number;
    readonly expiresAt?: number;
    readonly tags?: readonly string[];
  };
}

export interface EngineOptions {
  /** The clock, in ms since the epoch (default `Date.now`): schedules, dates and exposure times use it. */
  now?: () => number;
  /** Records exposures from the start: `true` for the defaults, or options (see `recordExposures`). */
  exposures?: boolean | ExposureOptions;
  /**
   * Ed25519 public keys, 64 hex digits each (one, or several while keys rotate): every snapshot
   * must then be a signed snapshot (docs/snapshot.md, "Signed snapshots"; or a signed compiled
   * snapshot, docs/compiled.md) that one of them verifies; others are refused (`unsigned`,
   * `unknown_key`, `bad_signature`) and the last good snapshot keeps serving. In browsers, after
   * `init(source, { keys: true })`; there WebCrypto verifies (a fallback module where it lacks
   * Ed25519), so snapshots go through `updateAsync`. A key that is not one throws a TypeError. Unset or empty: every
   * snapshot loads, a signed one unverified.
   */
  publicKeys?: readonly string[] | string;
}

/** The last argument of every evaluation (and of `Engine.context`, for a whole scope). */
export interface CallOptions {
  /**
   * `false` records nothing for this call: no exposure, no summary count (previews,
   * bootstrapping, health checks). Default true.
   */
  track?: boolean;
}

/** How an engine records exposures (docs/exposures.md). Bad values throw a TypeError naming the option. */
export interface ExposureOptions {
  /** Most exposures waiting to be taken; one produced past it is dropped and counted in `dropped` (default 1000). */
  queueCapacity?: number;
  /** An exposure of (context key, flag, variation) is not produced again within this many ms (default 3,600,000). */
  dedupeWindowMs?: number;
  /** Most (context key, flag, variation) triples remembered for dedupe; past it the oldest are forgotten (default 10,000). */
  dedupeCapacity?: number;
  /** Most summary entries counted between batches; evaluations past it go to `unsummarized` (default 10,000). */
  summaryCapacity?: number;
  /** Context attributes copied into exposures (scalar values only). Default none. */
  attributes?: readonly string[];
  /** When set, exposures carry `keyHash` (XXH64 of the salted key) instead of the context key. */
  keySalt?: string;
  /** Identifies this engine's batches, 1–128 characters (default a random UUID). */
  source?: string;
}

/** One user shown one variation (docs/exposures.md). */
export interface Exposure {
  flagKey: string;
  variationIndex: number;
  variation: string;
  reason: Exclude<Reason, 'ERROR'>;
  ruleId?: string;
  inExperiment?: true;
  /** Snapshot version. */
  version: number;
  /** The context key; absent with a `keySalt` (then `keyHash`) or when the context has none. */
  key?: string;
  /** 16 lowercase hex digits: XXH64 (seed 0) of `keySalt + U+001F + key`. */
  keyHash?: string;
  attributes?: Record<string, string | number | boolean>;
  /** Host time of the evaluation, ms since the epoch. */
  timestamp: number;
}

/** Tracked evaluations of one (flag, version, variation) since the previous batch. */
export interface Summary {
  flagKey: string;
  /** null when no snapshot was loaded. */
  version: number | null;
  /** null when no variation was served. */
  variationIndex: number | null;
  variation: string | null;
  count: number;
  /** Of which reason ERROR. */
  errors: number;
  /** Host times of the first and last counted evaluation. */
  start: number;
  end: number;
}

/** What `takeExposures` renders (as JSON text) and a collector receives. */
export interface ExposureBatch {
  schemaVersion: 1;
  source: string;
  /** Increasing per source from 1; (source, sequence) identifies a batch, so retries can be ignored. */
  sequence: number;
  sentAt: number;
  /** Exposures lost since the previous batch (queue full, or a batch that definitively failed). */
  dropped: number;
  /** Evaluations the summary table had no room to count. */
  unsummarized: number;
  exposures: Exposure[];
  summaries: Summary[];
}

/** Evaluations for one context bound once (see `Engine.context`). */
export interface ContextScope {
  evaluate<T extends JsonValue>(flagKey: string, defaultValue?: T, options?: CallOptions): Details<T>;
  getBoolean(flagKey: string, defaultValue: boolean, options?: CallOptions): boolean;
  getString(flagKey: string, defaultValue: string, options?: CallOptions): string;
  getNumber(flagKey: string, defaultValue: number, options?: CallOptions): number;
  getJson<T extends JsonValue>(flagKey: string, defaultValue: T, options?: CallOptions): T;
  getBooleanDetails(flagKey: string, defaultValue: boolean, options?: CallOptions): Details<boolean>;
  getStringDetails(flagKey: string, defaultValue: string, options?: CallOptions): Details<string>;
  getNumberDetails(flagKey: string, defaultValue: number, options?: CallOptions): Details<number>;
  getJsonDetails<T extends JsonValue>(flagKey: string, defaultValue: T, options?: CallOptions): Details<T>;
  evaluateAll(options?: CallOptions): Record<string, Details>;
  values(options?: CallOptions): Record<string, JsonValue>;
}

export class Engine {
  /**
   * Throws `LoadError` when `snapshot` is given and refused; a TypeError when it is given to an
   * engine that verifies signatures asynchronously (browsers given publicKeys: `updateAsync`).
   */
  constructor(snapshot?: Snapshot, options?: EngineOptions);
  /**
   * Offers a snapshot; a refused one leaves the serving snapshot in place. Never throws. The
   * browsers' default module reads the compiled form only (`compile`, docs/compiled.md): other
   * snapshots are refused there with `unsupported_format` until `init(source, { json: true })`.
   */
  update(snapshot: Snapshot): UpdateResult;
  /**
   * `update`, resolving once the snapshot's signature is verified: in browsers given publicKeys
   * (WebCrypto verifies asynchronously), where `update` refuses every snapshot with a TypeError
   * naming this method. Snapshots offered this way load in the order offered. Everywhere else it
   * resolves to what `update` returns.
   */
  updateAsync(snapshot: Snapshot): Promise<UpdateResult>;
  /** Whether this engine needs `updateAsync` (browsers given publicKeys). */
  readonly asyncUpdates: boolean;
  /** Version of the serving snapshot, or null. */
  readonly version: number | null;
  flags(): readonly FlagInfo[];
  /** One flag of the serving snapshot, or undefined. */
  flag(flagKey: string): FlagInfo | undefined;
  /** With a default, a flag of another kind gives the default with `TYPE_MISMATCH`. */
  evaluate<T extends JsonValue>(flagKey: string, context: Context, defaultValue?: T, options?: CallOptions): Details<T>;
  getBoolean(flagKey: string, context: Context, defaultValue: boolean, options?: CallOptions): boolean;
  getString(flagKey: string, context: Context, defaultValue: string, options?: CallOptions): string;
  getNumber(flagKey: string, context: Context, defaultValue: number, options?: CallOptions): number;
  getJson<T extends JsonValue>(flagKey: string, context: Context, defaultValue: T, options?: CallOptions): T;
  getBooleanDetails(flagKey: string, context: Context, defaultValue: boolean, options?: CallOptions): Details<boolean>;
  getStringDetails(flagKey: string, context: Context, defaultValue: string, options?: CallOptions): Details<string>;
  getNumberDetails(flagKey: string, context: Context, defaultValue: number, options?: CallOptions): Details<number>;
  getJsonDetails<T extends JsonValue>(flagKey: string, context: Context, defaultValue: T, options?: CallOptions): Details<T>;
  /** Every flag for one context. */
  evaluateAll(context: Context, options?: CallOptions): Record<string, Details>;
  /** Every flag's value for one context (null where none is served): the fastest path. */
  values(context: Context, options?: CallOptions): Record<string, JsonValue>;
  /** Binds a context once for many evaluations; `options` apply to every call of the scope. */
  context(context: Context, options?: CallOptions): ContextScope;
  /** True once exposures are being recorded. */
  readonly recording: boolean;
  /** Turns exposure recording on (once: throws if it is already on). Bad options throw a TypeError naming the option. */
  recordExposures(options?: ExposureOptions): void;
  /**
   * The next batch as JSON text (an `ExposureBatch`) of at most `maxBytes` (default 60,000; at
   * least one item), removing what it holds from the queue; null when there is nothing to send.
   */
  takeExposures(maxBytes?: number): string | null;
  /** Exposures waiting to be taken. */
  readonly pendingExposures: number;
  /** Adds `count` to the next batch's `dropped` (exposures of a batch that could not be delivered). */
  exposuresLost(count: number): void;
  /** Frees the engine's Wasm memory now rather than at garbage collection. */
  free(): void;
}

/** What `Reporter.onError` is told about a failure. */
export interface DeliveryFailure {
  /** Exposures in the batch (0 when the engine itself failed). */
  events: number;
  /** The batch (null when the engine itself failed). */
  batch: ExposureBatch | null;
  /**
   * true: given up (definitive 4xx, `retryable: false`, or the last attempt), the exposures are
   * counted in `failed` and reported in the next batch's `dropped`; false: it will be retried.
   */
  final: boolean;
}

interface ReporterCommonOptions {
  /** Largest batch in bytes (default 60,000: under the 64 KiB of sendBeacon and keepalive fetch). */
  maxBatchBytes?: number;
  /** Tries per batch in all (default 5), and the backoff: a random wait up to `min(maxMs, baseMs × 2^(try − 1))` (defaults 250, 10,000). */
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  /** Flushes every this many ms (0: never). Default 10,000 in Node (the timer does not keep the process alive) and browsers, 0 elsewhere (Workers: flush with waitUntil). */
  flushIntervalMs?: number;
  /** In browsers (default true): when the page is hidden or left, every batch is sent at once. */
  pageHide?: boolean;
  /** Told of every failed attempt (`final` says whether it was the last); what it throws is ignored. */
  onError?: (error: unknown, failure: DeliveryFailure) => void;
}

export type ReporterOptions = ReporterCommonOptions &
  (
    | {
        /** The collector: each batch POSTed as its JSON text, `content-type: text/plain;charset=UTF-8`. */
        url: string | URL;
        /** Extra request headers. With them, a hidden page sends with a keepalive fetch: beacons cannot carry headers. */
        headers?: Record<string, string> | [string, string][] | Headers;
        transport?: undefined;
      }
    | {
        url?: undefined;
        /**
         * Delivers one batch (parsed, and as text); resolve when delivered, throw or reject to
         * retry, or throw an error with `retryable: false` to fail the batch at once.
         */
        transport: (batch: ExposureBatch, text: string) => unknown;
      }
  );

/** `flush()` and `close()`: exposures delivered and definitively failed while the call waited. */
export interface FlushResult {
  delivered: number;
  failed: number;
}

/** Delivers an engine's exposure batches (and turns recording on if it is off). */
export class Reporter {
  /** Throws TypeError without a `url` or a `transport`. */
  constructor(engine: Engine, options: ReporterOptions);
  /**
   * Sends every batch the engine holds, one at a time and in order. Resolves — never rejects —
   * once everything taken until then is delivered or definitively failed. Concurrent calls share
   * the work, so their counts overlap.
   */
  flush(): Promise<FlushResult>;
  /** Stops the interval and the page listeners, then flushes. Calling it again flushes again. */
  close(): Promise<FlushResult>;
}

/**
 * A snapshot as an engine takes it: the compiled form's bytes (`compile`), or JSON as text, UTF-8
 * bytes or a value.
 */
export type Snapshot = string | object | BufferSource;

export interface InitOptions {
  /**
   * Browsers: load the module that also verifies signatures (needed for `publicKeys`; snapshots
   * then come signed, compiled) rather than the smallest one. Each module is imported on demand,
   * so a page downloads only the one it asks for. Ignored elsewhere (servers have everything).
   */
  keys?: boolean;
  /** Browsers: load the module that also reads JSON snapshots (and verifies signatures). */
  json?: boolean;
}

/**
 * Loads the Wasm module. Needed once in browsers (before `new Engine`); resolves at once
 * elsewhere. `source`: URL, Response, bytes or a compiled `WebAssembly.Module` of the module
 * `options` asks for (default: the one beside the entry).
 */
export function init(
  source?: URL | string | Response | Promise<Response> | BufferSource | WebAssembly.Module,
  options?: InitOptions,
): Promise<SnapshotForms>;

/**
 * What engines made after `init()` do: every module reads compiled snapshots; browsers verify
 * signatures after `init(source, { keys: true })` and read JSON after `{ json: true }` (engines made
 * before keep their module); servers do all three.
 */
export interface SnapshotForms {
  compiled: boolean;
  keys: boolean;
  json: boolean;
}

/**
 * The compiled form of `snapshot` (docs/compiled.md): bytes that engines load without parsing
 * JSON or validating again, naming the JSON they came from by its digest. Throws `LoadError` for
 * a snapshot that does not load. A signed snapshot gives its contents' form, unsigned. Servers
 * only (the node, workerd and edge-light entries), as `edgeflag compile` on the command line.
 */
export function compile(snapshot: Snapshot): Uint8Array;

/**
 * The client-safe snapshot of `snapshot` (JSON text or object), as JSON text: the client-visible
 * flags, the flags they need as prerequisites (kept with `clientVisible: false`) and the segments
 * they use, without descriptions or owners (docs/snapshot.md, "Client-safe snapshots"). Throws
 * `LoadError` for a snapshot that does not load, as `new Engine(snapshot)` would. A signed snapshot
 * gives the client-safe snapshot of its contents, unsigned, and its signature is not checked here:
 * pass what an engine with keys accepted. Servers only (the node, workerd and edge-light entries):
 * the browsers' module leaves it out, and throws.
 */
export function clientSnapshot(snapshot: string | object): string;

/** A peer's payload that `importConfig` refused, or a construct it left out. */
export class ImportError extends Error {
  readonly name: 'EdgeflagImportError';
  /** `invalid` (not what the peer's SDKs read), `unsupported` (no exact equivalent, docs/import.md) or `snapshot` (the conversion did not load). */
  readonly kind: 'invalid' | 'unsupported' | 'snapshot';
  /** Where, in the peer's payload (for `snapshot`, in the converted snapshot). */
  readonly path: string;
}

export interface ImportOptions {
  /** The snapshot's version (default `Date.now()`): engines refuse an older one. */
  version?: number;
  /** The snapshot's `generatedAt` (default: now). */
  generatedAt?: string;
  /** Import what has an exact equivalent and list what was left out, instead of throwing. */
  skipUnsupported?: boolean;
  /** GrowthBook: the SDK connection's key for an encrypted payload. */
  decryptionKey?: string;
  /** Which of the peer's SDKs to answer as where they differ: flagd `'flagd'` (Go, the default) or `'flagd-core'`; Unleash `'yggdrasil'` (the default) or `'node'`; GrowthBook `'javascript'`. */
  reference?: string;
}

/**
 * A peer's configuration — flagd's flag file, Unleash's client features response, GrowthBook's
 * SDK payload, LaunchDarkly's server-side SDK payload (text, bytes or a value) — converted into a snapshot that evaluates and buckets
 * every user as the peer does (docs/import.md). The snapshot (JSON text) has been checked to
 * load; `skipped` lists what `skipUnsupported` left out. Throws `ImportError`. Servers only (the
 * node, workerd and edge-light entries), as `edgeflag import` on the command line.
 */
export function importConfig(
  peer: 'flagd' | 'unleash' | 'growthbook' | 'launchdarkly',
  payload: string | Uint8Array | ArrayBuffer | object,
  options?: ImportOptions,
): { snapshot: string; skipped: ImportError[] };

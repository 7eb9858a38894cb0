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
  /** The clock, in ms since the epoch (default `Date.now`): schedules and dates use it. */
  now?: () => number;
}

/** Evaluations for one context bound once (see `Engine.context`). */
export interface ContextScope {
  evaluate<T extends JsonValue>(flagKey: string, defaultValue?: T): Details<T>;
  getBoolean(flagKey: string, defaultValue: boolean): boolean;
  getString(flagKey: string, defaultValue: string): string;
  getNumber(flagKey: string, defaultValue: number): number;
  getJson<T extends JsonValue>(flagKey: string, defaultValue: T): T;
  getBooleanDetails(flagKey: string, defaultValue: boolean): Details<boolean>;
  getStringDetails(flagKey: string, defaultValue: string): Details<string>;
  getNumberDetails(flagKey: string, defaultValue: number): Details<number>;
  getJsonDetails<T extends JsonValue>(flagKey: string, defaultValue: T): Details<T>;
  evaluateAll(): Record<string, Details>;
  values(): Record<string, JsonValue>;
}

export class Engine {
  /** Throws `LoadError` when `snapshot` is given and refused. */
  constructor(snapshot?: string | object, options?: EngineOptions);
  /** Offers a snapshot; a refused one leaves the serving snapshot in place. Never throws. */
  update(snapshot: string | object): UpdateResult;
  /** Version of the serving snapshot, or null. */
  readonly version: number | null;
  flags(): readonly FlagInfo[];
  /** One flag of the serving snapshot, or undefined. */
  flag(flagKey: string): FlagInfo | undefined;
  /** With a default, a flag of another kind gives the default with `TYPE_MISMATCH`. */
  evaluate<T extends JsonValue>(flagKey: string, context: Context, defaultValue?: T): Details<T>;
  getBoolean(flagKey: string, context: Context, defaultValue: boolean): boolean;
  getString(flagKey: string, context: Context, defaultValue: string): string;
  getNumber(flagKey: string, context: Context, defaultValue: number): number;
  getJson<T extends JsonValue>(flagKey: string, context: Context, defaultValue: T): T;
  getBooleanDetails(flagKey: string, context: Context, defaultValue: boolean): Details<boolean>;
  getStringDetails(flagKey: string, context: Context, defaultValue: string): Details<string>;
  getNumberDetails(flagKey: string, context: Context, defaultValue: number): Details<number>;
  getJsonDetails<T extends JsonValue>(flagKey: string, context: Context, defaultValue: T): Details<T>;
  /** Every flag for one context. */
  evaluateAll(context: Context): Record<string, Details>;
  /** Every flag's value for one context (null where none is served): the fastest path. */
  values(context: Context): Record<string, JsonValue>;
  /** Binds a context once for many evaluations. */
  context(context: Context): ContextScope;
  /** Frees the engine's Wasm memory now rather than at garbage collection. */
  free(): void;
}

/**
 * Loads the Wasm module. Needed once in browsers (before `new Engine`); resolves at once
 * elsewhere. `source`: URL, Response, bytes or a compiled `WebAssembly.Module`.
 */
export function init(source?: URL | string | Response | Promise<Response> | BufferSource | WebAssembly.Module): Promise<void>;

// Types for `edgeflag/openfeature/server`: an OpenFeature provider for @openfeature/server-sdk.
import type {
  EvaluationContext,
  JsonValue,
  Logger,
  OpenFeatureEventEmitter,
  Provider,
  ResolutionDetails,
} from '@openfeature/server-sdk';
import type { Engine, EngineOptions, UpdateResult } from 'edgeflag';

/**
 * Evaluates flags with an edgeflag `Engine`. The evaluation context's `targetingKey` is the
 * edgeflag context's `key` (without one, a `key` attribute is); every other member is an
 * attribute. Reasons and error codes are OpenFeature's; `flagMetadata` holds `ruleId`,
 * `prerequisiteFailed`, `bucket`, `variantBucket`, `inExperiment`, `snapshotVersion` and the
 * flag's `description`, `owner` and `tags` (comma-separated).
 */
export declare class EdgeflagProvider implements Provider {
  /**
   * @param engineOrSnapshot an `Engine` (used as is, with its own clock), or a snapshot (JSON
   *   text or object) for an engine the provider builds in `initialize`
   * @param options for the engine the provider builds
   */
  constructor(engineOrSnapshot: Engine | string | object, options?: EngineOptions);
  readonly metadata: { readonly name: 'edgeflag' };
  readonly runsOn: 'server';
  readonly events: OpenFeatureEventEmitter;
  /** The engine evaluating the flags (null before `initialize` when built from a snapshot). */
  readonly engine: Engine | null;
  /** Builds the engine if needed; rejects with the `LoadError` of a refused snapshot. */
  initialize(context?: EvaluationContext): Promise<void>;
  /**
   * Offers a new snapshot. A change emits `ProviderEvents.ConfigurationChanged`; a refused
   * snapshot keeps the last good one serving, emits nothing, and is reported in the result.
   * Before `initialize`, builds the engine first (the Wasm module must be loaded).
   */
  update(snapshot: string | object): UpdateResult;
  /**
   * `update`, resolving once the snapshot's signature is verified: in browsers given publicKeys
   * (WebCrypto verifies asynchronously; there `update` refuses every snapshot). Snapshots offered
   * this way load in the order offered.
   */
  updateAsync(snapshot: string | object | Uint8Array): Promise<UpdateResult>;
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<boolean>>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<string>>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<number>>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<T>>;
}

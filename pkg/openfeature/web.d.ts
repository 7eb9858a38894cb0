// Types for `edgeflag/openfeature/web`: an OpenFeature provider for @openfeature/web-sdk.
import type {
  EvaluationContext,
  JsonValue,
  Logger,
  OpenFeatureEventEmitter,
  Provider,
  ResolutionDetails,
} from '@openfeature/web-sdk';
import type { Engine, EngineOptions, Snapshot, UpdateResult } from 'edgeflag';

/**
 * Evaluates flags synchronously with an edgeflag `Engine`, for the static context set with
 * `OpenFeature.setContext` (bound once, rebound on each change). Context mapping, reasons, error
 * codes and `flagMetadata` as in `edgeflag/openfeature/server`.
 */
export declare class EdgeflagWebProvider implements Provider {
  /**
   * @param engineOrSnapshot an `Engine` (used as is, with its own clock), or a snapshot for an
   *   engine the provider builds in `initialize`, after `await init()`: compiled bytes (the
   *   smallest module loads), or JSON text or object (in browsers, the module that reads JSON)
   * @param options for the engine the provider builds
   */
  constructor(engineOrSnapshot: Engine | Snapshot, options?: EngineOptions);
  readonly metadata: { readonly name: 'edgeflag' };
  readonly runsOn: 'client';
  readonly events: OpenFeatureEventEmitter;
  /** The engine evaluating the flags (null before `initialize` when built from a snapshot). */
  readonly engine: Engine | null;
  /** Loads the Wasm module and builds the engine if needed, then binds the context. */
  initialize(context?: EvaluationContext): Promise<void>;
  /** Rebinds the context (synchronously: no RECONCILING state). */
  onContextChange(oldContext: EvaluationContext, newContext: EvaluationContext): void;
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
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger?: Logger): ResolutionDetails<boolean>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger?: Logger): ResolutionDetails<string>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger?: Logger): ResolutionDetails<number>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger?: Logger): ResolutionDetails<T>;
}

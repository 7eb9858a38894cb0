// OpenFeature provider for @openfeature/server-sdk (the dynamic-context paradigm: each evaluation
// brings its own context). Usage:
//   import { OpenFeature } from '@openfeature/server-sdk';
//   import { EdgeflagProvider } from 'edgeflag/openfeature/server';
//   await OpenFeature.setProviderAndWait(new EdgeflagProvider(snapshotText));
import { ErrorCode, OpenFeatureEventEmitter, ProviderEvents } from '@openfeature/server-sdk';
import { Source, toContext } from './common.js';

export class EdgeflagProvider {
  metadata = Object.freeze({ name: 'edgeflag' });
  runsOn = 'server';
  events = new OpenFeatureEventEmitter();
  #source;

  /**
   * @param engineOrSnapshot an `Engine` (used as is, with its own clock), or a snapshot (JSON text
   *   or object) for an engine the provider builds in `initialize`
   * @param options `{ now: () => ms }` for the engine the provider builds (default Date.now)
   */
  constructor(engineOrSnapshot, options) {
    this.#source = new Source(engineOrSnapshot, options, { ErrorCode, ProviderEvents, events: this.events });
  }

  /** The engine evaluating the flags (null before `initialize` when built from a snapshot). */
  get engine() {
    return this.#source.engine;
  }

  /** Builds the engine (after `await init()`); rejects with the LoadError of a refused snapshot. */
  async initialize() {
    await this.#source.ready();
  }

  /**
   * Offers a new snapshot (the engine's `update`). A change emits ConfigurationChanged; a refused
   * snapshot keeps the last good one serving, emits nothing, and is reported in the result.
   */
  update(snapshot) {
    return this.#source.update(snapshot);
  }

  /**
   * `update`, resolving once the snapshot's signature is verified: needed in browsers given
   * publicKeys, where WebCrypto verifies asynchronously and `update` refuses (the engine's
   * `updateAsync`).
   */
  updateAsync(snapshot) {
    return this.#source.updateAsync(snapshot);
  }

  async resolveBooleanEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getBooleanDetails');
  }
  async resolveStringEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getStringDetails');
  }
  async resolveNumberEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getNumberDetails');
  }
  async resolveObjectEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getJsonDetails');
  }

  #resolve(flagKey, defaultValue, context, getter) {
    const source = this.#source;
    const engine = source.engine;
    if (engine === null) return source.notReadyResult(defaultValue);
    return source.resolution(flagKey, engine[getter](flagKey, toContext(context), defaultValue));
  }
}

// OpenFeature provider for @openfeature/web-sdk (the static-context paradigm: one context, set
// with OpenFeature.setContext, and synchronous evaluations). Usage:
//   import { OpenFeature } from '@openfeature/web-sdk';
//   import { EdgeflagWebProvider } from 'edgeflag/openfeature/web';
//   await OpenFeature.setContext({ targetingKey: 'user-42', tier: 'pro' });
//   await OpenFeature.setProviderAndWait(new EdgeflagWebProvider(snapshotText));
//   OpenFeature.getClient().getBooleanValue('new_editor', false);
import { ErrorCode, OpenFeatureEventEmitter, ProviderEvents } from '@openfeature/web-sdk';
import { Source, toContext } from './common.js';

export class EdgeflagWebProvider {
  metadata = Object.freeze({ name: 'edgeflag' });
  runsOn = 'client';
  events = new OpenFeatureEventEmitter();
  #source;
  #bound = null; // the OpenFeature context #scope was made from
  #scope = null;

  /**
   * @param engineOrSnapshot an `Engine` (used as is, with its own clock), or a snapshot (compiled
   *   bytes, or JSON text or object) for an engine the provider builds in `initialize` — after
   *   `await init()`, which loads the Wasm module in browsers (the one that reads JSON for JSON)
   * @param options `{ now: () => ms }` for the engine the provider builds (default Date.now)
   */
  constructor(engineOrSnapshot, options) {
    this.#source = new Source(engineOrSnapshot, options, { ErrorCode, ProviderEvents, events: this.events });
  }

  /** The engine evaluating the flags (null before `initialize` when built from a snapshot). */
  get engine() {
    return this.#source.engine;
  }

  /** Loads the Wasm module and builds the engine if needed, then binds the context. */
  async initialize(context) {
    await this.#source.ready();
    this.#bind(context ?? {});
  }

  /** Rebinds the context. Synchronous, so the SDK does not go through RECONCILING. */
  onContextChange(_oldContext, newContext) {
    if (this.#source.engine !== null) this.#bind(newContext ?? {});
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

  resolveBooleanEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getBooleanDetails');
  }
  resolveStringEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getStringDetails');
  }
  resolveNumberEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getNumberDetails');
  }
  resolveObjectEvaluation(flagKey, defaultValue, context) {
    return this.#resolve(flagKey, defaultValue, context, 'getJsonDetails');
  }

  #resolve(flagKey, defaultValue, context, getter) {
    const source = this.#source;
    if (source.engine === null) return source.notReadyResult(defaultValue);
    // The SDK passes a shallow copy of the static context: the bound one unless this provider
    // serves several domains with different contexts, or the context was never announced.
    if (this.#scope === null || !sameContext(context ?? {}, this.#bound)) this.#bind(context ?? {});
    return source.resolution(flagKey, this.#scope[getter](flagKey, defaultValue));
  }

  #bind(context) {
    this.#scope = this.#source.engine.context(toContext(context));
    this.#bound = { ...context }; // a copy: an in-place change of the caller's object is seen
  }
}

/** Same members with identical values (the SDK copies the static context shallowly). */
function sameContext(a, b) {
  if (a === b) return true;
  if (b === null) return false;
  let n = 0;
  for (const name in a) {
    if (a[name] !== b[name] || !(name in b)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

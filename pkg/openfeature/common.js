// Shared by the OpenFeature providers (server.js, web.js): the engine they hold, and how
// edgeflag's contexts and results map to OpenFeature's. Imports no SDK — each provider passes in
// its own SDK's `ErrorCode`, `ProviderEvents` and event emitter, since only one may be installed.
import { Engine, init } from 'edgeflag';

/**
 * An OpenFeature evaluation context as an edgeflag context: `targetingKey` becomes `key` (and
 * wins over a `key` attribute), and stays an attribute too, which snapshots imported from flagd
 * read as flagd does (docs/import.md); without a targetingKey the context is used as is, so an
 * explicit `key` attribute is the targeting key. Everything else is an attribute (Dates become
 * ISO text).
 */
export function toContext(context) {
  if (context == null) return {};
  const targetingKey = context.targetingKey;
  if (targetingKey === undefined) return context; // JSON text drops an undefined targetingKey
  const out = { key: targetingKey, targetingKey };
  for (const name in context) {
    if (name !== 'targetingKey' && name !== 'key') out[name] = context[name];
  }
  return out;
}

const ERROR_CODES = ['FLAG_NOT_FOUND', 'TYPE_MISMATCH', 'PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL'];

/**
 * Holds the engine of one provider: builds it (after `init()`, for browsers) when given a
 * snapshot, forwards updates and emits the SDK's events, and turns results into ResolutionDetails.
 */
export class Source {
  /** @param sdk `{ ErrorCode, ProviderEvents, events }` of the provider's SDK */
  constructor(engineOrSnapshot, options, sdk) {
    if (isEngine(engineOrSnapshot)) {
      this.engine = engineOrSnapshot;
    } else {
      this.engine = null;
      this.pending = engineOrSnapshot;
    }
    this.options = options ?? {};
    this.events = sdk.events;
    this.ProviderEvents = sdk.ProviderEvents;
    this.codes = new Map(ERROR_CODES.map((c) => [c, sdk.ErrorCode[c]]));
    this.general = sdk.ErrorCode.GENERAL;
    this.notReady = sdk.ErrorCode.PROVIDER_NOT_READY;
    this.loadError = undefined; // the constructor's snapshot, if the engine refused it
    this.failed = false; // initialize rejected: the next good update also emits Ready
  }

  /**
   * For `initialize`: loads the Wasm module if needed (in browsers, the one that reads JSON only
   * when the snapshot given is JSON, and the one that verifies with `publicKeys`), builds the
   * engine, rejects a refused snapshot.
   */
  async ready() {
    if (this.engine === null) {
      const p = this.pending;
      const compiled = p instanceof ArrayBuffer || ArrayBuffer.isView(p);
      await init(undefined, { json: !compiled, keys: this.options.publicKeys !== undefined });
    }
    const error = await this.build();
    if (error) {
      this.failed = true;
      throw error;
    }
  }

  /**
   * Builds the engine if it does not exist yet (synchronous: the Wasm module must be loaded) and
   * offers it the constructor's snapshot: its LoadError, if refused (a Promise of it where the
   * engine verifies signatures asynchronously).
   */
  build() {
    if (this.engine !== null) return this.loadError;
    this.engine = new Engine(undefined, this.options);
    const snapshot = this.pending;
    this.pending = undefined;
    if (snapshot === undefined) return undefined;
    const e = this.engine;
    const settle = (result) => (this.loadError = result.ok ? undefined : result.error);
    return e.asyncUpdates ? e.updateAsync(snapshot).then(settle) : settle(e.update(snapshot));
  }

  /** The provider's `update`: refused, as the engine's, where verifying is asynchronous. */
  update(snapshot) {
    this.build();
    return this.settle(this.engine.update(snapshot));
  }

  /** The provider's `updateAsync`: after the constructor's snapshot, in the order offered. */
  async updateAsync(snapshot) {
    await this.build();
    return this.settle(await this.engine.updateAsync(snapshot));
  }

  /** An update's result, with the events it emits. */
  settle(result) {
    if (result.ok) {
      this.loadError = undefined;
      if (this.failed) {
        this.failed = false;
        this.events.emit(this.ProviderEvents.Ready, { message: `snapshot version ${result.version}` });
      }
      if (result.changed) {
        // No flagsChanged: flags() does not describe targets, clauses or segments, so a list
        // computed from it could leave out flags whose results changed. Without it, handlers
        // re-evaluate every flag, which is what OpenFeature prescribes.
        const metadata = { snapshotVersion: result.version };
        let message = `snapshot version ${result.version}`;
        if (result.previousVersion != null) {
          metadata.previousSnapshotVersion = result.previousVersion;
          message = `snapshot version ${result.previousVersion} -> ${result.version}`;
        }
        this.events.emit(this.ProviderEvents.ConfigurationChanged, { message, metadata });
      }
    }
    // A refused snapshot emits nothing: the last good one keeps serving, so the provider is not
    // in error (an Error event would set the SDK's status to ERROR until a Ready event).
    return result;
  }

  /** The result for a provider that has no engine yet (before `initialize`). */
  notReadyResult(defaultValue) {
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: this.notReady,
      errorMessage: 'edgeflag: the provider is not initialized (no engine yet)',
      flagMetadata: {},
    };
  }

  /** edgeflag details → OpenFeature ResolutionDetails. */
  resolution(flagKey, d) {
    const out = {
      value: d.value,
      reason: d.reason, // edgeflag's reasons are OpenFeature's standard names
      flagMetadata: this.flagMetadata(flagKey, d),
    };
    if (d.variation !== null) out.variant = d.variation;
    if (d.errorCode !== undefined) {
      out.errorCode = this.codes.get(d.errorCode) ?? this.general;
      out.errorMessage = d.errorMessage;
    }
    return out;
  }

  /** Scalars only (OpenFeature's FlagMetadata): the result's why, the snapshot, the flag's metadata. */
  flagMetadata(flagKey, d) {
    const m = {};
    const md = this.engine.flag(flagKey)?.metadata ?? {};
    if (typeof md.description === 'string') m.description = md.description;
    if (typeof md.owner === 'string') m.owner = md.owner;
    if (Array.isArray(md.tags) && md.tags.length > 0) m.tags = md.tags.join(',');
    const version = this.engine.version;
    if (version !== null && version !== undefined) m.snapshotVersion = version;
    if (d.ruleId !== undefined) m.ruleId = d.ruleId;
    if (d.prerequisiteFailed !== undefined) m.prerequisiteFailed = d.prerequisiteFailed;
    if (d.bucket !== undefined) m.bucket = d.bucket;
    if (d.variantBucket !== undefined) m.variantBucket = d.variantBucket;
    if (d.inExperiment !== undefined) m.inExperiment = d.inExperiment;
    return m;
  }
}

function isEngine(x) {
  return x !== null && typeof x === 'object' && typeof x.getBooleanDetails === 'function' && typeof x.flag === 'function';
}

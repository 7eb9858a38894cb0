// Type-checked by run.mjs (tsc --noEmit, strict, nodenext) in the fresh project: both providers
// with the SDKs' own types, and the exposure API (Engine recording, Reporter). Every `@ts-expect-error` must be an error, so types that collapsed
// to `any` fail the check too.
import {
  OpenFeature as ServerAPI,
  ProviderEvents as ServerEvents,
  type EvaluationDetails,
  type JsonValue,
  type Provider as ServerProvider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { OpenFeature as WebAPI, ProviderEvents as WebEvents, type Provider as WebProvider } from '@openfeature/web-sdk';
import {
  Engine,
  LoadError,
  Reporter,
  type ContextScope,
  type Exposure,
  type ExposureBatch,
  type ExposureOptions,
  type FlushResult,
  type ReporterOptions,
  type Summary,
  type UpdateResult,
} from 'edgeflag';
import { EdgeflagProvider } from 'edgeflag/openfeature/server';
import { EdgeflagWebProvider } from 'edgeflag/openfeature/web';

export async function server(snapshot: string): Promise<boolean> {
  const provider = new EdgeflagProvider(snapshot, { now: () => Date.now() });
  const asProvider: ServerProvider = provider;
  await ServerAPI.setProviderAndWait(asProvider);
  await ServerAPI.setProviderAndWait('engine', new EdgeflagProvider(new Engine(snapshot)));
  await ServerAPI.setProviderAndWait('object', new EdgeflagProvider({ formatVersion: 1, version: 1, flags: {} }));
  const client = ServerAPI.getClient();
  const details: EvaluationDetails<boolean> = await client.getBooleanDetails('new_editor', false, {
    targetingKey: 'user-42',
    app_version: '2.4.0',
    signedUp: new Date(),
  });
  const limits = await client.getObjectValue<{ maxSeats: number }>('plan_limits', { maxSeats: 0 });
  const seats: number = limits.maxSeats;
  const direct: ResolutionDetails<number> = await provider.resolveNumberEvaluation('max_items', 0, {}, console);
  const json: ResolutionDetails<JsonValue[]> = await provider.resolveObjectEvaluation('list', [1, 'a'], {}, console);
  // @ts-expect-error the server provider's results are promises
  const notSync: boolean = provider.resolveBooleanEvaluation('f', false, {}, console).value;
  const result: UpdateResult = provider.update(snapshot);
  if (result.ok) {
    const version: number = result.version;
    const changed: boolean = result.changed;
  } else {
    const error: LoadError = result.error;
    const kind: string = error.kind;
  }
  const engine: Engine | null = provider.engine;
  // @ts-expect-error the engine is an Engine or null
  const notString: string = provider.engine;
  // @ts-expect-error `changed` is only on an accepted snapshot's result
  const unchecked: boolean = result.changed;
  provider.events.addHandler(ServerEvents.ConfigurationChanged, (event) => {
    const version = event?.metadata?.snapshotVersion;
  });
  const name: 'edgeflag' = provider.metadata.name;
  const runsOn: 'server' = provider.runsOn;
  // @ts-expect-error the server provider runs on the server
  const wrongRunsOn: 'client' = provider.runsOn;
  // @ts-expect-error a number is not a snapshot
  new EdgeflagProvider(42);
  // @ts-expect-error a misspelt option
  new EdgeflagProvider(snapshot, { clock: () => 0 });
  return details.value && seats > direct.value && json.value.length > 0 && engine !== null;
}

export async function web(snapshot: string): Promise<boolean> {
  const provider = new EdgeflagWebProvider(snapshot);
  const asProvider: WebProvider = provider;
  await WebAPI.setContext({ targetingKey: 'user-42', tier: 'pro' });
  await WebAPI.setProviderAndWait(asProvider);
  const client = WebAPI.getClient();
  const on: boolean = client.getBooleanValue('new_editor', false);
  const variant: string | undefined = client.getStringDetails('checkout_experiment', 'control').variant;
  const direct: ResolutionDetails<boolean> = provider.resolveBooleanEvaluation('f', false, {}, console);
  const changed: void = provider.onContextChange({}, { targetingKey: 'user-43' });
  const result: UpdateResult = provider.update(JSON.parse(snapshot) as object);
  const verified: Promise<UpdateResult> = provider.updateAsync(snapshot);
  // @ts-expect-error `changed` is only on an accepted snapshot's result
  const unchecked: boolean = provider.update(snapshot).changed;
  provider.events.addHandler(WebEvents.ConfigurationChanged, () => {});
  const runsOn: 'client' = provider.runsOn;
  // @ts-expect-error the web provider's results are synchronous
  const notAsync: Promise<unknown> = provider.resolveBooleanEvaluation('f', false, {}, console);
  // @ts-expect-error the server SDK wants promises
  const wrongParadigm: ServerProvider = provider;
  // @ts-expect-error the web SDK wants synchronous results
  const wrongParadigm2: WebProvider = new EdgeflagProvider(snapshot);
  return on && variant !== undefined && direct.value && result.ok;
}

export async function exposures(snapshot: string): Promise<number> {
  const options: ExposureOptions = { queueCapacity: 100, dedupeWindowMs: 60_000, attributes: ['tier'], keySalt: 's', source: 'test' };
  const engine = new Engine(snapshot, { now: () => 0, exposures: options });
  new Engine(snapshot, { exposures: true });
  const recording: boolean = engine.recording;
  if (!recording) engine.recordExposures({ summaryCapacity: 10 });
  const user = { key: 'u-1', tier: 'pro' };
  const quiet = { track: false };
  const on: boolean = engine.getBoolean('new_editor', user, false, quiet);
  const details = engine.evaluate('plan_limits', user, {}, quiet);
  const all = engine.evaluateAll(user, quiet);
  const values = engine.values(user, { track: true });
  const scope: ContextScope = engine.context(user, quiet);
  scope.getStringDetails('checkout_experiment', 'control', quiet);
  scope.values(quiet);
  // @ts-expect-error `track` is a boolean
  engine.getBoolean('new_editor', user, false, { track: 'no' });
  // @ts-expect-error a misspelt exposure option
  engine.recordExposures({ queueSize: 10 });
  const pending: number = engine.pendingExposures;
  const text = engine.takeExposures(30_000);
  // @ts-expect-error null when there is nothing to take
  const notNull: string = engine.takeExposures();
  engine.exposuresLost(3);
  if (text !== null) {
    const batch = JSON.parse(text) as ExposureBatch;
    const first: Exposure | undefined = batch.exposures[0];
    const reason: 'STATIC' | 'DEFAULT' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | undefined = first?.reason;
    const summary: Summary | undefined = batch.summaries[0];
    const variation: string | null | undefined = summary?.variation;
    // @ts-expect-error an exposure's reason is never ERROR
    const error: Exposure['reason'] = 'ERROR';
  }

  const reporter = new Reporter(engine, {
    url: 'http://127.0.0.1:8787/events',
    headers: { authorization: 'Bearer x' },
    retry: { attempts: 3 },
    flushIntervalMs: 0,
    pageHide: false,
    maxBatchBytes: 30_000,
    onError: (error, { events, batch, final }) => {
      const n: number = events + (batch?.dropped ?? 0);
      const last: boolean = final;
    },
  });
  const sink: ReporterOptions = {
    transport: async (batch, text) => {
      const sequence: number = batch.sequence;
      const length: number = text.length;
    },
  };
  const forwarded = new Reporter(engine, sink);
  const result: FlushResult = await reporter.flush();
  const closed: FlushResult = await forwarded.close();
  // @ts-expect-error a url or a transport is required
  new Reporter(engine, {});
  // @ts-expect-error not both
  new Reporter(engine, { url: 'http://x', transport: () => {} });
  // @ts-expect-error the counts are numbers
  const wrong: string = result.delivered;
  return pending + result.delivered + closed.failed + Object.keys(all).length + Object.keys(values).length + (on && details ? 1 : 0);
}

// EdgeflagProvider with @openfeature/server-sdk (run in the fresh project by run.mjs).
import assert from 'node:assert/strict';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { Engine, LoadError } from 'edgeflag';
import { EdgeflagProvider } from 'edgeflag/openfeature/server';
import { check, coverage, expected, expectedMetadata, getter, now, settle, snapshots } from './checks.mjs';

coverage();
const cases = expected.cases;
const byFlag = (flag, i = 0) => cases.filter((c) => c.flag === flag)[i];

// Setup: the engine is built in initialize.
const provider = new EdgeflagProvider(snapshots.v7, { now });
assert.equal(provider.metadata.name, 'edgeflag');
assert.equal(provider.runsOn, 'server');
assert.equal(provider.engine, null);
await OpenFeature.setProviderAndWait(provider);
assert.ok(provider.engine instanceof Engine);
const client = OpenFeature.getClient();
assert.equal(client.providerStatus, ProviderStatus.READY);

// Every case through the client: values, variants, reasons, error codes, flagMetadata.
for (const c of cases) check(await client[getter[c.type]](c.flag, c.defaultValue, c.context), c, c.v7, 7);
// The value getters too.
const pro = byFlag('conversations_enabled');
assert.equal(await client.getBooleanValue('conversations_enabled', !pro.v7.value, pro.context), pro.v7.value);
const mismatch = cases.find((c) => c.type === 'string' && c.flag === 'conversations_enabled');
assert.equal(mismatch.v7.errorCode, 'TYPE_MISMATCH');
assert.equal(await client.getStringValue('conversations_enabled', 'fallback', mismatch.context), 'fallback');
// A null default still asks for an object (the typed getter, not evaluate): a boolean flag is
// a TYPE_MISMATCH, an object flag serves its value.
const nullDefault = await client.getObjectDetails('conversations_enabled', null, pro.context);
assert.equal(nullDefault.value, null);
assert.equal(nullDefault.errorCode, ErrorCode.TYPE_MISMATCH);
const limits = byFlag('plan_limits');
assert.deepStrictEqual((await client.getObjectDetails(limits.flag, null, limits.context)).value, limits.v7.value);
// The error codes are the SDK's enum values (the same strings).
const missing = await client.getBooleanDetails('no_such_flag', true, { targetingKey: 'a' });
assert.equal(missing.errorCode, ErrorCode.FLAG_NOT_FOUND);
// The provider's own results, without the SDK: a type mismatch is a result, not a throw.
assert.deepStrictEqual(
  await provider.resolveStringEvaluation('conversations_enabled', 'fallback', mismatch.context, console),
  {
    value: 'fallback',
    reason: 'ERROR',
    errorCode: ErrorCode.TYPE_MISMATCH,
    errorMessage: mismatch.v7.errorMessage,
    flagMetadata: expectedMetadata('conversations_enabled', mismatch.v7, 7),
  },
);
// Context merging by the SDK still ends up as one edgeflag context (targetingKey → key).
OpenFeature.setContext({ tier: 'pro', beta_opt_in: true });
const merged = await client.getBooleanDetails('conversations_enabled', false, { targetingKey: 'u-1' });
OpenFeature.setContext({});
check(merged, pro, pro.v7, 7);
console.log(`server: ${cases.length} cases match the CLI (v7)`);

// Updates: a change emits ConfigurationChanged; the same snapshot again emits nothing.
const changes = [];
const errors = [];
client.addHandler(ProviderEvents.ConfigurationChanged, (d) => changes.push(d));
client.addHandler(ProviderEvents.Error, (d) => errors.push(d));
let r = provider.update(snapshots.v8);
assert.deepStrictEqual(r, { ok: true, changed: true, version: 8, previousVersion: 7 });
await settle();
assert.equal(changes.length, 1);
assert.equal(changes[0].metadata.snapshotVersion, 8);
assert.equal(changes[0].metadata.previousSnapshotVersion, 7);
assert.equal(changes[0].flagsChanged, undefined); // not derivable from flags() (see common.js)
for (const c of cases) check(await client[getter[c.type]](c.flag, c.defaultValue, c.context), c, c.v8, 8);
assert.notDeepStrictEqual(pro.v8, pro.v7);
r = provider.update(JSON.parse(snapshots.v8)); // an object works too
assert.deepStrictEqual(r, { ok: true, changed: false, version: 8, previousVersion: 8 });
await settle();
assert.equal(changes.length, 1);

// A refused update: the result says why, nothing is emitted, v8 keeps serving.
r = provider.update(snapshots.bad);
assert.equal(r.ok, false);
assert.ok(r.error instanceof LoadError);
assert.equal(r.error.kind, expected.badKind);
await settle();
assert.equal(changes.length, 1);
assert.equal(errors.length, 0);
assert.equal(client.providerStatus, ProviderStatus.READY);
assert.equal(provider.engine.version, 8);
for (const c of cases) check(await client[getter[c.type]](c.flag, c.defaultValue, c.context), c, c.v8, 8);
console.log('server: update → ConfigurationChanged; unchanged and refused updates emit nothing, v8 keeps serving');

// A refused snapshot at initialize: ERROR status; a good update recovers (Ready).
const broken = new EdgeflagProvider(snapshots.bad, { now });
const brokenClient = OpenFeature.getClient('broken');
const readies = [];
await assert.rejects(OpenFeature.setProviderAndWait('broken', broken), (e) => e instanceof LoadError && e.kind === expected.badKind);
assert.equal(brokenClient.providerStatus, ProviderStatus.ERROR);
const none = await brokenClient.getBooleanDetails('conversations_enabled', true, pro.context);
assert.equal(none.value, true);
assert.equal(none.errorCode, ErrorCode.GENERAL);
brokenClient.addHandler(ProviderEvents.Ready, (d) => readies.push(d));
assert.equal(broken.update(snapshots.v7).ok, true);
await settle();
assert.equal(readies.length, 1);
assert.equal(brokenClient.providerStatus, ProviderStatus.READY);
check(await brokenClient.getBooleanDetails(pro.flag, pro.defaultValue, pro.context), pro, pro.v7, 7);

// An Engine given as is (its own clock); a provider not initialized yet; the paradigm check.
const engine = new Engine(snapshots.v7, { now });
const withEngine = new EdgeflagProvider(engine);
assert.equal(withEngine.engine, engine);
await OpenFeature.setProviderAndWait('engine', withEngine);
for (const c of cases) check(await OpenFeature.getClient('engine')[getter[c.type]](c.flag, c.defaultValue, c.context), c, c.v7, 7);
const early = await new EdgeflagProvider(snapshots.v7).resolveBooleanEvaluation('conversations_enabled', true, pro.context);
assert.equal(early.value, true);
assert.equal(early.errorCode, ErrorCode.PROVIDER_NOT_READY);
assert.throws(() => WebOpenFeature.setProvider(new EdgeflagProvider(snapshots.v7)), /intended for use on the server/);
// A snapshot imported from flagd buckets by `targetingKey` itself: the provider keeps it as an
// attribute, so each answer is the engine's for flagd's own context (a dropped targetingKey would
// give every unit the missingUnit variation).
const flagd = new Engine(JSON.stringify({
  version: 1,
  generatedAt: '2026-01-01T00:00:00Z',
  flags: {
    split: {
      on: true,
      variations: [{ name: 'clubs', value: 'clubs' }, { name: 'hearts', value: 'hearts' }],
      fallthrough: {
        rollout: {
          bucketBy: 'targetingKey',
          scheme: { name: 'flagd-v2', prefix: 'split' },
          missingUnit: { variation: 'clubs' },
          variations: [{ variation: 'clubs', weight: 50 }, { variation: 'hearts', weight: 50 }],
        },
      },
    },
  },
}));
await OpenFeature.setProviderAndWait('flagd', new EdgeflagProvider(flagd));
const seen = new Set();
for (const targetingKey of ['f-1', 'f-2', 'f-3', 'f-4', 'f-5', 'f-6', 'josé']) {
  const direct = flagd.getString('split', { targetingKey }, 'none');
  assert.equal(await OpenFeature.getClient('flagd').getStringValue('split', 'none', { targetingKey }), direct, targetingKey);
  seen.add(direct);
}
assert.deepEqual([...seen].sort(), ['clubs', 'hearts'], 'both halves reached');
await OpenFeature.close();
console.log('server: failed initialize then recovery, an Engine given as is, not-ready results, runsOn, targetingKey kept for flagd imports');

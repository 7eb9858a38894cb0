// EdgeflagWebProvider with @openfeature/web-sdk (run in the fresh project by run.mjs): the static
// context set with OpenFeature.setContext, synchronous evaluations.
import assert from 'node:assert/strict';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { Engine, LoadError } from 'edgeflag';
import { EdgeflagWebProvider } from 'edgeflag/openfeature/web';
import { check, coverage, expected, getter, now, settle, snapshots } from './checks.mjs';

coverage();
const cases = expected.cases;
const byFlag = (flag, i = 0) => cases.filter((c) => c.flag === flag)[i];
const pro = byFlag('conversations_enabled', 0);
const free = byFlag('conversations_enabled', 1);
assert.notDeepStrictEqual(pro.v7, free.v7);

// Setup with a context already set: initialize binds it.
const provider = new EdgeflagWebProvider(snapshots.v7, { now });
assert.equal(provider.metadata.name, 'edgeflag');
assert.equal(provider.runsOn, 'client');
assert.equal(provider.engine, null);
await OpenFeature.setContext(pro.context);
await OpenFeature.setProviderAndWait(provider);
assert.ok(provider.engine instanceof Engine);
const client = OpenFeature.getClient();
assert.equal(client.providerStatus, ProviderStatus.READY);
check(client.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v7, 7);

// A context change re-evaluates; onContextChange is synchronous (no RECONCILING).
const contextChanges = [];
const reconciling = [];
client.addHandler(ProviderEvents.ContextChanged, (d) => contextChanges.push(d));
client.addHandler(ProviderEvents.Reconciling, (d) => reconciling.push(d));
await OpenFeature.setContext(free.context);
check(client.getBooleanDetails(free.flag, free.defaultValue), free, free.v7, 7);
await OpenFeature.setContext(pro.context);
check(client.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v7, 7);
assert.equal(client.getBooleanValue(pro.flag, !pro.v7.value), pro.v7.value);

// Every case: set its context, evaluate synchronously.
for (const c of cases) {
  await OpenFeature.setContext(c.context);
  assert.equal(client.providerStatus, ProviderStatus.READY);
  check(client[getter[c.type]](c.flag, c.defaultValue), c, c.v7, 7);
}
await settle();
assert.equal(reconciling.length, 0);
assert.equal(contextChanges.length, cases.length + 2);
assert.equal(client.getBooleanDetails('no_such_flag', true).errorCode, ErrorCode.FLAG_NOT_FOUND);
// A null default still asks for an object (the typed getter, not evaluate).
await OpenFeature.setContext(pro.context);
const nullDefault = client.getObjectDetails('conversations_enabled', null);
assert.equal(nullDefault.value, null);
assert.equal(nullDefault.errorCode, ErrorCode.TYPE_MISMATCH);
const limits = byFlag('plan_limits');
await OpenFeature.setContext(limits.context);
assert.deepStrictEqual(client.getObjectDetails(limits.flag, null).value, limits.v7.value);
console.log(`web: ${cases.length} cases match the CLI (v7), each after a context change`);

// The same provider for a second domain with its own context: each client gets its context's
// results, interleaved (the provider rebinds when the context it is given differs).
OpenFeature.setProvider('other', provider);
await OpenFeature.setContext('other', free.context);
await OpenFeature.setContext(pro.context);
const other = OpenFeature.getClient('other');
for (let i = 0; i < 3; i++) {
  check(client.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v7, 7);
  check(other.getBooleanDetails(free.flag, free.defaultValue), free, free.v7, 7);
}
// An in-place change of the context object, without setContext, is still seen.
const mutable = { ...free.context };
await OpenFeature.setContext(mutable);
check(client.getBooleanDetails(free.flag, free.defaultValue), free, free.v7, 7);
Object.assign(mutable, pro.context);
check(client.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v7, 7);
await OpenFeature.setContext(pro.context);
console.log('web: two domains with different contexts, interleaved');

// Updates: the bound context is evaluated against the new snapshot at once.
const changes = [];
const errors = [];
client.addHandler(ProviderEvents.ConfigurationChanged, (d) => changes.push(d));
client.addHandler(ProviderEvents.Error, (d) => errors.push(d));
let r = provider.update(snapshots.v8);
assert.deepStrictEqual(r, { ok: true, changed: true, version: 8, previousVersion: 7 });
await settle();
assert.equal(changes.length, 1);
assert.equal(changes[0].metadata.snapshotVersion, 8);
assert.notDeepStrictEqual(pro.v8, pro.v7);
check(client.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v8, 8);
for (const c of cases) {
  await OpenFeature.setContext(c.context);
  check(client[getter[c.type]](c.flag, c.defaultValue), c, c.v8, 8);
}
await OpenFeature.setContext(pro.context);
r = provider.update(snapshots.v8);
assert.deepStrictEqual(r, { ok: true, changed: false, version: 8, previousVersion: 8 });
r = provider.update(snapshots.bad);
assert.equal(r.ok, false);
assert.ok(r.error instanceof LoadError);
assert.equal(r.error.kind, expected.badKind);
await settle();
assert.equal(changes.length, 1);
assert.equal(errors.length, 0);
assert.equal(client.providerStatus, ProviderStatus.READY);
check(client.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v8, 8);
for (const c of cases) {
  await OpenFeature.setContext(c.context);
  check(client[getter[c.type]](c.flag, c.defaultValue), c, c.v8, 8);
}
console.log('web: update → ConfigurationChanged and new results for the bound context; refused update keeps v8');

// A refused snapshot at initialize, then recovery; an Engine given as is; not ready; paradigm.
const broken = new EdgeflagWebProvider(snapshots.bad, { now });
const brokenClient = OpenFeature.getClient('broken');
const readies = [];
await assert.rejects(OpenFeature.setProviderAndWait('broken', broken), (e) => e instanceof LoadError && e.kind === expected.badKind);
assert.equal(brokenClient.providerStatus, ProviderStatus.ERROR);
assert.equal(brokenClient.getBooleanDetails(pro.flag, true).errorCode, ErrorCode.GENERAL);
brokenClient.addHandler(ProviderEvents.Ready, (d) => readies.push(d));
assert.equal(broken.update(snapshots.v7).ok, true);
await settle();
assert.equal(readies.length, 1);
assert.equal(brokenClient.providerStatus, ProviderStatus.READY);
await OpenFeature.setContext(pro.context);
check(brokenClient.getBooleanDetails(pro.flag, pro.defaultValue), pro, pro.v7, 7);

// An Engine given as is, watched: the context is bound once per change (at initialize and in
// onContextChange), never per evaluation.
const engine = new Engine(snapshots.v7, { now });
let binds = 0;
const bindContext = engine.context.bind(engine);
engine.context = (context) => {
  binds++;
  return bindContext(context);
};
const withEngine = new EdgeflagWebProvider(engine);
assert.equal(withEngine.engine, engine);
await OpenFeature.setProviderAndWait('engine', withEngine);
assert.equal(binds, 1);
const engineClient = OpenFeature.getClient('engine');
for (const c of cases) {
  const before = binds;
  await OpenFeature.setContext(c.context);
  assert.equal(binds, before + 1);
  for (let i = 0; i < 3; i++) check(engineClient[getter[c.type]](c.flag, c.defaultValue), c, c.v7, 7);
  assert.equal(binds, before + 1);
}
const early = new EdgeflagWebProvider(snapshots.v7).resolveBooleanEvaluation('conversations_enabled', true, pro.context);
assert.equal(early.value, true);
assert.equal(early.errorCode, ErrorCode.PROVIDER_NOT_READY);
assert.throws(() => ServerOpenFeature.setProvider(new EdgeflagWebProvider(snapshots.v7)), /intended for use on the client/);
await OpenFeature.close();
console.log('web: failed initialize then recovery, an Engine given as is, not-ready results, runsOn');

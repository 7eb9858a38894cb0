// The Chromium page (see chromium.mjs): EdgeflagWebProvider with the package's `browser` entry,
// where the provider's initialize must `await init()` (fetching the .wasm) before building its
// engine. Nothing else here loads the Wasm module.
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { EdgeflagWebProvider } from 'edgeflag/openfeature/web';
import { expectedDetails, getter } from './expectations.mjs';

const failures = [];
const fail = (what) => failures.push(what);
/** JSON with sorted keys, for comparing results. */
const canonical = (v) =>
  JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

try {
  const expected = await (await fetch('./expected.json')).json();
  const [v7, v8] = await Promise.all(['./v7.json', './v8.json'].map(async (u) => (await fetch(u)).text()));
  const cases = expected.cases;
  const compare = (details, c, cli, version) => {
    const got = { ...details, flagMetadata: { ...details.flagMetadata } };
    if (typeof got.then === 'function') fail(`${c.flag}: a promise`);
    if (cli.refused) delete got.errorMessage;
    const want = expectedDetails(expected, c, cli, version);
    if (canonical(got) !== canonical(want)) fail(`${c.flag} ${JSON.stringify(c.context)} v${version}: got ${canonical(got)}, want ${canonical(want)}`);
  };

  const provider = new EdgeflagWebProvider(v7, { now: () => expected.now });
  if (provider.engine !== null) fail('the engine exists before initialize');
  await OpenFeature.setContext(cases[0].context);
  await OpenFeature.setProviderAndWait(provider);
  const client = OpenFeature.getClient();
  if (client.providerStatus !== ProviderStatus.READY) fail(`status ${client.providerStatus}`);
  compare(client[getter[cases[0].type]](cases[0].flag, cases[0].defaultValue), cases[0], cases[0].v7, 7);
  for (const c of cases) {
    await OpenFeature.setContext(c.context);
    compare(client[getter[c.type]](c.flag, c.defaultValue), c, c.v7, 7);
  }

  const changes = [];
  client.addHandler(ProviderEvents.ConfigurationChanged, (d) => changes.push(d));
  const r = provider.update(v8);
  if (!r.ok || !r.changed || r.version !== 8) fail(`update: ${JSON.stringify(r)}`);
  await new Promise((ok) => setTimeout(ok, 0));
  if (changes.length !== 1) fail(`${changes.length} ConfigurationChanged events`);
  for (const c of cases) {
    await OpenFeature.setContext(c.context);
    compare(client[getter[c.type]](c.flag, c.defaultValue), c, c.v8, 8);
  }

  // Given publicKeys, the provider's engine has WebCrypto verify: `update` refuses, naming
  // `updateAsync`, which loads signed snapshots (compiled here) and refuses unsigned ones.
  const signed = await (await fetch('./signed.json')).json();
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const keyed = new EdgeflagWebProvider(bytes(signed.v7), { now: () => expected.now, publicKeys: [signed.publicKey] });
  await OpenFeature.setProviderAndWait('signed', keyed);
  if (keyed.engine?.version !== 7 || !keyed.engine.asyncUpdates) fail(`signed v7: version ${keyed.engine?.version}`);
  const sync = keyed.update(bytes(signed.v8));
  if (sync.ok || sync.error.name !== 'TypeError') fail(`update with keys: ${JSON.stringify(sync)}`);
  const unsigned = await keyed.updateAsync(new TextEncoder().encode(v8));
  if (unsigned.ok || unsigned.error.kind !== 'unsigned') fail(`unsigned JSON with keys: ${unsigned.error?.kind}`);
  const verified = await keyed.updateAsync(bytes(signed.v8));
  if (!verified.ok || !verified.changed || verified.version !== 8) fail(`updateAsync: ${JSON.stringify(verified)}`);
  const c = cases[0];
  await OpenFeature.setContext('signed', c.context);
  compare(OpenFeature.getClient('signed')[getter[c.type]](c.flag, c.defaultValue), c, c.v8, 8);

  window.__result = { cases: cases.length, failures };
} catch (e) {
  window.__result = { failures: [...failures, String(e?.stack ?? e)] };
}

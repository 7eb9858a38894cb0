// A peer's payload as the Worker's source, on workerd: `PUT /admin/snapshot?from=<peer>` converts
// flagd's, Unleash's and GrowthBook's payloads at publish time, and the cron trigger polls a local
// stub of each peer's SDK endpoint (its key in the URL or the Authorization header, ETags and 304s)
// and republishes only when the converted flags change. Every answer is checked against the
// packed package's `importConfig` and `Engine` on the same payload and contexts; failures (import
// errors, a broken payload, a wrong key, a wrong admin token) leave the last good snapshot serving.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshProject, root } from '../project.mjs';
import { identitySnapshot, startWorker } from './helpers.mjs';

let pkg;
/** The package's Node entry, from the tarball installed in a fresh project (once). */
function edgeflag() {
  pkg ??= (async () => {
    const dir = freshProject('worker-peer-source', process.env.EDGEFLAG_TARBALL ?? join(root, 'target/runtimes/edgeflag-0.1.0.tgz'));
    return import(join(dir, 'node_modules/edgeflag/node.js'));
  })();
  return pkg;
}

// Small payloads in each peer's format, written for this test.
const flagd = (pro = 'on') => ({
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ '==': [{ var: 'tier' }, 'pro'] }, pro, { fractional: [['on', 50], ['off', 50]] }] },
    },
    'banner-color': { state: 'ENABLED', variants: { red: '#f00', blue: '#00f' }, defaultVariant: 'red' },
  },
});
const unleash = (rollout = '50') => ({
  version: 2,
  features: [
    {
      name: 'new-checkout',
      enabled: true,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout, stickiness: 'default', groupId: 'new-checkout' },
          constraints: [{ contextName: 'country', operator: 'IN', values: ['DE', 'FR'] }],
        },
      ],
    },
    {
      name: 'theme',
      enabled: true,
      strategies: [{ name: 'default', parameters: {} }],
      variants: [
        { name: 'dark', weight: 500, payload: { type: 'string', value: 'dark' }, stickiness: 'default' },
        { name: 'light', weight: 500, payload: { type: 'string', value: 'light' }, stickiness: 'default' },
      ],
    },
  ],
});
const growthbook = (coverage = 0.5) => ({
  features: {
    'checkout-v2': {
      defaultValue: false,
      rules: [{ condition: { country: 'DE' }, force: true }, { coverage, hashAttribute: 'id', force: true }],
    },
    'button-color': {
      defaultValue: 'blue',
      rules: [{ key: 'btn-exp', variations: ['blue', 'green'], weights: [0.5, 0.5], hashAttribute: 'id', seed: 'btn-exp', hashVersion: 2 }],
    },
  },
});
const payloads = { flagd: flagd(), unleash: unleash(), growthbook: growthbook() };

/** Contexts each peer's attributes reach (the key is edgeflag's; the rest the peer's names). */
const contexts = Array.from({ length: 16 }, (_, i) => ({
  key: `user-${i}`,
  targetingKey: `user-${i}`,
  userId: `user-${i}`,
  id: `user-${i}`,
  tier: i % 3 === 0 ? 'pro' : 'free',
  country: ['DE', 'FR', 'US', 'JP'][i % 4],
  properties: { country: ['DE', 'FR', 'US', 'JP'][i % 4] },
}));

/** What the package answers for every flag and context of `payload` imported from `peer`. */
async function expected(peer, payload) {
  const { importConfig, Engine } = await edgeflag();
  const engine = new Engine(importConfig(peer, payload, { version: 1 }).snapshot);
  try {
    return contexts.map((c) => engine.evaluateAll(c));
  } finally {
    engine.free();
  }
}

const keep = ({ value, variation, variationIndex, reason, ruleId }) => ({ value, variation, variationIndex, reason, ruleId });

/** Every flag of `flagKeys` for every context through `GET /flags/:key`, equal to the package's. */
async function assertServes(w, peer, payload) {
  const want = await expected(peer, payload);
  for (const [i, context] of contexts.entries()) {
    for (const flag of Object.keys(want[i])) {
      const r = await w.request(`/flags/${encodeURIComponent(flag)}`, { context });
      assert.equal(r.status, 200, `${peer} ${flag}: ${r.text}`);
      assert.deepEqual(keep(r.json.result), keep(want[i][flag]), `${peer} ${flag} for ${context.key}`);
    }
  }
}

const publish = (w, query, body, admin = true) =>
  w.request(`/admin/snapshot${query}`, { method: 'PUT', admin, body: typeof body === 'string' ? body : JSON.stringify(body) });
const servedVersion = async (w) => (await w.request('/admin/snapshot', { admin: true })).json?.version;
const health = async (w) => (await w.request('/health')).json;
const scheduled = async (w) => (await w.mf.getWorker()).scheduled({ cron: '*/5 * * * *' });

describe('publishing a peer payload', () => {
  let w;
  before(async () => {
    w = await startWorker({ snapshot: identitySnapshot(3) });
  });
  after(() => w.mf.dispose());

  for (const peer of ['flagd', 'unleash', 'growthbook']) {
    test(`${peer}: converted at publish time, one version above KV's, evaluated as the import says`, async () => {
      const before = await servedVersion(w);
      const r = await publish(w, `?from=${peer}&clientVisible=all`, payloads[peer]);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.from, peer);
      assert.deepEqual(r.json.skipped, []);
      assert.equal(r.json.previous, before);
      assert.equal(r.json.published, before + 1);
      assert.equal(r.json.serving, before + 1);
      assert.equal(await servedVersion(w), before + 1);
      await assertServes(w, peer, payloads[peer]);
    });
  }

  test('clientVisible decides which imported flags /flags serves (none by default)', async () => {
    const v = await servedVersion(w);
    let r = await publish(w, '?from=growthbook&clientVisible=checkout-v2', payloads.growthbook);
    assert.equal(r.status, 200, r.text);
    assert.equal((await w.request('/flags/checkout-v2', { context: contexts[0] })).status, 200);
    assert.equal((await w.request('/flags/button-color', { context: contexts[0] })).status, 404);
    r = await publish(w, '?from=growthbook', payloads.growthbook);
    assert.equal(r.json.published, v + 2);
    assert.equal((await w.request('/flags/checkout-v2', { context: contexts[0] })).status, 404);
    r = await publish(w, '?from=growthbook&clientVisible=all', payloads.growthbook);
    assert.equal(r.status, 200, r.text);
  });

  test('import errors answer 400 with their kind and path; the snapshot serving stays', async () => {
    const v = await servedVersion(w);
    // A back-reference: outside the patterns every runtime matches alike (docs/snapshot.md).
    const refused = growthbook();
    refused.features['beta'] = { defaultValue: false, rules: [{ condition: { email: { $regex: '(a)\\1' } }, force: true }] };
    const cases = [
      ['?from=growthbook', refused, 'unsupported', /^features\.beta\.rules\[0\]\.condition/],
      ['?from=flagd', { flags: 3 }, 'invalid', /^flags/],
      ['?from=unleash', 'not json', 'invalid', /^$/],
      ['?from=unleash&reference=python', payloads.unleash, 'invalid', /.*/],
    ];
    for (const [query, body, kind, path] of cases) {
      const r = await publish(w, query, body);
      assert.equal(r.status, 400, `${query}: ${r.text}`);
      assert.equal(r.json.error, kind, r.text);
      assert.match(r.json.path, path, r.text);
      assert.equal(typeof r.json.message, 'string');
      assert.equal(await servedVersion(w), v);
    }
    // skipUnsupported: the rest is published and what was left out listed.
    const r = await publish(w, '?from=growthbook&skipUnsupported=true&clientVisible=all', refused);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.published, v + 1);
    assert.equal(r.json.skipped.length, 1);
    assert.equal(r.json.skipped[0].kind, 'unsupported');
    assert.match(r.json.skipped[0].path, /^features\.beta\.rules\[0\]\.condition/);
    await assertServes(w, 'growthbook', payloads.growthbook);
  });

  test('parameters: unknown, repeated, without from, a version; the version rule applies', async () => {
    const v = await servedVersion(w);
    for (const [query, path] of [
      ['?from=statsig', 'from'],
      ['?from=flagd&skipUnsuported=true', 'skipUnsuported'],
      ['?from=flagd&from=unleash', 'from'],
      ['?clientVisible=all', 'clientVisible'],
      ['?from=flagd&version=v2', 'version'],
    ]) {
      const r = await publish(w, query, payloads.flagd);
      assert.equal(r.status, 400, r.text);
      assert.deepEqual([r.json.error, r.json.path], ['invalid_parameter', path], r.text);
    }
    let r = await publish(w, `?from=flagd&version=${v - 1}`, payloads.flagd);
    assert.deepEqual([r.status, r.json.error], [409, 'version_backwards'], r.text);
    r = await publish(w, `?from=flagd&version=${v}`, payloads.flagd);
    assert.deepEqual([r.status, r.json.error], [409, 'version_unchanged'], r.text);
    r = await publish(w, `?from=flagd&version=${v + 10}&clientVisible=all`, payloads.flagd);
    assert.equal(r.json.published, v + 10, r.text);
    assert.equal(await servedVersion(w), v + 10);
  });

  test('401 on the admin route changes nothing, for imports too', async () => {
    const v = await servedVersion(w);
    for (const admin of [false, 'wrong-token']) {
      const r = await publish(w, '?from=flagd&clientVisible=all', flagd('off'), admin);
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error, 'unauthorized');
    }
    assert.equal(await servedVersion(w), v);
  });
});

/**
 * A local stub of the peers' SDK endpoints: flagd's flag file behind a bearer token, Unleash's
 * client features behind `Authorization: <key>`, GrowthBook's features under its client key.
 * Strong ETags over the body; `If-None-Match` on the current one answers 304.
 */
function peerStub() {
  const state = { flagd: payloads.flagd, unleash: payloads.unleash, growthbook: payloads.growthbook, requests: [] };
  const routes = {
    '/flagd/flags.json': ['flagd', (req) => req.headers.authorization === 'Bearer flagd-token'],
    '/api/client/features': ['unleash', (req) => req.headers.authorization === 'unleash-client-key'],
    '/api/features/sdk-abc123': ['growthbook', () => true],
  };
  const server = createServer((req, res) => {
    state.requests.push({ url: req.url, headers: req.headers });
    // GrowthBook's unknown client keys answer 401 here, as a wrong key does at the others.
    const [peer, allowed] = routes[req.url] ?? (req.url.startsWith('/api/features/') ? ['growthbook', () => false] : []);
    if (!peer) return res.writeHead(404).end('{"error":"not found"}');
    if (!allowed(req)) return res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    const body = typeof state[peer] === 'string' ? state[peer] : JSON.stringify(state[peer]);
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ state, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })),
  );
}

describe('polling a peer endpoint', () => {
  let stub;
  const workers = [];
  const start = async (peer, { url, authorization, key, extra = {} }) => {
    const vars = { PEER_SOURCE: peer, PEER_URL: `${stub.url}${url}`, PEER_CLIENT_VISIBLE: 'all', ...extra };
    if (authorization) vars.PEER_AUTHORIZATION = authorization;
    const w = await startWorker({ snapshot: identitySnapshot(3), vars, secrets: key ? { PEER_KEY: key } : {} });
    workers.push(w);
    return w;
  };
  before(async () => {
    stub = await peerStub();
  });
  after(async () => {
    for (const w of workers) await w.mf.dispose();
    stub.close();
  });

  test('GrowthBook: published on a change, not on a 304 or the same flags, a broken payload reported', async () => {
    const w = await start('growthbook', { url: '/api/features/{key}', key: 'sdk-abc123' });
    assert.equal((await health(w)).peer.lastPoll, null, 'no poll yet');
    await scheduled(w);
    let h = await health(w);
    assert.equal(h.status, 'ok', JSON.stringify(h));
    assert.equal(h.peer.source, 'growthbook');
    assert.equal(h.peer.lastPoll.status, 'published', JSON.stringify(h.peer));
    assert.equal(h.peer.lastPoll.version, 4);
    assert.equal(h.snapshot.version, 4);
    assert.equal(h.snapshot.origin, 'peer');
    await assertServes(w, 'growthbook', stub.state.growthbook);

    // Unchanged at the peer: the ETag is sent, 304, nothing published.
    await scheduled(w);
    assert.equal(stub.state.requests.at(-1).headers['if-none-match'] !== undefined, true);
    h = await health(w);
    assert.equal(h.peer.lastPoll.status, 'not_modified', JSON.stringify(h.peer));
    assert.equal(await servedVersion(w), 4);

    // A new body (new ETag) with the same flags: converted, found unchanged, not published.
    stub.state.growthbook = JSON.stringify(growthbook(), null, 2);
    await scheduled(w);
    h = await health(w);
    assert.equal(h.peer.lastPoll.status, 'unchanged', JSON.stringify(h.peer));
    assert.equal(await servedVersion(w), 4);

    // A change at the peer: published one above KV's version, served at once.
    stub.state.growthbook = growthbook(0.9);
    await scheduled(w);
    h = await health(w);
    assert.equal(h.peer.lastPoll.status, 'published', JSON.stringify(h.peer));
    assert.deepEqual([h.peer.lastChange.version, h.snapshot.version], [5, 5]);
    await assertServes(w, 'growthbook', stub.state.growthbook);

    // A manual publish meanwhile: the next change goes above it, never below.
    const manual = await publish(w, '?from=growthbook&version=40&clientVisible=all', growthbook(0.9));
    assert.equal(manual.json.published, 40, manual.text);
    stub.state.growthbook = growthbook(0.1);
    await scheduled(w);
    assert.equal((await health(w)).peer.lastPoll.version, 41);
    await assertServes(w, 'growthbook', stub.state.growthbook);

    // A broken payload: reported with its kind and path, the last good snapshot keeps serving,
    // and it is converted again at every poll (its ETag is not kept) until it converts.
    stub.state.growthbook = { features: { 'checkout-v2': { defaultValue: false, rules: 'all' } } };
    await scheduled(w);
    h = await health(w);
    assert.equal(h.status, 'degraded', JSON.stringify(h));
    assert.equal(h.peer.lastPoll.status, 'failed');
    assert.equal(h.peer.lastPoll.error.error, 'invalid');
    assert.match(h.peer.lastPoll.error.path, /^features\.checkout-v2\.rules/);
    assert.equal(h.snapshot.version, 41);
    await assertServes(w, 'growthbook', growthbook(0.1));
    await scheduled(w);
    assert.deepEqual([stub.state.requests.at(-1).headers['if-none-match'] !== undefined, (await health(w)).peer.lastPoll.status], [true, 'failed']);
    // Fixed at the peer as it was: its ETag is again the one last converted (304), and the
    // source is healthy again without a new version.
    stub.state.growthbook = growthbook(0.1);
    await scheduled(w);
    h = await health(w);
    assert.deepEqual([h.status, h.peer.lastPoll.status, h.snapshot.version], ['ok', 'not_modified', 41], JSON.stringify(h));
  });

  test('a wrong key: the 401 is reported, nothing changes, the key is never shown', async () => {
    const w = await start('growthbook', { url: '/api/features/{key}', key: 'sdk-wrong-key' });
    await scheduled(w);
    const r = await w.request('/health');
    assert.equal(r.json.status, 'degraded', r.text);
    assert.equal(r.json.peer.lastPoll.status, 'failed');
    assert.deepEqual([r.json.peer.lastPoll.error.error, r.json.peer.lastPoll.error.httpStatus], ['peer_status', 401]);
    assert.equal(r.json.peer.url, `${stub.url}/api/features/{key}`);
    assert.equal(r.text.includes('sdk-wrong-key'), false);
    assert.equal(r.json.snapshot.version, 3);
    const kv = await w.kv();
    const record = await kv.get('snapshot.peer');
    assert.equal(record.includes('sdk-wrong-key'), false);
  });

  test('an unreachable peer: fetch_failed, nothing changes', async () => {
    const closed = createServer();
    const port = await new Promise((resolve) => closed.listen(0, '127.0.0.1', () => resolve(closed.address().port)));
    await new Promise((resolve) => closed.close(resolve));
    const vars = { PEER_SOURCE: 'flagd', PEER_URL: `http://127.0.0.1:${port}/flags.json?token={key}`, PEER_CLIENT_VISIBLE: 'all' };
    const w = await startWorker({ snapshot: identitySnapshot(3), vars, secrets: { PEER_KEY: 'flagd-secret-token' } });
    workers.push(w);
    await scheduled(w);
    const r = await w.request('/health');
    assert.equal(r.json.status, 'degraded', r.text);
    assert.deepEqual([r.json.peer.lastPoll.status, r.json.peer.lastPoll.error.error], ['failed', 'fetch_failed'], r.text);
    assert.equal(r.text.includes('flagd-secret-token'), false);
    assert.equal(r.json.snapshot.version, 3);
  });

  test('Unleash: the key in the Authorization header', async () => {
    const w = await start('unleash', { url: '/api/client/features', authorization: '{key}', key: 'unleash-client-key' });
    await scheduled(w);
    const h = await health(w);
    assert.equal(h.peer.lastPoll.status, 'published', JSON.stringify(h.peer));
    assert.equal(stub.state.requests.at(-1).headers.authorization, 'unleash-client-key');
    await assertServes(w, 'unleash', stub.state.unleash);
    stub.state.unleash = unleash('100');
    await scheduled(w);
    assert.equal((await health(w)).peer.lastPoll.version, 5);
    await assertServes(w, 'unleash', stub.state.unleash);
  });

  test('flagd: a bearer token, and the reference option', async () => {
    const w = await start('flagd', {
      url: '/flagd/flags.json',
      authorization: 'Bearer {key}',
      key: 'flagd-token',
      extra: { PEER_REFERENCE: 'flagd' },
    });
    await scheduled(w);
    const h = await health(w);
    assert.equal(h.peer.lastPoll.status, 'published', JSON.stringify(h.peer));
    await assertServes(w, 'flagd', stub.state.flagd);
    stub.state.flagd = flagd('off');
    await scheduled(w);
    await assertServes(w, 'flagd', stub.state.flagd);
  });

  test('settings that cannot be read are reported, and nothing is polled', async () => {
    const w = await start('statsig', { url: '/api/features/{key}', key: 'sdk-abc123' });
    const before = stub.state.requests.length;
    await scheduled(w);
    const h = await health(w);
    assert.equal(h.status, 'degraded');
    assert.equal(h.peer.settingError.path, 'PEER_SOURCE');
    assert.equal(stub.state.requests.length, before);
    assert.equal(h.snapshot.version, 3);
  });

  test('without PEER_SOURCE the trigger does nothing and /health has no peer', async () => {
    const w = await startWorker({ snapshot: identitySnapshot(3) });
    workers.push(w);
    await scheduled(w);
    const h = await health(w);
    assert.equal(h.peer, undefined);
    assert.equal(await (await w.kv()).get('snapshot.peer'), null);
  });
});

// The rollout playbook on workerd: a new version in KV serves within the TTL, the kill switch
// takes effect without a deploy, a bad snapshot is refused while the last good one serves (and
// /health says so), and the admin endpoint publishes only with the right token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, identitySnapshot, sleep, startWorker } from './helpers.mjs';

const TTL_S = 1;
let w;
before(async () => {
  w = await startWorker({ snapshot: identitySnapshot(1), vars: { SNAPSHOT_TTL_SECONDS: String(TTL_S) } });
});
after(() => w.mf.dispose());

const ramp = async (key = 'ramp-user') => (await w.request(`/flags/ramp?key=${key}`)).json;
const kvText = async () => (await w.kv()).get('snapshot');

/** Polls until `done(result)`; returns milliseconds waited. */
async function until(done, limitMs) {
  const start = Date.now();
  for (;;) {
    if (done(await ramp())) return Date.now() - start;
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await sleep(20);
  }
}

test('a newer snapshot in KV serves within the TTL; until then the cached one serves', async () => {
  assert.equal((await ramp()).version, 1);
  await (await w.kv()).put('snapshot', JSON.stringify(identitySnapshot(2)));
  const waited = await until((r) => r.version === 2, TTL_S * 1000 + 500);
  assert.ok(waited <= TTL_S * 1000 + 100, `picked up after ${waited} ms`);
  console.log(`  KV update served after ${waited} ms (TTL ${TTL_S * 1000} ms)`);
});

test('kill switch: the flag off in a new version, no deploy', async () => {
  // Users who had the ramp on.
  const on = [];
  for (let i = 0; on.length < 5 && i < 100; i++) if ((await ramp(`u${i}`)).result.value) on.push(`u${i}`);
  assert.equal(on.length, 5);
  await (await w.kv()).put('snapshot', JSON.stringify(identitySnapshot(3, { killed: true })));
  const waited = await until((r) => r.version === 3, TTL_S * 1000 + 500);
  for (const key of on) {
    const r = await ramp(key);
    assert.deepEqual([r.result.value, r.result.reason], [false, 'DISABLED'], key);
  }
  assert.equal((await w.request('/health')).json.flags.ramp, false);
  console.log(`  kill switch served after ${waited} ms`);
});

test('a bad snapshot in KV is refused; the last good one serves and /health says why', async () => {
  const bad = identitySnapshot(4);
  bad.flags.by_tier.rules[0].clauses[0].op = 'betwen';
  for (const [text, kind, path] of [
    [JSON.stringify(bad), 'unknown_operator', 'flags.by_tier.rules[0].clauses[0].op'],
    ['{"version": 5, "flags": ', 'invalid_json', ''],
    [JSON.stringify(identitySnapshot(2)), 'version_backwards', 'version'],
    [JSON.stringify({ ...identitySnapshot(3, { killed: true }), generatedAt: '2026-11-21T00:00:00Z' }), 'version_unchanged', 'version'],
  ]) {
    await (await w.kv()).put('snapshot', text);
    await sleep(TTL_S * 1000 + 50);
    const r = await ramp();
    assert.equal(r.version, 3, kind);
    const h = (await w.request('/health')).json;
    assert.equal(h.status, 'degraded', kind);
    assert.equal(h.snapshot.version, 3);
    assert.deepEqual([h.refused.kind, h.refused.path], [kind, path], JSON.stringify(h.refused));
  }
  await (await w.kv()).put('snapshot', JSON.stringify(identitySnapshot(5)));
  await sleep(TTL_S * 1000 + 50);
  assert.equal((await ramp()).version, 5);
  const h = (await w.request('/health')).json;
  assert.equal(h.status, 'ok');
  assert.equal(h.refused, undefined);
});

test('PUT /admin/snapshot refuses missing and wrong tokens and changes nothing', async () => {
  const before = await kvText();
  const next = JSON.stringify(identitySnapshot(6, { killed: true }));
  for (const authorization of [undefined, 'Bearer wrong', `Bearer ${ADMIN_TOKEN}x`, `Bearer ${ADMIN_TOKEN.slice(0, -1)}`, ADMIN_TOKEN, `Basic ${ADMIN_TOKEN}`]) {
    const r = await w.request('/admin/snapshot', { method: 'PUT', body: next, headers: authorization ? { authorization } : {} });
    assert.equal(r.status, 401, String(authorization));
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  }
  assert.equal(await kvText(), before);
  assert.equal((await ramp()).version, 5);
});

test('PUT /admin/snapshot validates, refuses going back, then publishes and serves at once', async () => {
  const put = (body) => w.request('/admin/snapshot', { method: 'PUT', body, admin: true });
  const bad = identitySnapshot(6);
  bad.flags.ramp.fallthrough.rollout.variations[0].weight = 1;
  let r = await put(JSON.stringify(bad));
  assert.deepEqual([r.status, r.json.error, r.json.path], [400, 'weights_sum', 'flags.ramp.fallthrough.rollout.variations']);
  r = await put(JSON.stringify(identitySnapshot(4)));
  assert.deepEqual([r.status, r.json.error], [409, 'version_backwards']);
  r = await put(JSON.stringify({ ...identitySnapshot(5), generatedAt: '2026-11-21T00:00:00Z' }));
  assert.deepEqual([r.status, r.json.error], [409, 'version_unchanged']);
  assert.equal(JSON.parse(await kvText()).version, 5);

  // Rollback by publishing: version 6 turns the ramp off; this isolate serves it immediately.
  const next = JSON.stringify(identitySnapshot(6, { killed: true }));
  r = await put(next);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { published: 6, version: 6, previous: 5, flagCount: 5, changed: ['ramp'], kv: { version: 6, written: true }, serving: 6 });
  assert.equal(await kvText(), next);
  const served = await ramp();
  assert.deepEqual([served.version, served.result.reason], [6, 'DISABLED']);
  assert.equal((await w.request('/health')).json.snapshot.origin, 'admin');
  r = await put(next);
  assert.equal(r.status, 200, 'publishing the same snapshot again is harmless');
});

test('with no ADMIN_TOKEN configured, nobody may publish', async () => {
  const open = await startWorker({ snapshot: identitySnapshot(1), vars: { ADMIN_TOKEN: '' } });
  try {
    const r = await open.request('/admin/snapshot', { method: 'PUT', body: JSON.stringify(identitySnapshot(2)), headers: { authorization: 'Bearer ' } });
    assert.equal(r.status, 401);
  } finally {
    await open.mf.dispose();
  }
});

test('a new isolate facing a refused snapshot serves the last published copy, or says it has none', async () => {
  const w2 = await startWorker({ snapshot: identitySnapshot(1), vars: { SNAPSHOT_TTL_SECONDS: String(TTL_S) } });
  try {
    const put = await w2.request('/admin/snapshot', { method: 'PUT', body: JSON.stringify(identitySnapshot(2)), admin: true });
    assert.equal(put.status, 200);
    assert.equal(JSON.parse(await (await w2.kv()).get('snapshot.last-good')).version, 2);
    // Written to KV directly, not through the endpoint: nothing checked it.
    await (await w2.kv()).put('snapshot', '{"version": 3, "flags": ');
    await w2.mf.setOptions(w2.options); // a new isolate, nothing loaded
    const served = await w2.request('/flags/ramp?key=u1');
    assert.deepEqual([served.status, served.json.version], [200, 2]);
    const h = (await w2.request('/health')).json;
    assert.deepEqual([h.status, h.snapshot.origin, h.refused.kind], ['degraded', 'last-good', 'invalid_json']);
    await (await w2.kv()).put('snapshot', JSON.stringify(identitySnapshot(3)));
    await sleep(TTL_S * 1000 + 50);
    assert.equal((await w2.request('/flags/ramp?key=u1')).json.version, 3);
    assert.equal((await w2.request('/health')).json.status, 'ok');

    // No copy at all: nothing to serve, and /health says why.
    await (await w2.kv()).delete('snapshot.last-good');
    await (await w2.kv()).put('snapshot', '{"version": 4, "flags": ');
    await w2.mf.setOptions(w2.options);
    const none = await w2.request('/flags?key=u1');
    assert.deepEqual([none.status, none.json.error], [503, 'unavailable']);
    const h2 = await w2.request('/health');
    assert.deepEqual([h2.status, h2.json.status, h2.json.refused.kind], [503, 'unavailable', 'invalid_json']);
  } finally {
    await w2.mf.dispose();
  }
});

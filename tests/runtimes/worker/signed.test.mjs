// Signed snapshots on workerd (docs/snapshot.md, "Signed snapshots"): with EDGEFLAG_PUBLIC_KEYS the
// Worker loads only snapshots signed with a trusted key, from KV and from PUT /admin/snapshot;
// tampered, unsigned and otherwise-signed ones are refused with 4xx and the error while the last
// good one serves; GET /snapshot is the client-safe snapshot of the verified contents, signed with
// EDGEFLAG_CLIENT_SIGNING_KEY. Keys come from test seeds (tests/runtimes/signing.mjs).
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SEEDS, testKey } from '../signing.mjs';
import { identitySnapshot, sleep, startWorker } from './helpers.mjs';

const publisher = testKey(SEEDS.publisher);
const other = testKey(SEEDS.other);
const workerKey = testKey('05'.repeat(32));
const text = (version, options) => JSON.stringify(identitySnapshot(version, options));
const TTL_S = 1;

let w;
before(async () => {
  w = await startWorker({
    snapshot: publisher.sign(text(1)),
    vars: { EDGEFLAG_PUBLIC_KEYS: `${other.publicKey}, ${publisher.publicKey}`, SNAPSHOT_TTL_SECONDS: String(TTL_S) },
    secrets: { EDGEFLAG_CLIENT_SIGNING_KEY: workerKey.seed },
  });
});
after(() => w.mf.dispose());

const version = async () => (await w.request('/flags/ramp?key=u')).json.version;
const put = (body) => w.request('/admin/snapshot', { method: 'PUT', admin: true, body });

/** The envelope's snapshot bytes and whether `key` signed them (verified with Node's crypto). */
function opened(envelope, key) {
  const start = envelope.indexOf(',"snapshot":') + ',"snapshot":'.length;
  const snapshot = envelope.slice(start, envelope.lastIndexOf('}'));
  const { keyId, value } = JSON.parse(envelope).signature;
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key.publicKey, 'hex')]);
  const message = Buffer.concat([Buffer.from('edgeflag-snapshot-v1\n'), Buffer.from(snapshot)]);
  const ok = keyId === key.keyId && verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(value, 'hex'));
  return { snapshot: JSON.parse(snapshot), ok };
}

test('the signed snapshot from KV serves; /health names the keys', async () => {
  assert.equal(await version(), 1);
  const h = (await w.request('/health')).json;
  assert.equal(h.status, 'ok');
  assert.deepEqual(h.signatures, { trustedKeyIds: [other.keyId, publisher.keyId], clientKeyId: workerKey.keyId });
});

test('PUT /admin/snapshot: tampered, unsigned and unknown-key snapshots get 400 and the error; the last good one serves', async () => {
  const tampered = publisher.sign(text(2)).replace('"on":true', '"on":false');
  const unknown = testKey('07'.repeat(32)).sign(text(2));
  for (const [body, error, path] of [
    [tampered, 'bad_signature', 'signature.value'],
    [text(2), 'unsigned', 'signature'],
    [unknown, 'unknown_key', 'signature.keyId'],
    [publisher.sign(text(2)).replace('"algorithm":"ed25519"', '"algorithm":"rsa"'), 'invalid_value', 'signature.algorithm'],
  ]) {
    const r = await put(body);
    assert.equal(r.status, 400, r.text);
    assert.deepEqual([r.json.error, r.json.path], [error, path], r.text);
    assert.ok(r.json.message.length > 0);
    assert.equal(await version(), 1, error);
    assert.equal(opened(await (await w.kv()).get('snapshot'), publisher).snapshot.version, 1, 'KV unchanged');
  }
});

test('a signed snapshot publishes; GET /snapshot is its client-safe snapshot, signed by the Worker', async () => {
  const signed = publisher.sign(text(3, { killed: true }));
  const r = await put(signed);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.published, 3);
  assert.equal(await version(), 3);
  assert.equal((await w.request('/flags/ramp?key=u')).json.result.reason, 'DISABLED');
  // The full text is the envelope as published.
  assert.equal((await w.request('/admin/snapshot', { admin: true })).text, signed);
  const client = await w.request('/snapshot');
  assert.equal(client.status, 200);
  const { snapshot, ok } = opened(client.text, workerKey);
  assert.ok(ok, 'signed with the Worker key');
  assert.equal(snapshot.version, 3);
  assert.equal(snapshot.flags.server_only, undefined, 'client-safe');
  assert.ok(client.headers.get('etag').startsWith('"3-'));
  // Signed with the other trusted key: rotation.
  assert.equal((await put(other.sign(text(4)))).status, 200);
  assert.equal(await version(), 4);
  // A signed snapshot older than the one published is still refused as older.
  const older = await put(publisher.sign(text(2)));
  assert.deepEqual([older.status, older.json.error], [409, 'version_backwards']);
});

test('an unsigned or tampered snapshot written to KV directly is refused; the last good one serves', async () => {
  for (const [body, kind] of [
    [text(5), 'unsigned'],
    [publisher.sign(text(5)).replace('"on":true', '"on":false'), 'bad_signature'],
  ]) {
    await (await w.kv()).put('snapshot', body);
    await sleep(TTL_S * 1000 + 50);
    assert.equal(await version(), 4, kind);
    const h = (await w.request('/health')).json;
    assert.deepEqual([h.status, h.refused.kind], ['degraded', kind]);
  }
  await (await w.kv()).put('snapshot', publisher.sign(text(5)));
  await sleep(TTL_S * 1000 + 50);
  assert.equal(await version(), 5);
  assert.equal((await w.request('/health')).json.status, 'ok');
});

test('a new isolate facing an unsigned snapshot in KV serves nothing unverified', async () => {
  const fresh = await startWorker({ snapshot: text(1), vars: { EDGEFLAG_PUBLIC_KEYS: publisher.publicKey } });
  try {
    const h = await fresh.request('/health');
    assert.equal(h.status, 503);
    assert.deepEqual([h.json.refused.kind, h.json.refused.path], ['unsigned', 'signature']);
    // Keys that are not keys refuse everything rather than load unverified.
    const broken = await startWorker({ snapshot: text(1), vars: { EDGEFLAG_PUBLIC_KEYS: 'not-a-key' } });
    try {
      const b = await broken.request('/health');
      assert.deepEqual([b.status, b.json.refused.kind, b.json.refused.path], [503, 'invalid_setting', 'EDGEFLAG_PUBLIC_KEYS']);
      const p = await broken.request('/admin/snapshot', { method: 'PUT', admin: true, body: publisher.sign(text(2)) });
      assert.deepEqual([p.status, p.json.error], [500, 'invalid_setting']);
    } finally {
      await broken.mf.dispose();
    }
  } finally {
    await fresh.mf.dispose();
  }
});

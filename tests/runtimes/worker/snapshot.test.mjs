// GET /snapshot (the client-safe snapshot) and GET /admin/snapshot (the full text) on workerd:
// strong ETags, 304 for If-None-Match, no-cache, a new ETag and content after a publish, what the
// client snapshot keeps and strips, and the admin token. GET /snapshot's compiled form
// (docs/compiled.md) for `Accept: application/vnd.edgeflag.compiled`: its headers, an ETag and
// 304s of its own, evaluations equal to the JSON's through the packed package's Engine (the
// tarball, EDGEFLAG_TARBALL or target/runtimes'), a kill switch, both forms signed with a client key.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import xxhash from 'xxhash-wasm';
import { freshProject, root } from '../project.mjs';
import { testKey } from '../signing.mjs';
import { startWorker } from './helpers.mjs';

const example = readFileSync(new URL('../../../examples/snapshot.json', import.meta.url), 'utf8');
const ETAG = /^"\d+-[0-9a-f]{16}"$/;
const COMPILED = 'application/vnd.edgeflag.compiled';
let w;
before(async () => {
  w = await startWorker({ snapshot: example });
});
after(() => w.mf.dispose());

let pkg;
/** The package's Node entry, from the tarball installed in a fresh project (once). */
function edgeflag() {
  pkg ??= (async () => {
    const dir = freshProject('worker-snapshot', process.env.EDGEFLAG_TARBALL ?? join(root, 'target/runtimes/edgeflag-0.1.0.tgz'));
    return import(join(dir, 'node_modules/edgeflag/node.js'));
  })();
  return pkg;
}

/** Contexts that reach the example's rules, segments, rollouts and experiment. */
const contexts = Array.from({ length: 48 }, (_, i) => ({
  key: i % 12 === 0 ? 'u-ops-1' : `user-${i}`,
  tier: ['free', 'pro', 'enterprise'][i % 3],
  beta_opt_in: i % 2 === 0,
  beta: i % 4 < 2,
  app_version: ['2.2.9', '2.3.0', '3.0.0-rc.1'][i % 3],
  email: i % 5 === 0 ? `p${i}@example.com` : `p${i}@elsewhere.test`,
  accountId: ['acme', 'initech', 4711][i % 3],
}));
const NOW = Date.parse('2026-11-22T03:00:00Z');

/** Every flag's details for every context, as the package's Engine evaluates `snapshot`. */
async function evaluations(snapshot) {
  const { Engine } = await edgeflag();
  const engine = new Engine(snapshot, { now: () => NOW });
  try {
    return { version: engine.version, flags: engine.flags(), results: contexts.map((c) => engine.evaluateAll(c)) };
  } finally {
    engine.free();
  }
}

/** `"<version>-<XXH64 of the bytes, 16 hex digits>"`: the ETag scheme of both representations. */
async function etagOf(version, bytes) {
  const { h64Raw } = await xxhash();
  return `"${version}-${h64Raw(bytes, 0n).toString(16).padStart(16, '0')}"`;
}

const varies = (r) => (r.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

/** The flags a client snapshot of `full` may hold: client-visible ones and their prerequisites. */
function allowed(full) {
  const keep = new Set();
  const todo = Object.keys(full.flags).filter((k) => full.flags[k].clientVisible === true);
  while (todo.length) {
    const k = todo.pop();
    if (keep.has(k)) continue;
    keep.add(k);
    for (const p of full.flags[k].prerequisites ?? []) todo.push(p.flag);
  }
  return keep;
}

/** Names of description/owner members anywhere but inside variation values. */
function notes(v, at = '') {
  if (Array.isArray(v)) return v.flatMap((x, i) => notes(x, `${at}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) =>
    k === 'description' || k === 'owner' ? [`${at}.${k}`] : k === 'value' ? [] : notes(x, `${at}.${k}`),
  );
}

test('GET /snapshot: the client-safe snapshot with a strong ETag, no-cache, CORS', async () => {
  const r = await w.request('/snapshot', { headers: { origin: 'https://app.example' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('etag'), ETAG);
  assert.ok(r.headers.get('etag').startsWith('"7-'), r.headers.get('etag'));
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('access-control-allow-origin'), '*', 'ALLOWED_ORIGINS=*: readable anywhere, no credentials');
  assert.match(r.headers.get('access-control-expose-headers'), /etag/i);
  const full = JSON.parse(example);
  const client = r.json;
  assert.equal(client.version, 7);
  const keys = Object.keys(client.flags).sort();
  assert.deepEqual(keys, [...allowed(full)].sort());
  assert.ok(keys.includes('sentiment_analysis') && keys.includes('response_suggestions'));
  for (const hidden of ['enhanced_metadata_context', 'retry_logic', 'auto_escalation']) assert.ok(!keys.includes(hidden), hidden);
  for (const k of keys) assert.equal(client.flags[k].clientVisible, full.flags[k].clientVisible === true, k);
  assert.deepEqual(Object.keys(client.segments).sort(), ['beta_customers', 'internal_users']);
  assert.deepEqual(notes(client), []);
  assert.ok(!r.text.includes('"owner"') && !r.text.includes('"description"'));
  assert.deepEqual(client.flags.plan_limits.variations, full.flags.plan_limits.variations, 'values kept');
});

test('GET /snapshot with If-None-Match: 304 with no body; another tag gets the snapshot', async () => {
  const first = await w.request('/snapshot');
  const etag = first.headers.get('etag');
  const again = await w.request('/snapshot', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(again.headers.get('cache-control'), 'no-cache');
  const listed = await w.request('/snapshot', { headers: { 'if-none-match': `"1-0000000000000000", W/${etag}` } });
  assert.equal(listed.status, 304);
  const other = await w.request('/snapshot', { headers: { 'if-none-match': '"7-0000000000000000"' } });
  assert.equal(other.status, 200);
  assert.equal(other.text, first.text, 'the same bytes every time');
  const pre = await w.request('/snapshot', { method: 'OPTIONS', headers: { origin: 'https://app.example' } });
  assert.match(pre.headers.get('access-control-allow-headers'), /if-none-match/);
});

test('GET /snapshot with Accept: application/vnd.edgeflag.compiled: the same client-safe snapshot, compiled', async () => {
  const json = await w.request('/snapshot');
  const r = await w.request('/snapshot', { headers: { accept: COMPILED, origin: 'https://app.example' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), COMPILED);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  assert.match(r.headers.get('etag'), ETAG);
  assert.notEqual(r.headers.get('etag'), json.headers.get('etag'), 'each representation its own ETag');
  assert.equal(r.headers.get('etag'), await etagOf(7, r.bytes), 'the version and the hash of the bytes served');
  assert.equal(json.headers.get('etag'), await etagOf(7, json.bytes));
  assert.ok(varies(r).includes('accept') && varies(json).includes('accept'), 'Vary: Accept on both');
  assert.ok(varies(r).includes('origin'), 'CORS still varies by Origin');
  assert.equal(r.headers.get('access-control-allow-origin'), '*', 'ALLOWED_ORIGINS=*: readable anywhere, no credentials');
  assert.match(r.headers.get('access-control-expose-headers'), /etag/i);
  // The header (docs/compiled.md): magic, format 1, and the digest of the JSON it was compiled
  // from, which is the JSON representation byte for byte.
  const bytes = Buffer.from(r.bytes);
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'EFCS');
  assert.equal(bytes.readUInt16LE(4), 1);
  assert.equal(bytes.readUInt32LE(8), bytes.length - 52);
  assert.deepEqual(bytes.subarray(20, 52), createHash('sha512').update(json.bytes).digest().subarray(0, 32));
  const fromJson = await evaluations(json.text);
  const fromCompiled = await evaluations(r.bytes);
  assert.equal(fromCompiled.version, 7);
  assert.deepEqual(fromCompiled.flags, fromJson.flags);
  assert.deepEqual(fromCompiled.results, fromJson.results);
  const reasons = new Set(fromJson.results.flatMap((all) => Object.values(all).map((d) => d.reason)));
  for (const reason of ['TARGETING_MATCH', 'SPLIT']) assert.ok(reasons.has(reason), `some ${reason} among ${[...reasons]}`);
  assert.equal(r.text.includes('owner') || r.text.includes('description'), false, 'no notes in this form either');
  // Asked for again, the same bytes: derived once, not per request.
  assert.deepEqual((await w.request('/snapshot', { headers: { accept: COMPILED } })).bytes, r.bytes);
});

test('GET /snapshot: JSON as before for no Accept, application/json, */* and lists preferring JSON', async () => {
  const plain = await w.request('/snapshot');
  for (const accept of ['application/json', '*/*', 'text/html, */*;q=0.8', `${COMPILED};q=0.5, application/json`, `${COMPILED};q=0`]) {
    const r = await w.request('/snapshot', { headers: { accept } });
    assert.equal(r.status, 200, accept);
    assert.match(r.headers.get('content-type'), /^application\/json/, accept);
    assert.equal(r.headers.get('etag'), plain.headers.get('etag'), accept);
    assert.equal(r.text, plain.text, accept);
  }
  for (const accept of [`${COMPILED}, application/json`, `application/json;q=0.9, ${COMPILED}`, `${COMPILED}, */*`]) {
    const r = await w.request('/snapshot', { headers: { accept } });
    assert.equal(r.headers.get('content-type'), COMPILED, accept);
  }
});

test('If-None-Match per representation: 304 only for its own ETag', async () => {
  const json = await w.request('/snapshot');
  const compiled = await w.request('/snapshot', { headers: { accept: COMPILED } });
  const [jsonTag, compiledTag] = [json.headers.get('etag'), compiled.headers.get('etag')];
  const same = await w.request('/snapshot', { headers: { accept: COMPILED, 'if-none-match': compiledTag } });
  assert.equal(same.status, 304);
  assert.equal(same.text, '');
  assert.equal(same.headers.get('etag'), compiledTag);
  assert.equal(same.headers.get('cache-control'), 'no-cache');
  assert.ok(varies(same).includes('accept'));
  const other = await w.request('/snapshot', { headers: { accept: COMPILED, 'if-none-match': jsonTag } });
  assert.equal(other.status, 200, "the JSON's ETag does not name the compiled form");
  assert.deepEqual(other.bytes, compiled.bytes);
  const jsonOther = await w.request('/snapshot', { headers: { 'if-none-match': compiledTag } });
  assert.equal(jsonOther.status, 200, "nor the compiled form's the JSON");
  assert.equal(jsonOther.text, json.text);
  const jsonSame = await w.request('/snapshot', { headers: { accept: 'application/json', 'if-none-match': jsonTag } });
  assert.equal(jsonSame.status, 304);
  assert.ok(varies(jsonSame).includes('accept'));
  const listed = await w.request('/snapshot', { headers: { accept: COMPILED, 'if-none-match': `${jsonTag}, W/${compiledTag}` } });
  assert.equal(listed.status, 304);
});

test('GET /admin/snapshot: 401 without the token, the full text with it, ETag and 304', async () => {
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic x' }]) {
    const r = await w.request('/admin/snapshot', { headers });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.json.error, 'unauthorized');
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
    assert.equal(r.headers.get('etag'), null);
  }
  const r = await w.request('/admin/snapshot', { admin: true });
  assert.equal(r.status, 200);
  assert.equal(r.text, example, 'the text the isolate serves, byte for byte');
  assert.match(r.headers.get('etag'), ETAG);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const client = await w.request('/snapshot');
  assert.notEqual(r.headers.get('etag'), client.headers.get('etag'));
  const again = await w.request('/admin/snapshot', { admin: true, headers: { 'if-none-match': r.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
});

test('after a publish: a new ETag and new content on both', async () => {
  const before = await w.request('/snapshot');
  const adminBefore = await w.request('/admin/snapshot', { admin: true });
  const next = JSON.parse(example);
  next.version = 8;
  next.flags.new_editor.on = false;
  next.flags.retry_logic.clientVisible = true; // now sent, and its notes stripped
  const text = JSON.stringify(next, null, 1);
  const put = await w.request('/admin/snapshot', { method: 'PUT', body: text, admin: true });
  assert.equal(put.status, 200, put.text);
  const after = await w.request('/snapshot', { headers: { 'if-none-match': before.headers.get('etag') } });
  assert.equal(after.status, 200, 'the old ETag no longer matches');
  assert.match(after.headers.get('etag'), /^"8-[0-9a-f]{16}"$/);
  assert.notEqual(after.text, before.text);
  assert.equal(after.json.version, 8);
  assert.equal(after.json.flags.new_editor.on, false);
  assert.equal(after.json.flags.retry_logic.clientVisible, true);
  assert.deepEqual(notes(after.json), []);
  assert.deepEqual(Object.keys(after.json.flags).sort(), [...allowed(next)].sort());
  const same = await w.request('/snapshot', { headers: { 'if-none-match': after.headers.get('etag') } });
  assert.equal(same.status, 304);
  const full = await w.request('/admin/snapshot', { admin: true, headers: { 'if-none-match': adminBefore.headers.get('etag') } });
  assert.equal(full.status, 200);
  assert.equal(full.text, text);
  assert.notEqual(full.headers.get('etag'), adminBefore.headers.get('etag'));
});

test('a kill switch published through the admin endpoint: a new ETag and version in the compiled form too', async () => {
  const before = await w.request('/snapshot', { headers: { accept: COMPILED } });
  const full = JSON.parse((await w.request('/admin/snapshot', { admin: true })).text);
  assert.equal(full.flags.conversations_enabled.on, true);
  const user = { key: 'user-2', tier: 'pro', beta_opt_in: true };
  assert.equal((await evaluations(before.bytes)).results.length, contexts.length);
  const { Engine } = await edgeflag();
  assert.equal(new Engine(before.bytes, { now: () => NOW }).getBoolean('conversations_enabled', user, false), true);
  full.version += 1;
  full.flags.conversations_enabled.on = false;
  const put = await w.request('/admin/snapshot', { method: 'PUT', body: JSON.stringify(full), admin: true });
  assert.equal(put.status, 200, put.text);
  const after = await w.request('/snapshot', { headers: { accept: COMPILED, 'if-none-match': before.headers.get('etag') } });
  assert.equal(after.status, 200, 'the old ETag no longer matches');
  assert.equal(after.headers.get('content-type'), COMPILED);
  assert.ok(after.headers.get('etag').startsWith(`"${full.version}-`), after.headers.get('etag'));
  assert.notDeepEqual(after.bytes, before.bytes);
  const killed = new Engine(after.bytes, { now: () => NOW });
  assert.equal(killed.version, full.version);
  const d = killed.evaluate('conversations_enabled', user, true);
  assert.deepEqual([d.value, d.variation, d.reason], [false, 'off', 'DISABLED']);
  const json = await w.request('/snapshot');
  assert.ok(json.headers.get('etag').startsWith(`"${full.version}-`));
  assert.deepEqual(await evaluations(after.bytes), await evaluations(json.text), 'the same snapshot as the JSON');
  const same = await w.request('/snapshot', { headers: { accept: COMPILED, 'if-none-match': after.headers.get('etag') } });
  assert.equal(same.status, 304);
});

test('a signed client snapshot: the compiled form signed with the same key, JSON signed as before', async () => {
  const key = testKey('05'.repeat(32));
  const signed = await startWorker({ snapshot: example, secrets: { EDGEFLAG_CLIENT_SIGNING_KEY: key.seed } });
  try {
    const r = await signed.request('/snapshot', { headers: { accept: COMPILED } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), COMPILED);
    assert.ok(varies(r).includes('accept'));
    // Features bit 0 and a trailer naming the client key (docs/compiled.md).
    const bytes = Buffer.from(r.bytes);
    assert.equal(bytes.readUInt16LE(6), 1);
    assert.equal(bytes.subarray(bytes.length - 72, bytes.length - 64).toString('hex'), key.keyId);
    const { Engine } = await edgeflag();
    const trusting = new Engine(new Uint8Array(bytes), { publicKeys: [key.publicKey] });
    const json = await signed.request('/snapshot');
    assert.equal(json.json.signature.keyId, key.keyId);
    const plain = new Engine(JSON.stringify(json.json.snapshot));
    assert.equal(trusting.version, plain.version);
    assert.deepEqual(trusting.evaluateAll({ key: 'u-1', tier: 'pro' }), plain.evaluateAll({ key: 'u-1', tier: 'pro' }));
    const tampered = new Uint8Array(bytes);
    tampered[60] ^= 1;
    assert.equal(new Engine(undefined, { publicKeys: [key.publicKey] }).update(tampered).error.kind, 'bad_signature');
    for (const accept of [undefined, 'application/json']) {
      const s = await signed.request('/snapshot', { headers: accept ? { accept } : {} });
      assert.equal(s.status, 200, accept);
      assert.match(s.headers.get('content-type'), /^application\/json/, accept);
      assert.equal(s.json.signature.keyId, key.keyId, accept);
      assert.ok(varies(s).includes('accept'), accept);
    }
  } finally {
    await signed.mf.dispose();
  }
});

test('no snapshot yet: 503 on both; wrong methods: 405', async () => {
  const empty = await startWorker();
  try {
    assert.equal((await empty.request('/snapshot')).status, 503);
    assert.equal((await empty.request('/snapshot', { headers: { accept: COMPILED } })).status, 503);
    assert.equal((await empty.request('/admin/snapshot', { admin: true })).status, 503);
    assert.equal((await empty.request('/admin/snapshot')).status, 401, 'the token before anything else');
  } finally {
    await empty.mf.dispose();
  }
  assert.equal((await w.request('/snapshot', { method: 'POST' })).status, 405);
  assert.equal((await w.request('/admin/snapshot', { method: 'DELETE', admin: true })).status, 405);
});

// GET /snapshot (the client-safe snapshot) and GET /admin/snapshot (the full text) on workerd:
// strong ETags, 304 for If-None-Match, no-cache, a new ETag and content after a publish, what the
// client snapshot keeps and strips, and the admin token.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startWorker } from './helpers.mjs';

const example = readFileSync(new URL('../../../examples/snapshot.json', import.meta.url), 'utf8');
const ETAG = /^"\d+-[0-9a-f]{16}"$/;
let w;
before(async () => {
  w = await startWorker({ snapshot: example });
});
after(() => w.mf.dispose());

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
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
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

test('no snapshot yet: 503 on both; wrong methods: 405', async () => {
  const empty = await startWorker();
  try {
    assert.equal((await empty.request('/snapshot')).status, 503);
    assert.equal((await empty.request('/admin/snapshot', { admin: true })).status, 503);
    assert.equal((await empty.request('/admin/snapshot')).status, 401, 'the token before anything else');
  } finally {
    await empty.mf.dispose();
  }
  assert.equal((await w.request('/snapshot', { method: 'POST' })).status, 405);
  assert.equal((await w.request('/admin/snapshot', { method: 'DELETE', admin: true })).status, 405);
});

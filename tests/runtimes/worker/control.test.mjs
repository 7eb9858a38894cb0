// The writer of record on workerd (a Durable Object with SQLite storage, local): tokens and
// roles, per-flag changes validated by the core, If-Match, history with patches, rollback,
// /health's versions, and writes raced against each other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { identitySnapshot, startWorker } from './helpers.mjs';

let w;
const tokens = {};
before(async () => {
  w = await startWorker({ snapshot: identitySnapshot(1) });
  for (const role of ['read', 'write', 'admin']) {
    const r = await w.request('/admin/tokens', { method: 'POST', admin: true, body: JSON.stringify({ name: `${role}-bot`, role }) });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.token, /^ef_[A-Za-z0-9_-]{43}$/);
    tokens[role] = r.json.token;
  }
});
after(() => w.mf.dispose());

const as = (role) => ({ admin: tokens[role] });
const json = (body) => JSON.stringify(body);
const head = async () => (await w.request('/admin/snapshot', as('read'))).json;
const kvVersion = async () => JSON.parse(await (await w.kv()).get('snapshot')).version;
const ramp = async (key) => (await w.request(`/flags/ramp?key=${key}`)).json;

test('roles: read fetches, write changes flags, admin rolls back and manages tokens; refusals change nothing', async () => {
  const before = await w.request('/admin/snapshot', as('read'));
  assert.equal(before.status, 200);
  const v = before.json.version;
  const listed = await w.request('/admin/tokens', as('admin'));
  assert.deepEqual(listed.json.tokens.map((t) => [t.name, t.role, t.createdBy]), [
    ['admin-bot', 'admin', 'ADMIN_TOKEN'],
    ['read-bot', 'read', 'ADMIN_TOKEN'],
    ['write-bot', 'write', 'ADMIN_TOKEN'],
  ]);
  assert.ok(!listed.text.includes(tokens.read) && !listed.text.includes('hash'), 'no token or hash is ever shown');
  const refusals = [
    ['/admin/flags/ramp/switch', { method: 'POST', body: json({ on: false }), ...as('read') }, 403],
    ['/admin/rollback', { method: 'POST', body: json({ version: 1 }), ...as('write') }, 403],
    ['/admin/tokens', { method: 'POST', body: json({ name: 'x', role: 'admin' }), ...as('write') }, 403],
    ['/admin/snapshot', { method: 'PUT', body: json(identitySnapshot(v + 1, { killed: true })), ...as('read') }, 403],
    ['/admin/flags/ramp', { method: 'PATCH', body: json({ on: false }), admin: 'ef_wrong' }, 401],
    ['/admin/flags/ramp', { method: 'PATCH', body: json({ on: false }) }, 401],
  ];
  for (const [path, init, status] of refusals) {
    const r = await w.request(path, { ...init, headers: { 'cf-connecting-ip': '203.0.113.1' } });
    assert.equal(r.status, status, `${path}: ${r.text}`);
  }
  assert.equal((await head()).version, v, '401 and 403 change nothing');
  assert.equal(await kvVersion(), v);
  const audit = (await w.request('/admin/audit?limit=6', as('admin'))).json.entries;
  assert.deepEqual(audit.map((e) => e.outcome).reverse(), ['forbidden', 'forbidden', 'forbidden', 'forbidden', 'unauthorized', 'unauthorized']);
  assert.deepEqual(audit.map((e) => e.actor).reverse(), ['read-bot', 'write-bot', 'write-bot', 'read-bot', null, null]);
  // Lower-case schemes are the same scheme (RFC 7235).
  const lower = await w.request('/admin/snapshot', { headers: { authorization: `bearer ${tokens.read}` } });
  assert.equal(lower.status, 200);
});

test('kill switch as a merge patch: committed, in KV, served at once, in the history with its patch', async () => {
  const v = (await head()).version;
  const r = await w.request('/admin/flags/ramp', {
    method: 'PATCH',
    body: json({ on: false }),
    headers: { 'content-type': 'application/merge-patch+json', 'x-edgeflag-reason': 'error rate over 2 %' },
    ...as('write'),
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.version, r.json.previous, r.json.changed, r.json.serving], [v + 1, v, ['ramp'], v + 1]);
  assert.deepEqual([r.json.kv.version, r.json.kv.written], [v + 1, true]);
  assert.match(r.headers.get('etag'), new RegExp(`^"${v + 1}-[0-9a-f]{16}"$`));
  assert.equal(await kvVersion(), v + 1);
  assert.deepEqual([(await ramp('u1')).result.reason, (await ramp('u1')).version], ['DISABLED', v + 1]);
  const doc = await head();
  assert.notEqual(doc.generatedAt, identitySnapshot(1).generatedAt, 'generatedAt is the commit time');
  const h = (await w.request('/admin/history?flag=ramp&limit=1', as('read'))).json.entries[0];
  assert.deepEqual([h.version, h.actor, h.action, h.reason, h.flags], [v + 1, 'write-bot', 'patch', 'error rate over 2 %', ['ramp']]);
  assert.deepEqual(
    h.patch.filter((op) => op.path.startsWith('/flags')),
    [{ op: 'replace', path: '/flags/ramp/on', value: false }],
  );
  // And back on with the one-liner.
  const on = await w.request('/admin/flags/ramp/switch', { method: 'POST', body: json({ on: true, reason: 'fixed' }), ...as('write') });
  assert.equal(on.status, 200, on.text);
  assert.equal((await ramp('u1')).result.reason, 'SPLIT');
});

test('a change the loader refuses is a 400 with the load error kind and path; nothing is committed', async () => {
  const v = (await head()).version;
  for (const [body, kind, path] of [
    [{ fallthrough: { variation: 'nope' } }, 'unknown_variation', 'flags.by_tier.fallthrough.variation'],
    [{ rules: [{ id: 'x', clauses: [{ attribute: 'tier', op: 'betwen', values: [1] }], serve: { variation: 'on' } }] }, 'unknown_operator', 'flags.by_tier.rules[0].clauses[0].op'],
    [{ variations: null }, 'missing_field', 'flags.by_tier.variations'],
  ]) {
    const r = await w.request('/admin/flags/by_tier', { method: 'PATCH', body: json(body), ...as('write') });
    assert.deepEqual([r.status, r.json.error, r.json.path], [400, kind, path], r.text);
  }
  const missing = await w.request('/admin/flags/nope', { method: 'PATCH', body: json({ on: false }), ...as('write') });
  assert.deepEqual([missing.status, missing.json.error], [404, 'flag_not_found']);
  assert.equal((await head()).version, v);
});

test('ramp, targets, segments, create and archive', async () => {
  let r = await w.request('/admin/flags/ramp/ramp', { method: 'POST', body: json({ percent: 75, variation: 'on', sample: 2000 }), ...as('write') });
  assert.equal(r.status, 200, r.text);
  const ramped = r.json.ramp;
  assert.deepEqual([ramped.from, ramped.to, ramped.variation, ramped.lost, ramped.onlyAdditions], ['50%', '75%', 'on', 0, true]);
  assert.ok(ramped.gained > 400 && ramped.gained < 600, `about a quarter of 2000 gain it: ${ramped.gained}`);
  r = await w.request('/admin/flags/ramp/ramp', { method: 'POST', body: json({ percent: '12.5', variation: 'on' }), ...as('write') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ramp.onlyAdditions, false);
  assert.ok(r.json.ramp.lost > 0);
  const bad = await w.request('/admin/flags/ramp/ramp', { method: 'POST', body: json({ percent: 101 }), ...as('write') });
  assert.deepEqual([bad.status, bad.json.path], [400, 'percent']);

  r = await w.request('/admin/flags/by_tier/targets', { method: 'POST', body: json({ variation: 'on', add: ['vip-1', 'vip-2'] }), ...as('write') });
  assert.deepEqual([r.status, r.json.added], [200, 2], r.text);
  assert.equal((await w.request('/flags/by_tier?key=vip-1')).json.result.reason, 'TARGETING_MATCH');
  r = await w.request('/admin/flags/by_tier/targets', { method: 'POST', body: json({ variation: 'on', remove: ['vip-1'] }), ...as('write') });
  assert.deepEqual([r.status, r.json.removed], [200, 1], r.text);
  assert.notEqual((await w.request('/flags/by_tier?key=vip-1')).json.result.reason, 'TARGETING_MATCH');

  const flag = { on: true, variations: [{ name: 'off', value: false }, { name: 'on', value: true }], offVariation: 'off', fallthrough: { variation: 'on' }, clientVisible: true };
  r = await w.request('/admin/flags', { method: 'POST', body: json({ key: 'new_editor', flag }), ...as('write') });
  assert.equal(r.status, 200, r.text);
  assert.equal((await w.request('/flags/new_editor?key=u1')).json.result.value, true);
  r = await w.request('/admin/flags', { method: 'POST', body: json({ key: 'new_editor', flag }), ...as('write') });
  assert.deepEqual([r.status, r.json.error], [409, 'flag_exists']);
  const needs = { ...flag, prerequisites: [{ flag: 'new_editor', variation: 'on' }] };
  assert.equal((await w.request('/admin/flags', { method: 'POST', body: json({ key: 'editor_ai', flag: needs }), ...as('write') })).status, 200);
  r = await w.request('/admin/flags/new_editor', { method: 'DELETE', ...as('write') });
  assert.deepEqual([r.status, r.json.error], [409, 'flag_required'], r.text);
  assert.match(r.json.message, /editor_ai/);
  assert.equal((await w.request('/admin/flags/editor_ai', { method: 'DELETE', ...as('write') })).status, 200);
  r = await w.request('/admin/flags/new_editor', { method: 'DELETE', ...as('write') });
  assert.equal(r.status, 200, r.text);
  assert.equal((await w.request('/flags/new_editor?key=u1')).status, 404);

  const list = (await w.request('/admin/flags', as('read'))).json;
  assert.deepEqual(list.flags.map((f) => f.key).sort(), Object.keys(identitySnapshot(1).flags).sort());
  const by = list.flags.find((f) => f.key === 'by_tier');
  assert.equal(by.lastChange.actor, 'write-bot');
});

test('If-Match: a stale version is refused with 412 and the current one', async () => {
  const v = (await head()).version;
  const stale = await w.request('/admin/flags/ramp/switch', { method: 'POST', body: json({ on: false }), headers: { 'if-match': `"${v - 1}"` }, ...as('write') });
  assert.deepEqual([stale.status, stale.json.error, stale.json.current], [412, 'version_mismatch', v]);
  const fresh = await w.request('/admin/flags/ramp/switch', { method: 'POST', body: json({ on: false }), headers: { 'if-match': `"${v}"` }, ...as('write') });
  assert.equal(fresh.status, 200, fresh.text);
  const byEtag = await w.request('/admin/flags/ramp/switch', { method: 'POST', body: json({ on: true }), headers: { 'if-match': fresh.headers.get('etag') }, ...as('write') });
  assert.equal(byEtag.status, 200, 'the ETag of the last answer is a valid If-Match');
});

test('50 concurrent conflicting writes: each committed once or refused, none lost', async () => {
  const v = (await head()).version;
  const auditBefore = (await w.request('/admin/audit?limit=1', as('admin'))).json.entries[0].id;
  const writes = Array.from({ length: 50 }, (_, i) =>
    w.request('/admin/flags/by_country', {
      method: 'PATCH',
      body: json({ salt: `salt-${i}` }),
      headers: { 'if-match': `"${v}"` },
      ...as('write'),
    }),
  );
  const answers = await Promise.all(writes);
  const committed = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 412);
  console.log(`  50 writes with If-Match "${v}": ${committed.length} committed, ${refused.length} refused with 412`);
  assert.equal(committed.length, 1);
  assert.equal(refused.length, 49);
  assert.ok(refused.every((a) => a.json.current === v + 1));
  const doc = await head();
  assert.equal(doc.version, v + 1);
  const winner = answers.findIndex((a) => a.status === 200);
  assert.equal(doc.flags.by_country.salt, `salt-${winner}`);
  assert.equal(await kvVersion(), v + 1);
  const audit = (await w.request(`/admin/audit?limit=50`, as('admin'))).json.entries.filter((e) => e.id > auditBefore);
  assert.equal(audit.length, 50, 'every attempt is in the audit log');
  assert.equal(audit.filter((e) => e.outcome === 'committed').length, 1);

  // Without If-Match, every change is applied to the head in turn: 50 versions, none lost.
  const toggles = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      w.request('/admin/flags/by_country', { method: 'PATCH', body: json({ metadata: { description: `change ${i}` } }), ...as('write') }),
    ),
  );
  assert.ok(toggles.every((a) => a.status === 200), toggles.map((a) => a.status).join());
  const versions = toggles.map((a) => a.json.version).sort((a, b) => a - b);
  assert.deepEqual(versions, Array.from({ length: 50 }, (_, i) => v + 2 + i));
  assert.equal(await kvVersion(), v + 51, 'KV ends on the newest version');
  const history = (await w.request(`/admin/history?flag=by_country&limit=50`, as('read'))).json.entries;
  assert.equal(new Set(history.map((h) => h.detail)).size, 1);
  assert.equal(history.length, 50);
  console.log(`  50 writes without If-Match: 50 versions committed (${v + 2}..${v + 51}), KV on ${v + 51}`);
});

test('rollback publishes an old version\'s content as a new, higher version', async () => {
  const cur = await head();
  const old = (await w.request('/admin/snapshot?version=1', as('read'))).json;
  assert.equal(old.version, 1);
  const denied = await w.request('/admin/rollback', { method: 'POST', body: json({ version: 1 }), ...as('write') });
  assert.equal(denied.status, 403);
  const r = await w.request('/admin/rollback', { method: 'POST', body: json({ version: 1, reason: 'back to the start' }), ...as('admin') });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.version, r.json.rolledBackTo, r.json.serving], [cur.version + 1, 1, cur.version + 1]);
  const now = await head();
  assert.deepEqual({ ...now, version: 1, generatedAt: old.generatedAt }, old);
  assert.equal((await w.request('/flags/by_tier?key=vip-2')).json.version, cur.version + 1);
  const missing = await w.request('/admin/rollback', { method: 'POST', body: json({ version: 9999 }), ...as('admin') });
  assert.deepEqual([missing.status, missing.json.error], [404, 'version_not_found']);
  const h = (await w.request('/admin/history?limit=1', as('read'))).json.entries[0];
  assert.deepEqual([h.action, h.actor, h.reason], ['rollback', 'admin-bot', 'back to the start']);
});

test('/health says which version the object and KV hold', async () => {
  const h = (await w.request('/health')).json;
  const v = (await head()).version;
  assert.deepEqual([h.writer.version, h.writer.kv.version, h.writer.kv.written, h.snapshot.version], [v, v, true, v]);
});

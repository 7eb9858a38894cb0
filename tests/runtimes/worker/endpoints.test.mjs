// Every endpoint of the Worker on workerd: contexts from keys, cookies, signed headers and
// Cloudflare's request data; single flags; health; errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { identitySnapshot, sign, startWorker } from './helpers.mjs';

let w;
before(async () => {
  w = await startWorker({ snapshot: identitySnapshot(3) });
});
after(() => w.mf.dispose());

test('GET /flags issues an anonymous key in a cookie, and the cookie brings it back', async () => {
  const first = await w.request('/flags');
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('cache-control'), 'no-store');
  const cookie = first.headers.get('set-cookie');
  const key = cookie.match(/^ef_key=(anon-[0-9a-f]{32});/)?.[1];
  assert.ok(key, cookie);
  assert.match(cookie, /HttpOnly/);
  assert.equal(first.json.key, key);
  assert.equal(first.json.anonymous, true);
  assert.equal(first.json.version, 3);
  assert.deepEqual(Object.keys(first.json.flags).sort(), ['anonymous_only', 'by_country', 'by_tier', 'ramp'], 'client-visible flags only');
  assert.equal(first.json.flags.anonymous_only.value, true);
  const again = await w.request('/flags', { headers: { cookie: `theme=dark; ef_key=${key}` } });
  assert.equal(again.json.key, key);
  assert.equal(again.headers.get('set-cookie'), null, 'no new key');
  assert.deepEqual(again.json.flags.ramp, first.json.flags.ramp, 'the same bucket on every visit');
});

test('the key comes from the header, then the query, then the cookie', async () => {
  const cookie = 'ef_key=c-key';
  const all = await w.request('/flags?key=q-key', { headers: { 'x-edgeflag-key': 'h-key', cookie } });
  assert.equal(all.json.key, 'h-key');
  assert.equal((await w.request('/flags?key=q-key', { headers: { cookie } })).json.key, 'q-key');
  const fromCookie = await w.request('/flags', { headers: { cookie } });
  assert.equal(fromCookie.json.key, 'c-key');
  assert.equal(fromCookie.json.anonymous, false);
  assert.equal(fromCookie.json.flags.anonymous_only.value, false);
  const long = await w.request(`/flags?key=${'k'.repeat(257)}`);
  assert.equal(long.status, 400);
  assert.equal(long.json.error, 'invalid_key');
});

test('attributes come from Cloudflare and from the signed context; unsigned ones are ignored', async () => {
  const de = await w.request('/flags?key=u1&tier=pro&country=DE', { cf: { country: 'DE', colo: 'FRA' } });
  assert.equal(de.json.flags.by_country.value, true);
  assert.equal(de.json.flags.by_country.ruleId, 'de');
  assert.equal(de.json.flags.by_tier.value, false, 'a query parameter is not an attribute');
  const header = await w.request('/flags?key=u1', { headers: { 'cf-ipcountry': 'DE' } });
  assert.equal(header.json.flags.by_country.value, true);

  const pro = await w.request('/flags', { context: { key: 'u2', tier: 'pro', country: 'FR' }, cf: { country: 'DE' } });
  assert.equal(pro.status, 200);
  assert.equal(pro.json.key, 'u2');
  assert.equal(pro.json.flags.by_tier.value, true);
  assert.equal(pro.json.flags.by_country.value, false, 'signed attributes win');
  assert.equal(pro.headers.get('set-cookie'), null);
});

test('signed contexts that do not verify get 401 naming why', async () => {
  const refused = async (token, code) => {
    const r = await w.request('/flags', { headers: { 'x-edgeflag-context': token } });
    assert.equal(r.status, 401, token);
    assert.equal(r.json.path, code, JSON.stringify(r.json));
  };
  const ctx = { context: { key: 'u3', tier: 'pro' } };
  await refused(sign(ctx, { secret: 'wrong' }), 'signature');
  await refused(sign(ctx, { alg: 'none' }), 'algorithm');
  await refused(sign({ ...ctx, exp: Math.floor(Date.now() / 1000) - 3600 }), 'expired');
  await refused(sign({ key: 'u3' }), 'no_context');
  await refused('not-a-token', 'malformed');
  const [h, , s] = sign(ctx).split('.');
  await refused(`${h}.${Buffer.from(JSON.stringify({ context: { key: 'u3', tier: 'enterprise' } })).toString('base64url')}.${s}`, 'signature');
  const ok = await w.request('/flags', { headers: { 'x-edgeflag-context': sign({ ...ctx, exp: Math.floor(Date.now() / 1000) + 60 }) } });
  assert.equal(ok.status, 200);
});

test('GET /flags/:key evaluates one client-visible flag', async () => {
  const one = await w.request('/flags/by_tier', { context: { key: 'u4', tier: 'pro' } });
  assert.equal(one.status, 200);
  assert.deepEqual(
    { flagKey: one.json.flagKey, version: one.json.version, key: one.json.key },
    { flagKey: 'by_tier', version: 3, key: 'u4' },
  );
  assert.deepEqual(one.json.result, { value: true, variation: 'on', variationIndex: 1, reason: 'TARGETING_MATCH', ruleId: 'pro' });
  for (const hidden of ['server_only', 'no_such_flag']) {
    const r = await w.request(`/flags/${hidden}?key=u4`);
    assert.equal(r.status, 404, hidden);
    assert.equal(r.json.error, 'FLAG_NOT_FOUND');
  }
  const encoded = await w.request('/flags/by%5Ftier?key=u4');
  assert.equal(encoded.json.flagKey, 'by_tier', 'percent-decoded');
});

test('GET /health: version, age, each flag on or off', async () => {
  const h = await w.request('/health');
  assert.equal(h.status, 200);
  assert.equal(h.json.status, 'ok');
  assert.equal(h.json.snapshot.version, 3);
  assert.equal(h.json.snapshot.origin, 'kv');
  assert.equal(h.json.snapshot.generatedAt, Date.parse('2026-11-20T00:00:00Z'));
  assert.ok(Math.abs(h.json.snapshot.ageMs - (Date.now() - Date.parse('2026-11-20T00:00:00Z'))) < 60000);
  assert.deepEqual(h.json.flags, { anonymous_only: true, by_country: true, by_tier: true, ramp: true, server_only: true });
  assert.equal(typeof h.json.exposures.pending, 'number');
});

test('?at= previews another time, for operators only, and records nothing', async () => {
  const refused = await w.request('/flags?key=u5&at=2030-01-01T00:00:00Z');
  assert.equal(refused.status, 401);
  const preview = await w.request('/flags?key=u5&at=2030-01-01T00:00:00Z', { admin: true });
  assert.equal(preview.status, 200);
  assert.equal(preview.json.evaluatedAt, Date.parse('2030-01-01T00:00:00Z'));
  const bad = await w.request('/flags?key=u5&at=someday', { admin: true });
  assert.equal(bad.status, 400);
});

test('errors: unknown paths, wrong methods, CORS', async () => {
  assert.equal((await w.request('/nope')).status, 404);
  assert.equal((await w.request('/flags', { method: 'POST' })).status, 405);
  assert.equal((await w.request('/health', { method: 'DELETE' })).status, 405);
  assert.equal((await w.request('/admin/snapshot', { method: 'DELETE' })).status, 401, 'the token before anything else');
  assert.equal((await w.request('/admin/snapshot', { method: 'DELETE', admin: true })).status, 405);
  assert.equal((await w.request('/admin/snapshot')).status, 401, 'GET needs a token');
  const pre = await w.request('/flags', { method: 'OPTIONS', headers: { origin: 'https://app.example' } });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-headers'), /x-edgeflag-context/);
  // ALLOWED_ORIGINS=* (the default): any page may read, without credentials; a listed origin
  // would get its own origin back with credentials (abuse.test.mjs).
  const cors = await w.request('/flags?key=u6', { headers: { origin: 'https://app.example' } });
  assert.equal(cors.headers.get('access-control-allow-origin'), '*');
  assert.equal(cors.headers.get('access-control-allow-credentials'), null);
});

// The web face, end to end: www/ built with the real `next build` (the packed package installed
// from its tarball by www/install.sh), served by `next start`, its snapshot from a local server
// that checks the ETag, its exposures to the test collector, and pages driven in Debian's
// Chromium by playwright-core. Every value is checked against the native engine (the CLI).
// Run: EDGEFLAG_CLI=target/release/edgeflag node --test tests/runtimes/www/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startCollector } from '../exposures/collector.mjs';
import { kill, stopAll } from '../processes.mjs';
import { CHROMIUM, root } from '../project.mjs';
import { inspect } from './pixels.mjs';
import { buildApp, compileNative, native, readPage, startApp, startSnapshotServer, www } from './fixtures.mjs';

const shots = join(root, 'target/www-screenshots');
const example = JSON.parse(readFileSync(join(root, 'examples/snapshot.json'), 'utf8'));
let current = example; // what the snapshot server publishes (a kill switch replaces it below)
const CLIENT_FLAGS = Object.keys(example.flags).filter((k) => example.flags[k].clientVisible);
const COMPILED = 'application/vnd.edgeflag.compiled';
// The browsers' default module, which reads compiled snapshots only, and the one they load for
// JSON snapshots (`init(source, { json: true })`: the servers' module, or a JSON one where the
// package builds it). Turbopack names them `name.hash.wasm`.
const BROWSERS_MODULE = /\/edgeflag_bg\.[^/]*wasm$/;
const JSON_MODULE = /\/edgeflag_(json|server)_bg\.[^/]*wasm$/;
const FIELDS = ['value', 'variation', 'variationIndex', 'reason', 'errorCode', 'ruleId', 'prerequisiteFailed', 'bucket', 'variantBucket', 'inExperiment'];

let snapshots, collector, server, base, browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  console.log(`screenshots: ${shots}`);
  snapshots = await startSnapshotServer(example, 'test-token');
  collector = await startCollector();
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  await buildApp(env);
  ({ base, server } = await startApp({
    ...env,
    EDGEFLAG_SNAPSHOT_URL: snapshots.url,
    EDGEFLAG_SNAPSHOT_TOKEN: 'test-token',
    EDGEFLAG_SNAPSHOT_TTL_MS: '300',
    EDGEFLAG_EVENTS_URL: collector.url,
  }));
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  await stopAll();
  await collector?.close();
  await snapshots?.close();
  if (server && process.exitCode) console.log(server.output());
});

/** A page's HTML for a cookie header, and the bootstrap it embeds. */
async function fetchPage(path, cookie = '') {
  const res = await fetch(base + path, { headers: { cookie }, redirect: 'manual' });
  const html = await res.text();
  return { res, html, bootstrap: readPage(html).bootstrap };
}

const pick = (d) => Object.fromEntries(FIELDS.filter((f) => d?.[f] !== undefined).map((f) => [f, d[f]]));

function assertNative(bootstrap, context, snapshot, label) {
  assert.deepEqual(Object.keys(bootstrap.flags).sort(), CLIENT_FLAGS.slice().sort(), `${label}: only client-visible flags`);
  const want = native(snapshot, context, Date.now());
  for (const k of CLIENT_FLAGS) assert.deepEqual(pick(bootstrap.flags[k]), pick(want[k]), `${label}: ${k}`);
}

test('the middleware runs on the edge runtime, with the .wasm as a Wasm binding', async () => {
  const manifest = JSON.parse(readFileSync(join(www, '.next/server/middleware-manifest.json'), 'utf8'));
  const mw = manifest.middleware['/'];
  assert.ok(mw, 'middleware.ts is an edge function in middleware-manifest.json');
  assert.ok(mw.wasm.some((w) => /edgeflag_server_bg/.test(w.filePath)), 'edgeflag_server_bg.wasm is bound to the middleware');
  const { res } = await fetchPage('/', 'ef_key=user-1');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-edgeflag-runtime'), 'edge-runtime');
  assert.equal(res.headers.get('x-edgeflag-version'), String(example.version));
});

test('server HTML holds the native engine’s results for each user, and only client-visible flags', async () => {
  for (let i = 0; i < 30; i++) {
    const key = `user-${i}`;
    const { bootstrap } = await fetchPage('/', `ef_key=${key}`);
    assert.deepEqual(bootstrap.context, { key, anonymous: true });
    assertNative(bootstrap, bootstrap.context, example, key);
  }
  const personas = ['pro-beta', 'pro', 'free', 'staff', 'acme'];
  for (const p of personas) {
    const { bootstrap, html } = await fetchPage('/', `ef_user=${p}`);
    assertNative(bootstrap, bootstrap.context, example, p);
    // sentiment_analysis may be named: a prerequisite of response_suggestions, which the browser evaluates.
    for (const k of ['enhanced_metadata_context', 'retry_logic', 'auto_escalation']) {
      assert.ok(!html.includes(k), `${p}: the server-only flag ${k} is not in the page`);
    }
  }
  // A results header sent by the visitor is replaced by the middleware's, on every page.
  for (const path of ['/', '/playground', '/no-such-page']) {
    const forged = { version: 1, origin: 'forged', runtime: 'x', context: { key: 'x' }, clientVisible: ['plan_limits'], flags: { plan_limits: { value: 'forged' } } };
    const res = await fetch(base + path, { headers: { cookie: 'ef_user=free', 'x-edgeflag': encodeURIComponent(JSON.stringify(forged)) } });
    const html = await res.text();
    assert.ok(!html.includes('forged'), `${path}: the forged results header is not used`);
  }
  // Beta customers (a server-only prerequisite) get suggested replies; others do not.
  assert.equal((await fetchPage('/', 'ef_user=acme')).bootstrap.flags.response_suggestions.value, true);
  assert.equal((await fetchPage('/', 'ef_user=free')).bootstrap.flags.response_suggestions.value, false);
});

test('/checkout is rewritten to the variant the native engine picks; variant URLs redirect back', async () => {
  const seen = new Set();
  for (let i = 0; i < 40; i++) {
    const key = `shopper-${i}`;
    const want = native(example, { key, anonymous: true }, Date.now()).checkout_experiment.value;
    const { res, html } = await fetchPage('/checkout', `ef_key=${key}`);
    assert.equal(res.status, 200, 'a rewrite, not a redirect');
    assert.equal(res.headers.get('set-cookie'), null, 'a known visitor keeps their key');
    assert.match(html, new RegExp(`data-testid="checkout" data-variant="${want}"`), `${key}: variant ${want}`);
    seen.add(want);
  }
  assert.deepEqual([...seen].sort(), ['a', 'b', 'control'], 'all three arms served');
  const direct = await fetchPage('/checkout/b', 'ef_key=shopper-1');
  assert.equal(direct.res.status, 307);
  assert.equal(new URL(direct.res.headers.get('location'), base).pathname, '/checkout');
});

test('an anonymous visitor gets a key in a cookie and keeps their buckets', async () => {
  for (let i = 0; i < 10; i++) {
    const { res, html } = await fetchPage('/checkout');
    assert.equal(res.status, 200, 'a new visitor is rewritten to an arm');
    assert.equal(res.headers.getSetCookie().length, 1, 'one key issued');
    const key = /ef_key=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
    const arm = native(current, { key, anonymous: true }, Date.now()).checkout_experiment.value;
    assert.match(html, new RegExp(`data-variant="${arm}"`), `the arm of the key issued (${key})`);
  }
  const first = await fetchPage('/');
  const cookie = first.res.headers.get('set-cookie');
  const key = /ef_key=(anon-[0-9a-f]{32})/.exec(cookie)?.[1];
  assert.ok(key, `an anonymous key is issued: ${cookie}`);
  assert.match(cookie, /HttpOnly/i);
  assert.equal(first.bootstrap.context.key, key);
  const again = await fetchPage('/', `ef_key=${key}`);
  assert.equal(again.res.headers.get('set-cookie'), null, 'no new key for a returning visitor');
  assert.deepEqual(again.bootstrap.flags, first.bootstrap.flags);
});

test('the snapshot URL is revalidated with its ETag; a kill switch arrives, a bad snapshot never serves', async () => {
  // A browser on v7, its engine serving from the compiled snapshot.
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await ctx.addCookies([{ name: 'ef_user', value: 'pro-beta', url: base }]);
  const page = await ctx.newPage();
  const answers = snapshotAnswers(page);
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
  assertCompiledAnswers(answers, 'the page at v7');
  const persona = (await fetchPage('/', 'ef_user=pro-beta')).bootstrap.context;
  const shown = async (k) => JSON.parse(await page.locator(`[data-testid="value-${k}"]`).textContent());
  assert.equal(await shown('new_editor'), native(example, persona, Date.now()).new_editor.value);
  assert.equal(await shown('new_editor'), true);

  await fetchPage('/', 'ef_key=user-1');
  const before = snapshots.stats();
  await new Promise((r) => setTimeout(r, 400)); // past the TTL
  await fetchPage('/', 'ef_key=user-1');
  await fetchPage('/', 'ef_key=user-1');
  await waitFor(() => snapshots.stats().notModified > before.notModified, 'a 304 answer to If-None-Match');
  assert.ok(snapshots.stats().unauthorized === 0, 'the bearer token is sent');

  // The kill switch: the next version with new_editor off, published at the URL.
  const killed = structuredClone(example);
  killed.version = example.version + 1;
  killed.flags.new_editor.on = false;
  snapshots.publish(killed);
  await waitFor(async () => (await fetchPage('/', 'ef_user=pro-beta')).bootstrap.version === killed.version, 'version 8 served');
  const served = (await fetchPage('/', 'ef_user=pro-beta')).bootstrap;
  assert.equal(served.flags.new_editor.reason, 'DISABLED');
  assertNative(served, served.context, killed, 'after the kill switch');

  // It reaches the browser: compiled, with a new ETag, then revalidated with a 304.
  assert.deepEqual(await refresh(page), { ok: true, status: 200, changed: true, version: killed.version });
  await page.waitForSelector('[data-flag=new_editor][data-variation=off]', { timeout: 5_000 });
  const wantKilled = native(killed, persona, Date.now());
  for (const k of ['new_editor', 'plan_limits', 'ai_search']) assert.deepEqual(await shown(k), wantKilled[k].value, `browser after the kill switch: ${k}`);
  assert.deepEqual(await refresh(page), { ok: true, status: 304, changed: false, version: killed.version }, 'revalidated: 304');
  assertCompiledAnswers(answers, 'the browser’s refreshes');

  // A snapshot that does not load: refused, version 8 keeps serving.
  const bad = structuredClone(killed);
  bad.version = killed.version + 1;
  bad.flags.plan_limits.rules[0].clauses[0].op = 'inside';
  snapshots.publish(bad);
  const count = snapshots.stats().ok;
  await waitFor(async () => (await fetchPage('/', 'ef_key=user-1'), snapshots.stats().ok > count + 1), 'the bad snapshot fetched');
  const still = await fetchPage('/', 'ef_user=pro');
  assert.equal(still.res.status, 200);
  assert.equal(still.bootstrap.version, killed.version);
  assertNative(still.bootstrap, still.bootstrap.context, killed, 'after a refused snapshot');
  // The app refused it, so it has no compiled form to send (none can be made of it): the browser
  // revalidates v8's.
  assert.throws(() => compileNative(bad), /unknown_operator/, 'a snapshot that does not load does not compile');
  assert.deepEqual(await refresh(page), { ok: true, status: 304, changed: false, version: killed.version }, 'the browser keeps v8: 304');

  // What a browser may still receive on the compiled path (a damaged body, a proxy's JSON): its
  // engine refuses it, keeps v8 serving and keeps v8's ETag.
  const v9 = compileNative({ ...killed, version: killed.version + 1 });
  const damaged = Buffer.from(v9);
  damaged[damaged.length - 1] ^= 0xff;
  for (const [what, body, type, kind] of [
    ['a compiled v9 with a damaged body', damaged, COMPILED, 'corrupt'],
    ['the bad snapshot as JSON', Buffer.from(JSON.stringify(bad)), 'application/json', 'unsupported_format'],
  ]) {
    await page.route('**/api/edgeflag/snapshot', (route) => route.fulfill({ status: 200, body, headers: { 'content-type': type, etag: '"9-refused"' } }));
    assert.deepEqual(await refresh(page), { ok: false, status: 200, changed: false, version: killed.version, kind }, what);
    await page.unroute('**/api/edgeflag/snapshot');
    for (const k of CLIENT_FLAGS) {
      const el = page.locator(`[data-testid="value-${k}"]`);
      if ((await el.count()) > 0) assert.deepEqual(await shown(k), wantKilled[k].value, `${what}: ${k} as v8 serves it`);
    }
  }
  assert.deepEqual(await refresh(page), { ok: true, status: 304, changed: false, version: killed.version }, 'v8’s ETag kept: 304');
  assert.equal(await page.evaluate(() => window.edgeflag.version), killed.version);
  await ctx.close();

  snapshots.publish(killed); // v8 again, for the tests below
  current = killed;
});

test('the other snapshot sources: an Edge Config-style value, the embedded example, the example while the URL is down', async () => {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const config = structuredClone(example);
  config.version = 42;
  config.flags.plan_limits.on = false;
  const cases = [
    ['config', { EDGEFLAG_SNAPSHOT: JSON.stringify(config) }, config],
    ['example', {}, example],
    ['example (fallback)', { EDGEFLAG_SNAPSHOT_URL: 'http://127.0.0.1:9/unreachable.json' }, example],
  ];
  for (const [origin, vars, snapshot] of cases) {
    const { base: other, server: otherServer } = await startApp({ ...env, ...vars });
    try {
      const res = await fetch(`${other}/`, { headers: { cookie: 'ef_user=pro' } });
      const html = await res.text();
      const { label, bootstrap } = readPage(html);
      assert.equal(label, `snapshot v${snapshot.version} · ${origin} · edge-runtime`);
      assertNative(bootstrap, bootstrap.context, snapshot, origin);
    } finally {
      await kill(otherServer);
    }
  }
});

test('/api/edgeflag/snapshot: the client-safe snapshot, as JSON or compiled, each with its ETag and 304', async () => {
  const res = await fetch(`${base}/api/edgeflag/snapshot`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.match(res.headers.get('vary'), /\baccept\b/i);
  const etag = res.headers.get('etag');
  assert.match(etag, /^"\d+-[0-9a-f]{24}"$/);
  const text = await res.text();
  const snap = JSON.parse(text);
  const kept = Object.keys(snap.flags).sort();
  // Client-visible flags, plus sentiment_analysis: a prerequisite of response_suggestions.
  assert.deepEqual(kept, [...CLIENT_FLAGS, 'sentiment_analysis'].sort());
  assert.equal(snap.flags.sentiment_analysis.clientVisible, false);
  for (const k of ['enhanced_metadata_context', 'retry_logic', 'auto_escalation', 'team-ai-platform', 'owner', 'description']) {
    assert.ok(!text.includes(k), `${k} is not in the client-safe snapshot`);
  }
  const again = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(await again.text(), '');
  for (const accept of ['application/json', '*/*', `${COMPILED};q=0, application/json`]) {
    const r = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { accept } });
    assert.equal(r.headers.get('etag'), etag, `Accept: ${accept} gets JSON`);
    assert.equal(await r.text(), text);
  }

  // The compiled form, as edgeflag/client asks for it: the same document, its own ETag.
  const c = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { accept: COMPILED } });
  assert.equal(c.status, 200);
  assert.equal(c.headers.get('content-type'), COMPILED);
  assert.match(c.headers.get('vary'), /\baccept\b/i);
  const cetag = c.headers.get('etag');
  assert.match(cetag, /^"\d+-[0-9a-f]{24}-c"$/);
  assert.notEqual(cetag, etag);
  assert.equal(cetag.split('-')[0], etag.split('-')[0], 'the same version');
  const bytes = Buffer.from(await c.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'EFCS');
  assert.equal(bytes.readUInt16LE(4), 1, 'format version 1');
  assert.equal(bytes.readUInt32LE(8), bytes.length - 52, 'body length');
  assert.deepEqual(bytes.subarray(20, 52), createHash('sha512').update(text).digest().subarray(0, 32), 'it names the JSON copy');
  assert.deepEqual(bytes, compileNative(text), 'byte for byte what the native CLI compiles of the JSON copy');
  assert.equal(createHash('sha256').update(bytes).digest('hex').slice(0, 24), cetag.slice(1, -3).split('-')[1], 'its ETag is its bytes’ digest');
  assert.ok(bytes.length < Buffer.byteLength(text), `smaller than the JSON (${bytes.length} < ${Buffer.byteLength(text)} bytes)`);

  // 304 per representation: each answers its own ETag, never the other's.
  const notModified = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { accept: COMPILED, 'if-none-match': cetag } });
  assert.equal(notModified.status, 304, 'the compiled ETag revalidates');
  assert.equal(notModified.headers.get('etag'), cetag);
  assert.match(notModified.headers.get('vary'), /\baccept\b/i);
  assert.equal(await notModified.text(), '');
  const listed = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { accept: `application/json;q=0.5, ${COMPILED}`, 'if-none-match': `"0-x", W/${cetag}` } });
  assert.equal(listed.status, 304, 'an If-None-Match list, compared weakly');
  await listed.arrayBuffer();
  const crossed = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { accept: COMPILED, 'if-none-match': etag } });
  assert.equal(crossed.status, 200, 'the JSON ETag does not revalidate the compiled form');
  assert.deepEqual(Buffer.from(await crossed.arrayBuffer()), bytes);
  const crossedBack = await fetch(`${base}/api/edgeflag/snapshot`, { headers: { 'if-none-match': cetag } });
  assert.equal(crossedBack.status, 200, 'the compiled ETag does not revalidate the JSON');
  assert.equal(await crossedBack.text(), text);
});

test('first paint already shows the variant: the server HTML and the first screenshot, before the Wasm loads', async () => {
  // shopper-3's arm, from the native engine; its button colour tells the arm apart on screen.
  const colours = { control: [28, 35, 51], a: [227, 155, 45], b: [46, 158, 91] };
  for (const [key, arm] of Object.entries(armsFor(['a', 'b', 'control']))) {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await ctx.addCookies([{ name: 'ef_key', value: key, url: base }]);
    const page = await ctx.newPage();
    const changes = await watchFlags(page);
    const wasm = holdWasm(page);
    const answers = snapshotAnswers(page);
    await page.goto(`${base}/checkout`, { waitUntil: 'domcontentloaded' });
    const png = await page.screenshot({ path: join(shots, `first-paint-checkout-${arm}.png`) });
    assert.equal(wasm.delivered(), false, 'the screenshot was taken before the Wasm arrived');
    const box = await page.locator('.pay').boundingBox();
    const [rgb] = (await inspect(page, png, [[box.x + 6, box.y + box.height / 2]])).pixels;
    assert.ok(close(rgb, colours[arm]), `${key}: the first screenshot shows arm ${arm}'s button (${rgb})`);
    assert.equal(await page.locator('[data-testid=checkout]').getAttribute('data-variant'), arm);
    wasm.release();
    await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
    assert.equal(await page.locator('[data-testid=checkout]').getAttribute('data-served'), arm, 'the engine agrees');
    assertBrowsersModule(wasm.urls, `/checkout (${arm})`);
    assertCompiledAnswers(answers, `/checkout (${arm})`);
    assert.deepEqual(await changes(), [], 'no flag text or variation changed after the first paint');
    await ctx.close();
  }

  // The home page too: every panel's value stays as the server rendered it.
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await ctx.addCookies([{ name: 'ef_user', value: 'pro-beta', url: base }]);
  const page = await ctx.newPage();
  const changes = await watchFlags(page);
  const wasm = holdWasm(page);
  const answers = snapshotAnswers(page);
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await page.screenshot({ path: join(shots, 'first-paint-home.png') });
  const want = native(current, (await fetchPage('/', 'ef_user=pro-beta')).bootstrap.context, Date.now());
  for (const k of CLIENT_FLAGS) {
    const shown = page.locator(`[data-testid="value-${k}"]`);
    if ((await shown.count()) === 0) continue;
    assert.deepEqual(JSON.parse(await shown.textContent()), want[k].value, `first paint: ${k}`);
  }
  wasm.release();
  await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
  assertBrowsersModule(wasm.urls, '/');
  assertCompiledAnswers(answers, '/');
  assert.deepEqual(await changes(), [], 'nothing changed when the engine took over');
  await page.screenshot({ path: join(shots, 'home-engine.png') });
  await ctx.close();
});

test('changing the context in the browser re-evaluates there, as the native engine does', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await ctx.addCookies([{ name: 'ef_user', value: 'free', url: base }]);
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const free = (await fetchPage('/', 'ef_user=free')).bootstrap.context;
  const value = async (k) => JSON.parse(await page.locator(`[data-testid="value-${k}"]`).textContent());
  assert.deepEqual(await value('plan_limits'), native(current, free, Date.now()).plan_limits.value);

  await page.click('[data-action=upgrade]');
  const upgraded = { ...free, tier: 'pro' };
  const want = native(current, upgraded, Date.now());
  await page.waitForFunction(() => document.querySelector('[data-testid=tier]')?.textContent === 'pro');
  for (const k of ['plan_limits', 'conversations_enabled', 'new_editor', 'ai_search']) assert.deepEqual(await value(k), want[k].value, `upgraded: ${k}`);
  assert.equal(await page.locator('[data-testid=tier]').textContent(), 'pro');

  await page.click('[data-persona=staff]');
  const staff = native(current, (await fetchPage('/', 'ef_user=staff')).bootstrap.context, Date.now());
  await page.waitForFunction(() => document.querySelector('[data-testid=who]').textContent === 'u-ops-1');
  for (const k of ['ai_search', 'plan_limits', 'conversations_enabled']) assert.deepEqual(await value(k), staff[k].value, `staff: ${k}`);
  assert.equal(await value('ai_search'), true, 'internal_users (a segment) get AI search');
  assert.deepEqual(requests.filter((u) => u.startsWith(base)), [], 'no request to the server: evaluated in the browser');
  await page.screenshot({ path: join(shots, 'context-changed.png') });
  await ctx.close();
});

test('exposures of what was shown reach the collector when the page is hidden', async () => {
  const ctx = await browser.newContext();
  await ctx.addCookies([{ name: 'ef_user', value: 'acme', url: base }]);
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 300));
  const key = 'user-5150';
  assert.equal(collector.exposures().filter((e) => e.key === key).length, 0, 'nothing sent while the page is visible');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const shown = ['conversations_enabled', 'ai_search', 'response_suggestions', 'new_editor', 'plan_limits', 'checkout_experiment'];
  await collector.waitFor(() => collector.exposures().filter((e) => e.key === key).length >= shown.length, 10_000);
  const got = collector.exposures().filter((e) => e.key === key);
  const context = (await fetchPage('/', 'ef_user=acme')).bootstrap.context;
  const want = native(current, context, Date.now());
  assert.deepEqual(got.map((e) => e.flagKey).sort(), shown.slice().sort(), 'one exposure per flag shown');
  for (const e of got) {
    assert.equal(e.variation, want[e.flagKey].variation, `${e.flagKey}: the variation shown`);
    assert.equal(e.version, current.version);
  }
  assert.equal(collector.duplicates(), 0);
  await ctx.close();
});

test('the playground shows each flag with its reason and step, and charts a ramp that only adds', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 1600 } });
  const page = await ctx.newPage();
  const wasm = [];
  page.on('request', (r) => /\.wasm(\?|$)/.test(r.url()) && wasm.push(new URL(r.url()).pathname));
  const answers = snapshotAnswers(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/playground`);
  await page.waitForSelector('[data-testid=results] tbody tr', { timeout: 20_000 }).catch((e) => {
    throw new Error(`no results: ${e.message.split('\n')[0]}; .wasm fetched: ${wasm.join(', ')}; page errors: ${errors.join(' | ') || 'none'}`);
  });
  await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
  // Its snapshots are JSON: the page loads the module that reads them (`init(…, { json: true })`).
  // The flags client, started meanwhile, may load the compiled-only one; it is fed the compiled form.
  assert.ok(wasm.some((u) => JSON_MODULE.test(u)), `the module that reads JSON: ${wasm}`);
  assert.deepEqual(wasm.filter((u) => !JSON_MODULE.test(u) && !BROWSERS_MODULE.test(u)), [], 'no other module');
  if (wasm.length > 1) console.log(`playground: also loaded ${wasm.filter((u) => !JSON_MODULE.test(u))} (the flags client)`);
  assertCompiledAnswers(answers, '/playground');
  const context = { key: 'user-1042', tier: 'pro', beta: true, app_version: '2.4.0' };
  const when = Date.parse(await page.locator('[data-testid=time]').inputValue());
  const want = native(example, context, when);
  for (const k of Object.keys(example.flags)) {
    const cells = await page.locator(`[data-testid=results] tr[data-flag="${k}"] td`).allTextContents();
    assert.deepEqual(JSON.parse(cells[1]), want[k].value, `${k}: value`);
    assert.equal(cells[3], want[k].reason, `${k}: reason`);
    if (want[k].ruleId) assert.match(cells[4], new RegExp(`rule "${want[k].ruleId}"`), `${k}: the deciding step`);
    if (want[k].bucket !== undefined) assert.match(cells[4], new RegExp(want[k].bucket.toLocaleString('en')), `${k}: bucket`);
  }

  // conversations_enabled's paid-ramp rule, 10 % → 50 %, over 2,000 pro-tier users.
  const option = await page.locator('[data-testid=rollout] option', { hasText: 'paid-ramp' }).getAttribute('value');
  await page.selectOption('[data-testid=rollout]', option);
  const summary = page.locator('[data-testid=ramp-summary]');
  await page.waitForSelector('[data-testid=ramp-summary]');
  const added = Number(await summary.getAttribute('data-added'));
  const removed = Number(await summary.getAttribute('data-removed'));
  assert.equal(removed, 0, 'raising the ramp removes nobody');
  // Independently: users whose native rollout bucket lies in [10,000, 50,000).
  const expected = nativeBuckets(example, context, 2000).filter((b) => b >= 10_000 && b < 50_000).length;
  assert.equal(added, expected, 'the users added are exactly those bucketed between 10 % and 50 %');
  const chart = page.locator('[data-testid=rollout-chart]');
  const png = await chart.screenshot({ path: join(shots, 'playground-ramp.png') });
  const b = await inspect(page, png);
  assert.ok(b.colours >= 4 && b.inked > 0.05, `the chart is not blank (${b.colours} colours, ${(b.inked * 100).toFixed(1)} % inked)`);
  await page.screenshot({ path: join(shots, 'playground.png'), fullPage: true });
  console.log(`playground: 10 % → 50 % over 2,000 users: ${added} added, ${removed} removed`);

  // The served client-safe snapshot, fetched as JSON and loaded as text by the page's engine.
  await page.click('text=served (client-safe)');
  await page.locator('.meta', { hasText: /client-safe snapshot this app serves \(ETag "\d+-[0-9a-f]{24}"\)/ }).waitFor({ timeout: 5_000 });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=results] tbody tr').length === n, CLIENT_FLAGS.length + 1);
  const wantServed = native(current, context, when);
  for (const k of CLIENT_FLAGS) {
    const cells = await page.locator(`[data-testid=results] tr[data-flag="${k}"] td`).allTextContents();
    assert.deepEqual(JSON.parse(cells[1]), wantServed[k].value, `served snapshot: ${k}`);
  }
  await ctx.close();
});

/** Rollout buckets of `sample-0…` for conversations_enabled, from the native CLI's `bucket`. */
function nativeBuckets(snapshot, context, n) {
  const all = [];
  for (let i = 0; i < n; i++) all.push({ ...context, key: `sample-${i}` });
  return native(snapshot, all, Date.now(), 'conversations_enabled').map((d) => d.bucket);
}

/** A key per arm, found with the native engine. */
function armsFor(arms) {
  const out = {};
  for (let i = 0; Object.keys(out).length < arms.length; i++) {
    const key = `shopper-${i}`;
    const arm = native(current, { key, anonymous: true }, Date.now()).checkout_experiment.value;
    if (!Object.values(out).includes(arm)) out[key] = arm;
  }
  return out;
}

/** Records every change to a flag's shown value or variation from the document's start. */
async function watchFlags(page) {
  await page.addInitScript(() => {
    window.__flagChanges = [];
    const watch = () => {
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.type === 'characterData' ? r.target.parentElement : r.target;
          const flag = el?.closest?.('[data-flag],[data-testid=checkout]');
          if (flag) window.__flagChanges.push(`${r.type} ${r.attributeName ?? ''} in ${flag.dataset.flag ?? 'checkout'}: ${el.textContent}`);
        }
      }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-variation', 'data-variant', 'data-served'] });
    };
    document.addEventListener('DOMContentLoaded', watch);
  });
  return () => page.evaluate(() => window.__flagChanges);
}

/** Every answer the page gets from /api/edgeflag/snapshot: its status, content type, and the Accept sent. */
function snapshotAnswers(page) {
  const seen = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname !== '/api/edgeflag/snapshot') return;
    seen.push({ status: r.status(), type: r.headers()['content-type'] ?? null, accept: r.request().headers().accept ?? null });
  });
  return seen;
}

/** The flags client asked for the compiled form and got it (or a 304). */
function assertCompiledAnswers(answers, label) {
  assert.ok(answers.length > 0, `${label}: the snapshot was requested`);
  for (const a of answers) {
    assert.equal(a.accept, COMPILED, `${label}: asked for the compiled form`);
    assert.ok(a.status === 304 || (a.status === 200 && a.type === COMPILED), `${label}: answered compiled: ${JSON.stringify(a)}`);
  }
}

/** An ordinary page loads the browsers' module, which reads compiled snapshots only, and no other. */
function assertBrowsersModule(urls, label) {
  assert.equal(urls.length, 1, `${label}: one .wasm: ${urls}`);
  assert.match(urls[0], BROWSERS_MODULE, `${label}: the browsers’ module (pkg/build.sh)`);
  assert.ok(!urls.some((u) => /edgeflag_\w+_bg\./.test(u)), `${label}: never another one (JSON, keys, the servers’)`);
}

/** `window.edgeflag.refresh()` in the page, as plain data (the error as its kind). */
function refresh(page) {
  return page.evaluate(async () => {
    const r = await window.edgeflag.refresh();
    const out = { ok: r.ok, status: r.status, changed: r.changed, version: r.version };
    if (r.error) out.kind = r.error.kind ?? String(r.error);
    return out;
  });
}

/** Holds the .wasm request until `release()`: what the page shows before that is the server's. */
function holdWasm(page) {
  let release;
  let delivered = false;
  const gate = new Promise((r) => (release = r));
  const urls = [];
  page.route(/\.wasm(\?|$)/, async (route) => {
    urls.push(new URL(route.request().url()).pathname);
    await gate;
    delivered = true;
    await route.continue();
  });
  return { release: () => release(), delivered: () => delivered, urls };
}

const close = (a, b) => a.every((v, i) => Math.abs(v - b[i]) < 24);

async function waitFor(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

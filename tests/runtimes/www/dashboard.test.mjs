// The operators' dashboard, end to end: the Worker on workerd (Miniflare, the example snapshot in
// its KV) with a `dashboard` (admin) and a `web-app` (read) token; www/ built with `next build`
// and served by `next start`, reading its snapshot from the Worker and subscribed to its pushes.
// In Debian's Chromium (playwright-core), an operator clicks through /dashboard while the app is
// open in other tabs: a kill switch, a stale page's refusal, a ramp and a rollback each reach
// the open app pages by push, without a reload, and show in the history. No token reaches the
// browser in any answer.
// Run: EDGEFLAG_CLI=target/release/edgeflag node --test tests/runtimes/www/dashboard.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { freePort, run, stopAll } from '../processes.mjs';
import { CHROMIUM, root } from '../project.mjs';
import { buildApp, native, readPage, startApp } from './fixtures.mjs';

const shots = join(root, 'target/www-screenshots');
const example = JSON.parse(readFileSync(join(root, 'examples/snapshot.json'), 'utf8'));
const FLAG = 'conversations_enabled';
const PUSHED_MS = 5_000; // a pushed version shows in an open page within this

let worker, server, base, browser, tokens;
let ADMIN_TOKEN, startWorker; // from ../worker/helpers.mjs, once the Worker's packages are there
const answers = []; // every text answer any page received: { url, type, body }
const reading = []; // documents' bodies being read
const contexts = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  // The Worker as worker/build.sh builds it (with Miniflare, its npm packages), unless built.
  if (!existsSync(join(root, 'worker/build/index.js')) || !existsSync(join(root, 'worker/node_modules/miniflare'))) {
    await run(join(root, 'worker/build.sh'), [], { cwd: root }, 900_000);
  }
  ({ ADMIN_TOKEN, startWorker } = await import('../worker/helpers.mjs'));
  worker = await startWorker({ snapshot: example, port: await freePort() });
  tokens = { dashboard: await makeToken('dashboard', 'admin'), read: await makeToken('web-app', 'read') };
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  await buildApp(env);
  ({ base, server } = await startApp({
    ...env,
    EDGEFLAG_SNAPSHOT_URL: `${worker.url}/admin/snapshot`,
    EDGEFLAG_SNAPSHOT_TOKEN: tokens.read,
    EDGEFLAG_SUBSCRIBE_URL: `${worker.url.replace(/^http/, 'ws')}/subscribe`,
    EDGEFLAG_ADMIN_URL: worker.url,
    EDGEFLAG_DASHBOARD_TOKEN: tokens.dashboard,
    EDGEFLAG_SNAPSHOT_TTL_MS: '300',
  }));
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  for (const ctx of contexts) await ctx.unrouteAll({ behavior: 'ignoreErrors' });
  await browser?.close();
  await stopAll();
  await worker?.mf.dispose();
  if (server && process.exitCode) console.log(server.output());
});

async function makeToken(name, role) {
  const res = await fetch(`${worker.url}/admin/tokens`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ name, role }) });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  assert.match(body.token, /^ef_/);
  return body.token;
}

/** The admin API as the test's own client (the bootstrap token: actor `admin`). */
async function admin(method, path, body) {
  const res = await fetch(worker.url + path, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: body && JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/**
 * A browser context signed in as `persona` (none: no one), recording every text answer from the
 * app. Documents through the response event; the rest through a route, since Chromium keeps no
 * body of a streamed answer the page consumed (the server components' payloads). Documents are
 * not fulfilled by the route: one would lose its loopback address, and Chromium's local network
 * access checks would then refuse its WebSocket to the Worker.
 */
async function signedIn(persona) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
  contexts.push(ctx);
  if (persona) await ctx.addCookies([{ name: 'ef_user', value: persona, url: base }]);
  const record = (url, type, body) => /html|javascript|json|x-component|text\//.test(type) && answers.push({ url, type, body });
  ctx.on('response', (r) => {
    if (!r.request().isNavigationRequest() || !r.url().startsWith(base) || (r.status() >= 300 && r.status() < 400)) return;
    reading.push(r.text().then((body) => record(r.url(), r.headers()['content-type'] ?? '', body)));
  });
  await ctx.route(
    (url) => url.origin === base,
    async (route) => {
      if (route.request().isNavigationRequest()) return route.continue();
      const response = await route.fetch({ maxRedirects: 0 });
      const body = await response.body();
      record(route.request().url(), response.headers()['content-type'] ?? '', body.toString('utf8'));
      await route.fulfill({ response, body });
    },
  );
  return ctx;
}

/** The app's home page, open and evaluating in the browser, marked so that a reload would show. */
async function openApp(ctx) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('app page error:', e.message));
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-edgeflag=engine]', { timeout: 20_000 });
  await page.waitForFunction(() => window.edgeflag.live === true, null, { timeout: 10_000 });
  await page.evaluate(() => (window.__sameDocument = true));
  return page;
}

/** What an open app page shows for FLAG, checked to be the document it was opened as. */
async function shown(page) {
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the app page was not reloaded');
  return page.evaluate((k) => ({ value: window.edgeflag.details(k)?.value, version: window.edgeflag.version, text: document.querySelector(`[data-testid="value-${k}"]`)?.textContent }), FLAG);
}

/** Waits until the open app page shows FLAG as `value` (in the client and on screen); the time it took. */
async function pushed(page, value, since) {
  await page.waitForFunction(
    ([k, v]) => window.edgeflag.details(k)?.value === v && document.querySelector(`[data-testid="value-${k}"]`)?.textContent === String(v),
    [FLAG, value],
    { timeout: PUSHED_MS, polling: 20 },
  );
  const ms = Date.now() - since;
  assert.deepEqual((await shown(page)).value, value);
  return ms;
}

const entries = (page) =>
  page.locator('[data-testid=history-entry]').evaluateAll((els) => els.map((e) => ({ version: Number(e.dataset.version), action: e.dataset.action, actor: e.dataset.actor, text: e.textContent })));
const pageVersion = async (page) => Number(await page.locator('[data-testid=flag-page]').getAttribute('data-version'));
/** Waits for the flag's page as of `version`, where a write goes back to, and its message. */
async function wroteVersion(page, version, kind = 'ok') {
  await page.waitForSelector(`[data-testid=flag-page][data-version="${version}"] [data-testid=flash][data-kind=${kind}]`);
  return flash(page);
}
const flash = async (page) => ({ kind: await page.locator('[data-testid=flash]').getAttribute('data-kind'), text: await page.locator('[data-testid=flash]').textContent() });

let operator, dashboard, appBeta, appPro;

test('the flag list: state, owner, staleness and last change of every flag; the health panel', async () => {
  operator = await signedIn('pro-beta');
  dashboard = await operator.newPage();
  dashboard.on('pageerror', (e) => console.error('dashboard page error:', e.message));
  await dashboard.goto(`${base}/`);
  await dashboard.click('nav >> text=Dashboard');
  await dashboard.waitForURL(`${base}/dashboard`);
  const rows = dashboard.locator('[data-testid=flag-row]');
  assert.deepEqual((await rows.evaluateAll((els) => els.map((e) => e.dataset.flag))).sort(), Object.keys(example.flags).sort());
  for (const [key, flag] of Object.entries(example.flags)) {
    const row = dashboard.locator(`[data-testid=flag-row][data-flag="${key}"]`);
    assert.equal(await row.getAttribute('data-on'), String(flag.on), `${key}: state`);
    assert.match(await row.textContent(), new RegExp(flag.metadata.owner), `${key}: owner`);
    assert.match(await row.textContent(), /v7 adopt by kv/, `${key}: last change`);
  }
  // new_editor's expiresAt (2026-09-30) is past: stale, and why.
  const stale = dashboard.locator('[data-flag=new_editor] [data-testid=stale]');
  assert.equal(await stale.getAttribute('data-stale'), 'expired');
  assert.match(await stale.textContent(), /expired 2026-09-30/);
  assert.equal(await dashboard.locator('[data-flag=plan_limits] [data-testid=stale]').count(), 0, 'a fresh flag has no stale badge');
  assert.equal(await dashboard.locator('[data-testid=health]').getAttribute('data-status'), 'ok');
  assert.match(await dashboard.locator('[data-testid=health-serving]').textContent(), /version 7/);
  assert.match(await dashboard.locator('[data-testid=health-writer]').textContent(), /version 7 · KV at 7/);
  await dashboard.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
});

test('the kill switch: the open app page turns the feature off by push, and the history names the dashboard', async () => {
  appBeta = await openApp(operator); // pro-beta: conversations on by the beta-opt-in rule
  assert.deepEqual(await shown(appBeta), { value: true, version: 7, text: 'true' });

  await dashboard.bringToFront();
  await dashboard.click(`[data-flag=${FLAG}] [data-testid=flag-link]`);
  await dashboard.waitForSelector('[data-testid=flag-page]');
  assert.equal(await pageVersion(dashboard), 7);
  assert.equal(await dashboard.locator('[data-testid=flag-state]').textContent(), 'on');
  await dashboard.fill('[data-testid=kill-switch-form] input[name=reason]', 'incident drill');
  const clicked = Date.now();
  await dashboard.click('[data-testid=kill-switch]');
  const ms = await pushed(appBeta, false, clicked);
  console.log(`  kill switch clicked → the open app page shows it off: ${ms} ms`);

  assert.match((await wroteVersion(dashboard, 8)).text, /switched off: version 8/);
  assert.equal(await dashboard.locator('[data-testid=flag-state]').textContent(), 'off');
  const [top] = await entries(dashboard);
  assert.deepEqual([top.version, top.action, top.actor], [8, 'switch-off', 'dashboard']);
  assert.match(top.text, /incident drill/, 'the reason typed');
  assert.match(top.text, /replace\/flags\/conversations_enabled\/onfalse/, 'the patch as rows: op, path, value');

  // The app's own server renders it off too (its snapshot revalidated on the push).
  const served = readPage(await (await fetch(`${base}/`, { headers: { cookie: 'ef_user=pro-beta' } })).text()).bootstrap;
  assert.equal(served.version, 8);
  assert.equal(served.flags[FLAG].reason, 'DISABLED');
});

test('a page loaded before another write is refused (412) and says it changed; then the switch goes back on', async () => {
  // Someone else changes the snapshot while the dashboard shows version 8.
  const other = await admin('POST', '/admin/flags/retry_logic/targets', { variation: 'on', add: ['qa-9'] });
  assert.equal(other.status, 200, JSON.stringify(other.json));
  assert.equal(other.json.version, 9);
  await dashboard.click('[data-testid=kill-switch]'); // "Turn back on", sent with If-Match: "8"
  // Back on the page, as of the current version (9), with the refusal.
  assert.match((await wroteVersion(dashboard, 9, 'stale')).text, /Changed since you loaded it: you saw version 8, version 9 is current/);
  assert.equal((await admin('GET', `/admin/flags/${FLAG}`)).json.flag.on, false, 'nothing was written');

  const clicked = Date.now();
  await dashboard.click('[data-testid=kill-switch]');
  const ms = await pushed(appBeta, true, clicked);
  console.log(`  back on → the open app page shows it on: ${ms} ms`);
  assert.match((await wroteVersion(dashboard, 10)).text, /switched on: version 10/);
  const [top] = await entries(dashboard);
  assert.deepEqual([top.version, top.action, top.actor], [10, 'switch-on', 'dashboard']);
});

test('a ramp to 100 %: the report gains and loses no one, the picture agrees, a pro user gets it by push', async () => {
  const pro = await signedIn('pro'); // user-3001, tier pro, no beta opt-in: bucket 73,895 of paid-ramp
  appPro = await openApp(pro);
  const proContext = readPage(await (await fetch(`${base}/`, { headers: { cookie: 'ef_user=pro' } })).text()).bootstrap.context;
  assert.equal(native(example, proContext, Date.now())[FLAG].ruleId, 'paid-ramp');
  assert.equal((await shown(appPro)).value, false, 'at 10 % the pro user is not in');

  await dashboard.bringToFront();
  await dashboard.selectOption('[data-testid=ramp-rule]', 'paid-ramp');
  assert.equal(await dashboard.inputValue('[data-testid=ramp-percent]'), '10', 'the ramp at its current percent');
  assert.deepEqual(JSON.parse(await dashboard.inputValue('[data-testid=ramp-context]')), { tier: 'pro' }, 'a sample context that reaches the rule');
  await dashboard.fill('[data-testid=ramp-percent]', '100');
  await dashboard.fill('[data-testid=ramp-form] input[name=reason]', 'all paid tiers');
  const clicked = Date.now();
  await dashboard.click('[data-testid=ramp-submit]');
  const ms = await pushed(appPro, true, clicked);
  console.log(`  ramp moved → the open pro page shows it on: ${ms} ms`);

  assert.match((await wroteVersion(dashboard, 11)).text, /rule paid-ramp moved from 10% to 100%: version 11/);
  const report = dashboard.locator('[data-testid=ramp-report]');
  const gained = Number(await report.getAttribute('data-gained'));
  assert.ok(gained > 0, `gained ${gained}`);
  assert.equal(Number(await report.getAttribute('data-lost')), 0);
  // The picture: the same 2,000 users on the versions before and after, evaluated by the app.
  const summary = dashboard.locator('[data-testid=ramp-summary]');
  assert.equal(Number(await summary.getAttribute('data-added')), gained, 'the picture gains whom the report gained');
  assert.equal(Number(await summary.getAttribute('data-removed')), 0);
  assert.match(await summary.textContent(), /at 10 %.*at 100 %/);
  console.log(`  10 % → 100 % over 2,000 pro-tier users: ${gained} gained, 0 lost`);
  await dashboard.screenshot({ path: join(shots, 'dashboard-ramp.png'), fullPage: true });
  const [top] = await entries(dashboard);
  assert.deepEqual([top.version, top.action, top.actor], [11, 'ramp', 'dashboard']);
  assert.match(top.text, /\/flags\/conversations_enabled\/rules\/1\/serve\/rollout\/variations\/0\/weight100000/);
  assert.equal((await shown(appBeta)).value, true, 'the beta user keeps it');
});

test('one click rolls back to a version: a new, higher version with its content, pushed, in the history', async () => {
  const was = await pageVersion(dashboard); // 11
  // v10: the switch back on, before the ramp: paid-ramp at 10 % again.
  const clicked = Date.now();
  await dashboard.click('[data-testid=history-entry][data-version="10"] [data-testid=rollback]');
  const ms = await pushed(appPro, false, clicked);
  console.log(`  rolled back → the open pro page shows it off: ${ms} ms`);
  assert.match((await wroteVersion(dashboard, was + 1)).text, /Rolled back to version 10: its content is published as version 12/);
  assert.equal(await pageVersion(dashboard), 12, 'the version went up');
  const [top] = await entries(dashboard);
  assert.deepEqual([top.version, top.action, top.actor], [12, 'rollback', 'dashboard']);
  const now = (await admin('GET', `/admin/flags/${FLAG}`)).json;
  assert.equal(now.version, 12);
  assert.equal(now.flag.rules[1].serve.rollout.variations[0].weight, 10_000, 'paid-ramp at 10 % again');
  assert.equal(now.flag.on, true);
  assert.equal((await shown(appBeta)).value, true);
  assert.match(await dashboard.locator('[data-testid=health-writer]').textContent(), /version 12 · KV at 12/);
});

test('target lists: tick a key to remove it, type keys to add them; the history shows the lists’ patch', async () => {
  await dashboard.goto(`${base}/dashboard/flags/retry_logic`);
  const was = await pageVersion(dashboard);
  const on = dashboard.locator('[data-testid=targets][data-variation=on]');
  assert.deepEqual(await on.locator('input[name=remove]').evaluateAll((els) => els.map((e) => e.value)), ['test-user-1', 'test-user-2', 'qa-9']);
  await on.locator('input[name=remove][value=test-user-2]').check();
  await on.locator('input[name=add]').fill('qa-10, qa-11');
  await on.locator('input[name=reason]').fill('QA rota');
  await dashboard.click('[data-testid=targets-submit-on]');
  assert.match((await wroteVersion(dashboard, was + 1)).text, /on's targets added 2, removed 1/);
  assert.deepEqual(await on.locator('input[name=remove]').evaluateAll((els) => els.map((e) => e.value)), ['test-user-1', 'qa-9', 'qa-10', 'qa-11']);
  const listed = (await admin('GET', '/admin/flags/retry_logic')).json.flag.targets.find((t) => t.variation === 'on').values;
  assert.deepEqual(listed, ['test-user-1', 'qa-9', 'qa-10', 'qa-11']);
  const [top] = await entries(dashboard);
  assert.deepEqual([top.version, top.action, top.actor], [was + 1, 'targets', 'dashboard']);
  assert.match(top.text, /QA rota/);
  assert.match(top.text, /\/flags\/retry_logic\/targets\/0\/values/);
  // A key already on another list of the same attribute is refused, with the Worker's reason.
  await dashboard.locator('[data-testid=targets][data-variation=off] input[name=add]').fill('qa-9');
  await dashboard.click('[data-testid=targets-submit-off]');
  const refused = await wroteVersion(dashboard, was + 1, 'error');
  assert.match(refused.text, /HTTP 400 invalid_change: .*qa-9/);
});

test('no token is in any answer the browser received', async () => {
  await Promise.all(reading);
  const pages = answers.filter((a) => a.url.startsWith(`${base}/dashboard`));
  assert.ok(pages.length >= 5, `the dashboard's pages and actions were recorded (${pages.length})`);
  assert.ok(answers.some((a) => /javascript/.test(a.type)), 'scripts were recorded');
  assert.ok(answers.some((a) => /x-component/.test(a.type)), 'server actions’ answers were recorded');
  for (const [name, token] of Object.entries({ ...tokens, bootstrap: ADMIN_TOKEN })) {
    const leaks = answers.filter((a) => a.body.includes(token)).map((a) => a.url);
    assert.deepEqual(leaks, [], `the ${name} token is in no answer`);
  }
  console.log(`  ${answers.length} answers checked (${pages.length} from /dashboard)`);
});

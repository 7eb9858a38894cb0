// Counting test in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// a page served from 127.0.0.1 loads the package's `browser` entry, evaluates flags for several
// users with a Reporter whose url is the collector (another origin), and never flushes itself.
// Exposures leave on `visibilitychange` → hidden, on `pagehide` when the page navigates away,
// and on `pagehide` when the page is closed: each time by sendBeacon (a no-cors POST, no
// preflight); with `headers` (a collector key), by a preflighted keepalive fetch. The collector
// must end with exactly the expected exposures and summary counts.
// Usage: node chromium.mjs --project <dir with edgeflag installed>
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { startCollector } from './collector.mjs';
import { CHROMIUM, args, browserImportMap, compileNative } from '../project.mjs';
import { ATTRIBUTES, FLAGS, UNTRACKED, VERSION, testSnapshot, user } from './fixtures.mjs';
import { Expected, compare, describe } from './model.mjs';

const { project: dir } = args();
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

const importMap = browserImportMap(dir);

// Compiled, as pages receive snapshots (docs/compiled.md): the page loads the smallest module.
writeFileSync(join(dir, 'exposures-snapshot.efc'), compileNative(testSnapshot()));
writeFileSync(
  join(dir, 'exposures.html'),
  `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module">
import { init, Engine, Reporter } from 'edgeflag';
const FLAGS = ${JSON.stringify(FLAGS)};
try {
  await init();
  const params = new URL(location.href).searchParams;
  const snapshot = new Uint8Array(await (await fetch('./exposures-snapshot.efc')).arrayBuffer());
  let clock = 0;
  const engine = new Engine(snapshot, {
    now: () => clock,
    exposures: { source: params.get('source'), queueCapacity: 10000, attributes: ${JSON.stringify(ATTRIBUTES)} },
  });
  window.__errors = [];
  // No flush() anywhere: pagehide / visibilitychange are the only way out.
  const headers = params.get('key') ? { 'x-collector-key': params.get('key') } : undefined;
  window.__reporter = new Reporter(engine, { url: params.get('collector'), headers, flushIntervalMs: 0, onError: (e, info) => window.__errors.push(String(e?.message ?? e) + ' final=' + info?.final) });
  window.__evaluate = (users, time) =>
    users.map((u, i) => {
      clock = time + i;
      const scope = engine.context(u);
      const results = Object.keys(FLAGS).map((flagKey) => ({ flagKey, details: scope.evaluate(flagKey, FLAGS[flagKey]) }));
      results.push({ flagKey: 'no_such_flag', details: scope.evaluate('no_such_flag', 'x') });
      results.push({ flagKey: 'plan_limits', details: engine.evaluate('plan_limits', u, {}, { track: false }), track: false });
      engine.values(u, { track: false });
      return { time: clock, results };
    });
  window.__ready = true;
} catch (e) {
  window.__error = String(e?.stack ?? e);
}
</script>
`,
);

const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
const problems = [];
const server = createServer(async (req, res) => {
  const file = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  try {
    if (!file.startsWith(dir + sep)) throw new Error('outside the project');
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
  } catch {
    problems.push(`404 ${req.url}`);
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const collector = await startCollector();

const browser = await chromium.launch(CHROMIUM);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const tracked = (c, source) => c.batches.filter((b) => b.source === source).flatMap((b) => b.summaries).reduce((s, x) => s + x.count, 0);
const stored = (c, source) => c.batches.filter((b) => b.source === source).flatMap((b) => b.exposures).length;
/** Resolves once the collector has everything `expected` says `source` sends. */
const arrived = (source, expected, what) =>
  collector.waitFor((c) => tracked(c, source) >= expected.tracked && stored(c, source) >= expected.exposures.length, 10_000, what);

async function openPage(context, source, key) {
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error (${source}): ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error (${source}): ${e.stack ?? e}`));
  await page.goto(`${origin}/exposures.html?source=${source}&collector=${encodeURIComponent(collector.url)}${key ? `&key=${key}` : ''}`);
  await page.waitForFunction(() => window.__ready || window.__error, null, { timeout: 60_000 });
  const error = await page.evaluate(() => window.__error);
  if (error) throw new Error(`in the page: ${error}`);
  return page;
}
function feed(expected, users, results) {
  results.forEach((r, i) => {
    for (const item of r.results) expected.evaluation({ track: true, ...item, context: users[i], time: r.time });
  });
}
const model = () => new Expected({ version: VERSION, untracked: UNTRACKED, attributes: ATTRIBUTES });

let failed = false;
try {
  const context = await browser.newContext();
  const lines = [];

  // Page 1, phase 1: 12 users, then the tab is hidden (visibilitychange).
  const one = model();
  const page = await openPage(context, 'page-1');
  const users1 = Array.from({ length: 12 }, (_, i) => user(i));
  feed(one, users1, await page.evaluate(([u, t]) => window.__evaluate(u, t), [users1, T0]));
  await sleep(300);
  assert.equal(collector.log.length, 0, 'the page sent something before it was hidden');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await arrived('page-1', one, 'exposures sent on visibilitychange → hidden');
  lines.push(`visibilitychange: ${stored(collector, 'page-1')} exposures in ${collector.log.length} POST(s)`);
  const afterHidden = collector.log.length;

  // Phase 2: visible again; 20 more users, 6 of them seen before (deduplicated); then the page
  // navigates away (pagehide).
  await page.evaluate(() => {
    delete document.visibilityState;
    delete document.hidden;
  });
  const users2 = Array.from({ length: 20 }, (_, i) => user(6 + i));
  feed(one, users2, await page.evaluate(([u, t]) => window.__evaluate(u, t), [users2, T0 + 1000]));
  const errors = [...(await page.evaluate(() => window.__errors))];
  await page.goto('about:blank');
  await arrived('page-1', one, 'exposures sent on pagehide (navigation)');
  lines.push(`pagehide (navigation): ${collector.log.length - afterHidden} POST(s)`);
  const afterNavigation = collector.log.length;

  // Page 2: 15 users, then the page is closed (pagehide).
  const two = model();
  const page2 = await openPage(context, 'page-2');
  const users3 = Array.from({ length: 15 }, (_, i) => user(40 + i));
  feed(two, users3, await page2.evaluate(([u, t]) => window.__evaluate(u, t), [users3, T0 + 5000]));
  errors.push(...(await page2.evaluate(() => window.__errors)));
  await page2.close({ runBeforeUnload: true });
  await arrived('page-2', two, 'exposures sent on pagehide (close)');
  lines.push(`pagehide (close): ${collector.log.length - afterNavigation} POST(s)`);
  const beacons = collector.log.length;

  // Page 3: a Reporter with `headers` (a collector key) cannot use sendBeacon: a keepalive
  // fetch, CORS-preflighted, must still leave when the page closes.
  const three = model();
  const page3 = await openPage(context, 'page-3', 'k-123');
  const users4 = Array.from({ length: 10 }, (_, i) => user(60 + i));
  feed(three, users4, await page3.evaluate(([u, t]) => window.__evaluate(u, t), [users4, T0 + 9000]));
  errors.push(...(await page3.evaluate(() => window.__errors)));
  await page3.close({ runBeforeUnload: true });
  await arrived('page-3', three, 'exposures sent by keepalive fetch on pagehide (close)');
  lines.push(`with headers: ${collector.log.length - beacons} keepalive fetch(es) after ${collector.preflights} preflight(s)`);
  await sleep(500); // anything late (a duplicate) would show now
  assert.deepEqual(errors, []);

  // Page 4: more than the 64 KiB a page may have in flight is waiting when the tab is hidden.
  // What fits leaves at once; the rest stays queued (onError says how much) and leaves with the
  // next flush when the page is back: every exposure once.
  const four = model();
  const page4 = await openPage(context, 'page-4');
  const users5 = Array.from({ length: 100 }, (_, i) => user(100 + i));
  feed(four, users5, await page4.evaluate(([u, t]) => window.__evaluate(u, t), [users5, T0 + 20_000]));
  const beforeBig = collector.log.length;
  await page4.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await sleep(1500);
  const onHide = collector.log.slice(beforeBig);
  const hideBytes = onHide.reduce((s, l) => s + l.bytes, 0);
  const sentOnHide = stored(collector, 'page-4');
  const waiting = (await page4.evaluate(() => window.__errors)).filter((e) => /wait for the next flush/.test(e));
  assert.ok(hideBytes <= 65536, `${hideBytes} bytes sent on hide`);
  assert.ok(sentOnHide > 0 && sentOnHide < four.exposures.length, `${sentOnHide} of ${four.exposures.length} sent on hide`);
  assert.equal(waiting.length, 1, 'onError tells how many exposures wait');
  assert.equal(Number(waiting[0].match(/(\d+) exposures/)[1]), four.exposures.length - sentOnHide);
  await page4.evaluate(() => {
    delete document.visibilityState;
    return window.__reporter.flush();
  });
  await arrived('page-4', four, 'the rest with the next flush');
  lines.push(
    `over the beacon budget: ${sentOnHide} of ${four.exposures.length} exposures on hide (${onHide.length} beacon(s), ` +
      `${hideBytes} bytes), the other ${four.exposures.length - sentOnHide} with the next flush`,
  );
  await page4.close();

  for (const [source, expected] of [['page-1', one], ['page-2', two], ['page-3', three], ['page-4', four]]) {
    const result = compare(collector.batches.filter((b) => b.source === source), expected);
    console.log(describe(`chromium ${source}`, result));
    if (result.problems.length) throw new Error(`${source}:\n  ${result.problems.join('\n  ')}`);
  }
  // Every POST: text/plain, stored once; without headers a beacon (no-cors), with them a
  // CORS fetch carrying the key.
  collector.log.forEach((l, i) => {
    assert.equal(l.outcome, 'stored', JSON.stringify(l));
    assert.match(l.contentType ?? '', /^text\/plain;charset=utf-8$/i);
    // page-4's last batches leave with flush(): a plain fetch.
    if (l.source === 'page-4' && l.mode === 'cors') return;
    if (l.source !== 'page-3') assert.equal(l.mode, 'no-cors', `POST ${l.post} was not a beacon: ${JSON.stringify(l)}`);
    else assert.deepEqual([l.mode, l.key], ['cors', 'k-123'], JSON.stringify(l));
  });
  assert.ok(collector.preflights >= 1);
  console.log(`chromium ${browser.version()}:\n  ${lines.join('\n  ')}`);
  await context.close();
} catch (e) {
  failed = true;
  console.error(`chromium: FAILED\n${e?.stack ?? e}`);
} finally {
  await browser.close();
  server.close();
  await collector.close();
}
if (problems.length) {
  failed = true;
  for (const p of problems) console.error(`chromium: ${p}`);
}
if (failed) process.exit(1);
console.log('chromium: exposure test passed');

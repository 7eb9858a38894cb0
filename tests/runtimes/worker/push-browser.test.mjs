// Push into a browser: a page in Debian's Chromium (playwright-core) runs `edgeflag/client` from
// the packed package against the Worker on workerd, with `subscribeUrl` and no polling; every
// change committed through the admin API must show on the page. Measured: commit → the page's
// listener sees the new value, p50/p99 over 50 changes (a benchmark: the figures are reported,
// the assertion is that every change arrives, in order, with no older version applied).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { freePort } from '../processes.mjs';
import { CHROMIUM, browserImportMap, freshProject, root } from '../project.mjs';
import { identitySnapshot, startWorker } from './helpers.mjs';

let w, site, browser, page;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

before(async () => {
  const dir = freshProject('worker-push', process.env.EDGEFLAG_TARBALL ?? join(root, 'target/runtimes/edgeflag-0.1.0.tgz'));
  w = await startWorker({ snapshot: identitySnapshot(1), port: await freePort() });
  const imports = { ...browserImportMap(dir).imports, 'edgeflag/client': './node_modules/edgeflag/client.js' };
  writeFileSync(
    join(dir, 'push.html'),
    `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports })}</script>
<p id="value">loading</p>
<script type="module">
import { createClient } from 'edgeflag/client';
window.__seen = [];
const client = createClient({
  context: { key: 'u1' },
  snapshotUrl: ${JSON.stringify(`${w.url}/snapshot`)},
  subscribeUrl: ${JSON.stringify(`${w.url}/subscribe`)},
  refreshIntervalMs: 0,
  onError: (e) => console.error(String(e)),
});
client.subscribe(() => {
  const d = client.details('ramp');
  window.__seen.push({ version: client.version, reason: d.reason, at: Date.now() });
  document.getElementById('value').textContent = client.version + ' ' + d.reason;
});
await client.start();
window.__client = client;
</script>`,
  );
  site = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(dir)) return res.writeHead(403).end();
    try {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  browser = await chromium.launch(CHROMIUM);
  page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()));
  await page.goto(`http://127.0.0.1:${site.address().port}/push.html`);
  await page.waitForFunction(() => window.__client?.live === true, null, { timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  site?.close();
  await w?.mf.dispose();
});

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

test('publish → a subscribed Chromium page shows the new value: every one of 50 changes, in order', async () => {
  const latencies = [];
  for (let i = 0; i < 50; i++) {
    const on = i % 2 === 1;
    const start = Date.now();
    const r = await fetch(`${w.url}/admin/flags/ramp/switch`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token' },
      body: JSON.stringify({ on }),
    });
    const { version } = await r.json();
    assert.equal(r.status, 200);
    const seen = await page.waitForFunction((v) => window.__seen.find((s) => s.version === v), version, { timeout: 10_000, polling: 5 });
    const shown = await seen.jsonValue();
    assert.equal(shown.reason, on ? 'SPLIT' : 'DISABLED');
    latencies.push(shown.at - start);
  }
  const versions = await page.evaluate(() => window.__seen.map((s) => s.version));
  assert.deepEqual(versions.slice(-50), Array.from({ length: 50 }, (_, i) => versions.at(-50) + i), 'each version once, in order');
  latencies.sort((a, b) => a - b);
  console.log(`  publish → value shown in Chromium, 50 changes: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms (loopback)`);
});

test('a rollback reaches the page pushed, as any commit does', async () => {
  const target = (await page.evaluate(() => window.__seen.at(-1).version)) - 1;
  const start = Date.now();
  const r = await fetch(`${w.url}/admin/rollback`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ version: target }) });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  const seen = await (await page.waitForFunction((v) => window.__seen.find((s) => s.version === v), body.version, { timeout: 10_000, polling: 5 })).jsonValue();
  const expected = (await (await fetch(`${w.url}/flags/ramp?key=u1`)).json()).result.reason;
  assert.equal(seen.reason, expected, 'the page serves what the Worker serves for the same key');
  console.log(`  rollback to version ${target} (as ${body.version}) shown in Chromium after ${seen.at - start} ms`);
});

test('the socket lost: the client reconnects and catches up; an older version is never applied', async () => {
  const before = await page.evaluate(() => window.__client.version);
  // Restart the Worker's isolates: every socket drops.
  await w.mf.setOptions(w.options);
  const r = await fetch(`${w.url}/admin/flags/ramp/switch`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ on: false }) });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.ok(body.version > before);
  await page.waitForFunction((v) => window.__client.version >= v && window.__client.live, body.version, { timeout: 20_000 });
  const versions = await page.evaluate(() => window.__seen.map((s) => s.version));
  for (let i = 1; i < versions.length; i++) assert.ok(versions[i] > versions[i - 1], `went from ${versions[i - 1]} to ${versions[i]}`);
});

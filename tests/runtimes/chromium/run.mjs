// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): a fresh project is
// served on 127.0.0.1; its page maps `edgeflag` (import map) to the package's `browser` export,
// calls `await init()` (which fetches the compiled-only module beside that entry) and runs every
// vector through the compiled form (`<out>-compiled.json`), checks that module refuses JSON and
// keys; then `init(undefined, { keys: true })` (the module that takes keys and has WebCrypto
// verify, fetched only then) runs the signed compiled cases through `updateAsync`, and
// `init(undefined, { json: true })` every vector through JSON and the signed JSON cases
// (signing.mjs). A second page, whose WebCrypto is made to lack Ed25519, runs the signed compiled
// cases through the fallback module that verifies in Wasm.
// Fails on any console error, page error or failed request.
// Usage: node chromium/run.mjs --tarball edgeflag-0.1.0.tgz --out results/chromium.json
import { readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, args, browserImportMap, compiledOut, compiledVectors, freshProject, root, vectorFiles } from '../project.mjs';
import { signedCases, signedCompiledCases } from '../signing.mjs';

const { tarball, out } = args();
const dir = freshProject('chromium', tarball);
const files = vectorFiles();
writeFileSync(join(dir, 'vectors.json'), JSON.stringify({ files, compiled: compiledVectors(files) }));
const example = readFileSync(join(root, 'examples/snapshot.json'), 'utf8');
const { cases, expected } = signedCases(example);
const compiledSigned = signedCompiledCases(example);
writeFileSync(join(dir, 'signed.json'), JSON.stringify(cases));
writeFileSync(join(dir, 'signed-compiled.json'), JSON.stringify(compiledSigned.cases));

const importMap = browserImportMap(dir);

writeFileSync(
  join(dir, 'index.html'),
  `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module">
import * as edgeflag from 'edgeflag';
import { runVectors } from './conformance.mjs';
import { runSignedAsync } from './signed.mjs';
try {
  if (location.hash === '#no-ed25519') {
    // As in a browser whose WebCrypto has no Ed25519: init({ keys: true }) takes the fallback.
    const verify = crypto.subtle.verify.bind(crypto.subtle);
    crypto.subtle.verify = (a, ...rest) => (String(a?.name ?? a) === 'Ed25519' ? Promise.reject(new DOMException('unsupported', 'NotSupportedError')) : verify(a, ...rest));
    const reads = await edgeflag.init(undefined, { keys: true });
    window.__signedCompiled = await runSignedAsync(edgeflag, await (await fetch('./signed-compiled.json')).json());
    window.__results = JSON.stringify(reads);
    throw 'done';
  }
  await edgeflag.init();
  const { files, compiled } = await (await fetch('./vectors.json')).json();
  // The compiled-only module has no peers' schemes (docs/import.md): it must refuse those files.
  window.__compiled = JSON.stringify(runVectors(edgeflag, files, compiled, { lacks: ['peers'] }));
  const refused = new edgeflag.Engine().update('{"version":1,"generatedAt":0,"flags":{}}');
  window.__refusesJson = refused.ok ? 'loaded JSON' : refused.error.kind;
  try {
    new edgeflag.Engine(undefined, { publicKeys: ['00'.repeat(32)] });
    window.__refusesKeys = 'accepted keys';
  } catch (e) {
    window.__refusesKeys = e.name;
  }
  await edgeflag.init(undefined, { keys: true });
  window.__signedCompiled = await runSignedAsync(edgeflag, await (await fetch('./signed-compiled.json')).json());
  await edgeflag.init(undefined, { json: true });
  window.__signed = await runSignedAsync(edgeflag, await (await fetch('./signed.json')).json());
  window.__results = JSON.stringify(runVectors(edgeflag, files));
} catch (e) {
  if (e !== 'done') window.__error = String(e?.stack ?? e);
}
</script>
`,
);

// A static server for the project folder, with the content types browsers insist on.
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
const served = [];
const problems = [];
const server = createServer(async (req, res) => {
  const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  const file = path.endsWith(sep) ? join(path, 'index.html') : path;
  try {
    if (!file.startsWith(dir + sep)) throw new Error('outside the project');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    served.push(req.url);
  } catch {
    problems.push(`404 ${req.url}`);
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch(CHROMIUM);
let results;
let compiled;
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    else if (m.type() === 'warning') console.log(`chromium: console warning: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.__results || window.__error, null, { timeout: 60_000 });
  let error;
  let signed;
  let refusesJson;
  let refusesKeys;
  let signedCompiled;
  ({ results, compiled, error, signed, refusesJson, refusesKeys, signedCompiled } = await page.evaluate(() => ({
    refusesKeys: window.__refusesKeys,
    signedCompiled: window.__signedCompiled,
    results: window.__results,
    compiled: window.__compiled,
    error: window.__error,
    signed: window.__signed,
    refusesJson: window.__refusesJson,
  })));
  if (error) problems.push(`in the page: ${error}`);
  else {
    assert.deepEqual(signed, expected, 'signed snapshots in Chromium');
    assert.equal(refusesJson, 'unsupported_format', 'the compiled-only module refuses JSON');
    assert.equal(refusesKeys, 'TypeError', 'the compiled-only module refuses keys');
    assert.deepEqual(signedCompiled, compiledSigned.expected, 'signed compiled snapshots in Chromium');
  }
  for (const wasm of ['edgeflag_bg.wasm', 'edgeflag_trust_bg.wasm', 'edgeflag_server_bg.wasm']) {
    if (!served.some((u) => u.endsWith(`/${wasm}`))) problems.push(`the page never fetched ${wasm}`);
  }
  if (served.some((u) => u.endsWith('/edgeflag_keys_bg.wasm'))) problems.push('the page fetched the fallback verifier although WebCrypto has Ed25519');

  // The fallback: a page whose WebCrypto lacks Ed25519 loads the module that verifies in Wasm.
  served.length = 0;
  const fallback = await browser.newPage();
  fallback.on('pageerror', (e) => problems.push(`page error (fallback): ${e.stack ?? e}`));
  fallback.on('console', (m) => m.type() === 'error' && problems.push(`console error (fallback): ${m.text()}`));
  await fallback.goto(`${origin}/#no-ed25519`);
  await fallback.waitForFunction(() => window.__results || window.__error, null, { timeout: 60_000 });
  const f = await fallback.evaluate(() => ({ reads: window.__results, signedCompiled: window.__signedCompiled, error: window.__error }));
  if (f.error) problems.push(`in the fallback page: ${f.error}`);
  else {
    assert.deepEqual(JSON.parse(f.reads), { compiled: true, keys: true, json: false }, 'the fallback module reads');
    assert.deepEqual(f.signedCompiled, compiledSigned.expected, 'signed compiled snapshots through the fallback module');
  }
  if (!served.some((u) => u.endsWith('/edgeflag_keys_bg.wasm'))) problems.push('the fallback page never fetched edgeflag_keys_bg.wasm');
  if (served.some((u) => u.endsWith('/edgeflag_trust_bg.wasm'))) problems.push('the fallback page fetched the WebCrypto module');
  console.log(`chromium ${browser.version()}: ${importMap.imports.edgeflag} via import map; served ${served.join(' ')}`);
} finally {
  await browser.close();
  server.close();
}
if (problems.length) {
  for (const p of problems) console.error(`chromium: ${p}`);
  process.exit(1);
}
writeFileSync(resolve(out), results);
writeFileSync(resolve(compiledOut(out)), compiled);
console.log(`chromium: results in ${out} and ${compiledOut(out)}`);

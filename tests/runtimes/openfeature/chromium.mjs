// Runs page.mjs in headless Chromium (Debian's /usr/bin/chromium via playwright-core) from the
// fresh project: an import map points `edgeflag` at the package's browser entry, its
// `openfeature/web` subpath at the installed file, and the web SDK at tests/runtimes/node_modules.
// Fails on any console error, page error or failed request.
import { copyFileSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const chromiumPath = '/usr/bin/chromium';

export async function runInChromium(dir, sdkDir) {
  copyFileSync(join(here, 'page.mjs'), join(dir, 'page.mjs'));
  const importMap = {
    imports: {
      edgeflag: './node_modules/edgeflag/browser.js',
      'edgeflag/openfeature/web': './node_modules/edgeflag/openfeature/web.js',
      '@openfeature/web-sdk': '/sdk/web-sdk/dist/esm/index.js',
      '@openfeature/core': '/sdk/core/dist/esm/index.js',
    },
  };
  const html = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module" src="./page.mjs"></script>
`;
  const roots = [['/sdk/', sdkDir], ['/', dir]];
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
  const served = [];
  const problems = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    try {
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        return;
      }
      const [prefix, root] = roots.find(([p]) => path.startsWith(p));
      const file = normalize(join(root, path.slice(prefix.length)));
      if (!file.startsWith(root + sep)) throw new Error('outside the roots');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
      served.push(path);
    } catch {
      problems.push(`404 ${req.url}`);
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.stack ?? e}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => window.__result, null, { timeout: 60_000 });
    const result = await page.evaluate(() => window.__result);
    problems.push(...result.failures);
    if (!served.some((u) => u.endsWith('.wasm'))) problems.push('the page never fetched the .wasm');
    if (problems.length) throw new Error(`chromium:\n  ${problems.join('\n  ')}`);
    return { version: browser.version(), cases: result.cases };
  } finally {
    await browser.close();
    server.close();
  }
}

export const haveChromium = () => existsSync(chromiumPath);

// Next.js edge runtime: a fresh App Router app whose `runtime = 'edge'` route handler imports
// `edgeflag` (the `edge-light` export, which takes the .wasm through a `?module` import) is built
// with the real `next build`, served by `next start`, and sent every vector in a POST.
// Usage: node next/run.mjs --tarball edgeflag-0.1.0.tgz --out results/next.json
// Next.js 16.4.6 (tests/runtimes/package.json) with Turbopack, its default bundler: `next build
// --webpack` fails in 16.4.6 even for a plain edge route without edgeflag (ENOENT
// route_client-reference-manifest.js). `next start` lets edge code compile Wasm from bytes, so the
// route first imports no-wasm-codegen.js, which forbids that as Vercel Edge does.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, ready, run, start, stopAll as stop } from '../processes.mjs';
import { args, compiledOut, compiledVectors, freshProject, here, vectorFiles } from '../project.mjs';

const { tarball, out } = args();
const NEXT = join(here, 'node_modules/next/dist/bin/next');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const next = (argv) => [NEXT, ...argv];

const dir = freshProject('next', tarball);
main().then(
  () => stop(),
  async (e) => {
    console.error(`next: FAILED: ${e.message}`);
    await stop();
    process.exit(1);
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop().then(() => process.exit(1)));

async function main() {
  writeApp();
  let t = Date.now();
  await run(process.execPath, next(['build']), { cwd: dir, env }, 300_000);
  console.log(`next: build took ${((Date.now() - t) / 1000).toFixed(1)} s`);
  checkBundle();

  t = Date.now();
  const port = await freePort();
  const server = start(process.execPath, next(['start', '-p', String(port), '-H', '127.0.0.1']), { cwd: dir, env });
  const url = `http://127.0.0.1:${port}/api/vectors`;
  try {
    await ready(url, server, 60_000);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: vectorFiles(), compiled: compiledVectors() }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`POST ${url}: HTTP ${res.status}\n${body.slice(0, 2000)}`);
    const rt = res.headers.get('x-edge-runtime');
    const guard = res.headers.get('x-wasm-codegen');
    if (rt !== 'edge-runtime') throw new Error(`the route did not run on the edge runtime (EdgeRuntime = ${rt})`);
    if (guard !== 'blocked') throw new Error(`the no-Wasm-compilation guard is not active (${guard})`);
    const { json, compiled } = JSON.parse(body);
    writeFileSync(resolve(out), JSON.stringify(json));
    writeFileSync(resolve(compiledOut(out)), JSON.stringify(compiled));
  } catch (e) {
    e.message += `\n--- next start output ---\n${server.output()}`;
    throw e;
  }
  console.log(`next: start + POST took ${((Date.now() - t) / 1000).toFixed(1)} s; results in ${out} and ${compiledOut(out)}`);
}

function writeApp() {
  // Both roots at tests/runtimes, where `next` is installed (Turbopack must see it inside its root).
  writeFileSync(
    join(dir, 'next.config.mjs'),
    `export default ${JSON.stringify({ turbopack: { root: here }, outputFileTracingRoot: here })};\n`,
  );
  copyFileSync(join(here, 'next/no-wasm-codegen.js'), join(dir, 'no-wasm-codegen.js'));
  const route = join(dir, 'app/api/vectors');
  mkdirSync(route, { recursive: true });
  writeFileSync(
    join(route, 'route.js'),
    `import { status } from '../../../no-wasm-codegen.js';
import * as edgeflag from 'edgeflag';
import { runBoth } from '../../../conformance.mjs';

export const runtime = 'edge';

export async function POST(request) {
  const headers = { 'x-edge-runtime': String(globalThis.EdgeRuntime), 'x-wasm-codegen': status };
  return Response.json(runBoth(edgeflag, await request.json()), { headers });
}
`,
  );
}

/** The route is an edge function with the .wasm as a Wasm binding, bundled from edge-light.js. */
function checkBundle() {
  const manifest = JSON.parse(readFileSync(join(dir, '.next/server/middleware-manifest.json'), 'utf8'));
  const fn = manifest.functions['/api/vectors/route'];
  if (!fn) throw new Error('/api/vectors is not an edge function in middleware-manifest.json');
  const wasm = fn.wasm.filter((w) => /edgeflag(_server)?_bg/.test(w.filePath));
  if (!wasm.length) throw new Error('edgeflag_server_bg.wasm is not a Wasm binding of the edge function');
  const entries = new Set();
  for (const f of fn.files) {
    const map = join(dir, '.next', `${f}.map`);
    if (!existsSync(map)) continue;
    for (const s of JSON.parse(readFileSync(map, 'utf8')).sources) {
      const m = /node_modules\/edgeflag\/([^/]+\.js)$/.exec(s);
      if (m) entries.add(m[1]);
    }
  }
  const list = [...entries].join(', ') || 'none';
  if (!entries.has('edge-light.js') || entries.size !== 1) throw new Error(`bundled edgeflag entries: ${list}; want edge-light.js only`);
  console.log(`next: bundled edgeflag/${list}; Wasm bindings: ${wasm.map((w) => w.filePath).join(', ')}`);
  if (wasm.length > 1) console.warn(`next: warning: the .wasm is in the edge function ${wasm.length} times`);
}

// Cold start in workerd: time from module import to first evaluation with an N-flag snapshot.
// workerd's clocks stand still during synchronous code (Spectre mitigation), so this times from
// outside: fresh Miniflare instances (own workerd process) of (a) a Worker that imports
// `edgeflag`, builds `new Engine(snapshot)` on the first request and evaluates one flag, and
// (b) the same Worker without edgeflag (baseline). a − b is our cost. Node, timed inside with
// performance.now, is the cross-check. A benchmark: times are printed, not asserted; the
// evaluated result is checked against the native CLI.
// Usage: node workerd/coldstart.mjs --tarball edgeflag-0.1.0.tgz [--flags 1000] [--runs 15]
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Miniflare } from 'miniflare';
import { args, freshProject, root } from '../project.mjs';
import { bundleWorker, workerOptions } from './bundle.mjs';

const { tarball, flags = '1000', runs = '15' } = args();
const N = Number(runs);
const NOW = '2026-11-21T00:00:00Z'; // fixed clock, so the CLI and the engine agree
const CONTEXT = { key: 'user-1' };

const cli = join(root, 'target/release/edgeflag');
if (!existsSync(cli)) execFileSync('cargo', ['build', '--release'], { cwd: root, stdio: 'inherit' });
const dir = freshProject('workerd-coldstart', tarball);
const snapshotText = execFileSync(cli, ['generate', '--flags', flags], { encoding: 'utf8', maxBuffer: 1 << 30 });
writeFileSync(join(dir, 'snapshot.txt'), snapshotText);
const flagKey = Object.keys(JSON.parse(snapshotText).flags)[0];
const expected = JSON.parse(
  execFileSync(cli, ['eval', join(dir, 'snapshot.txt'), '--flag', flagKey, '--context', JSON.stringify(CONTEXT), '--now', NOW], { encoding: 'utf8' }),
);

// (a) with edgeflag, (b) baseline: same snapshot module, same response path.
const worker = (withEngine) => `${withEngine ? "import { Engine } from 'edgeflag';\n" : ''}import snapshot from './snapshot.txt';
let engine;
export default {
  fetch() {
    ${withEngine
      ? `engine ??= new Engine(snapshot, { now: () => ${Date.parse(NOW)} });
    return Response.json(engine.evaluate(${JSON.stringify(flagKey)}, ${JSON.stringify(CONTEXT)}));`
      : 'return Response.json({ length: snapshot.length });'}
  },
};
`;
writeFileSync(join(dir, 'with.mjs'), worker(true));
writeFileSync(join(dir, 'baseline.mjs'), worker(false));
const scripts = {
  with: (await bundleWorker(join(dir, 'with.mjs'), join(dir, 'dist-with'))).scriptPath,
  baseline: (await bundleWorker(join(dir, 'baseline.mjs'), join(dir, 'dist-baseline'))).scriptPath,
};

/** One cold instance: startup (new Miniflare → ready; workerd runs module imports here) and first request, in ms. */
async function cold(scriptPath) {
  const t0 = performance.now();
  const mf = new Miniflare(workerOptions(scriptPath));
  await mf.ready;
  const t1 = performance.now();
  const res = await mf.dispatchFetch('http://localhost/');
  const body = await res.json();
  const t2 = performance.now();
  await mf.dispose();
  if (!res.ok) throw new Error(`worker answered ${res.status}`);
  return { startup: t1 - t0, request: t2 - t1, body };
}

const times = { with: [], baseline: [] };
await cold(scripts.baseline); // warm up Node, miniflare and the OS caches; not counted
for (let i = 0; i < N; i++) {
  for (const kind of i % 2 ? ['baseline', 'with'] : ['with', 'baseline']) {
    const r = await cold(scripts[kind]);
    if (kind === 'with' && !isDeepStrictEqual(r.body, expected)) {
      throw new Error(`wrong result in workerd: ${JSON.stringify(r.body)}, want ${JSON.stringify(expected)}`);
    }
    times[kind].push(r);
  }
}

// Node cross-check: a fresh process per run, each phase timed inside.
writeFileSync(
  join(dir, 'node-measure.mjs'),
  `import { readFileSync } from 'node:fs';
const text = readFileSync('snapshot.txt', 'utf8');
const t0 = performance.now();
const { Engine } = await import('edgeflag');
const t1 = performance.now();
const engine = new Engine(text, { now: () => ${Date.parse(NOW)} });
const t2 = performance.now();
const result = engine.evaluate(${JSON.stringify(flagKey)}, ${JSON.stringify(CONTEXT)});
const t3 = performance.now();
console.log(JSON.stringify({ import: t1 - t0, engine: t2 - t1, evaluate: t3 - t2, result }));
`,
);
const node = [];
for (let i = 0; i < N; i++) {
  const r = JSON.parse(execFileSync('node', ['node-measure.mjs'], { cwd: dir, encoding: 'utf8' }));
  if (!isDeepStrictEqual(r.result, expected)) throw new Error(`wrong result in Node: ${JSON.stringify(r.result)}`);
  node.push(r);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`.padStart(14);
const row = (name, ...cells) => console.log(`${name.padEnd(40)}${cells.map(ms).join('')}`);
const head = (name, ...cols) => console.log(`\n${name.padEnd(40)}${cols.map((c) => c.padStart(14)).join('')}`);
const m = (kind, f) => median(times[kind].map(f));

console.log(`\n${flags}-flag snapshot (${(snapshotText.length / 1024).toFixed(0)} KB), first flag ${flagKey} for ${JSON.stringify(CONTEXT)}: ${JSON.stringify(expected.value)} (${expected.reason}), same as native`);
head(`workerd: median of ${N} fresh instances`, 'with edgeflag', 'baseline', 'difference');
row('startup: module import (+ workerd)', m('with', (t) => t.startup), m('baseline', (t) => t.startup), m('with', (t) => t.startup) - m('baseline', (t) => t.startup));
row('1st request: new Engine + evaluate', m('with', (t) => t.request), m('baseline', (t) => t.request), m('with', (t) => t.request) - m('baseline', (t) => t.request));
const total = (t) => t.startup + t.request;
row('total', m('with', total), m('baseline', total), m('with', total) - m('baseline', total));
head(`Node ${process.version}: median of ${N} processes`, 'time');
row('import edgeflag (compile + instantiate)', median(node.map((r) => r.import)));
row('new Engine(snapshot text)', median(node.map((r) => r.engine)));
row('first evaluate', median(node.map((r) => r.evaluate)));
row('total', median(node.map((r) => r.import + r.engine + r.evaluate)));

// Load test of GET /flags on the Worker on workerd over loopback, bounded in time and requests,
// with the example snapshot and a 1,000-flag synthetic one (500 client-visible flags).
//
// Two measurements per snapshot:
// - latency: one connection, requests one after another, each timed with a µs clock (autocannon
//   reports whole milliseconds), alternating with requests to a trivial Worker in the same
//   workerd that answers as many bytes (the baseline: what the client, loopback HTTP and workerd
//   cost before any edgeflag code runs); p50/p99 minus the baseline's is the Worker's own share;
// - throughput: autocannon with several connections for a fixed time (and a request cap).
// Usage: node load.mjs [--seconds 10] [--connections 8] [--latency-requests 3000] [--json out.json]
// Needs the built Worker (build.sh) and the edgeflag CLI (cargo build --release -p edgeflag-cli).
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Miniflare, localOptions, seedSnapshot, workerDir } from './local.mjs';

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    'max-requests': { type: 'string', default: '200000' },
    'latency-requests': { type: 'string', default: '3000' },
    json: { type: 'string' },
    scenario: { type: 'string' },
  },
});
const root = join(workerDir, '..');
const ADMIN_TOKEN = 'load-test';
const quiet = { handleRuntimeStdio: (out, err) => (out.resume(), err.resume()) };
// New users: each request a key the isolate has not seen. Returning users: 100 keys, seen
// during the warm-up, so their exposures are already recorded (the steady state of a site).
const paths = (query = '', users = 100000) => Array.from({ length: 100000 }, (_, i) => `/flags?key=user-${i % users}${query}`);

/** Paired: requests alternate between the Worker and the baseline (a second Worker in the same
 * workerd, answering as many bytes), one connection each, so both see the same moments of a
 * noisy machine; each request timed with a µs clock. */
async function latency(url, list, headers, baselineBytes) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const baseAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (a, path, h) =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      http
        .get(url + path, { agent: a, headers: h }, (r) => {
          r.on('data', () => {});
          r.on('end', () => (r.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1000) : reject(new Error(`${r.statusCode}`))));
        })
        .on('error', reject);
    });
  const n = Number(opt['latency-requests']);
  const warm = Math.min(500, n);
  const us = [];
  const base = [];
  for (let i = 0; i < n + warm; i++) {
    const t = await get(agent, list[i % list.length], headers);
    const b = baselineBytes ? await get(baseAgent, `/?bytes=${baselineBytes}`, { host: BASELINE_HOST }) : 0;
    if (i >= warm) us.push(t), base.push(b);
  }
  agent.destroy();
  baseAgent.destroy();
  const pick = (xs, q) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]);
  const out = { p50us: pick(us, 0.5), p99us: pick(us, 0.99) };
  if (baselineBytes) Object.assign(out, { baseP50us: pick(base, 0.5), baseP99us: pick(base, 0.99) });
  return out;
}

async function throughput(url, list, headers) {
  let i = 0;
  const r = await autocannon({
    url,
    connections: Number(opt.connections),
    duration: Number(opt.seconds),
    maxOverallRequests: Number(opt['max-requests']),
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: list[i++ % list.length] }) }],
  });
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return { reqPerSec: Math.round(r.requests.total / r.duration), loadedP50ms: r.latency.p50, loadedP99ms: r.latency.p99, requests: r.requests.total };
}

async function measure(name, mf, list, headers = {}, check = () => {}) {
  const url = (await mf.ready).toString().replace(/\/$/, '');
  const text = await (await fetch(url + list[0], { headers })).text();
  check(JSON.parse(text));
  const paired = !name.startsWith('trivial');
  const lat = await latency(url, list, headers, paired && Buffer.byteLength(text));
  const thr = await throughput(url, list.slice(list.length / 2), headers);
  await mf.dispose();
  return { name, ...lat, ...thr, responseBytes: text.length };
}

async function worker(snapshotText) {
  // The Queue's consumer runs elsewhere in production; here it would share the two cores with
  // the Worker and the client, so messages stay in the local Queue (the sends are measured).
  const { host, port, cf, kvPersist, r2Persist, queuesPersist, ...edgeflag } = localOptions({ port: 0, secrets: { ADMIN_TOKEN } });
  const mf = new Miniflare({
    host,
    port,
    cf,
    workers: [{ name: 'edgeflag', ...edgeflag, queueConsumers: {} }, { name: 'baseline', ...trivialWorker, routes: [`${BASELINE_HOST}/*`] }],
    ...quiet,
  });
  await seedSnapshot(mf, snapshotText);
  return mf;
}

// The baseline: answers `?bytes=N` with N bytes (as many as the Worker's answer), nothing else.
const BASELINE_HOST = 'baseline.test';
const trivialWorker = {
  modules: true,
  compatibilityDate: '2025-09-01',
  script: `const bodies = new Map();
export default {
  fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('bytes')) || 2;
    if (!bodies.has(n)) bodies.set(n, '{' + ' '.repeat(Math.max(0, n - 2)) + '}');
    return new Response(bodies.get(n), { headers: { 'content-type': 'application/json; charset=utf-8' } });
  },
};`,
};
const trivial = () => new Miniflare({ ...trivialWorker, host: '127.0.0.1', port: 0, ...quiet });
const flagCount = (n) => (b) => {
  if (Object.keys(b.flags ?? {}).length !== n) throw new Error(`expected ${n} flags: ${JSON.stringify(b).slice(0, 200)}`);
};

const example = readFileSync(join(root, 'examples/snapshot.json'), 'utf8');
const big = execFileSync(join(root, 'target/release/edgeflag'), ['generate', '--flags', '1000'], { maxBuffer: 1 << 28 }).toString();
const preview = { authorization: `Bearer ${ADMIN_TOKEN}` };
const returning = paths('', 100);
const scenarios = [
  () => measure('trivial Worker alone (2-byte answer)', trivial(), paths()),
  async () => measure('example (6 client-visible flags), new users', await worker(example), paths(), {}, flagCount(6)),
  async () => measure('example, returning users', await worker(example), returning, {}, flagCount(6)),
  async () => measure('1,000 flags (500 client-visible), new users', await worker(big), paths(), {}, flagCount(500)),
  async () => measure('1,000 flags, returning users', await worker(big), returning, {}, flagCount(500)),
  async () => measure('1,000 flags, no exposures (?at= preview)', await worker(big), paths('&at=2026-11-22T12:00:00Z'), preview, flagCount(500)),
];
if (opt.scenario !== undefined) {
  // One scenario per process: measured in one process after another, later ones were slower.
  process.stdout.write(JSON.stringify(await scenarios[Number(opt.scenario)]()));
  process.exit(0);
}
const results = scenarios.map((_, i) => {
  const args = [fileURLToPath(import.meta.url), '--scenario', String(i)];
  for (const k of ['seconds', 'connections', 'max-requests', 'latency-requests']) args.push(`--${k}`, opt[k]);
  return JSON.parse(execFileSync(process.execPath, args, { maxBuffer: 1 << 24 }).toString());
});
for (const r of results.slice(1)) {
  r.p50OverBaselineUs = r.p50us - r.baseP50us;
  r.p99OverBaselineUs = r.p99us - r.baseP99us;
}
console.table(
  results.map(({ name, p50us, p99us, p50OverBaselineUs, p99OverBaselineUs, reqPerSec, loadedP99ms }) => ({
    name,
    'p50 µs': p50us,
    'p99 µs': p99us,
    'p50 − base': p50OverBaselineUs ?? '',
    'p99 − base': p99OverBaselineUs ?? '',
    'req/s': reqPerSec,
    [`p99 ms at ${opt.connections} conn.`]: loadedP99ms,
  })),
);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ connections: Number(opt.connections), seconds: Number(opt.seconds), results }, null, 2));

// Counting test in workerd (miniflare): a Worker bundled from the tarball's `workerd` entry keeps
// one engine and reporter per isolate (module scope, as an application would), evaluates flags
// for each request's user and hands `reporter.flush()` to `ctx.waitUntil`. The collector holds
// its answer to the first request's batch: the Worker's response arrives while the flush is
// still waiting, so the response did not wait for it. Then N requests across M users (some in
// parallel, so flushes overlap across requests) and the collector ends with exactly the
// expected exposures and summary counts, two POSTs answered 503 on the way notwithstanding.
// Usage: node workerd.mjs --project <dir with edgeflag installed>
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { bundleWorker, workerOptions } from '../workerd/bundle.mjs';
import { startCollector } from './collector.mjs';
import { args } from '../project.mjs';
import { ATTRIBUTES, FLAGS, UNTRACKED, VERSION, testSnapshot, user } from './fixtures.mjs';
import { Expected, compare, describe } from './model.mjs';

const { project } = args();
const N = Number(process.env.WORKERD_REQUESTS ?? 400);
const M = 40;
const PARALLEL = 8;

writeFileSync(join(project, 'exposures-snapshot.json'), JSON.stringify(testSnapshot()));
writeFileSync(
  join(project, 'exposures-worker.mjs'),
  `import { Engine, Reporter } from 'edgeflag';
import snapshot from './exposures-snapshot.json';

const FLAGS = ${JSON.stringify(FLAGS)};
let clock = 0;
let order = 0;
const errors = [];
// One engine per isolate, made at module scope.
const engine = new Engine(snapshot, { now: () => clock, exposures: { queueCapacity: 10000, attributes: ${JSON.stringify(ATTRIBUTES)} } });
let reporter; // the collector's URL comes with the first request's env

export default {
  async fetch(request, env, ctx) {
    reporter ??= new Reporter(engine, {
      url: env.COLLECTOR,
      retry: { attempts: 5, baseMs: 20, maxMs: 200 },
      onError: (e, info) => errors.push({ message: String(e?.message ?? e), final: info?.final }),
    });
    const url = new URL(request.url);
    if (url.pathname === '/stats') return Response.json({ errors, pending: engine.pendingExposures, recording: engine.recording });
    const u = JSON.parse(url.searchParams.get('user'));
    clock = Date.now();
    const scope = engine.context(u);
    const results = Object.keys(FLAGS).map((flagKey) => ({ flagKey, details: scope.evaluate(flagKey, FLAGS[flagKey]) }));
    results.push({ flagKey: 'no_such_flag', details: scope.evaluate('no_such_flag', 'x') });
    results.push({ flagKey: 'checkout_experiment', details: engine.evaluate('checkout_experiment', u, 'control', { track: false }), track: false });
    const body = JSON.stringify({ order: ++order, user: u.key, time: clock, results });
    ctx.waitUntil(reporter.flush());
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  },
};
`,
);
const { scriptPath, inputs } = await bundleWorker(join(project, 'exposures-worker.mjs'), join(project, 'dist-exposures'));
if (!inputs.some((f) => f.endsWith('node_modules/edgeflag/workerd.js'))) throw new Error(`workerd.js not bundled: ${inputs}`);

const collector = await startCollector({ hold: true });
const worker = (bindings) => new Miniflare({ ...workerOptions(scriptPath), bindings });
const mf = worker({ COLLECTOR: collector.url });
const ask = async (mfi, u) => {
  const res = await mfi.dispatchFetch(`http://worker.test/?user=${encodeURIComponent(JSON.stringify(u))}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`worker answered ${res.status}: ${text}`);
  return JSON.parse(text);
};
let failed = false;
try {
  // 1. The response comes back while the collector still holds the flush's POST unanswered.
  const started = Date.now();
  const first = await Promise.race([
    ask(mf, user(0)),
    new Promise((_, fail) => setTimeout(() => fail(new Error('no response while the collector holds the flush: the response waited for it')), 10_000)),
  ]);
  const answeredAt = Date.now();
  const postsThen = collector.log.length;
  await collector.waitFor((c) => c.log.length >= 1, 10_000, 'the first flush reaching the collector');
  const postAt = collector.log[0].at;
  console.log(
    `workerd: first response after ${answeredAt - started} ms, with ${postsThen} POST(s) at the collector and none answered; ` +
      `the flush's POST ${postAt <= answeredAt ? 'had arrived' : `arrived ${postAt - answeredAt} ms later`}, answered only when released`,
  );
  // Every collector answer held so far is still unanswered: the flush cannot have finished before
  // the response. Let it go, then answer late from now on so that flushes overlap, and fail the
  // next two POSTs (503) so that retries wait on timers inside waitUntil.
  collector.set({ hold: false, delayMs: 25, failFirst: collector.log.length + 2 });

  // 2. N requests across M users, PARALLEL at a time.
  const responses = [first];
  const queue = Array.from({ length: N - 1 }, (_, i) => user((i + 1) % M));
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (queue.length) responses.push(await ask(mf, queue.shift()));
    }),
  );
  responses.sort((a, b) => a.order - b.order);
  assert.deepEqual(responses.map((r) => r.order), responses.map((_, i) => i + 1));
  // The model sees the evaluations in the order the Worker made them.
  const expected = new Expected({ version: VERSION, untracked: UNTRACKED, attributes: ATTRIBUTES });
  const byKey = new Map(Array.from({ length: M }, (_, i) => [user(i).key, user(i)]));
  for (const r of responses) for (const item of r.results) expected.evaluation({ track: true, ...item, context: byKey.get(r.user), time: r.time });

  // 3. The flushes ride on waitUntil; wait for the last of them.
  await collector.waitFor(
    (c) => c.summaries().reduce((s, x) => s + x.count, 0) >= expected.tracked && c.exposures().length >= expected.exposures.length,
    20_000,
    'every flush of the Worker',
  );
  await new Promise((ok) => setTimeout(ok, 300)); // anything late (a duplicate) would show now
  const stats = await (await mf.dispatchFetch('http://worker.test/stats')).json();
  assert.deepEqual(stats.errors.filter((e) => e.final !== false), []);
  assert.equal(stats.errors.length, 2, JSON.stringify(stats.errors));
  const result = compare(collector.batches, expected);
  console.log(describe(`workerd (${N} requests, ${M} users, ${PARALLEL} in parallel)`, result));
  console.log(`  POSTs ${collector.log.length}, of which answered 503 and retried ${collector.log.filter((l) => l.outcome === 'failed').length}; worker reports pending=${stats.pending}, onError calls ${stats.errors.length} (none final)`);
  if (result.problems.length) throw new Error(result.problems.join('\n  '));

  // 4. Another isolate (a cold start elsewhere) sends under its own source: module scope has
  // no crypto in workerd, and a shared source would make the collector drop its batches as
  // already stored.
  const other = worker({ COLLECTOR: collector.url });
  try {
    const before = new Set(collector.batches.map((b) => b.source));
    await ask(other, user(1));
    await collector.waitFor((c) => c.batches.some((b) => !before.has(b.source)) || c.duplicates() > 0, 10_000, 'the second isolate');
    assert.equal(collector.duplicates(), 0, 'the second isolate sent under the first one\'s source');
    console.log(`workerd: a second isolate sent as ${collector.batches.at(-1).source} (first: ${[...before].join(',')})`);
  } finally {
    await other.dispose();
  }
} catch (e) {
  failed = true;
  console.error(`workerd: FAILED\n${e?.stack ?? e}`);
} finally {
  await mf.dispose();
  await collector.close();
}
if (failed) process.exit(1);
console.log('workerd: exposure test passed');

// Counting tests in Node: the package from the tarball (a fresh project made by run.mjs), a
// Reporter posting to the collector over real HTTP on 127.0.0.1.
// Usage: node node.mjs --project <dir with edgeflag installed>
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import xxhash from 'xxhash-wasm';
import { startCollector } from './collector.mjs';
import { args } from '../project.mjs';
import { ATTRIBUTES, FLAGS, UNTRACKED, VERSION, random, testSnapshot, user } from './fixtures.mjs';
import { Expected, compare, describe } from './model.mjs';

const { project } = args();
const { Engine, Reporter } = await import(pathToFileURL(join(project, 'edgeflag.mjs')).href);

// Nothing may reject unhandled, anywhere in this process.
const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(e));

const snapshot = testSnapshot();
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
const TEXT_PLAIN = 'text/plain;charset=UTF-8';
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Throws with the problems of a comparison, after printing its numbers. */
function expectExact(name, batches, expected, options) {
  const result = compare(batches, expected, options);
  console.log(describe(name, result));
  if (result.problems.length) throw new Error(`${name}:\n  ${result.problems.join('\n  ')}`);
  return result.numbers;
}

/** Every POST the collector saw was a stored batch, sent as text/plain, within maxBatchBytes. */
function cleanDelivery(collector, maxBatchBytes = 60_000) {
  for (const l of collector.log) {
    assert.equal(l.contentType?.toLowerCase(), TEXT_PLAIN.toLowerCase(), `content-type of POST ${l.post}`);
    assert.ok(l.bytes <= maxBatchBytes, `POST ${l.post}: ${l.bytes} bytes > ${maxBatchBytes}`);
  }
}

// The call patterns of an application: each makes one call on `engine` (recording) and returns
// what was evaluated, with details; `ref` (not recording) supplies details where the call
// returns values only, and checks the recording engine answers the same.
const flagKeys = Object.keys(FLAGS);
const typed = (flag) => {
  const d = FLAGS[flag];
  return typeof d === 'boolean' ? 'Boolean' : typeof d === 'string' ? 'String' : 'Json';
};
const patterns = [
  // evaluate()
  [6, (engine, ref, u, pick) => {
    const f = pick(flagKeys);
    const details = engine.evaluate(f, u, FLAGS[f]);
    assert.deepEqual(details, ref.evaluate(f, u, FLAGS[f]));
    return [{ flagKey: f, details }];
  }],
  // typed *Details getters
  [3, (engine, ref, u, pick) => {
    const f = pick(flagKeys);
    const details = engine[`get${typed(f)}Details`](f, u, FLAGS[f]);
    return [{ flagKey: f, details }];
  }],
  // typed value getters
  [3, (engine, ref, u, pick) => {
    const f = pick(flagKeys);
    const value = engine[`get${typed(f)}`](f, u, FLAGS[f]);
    const details = ref[`get${typed(f)}Details`](f, u, FLAGS[f]);
    assert.deepEqual(value, details.value);
    return [{ flagKey: f, details }];
  }],
  // a scope for a request: three flags
  [3, (engine, ref, u, pick) => {
    const scope = engine.context(u);
    return [pick(flagKeys), pick(flagKeys), pick(flagKeys)].map((f) => ({ flagKey: f, details: scope.evaluate(f, FLAGS[f]) }));
  }],
  // evaluateAll / values
  [1, (engine, ref, u) => Object.entries(engine.evaluateAll(u)).map(([flagKey, details]) => ({ flagKey, details }))],
  [1, (engine, ref, u) => {
    const values = engine.values(u);
    return Object.entries(ref.evaluateAll(u)).map(([flagKey, details]) => {
      assert.deepEqual(values[flagKey], details.variationIndex === null ? null : details.value);
      return { flagKey, details };
    });
  }],
  // opted out per call: previews, bootstrapping, health checks
  [2, (engine, ref, u, pick) => {
    const f = pick(flagKeys);
    return [{ flagKey: f, details: engine.evaluate(f, u, FLAGS[f], { track: false }), track: false }];
  }],
  [1, (engine, ref, u, pick) => {
    const f = pick(flagKeys);
    return [{ flagKey: f, details: engine[`get${typed(f)}Details`](f, u, FLAGS[f], { track: false }), track: false }];
  }],
  [1, (engine, ref, u, pick) => {
    const scope = engine.context(u, { track: false });
    const f = pick(flagKeys);
    const one = { flagKey: f, details: scope.evaluate(f, FLAGS[f]), track: false };
    const all = Object.entries(scope.evaluateAll()).map(([flagKey, details]) => ({ flagKey, details, track: false }));
    return [one, ...all];
  }],
  [1, (engine, ref, u) => {
    engine.values(u, { track: false });
    return Object.entries(ref.evaluateAll(u)).map(([flagKey, details]) => ({ flagKey, details, track: false }));
  }],
  [1, (engine, ref, u, pick) => {
    const f = pick(flagKeys);
    return [{ flagKey: f, details: engine.context(u).evaluate(f, FLAGS[f], { track: false }), track: false }];
  }],
  // an unknown flag key, a type mismatch: counted (with errors), never an exposure
  [1, (engine, ref, u) => {
    const details = engine.evaluate('no_such_flag', u, 'x');
    assert.equal(details.errorCode, 'FLAG_NOT_FOUND');
    return [{ flagKey: 'no_such_flag', details }];
  }],
  [1, (engine, ref, u) => {
    const details = engine.getStringDetails('conversations_enabled', u, 'x');
    assert.equal(details.errorCode, 'TYPE_MISMATCH');
    return [{ flagKey: 'conversations_enabled', details }];
  }],
];
const weights = patterns.reduce((s, [w]) => s + w, 0);

/**
 * Makes about `n` evaluations over `users` with the call patterns above, one ms of host clock
 * per call; feeds each to `expected`. `between(call)` runs after every call.
 */
function evaluateMany({ engine, ref, clock, expected, users, n, seed, anonymousEvery = 0, between = () => {} }) {
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  let done = 0;
  for (let call = 0; done < n; call++) {
    clock.t += 1;
    let u = pick(users);
    if (anonymousEvery && call % anonymousEvery === anonymousEvery - 1) {
      const { key, ...rest } = u; // no key: never deduplicated
      u = rest;
    }
    let w = rnd() * weights;
    let run;
    for (const [weight, p] of patterns) if ((w -= weight) < 0 && !run) run = p;
    for (const item of run(engine, ref, u, pick)) {
      expected.evaluation({ track: true, ...item, context: u, time: clock.t });
      done++;
    }
    between(call);
  }
  return done;
}

function engines(exposures) {
  const clock = { t: T0 };
  const now = () => clock.t;
  return { clock, engine: new Engine(snapshot, { now, exposures }), ref: new Engine(snapshot, { now }) };
}

const tests = {
  // a. N evaluations across M users; concurrent flushes along the way; close() at the end.
  async counting() {
    const N = 5000;
    const M = 200;
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000, attributes: ATTRIBUTES });
      const errors = [];
      const reporter = new Reporter(engine, { url: collector.url, onError: (e, info) => errors.push([e, info]) });
      assert.equal(engine.recording, true);
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED, attributes: ATTRIBUTES });
      const users = Array.from({ length: M }, (_, i) => user(i));
      // Ten rounds; after each a flush() nobody awaits, and a turn of the event loop: the POSTs
      // are in flight while the next round evaluates, and later flushes queue behind them.
      const flushes = [];
      let n = 0;
      for (let round = 0; round < 10; round++) {
        n += evaluateMany({ engine, ref, clock, expected, users, n: N / 10, seed: 100 + round, anonymousEvery: 97 });
        flushes.push(reporter.flush());
        await new Promise((ok) => setImmediate(ok));
      }
      const inFlight = collector.log.length;
      const closed = await reporter.close();
      const results = await Promise.all(flushes);
      assert.equal(engine.pendingExposures, 0);
      assert.equal(engine.takeExposures(), null, 'close() left something behind');
      assert.deepEqual(errors, []);
      for (const r of [...results, closed]) assert.equal(r.failed, 0, JSON.stringify(r));
      cleanDelivery(collector);
      assert.ok(collector.log.every((l) => l.outcome === 'stored'), JSON.stringify(collector.log.filter((l) => l.outcome !== 'stored')));
      const numbers = expectExact(`node counting (${n} evaluations, ${M} users)`, collector.batches, expected);
      assert.ok(numbers.exposuresStored > 0 && expected.suppressed > 0 && numbers.errors > 0);
      assert.equal(numbers.summaryCount, expected.tracked);
      const untrackedCalls = expected.evaluations - expected.tracked;
      console.log(
        `  flushes: ${flushes.length} not awaited (${inFlight} POSTs reached the collector before close()) + close() → ${JSON.stringify(closed)}; untracked evaluations ${untrackedCalls}; ` +
          `exposures of trackEvents:false flags stored: ${collector.exposures().filter((e) => UNTRACKED.includes(e.flagKey)).length}`,
      );
    } finally {
      await collector.close();
    }
  },

  // a'. With a keySalt: no raw key leaves, the hash is XXH64 (seed 0) of `salt U+001F key`
  // (recomputed here with xxhash-wasm), deduplication still works per key.
  async salted() {
    const salt = 'pepper-2026';
    const { h64Raw } = await xxhash();
    const keyHash = (key) => h64Raw(Buffer.from(`${salt}\u001f${key}`, 'utf8'), 0n).toString(16).padStart(16, '0');
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000, keySalt: salt, attributes: ['tier'] });
      const reporter = new Reporter(engine, { url: collector.url, onError: () => {} });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED, attributes: ['tier'], keyHash });
      const users = Array.from({ length: 50 }, (_, i) => user(1000 + i));
      users.push({ key: 'ünïcödé-🚀', tier: 'pro' });
      evaluateMany({ engine, ref, clock, expected, users, n: 1000, seed: 4 });
      await reporter.close();
      const text = JSON.stringify(collector.batches);
      for (const u of users) assert.ok(!text.includes(JSON.stringify(u.key)), `raw key ${u.key} was sent`);
      expectExact('node keySalt (1000 evaluations, 51 users)', collector.batches, expected);
    } finally {
      await collector.close();
    }
  },

  // a''. A short dedupe window: the same users again within it (nothing new), then after it
  // (everything again).
  async window() {
    const W = 60_000;
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000, dedupeWindowMs: W });
      const reporter = new Reporter(engine, { url: collector.url, onError: () => {} });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED, dedupeWindowMs: W });
      const users = Array.from({ length: 30 }, (_, i) => user(i));
      const rounds = [];
      for (const jump of [0, W / 2, W / 2 - 1000, W + 1]) {
        clock.t += jump;
        const before = expected.exposures.length;
        evaluateMany({ engine, ref, clock, expected, users, n: 400, seed: 5 });
        rounds.push(expected.exposures.length - before);
        if (jump === 0) await reporter.flush();
      }
      await reporter.close();
      assert.ok(rounds[1] === 0 || rounds[1] < rounds[0], `${rounds}`);
      expectExact(`node dedupe window ${W} ms (4 rounds over 30 users: +${rounds.join(', +')} exposures)`, collector.batches, expected);
    } finally {
      await collector.close();
    }
  },

  // a'''. Bounded memory: a dedupe table far smaller than the users (forgotten triples may be
  // produced again, none is lost) and a summary table too small for every flag (what it cannot
  // count is reported as `unsummarized`, so counts + unsummarized = tracked evaluations).
  async boundedMemory() {
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000, dedupeCapacity: 50, summaryCapacity: 8, attributes: ATTRIBUTES });
      const reporter = new Reporter(engine, { url: collector.url, onError: () => {} });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED, attributes: ATTRIBUTES });
      evaluateMany({ engine, ref, clock, expected, users: Array.from({ length: 200 }, (_, i) => user(i)), n: 3000, seed: 6 });
      await reporter.close();
      const n = expectExact('node bounded memory (dedupeCapacity 50, summaryCapacity 8, 200 users)', collector.batches, expected, { repeats: true, unsummarized: true });
      assert.ok(n.repeated > 0, 'the small dedupe table forgot nothing?');
      assert.ok(n.unsummarized > 0, 'the small summary table held everything?');
    } finally {
      await collector.close();
    }
  },

  // A transport of the caller's (e.g. forwarding to an analytics SDK): called with the parsed
  // batch and its text; a throw is retried, `retryable: false` fails at once.
  async transport() {
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000 });
      const calls = [];
      let throwNext = 2;
      const errors = [];
      const reporter = new Reporter(engine, {
        maxBatchBytes: 6000,
        retry: { attempts: 4, baseMs: 2, maxMs: 10 },
        onError: (e, info) => errors.push(info.final),
        transport: async (batch, text) => {
          calls.push(batch.sequence);
          assert.deepEqual(batch, JSON.parse(text));
          if (throwNext-- > 0) throw new Error('analytics SDK offline');
          const res = await fetch(collector.url, { method: 'POST', body: text });
          if (!res.ok) throw new Error(`collector: ${res.status}`);
        },
      });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED });
      evaluateMany({ engine, ref, clock, expected, users: Array.from({ length: 40 }, (_, i) => user(i)), n: 600, seed: 7 });
      const r = await reporter.flush();
      assert.equal(r.failed, 0);
      assert.deepEqual(calls.slice(0, 3), [1, 1, 1], `the first batch three times: ${calls}`);
      assert.deepEqual(errors, [false, false]);
      expectExact('node transport (first 2 calls throw)', collector.batches, expected);
      await reporter.close();
      console.log(`  transport calls: ${calls.length} for ${collector.batches.length} batches`);
      // retryable: false → final at once; the next flush sends the loss as `dropped` (once: a
      // transport that keeps refusing does not make a flush loop).
      const other = new Engine(snapshot, { exposures: true });
      const seen = [];
      const finals = [];
      const definitive = new Reporter(other, {
        retry: { attempts: 3, baseMs: 1, maxMs: 1 },
        transport: (batch) => {
          seen.push({ exposures: batch.exposures.length, dropped: batch.dropped });
          throw Object.assign(new Error('refused'), { retryable: false });
        },
        onError: (e, info) => finals.push(info.final),
      });
      other.evaluate('checkout_experiment', user(1), 'control');
      assert.deepEqual(await definitive.flush(), { delivered: 0, failed: 1 });
      assert.deepEqual(await definitive.close(), { delivered: 0, failed: 0 });
      assert.deepEqual(seen, [{ exposures: 1, dropped: 0 }, { exposures: 0, dropped: 1 }]);
      assert.deepEqual(finals, [true, true]);
      console.log(`  retryable: false → transport called once per batch: ${JSON.stringify(seen)}`);
    } finally {
      await collector.close();
    }
  },

  // The interval flush on Node: batches leave without a flush() call, and the default timer
  // does not keep a process alive.
  async interval() {
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000 });
      const reporter = new Reporter(engine, { url: collector.url, flushIntervalMs: 50, onError: () => {} });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED });
      evaluateMany({ engine, ref, clock, expected, users: Array.from({ length: 20 }, (_, i) => user(i)), n: 200, seed: 8 });
      await collector.waitFor((c) => c.exposures().length >= expected.exposures.length, 5000, 'the interval flush');
      const before = collector.log.length;
      await reporter.close();
      expectExact('node interval flush (50 ms)', collector.batches, expected);
      console.log(`  ${before} POST(s) by the timer before close()`);
      // A process that runs out of work without close(): the default timer does not keep it
      // alive, and what it recorded still leaves (the flush on `beforeExit`).
      const started = Date.now();
      // Not spawnSync: the collector in this process must answer while the child waits.
      const child = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', `import { Engine, Reporter } from ${JSON.stringify(pathToFileURL(join(project, 'edgeflag.mjs')).href)};
const engine = new Engine(${JSON.stringify(JSON.stringify(testSnapshot()))}, { exposures: { source: 'exiting' } });
new Reporter(engine, { url: ${JSON.stringify(collector.url)} });
for (let i = 0; i < 7; i++) engine.values({ key: 'leaving-' + i });
console.log(engine.pendingExposures);`],
        { timeout: 15_000, encoding: 'utf8' },
      );
      assert.ok(Date.now() - started < 8000, 'the default interval kept the process alive');
      const pending = Number(child.stdout.trim());
      const sent = collector.batches.filter((b) => b.source === 'exiting').flatMap((b) => b.exposures).length;
      assert.ok(pending > 0 && sent === pending, `exposures pending at exit ${pending}, delivered ${sent}`);
      console.log(`  a process exiting without close(): ${sent} of ${pending} exposures delivered on beforeExit`);
    } finally {
      await collector.close();
    }
  },

  // b. The collector fails the first K POSTs with 503: every exposure still arrives once.
  async retry() {
    const K = 3;
    const collector = await startCollector({ failFirst: K });
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000, attributes: ATTRIBUTES });
      const errors = [];
      const reporter = new Reporter(engine, {
        url: collector.url,
        headers: { 'x-collector-key': 'k-123' },
        maxBatchBytes: 8000,
        retry: { attempts: 5, baseMs: 5, maxMs: 50 },
        onError: (e, info) => errors.push(info),
      });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED, attributes: ATTRIBUTES });
      const users = Array.from({ length: 100 }, (_, i) => user(i));
      evaluateMany({ engine, ref, clock, expected, users, n: 1500, seed: 2 });
      const result = await reporter.flush();
      await reporter.close();
      cleanDelivery(collector, 8000);
      assert.ok(collector.log.every((l) => l.key === 'k-123'), 'headers option not sent');
      const failed = collector.log.filter((l) => l.outcome === 'failed').length;
      assert.equal(failed, K);
      assert.equal(collector.log.length, collector.batches.length + K);
      assert.ok(errors.every((i) => i.final !== true), 'a retried failure was reported final');
      assert.equal(result.failed, 0);
      const numbers = expectExact(`node retry (first ${K} POSTs answered 503)`, collector.batches, expected);
      assert.equal(result.delivered, numbers.exposuresStored);
      console.log(`  POSTs ${collector.log.length} (${K} × 503, ${collector.batches.length} stored); onError calls (not final): ${errors.length}; flush() → ${JSON.stringify(result)}`);
    } finally {
      await collector.close();
    }
  },

  // b'. The collector stores the first batches but the answer never arrives (connection
  // destroyed): the reporter sends the same batch again and the collector recognises it.
  async lostAnswers() {
    const K = 2;
    const collector = await startCollector({ loseAckFirst: K });
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 10_000 });
      const reporter = new Reporter(engine, { url: collector.url, maxBatchBytes: 8000, retry: { attempts: 5, baseMs: 5, maxMs: 50 }, onError: () => {} });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED });
      evaluateMany({ engine, ref, clock, expected, users: Array.from({ length: 60 }, (_, i) => user(i)), n: 800, seed: 3 });
      const result = await reporter.close();
      assert.equal(collector.duplicates(), K, JSON.stringify(collector.log));
      assert.equal(result.failed, 0);
      expectExact(`node lost answers (first ${K} answers lost)`, collector.batches, expected);
      console.log(`  POSTs ${collector.log.length}: ${K} stored with the answer lost, ${collector.duplicates()} resent and recognised by (source, sequence)`);
    } finally {
      await collector.close();
    }
  },

  // c. A burst 10× the queue: delivered + reported dropped = produced.
  async burst() {
    const Q = 100;
    const produced = 10 * Q;
    const collector = await startCollector();
    try {
      const { clock, engine, ref } = engines({ queueCapacity: Q });
      const reporter = new Reporter(engine, { url: collector.url, flushIntervalMs: 0, onError: () => {} });
      const expected = new Expected({ version: VERSION, untracked: UNTRACKED });
      for (let i = 0; i < produced; i++) {
        clock.t += 1;
        const u = user(i);
        expected.evaluation({ flagKey: 'checkout_experiment', context: u, details: engine.evaluate('checkout_experiment', u, 'control'), time: clock.t });
      }
      assert.equal(expected.exposures.length, produced, 'every evaluation of the burst makes an exposure');
      assert.equal(engine.pendingExposures, Q);
      const result = await reporter.flush();
      await reporter.close();
      const delivered = collector.exposures().length;
      const dropped = collector.dropped();
      console.log(`node burst: queueCapacity=${Q} produced=${produced} delivered=${delivered} dropped=${dropped} delivered+dropped=${delivered + dropped} (flush() → ${JSON.stringify(result)})`);
      assert.equal(delivered + dropped, produced);
      assert.ok(dropped > 0);
      assert.equal(result.delivered, delivered);
      // The queue keeps the first Q and drops the rest; summaries count all of them.
      expected.exposures.length = Q;
      expectExact('node burst', collector.batches, expected, { dropped: produced - Q });
    } finally {
      await collector.close();
    }
  },

  // d. Definitive failures: a 400, retries exhausted on 503s; onError final, flush() resolves,
  // nothing rejects unhandled; the loss arrives as `dropped` with the next delivered batch.
  async definitiveFailures() {
    const collector = await startCollector({ status: 400 });
    try {
      const { clock, engine, ref } = engines({ queueCapacity: 1000 });
      const calls = [];
      const reporter = new Reporter(engine, {
        url: collector.url,
        retry: { attempts: 3, baseMs: 5, maxMs: 20 },
        onError: (error, info) => calls.push({ error, ...info }),
      });
      const burst = (from, count) => {
        const e = new Expected({ version: VERSION, untracked: UNTRACKED });
        for (let i = from; i < from + count; i++) {
          clock.t += 1;
          e.evaluation({ flagKey: 'checkout_experiment', context: user(i), details: engine.evaluate('checkout_experiment', user(i), 'control'), time: clock.t });
        }
        return e;
      };
      // A 400: not retried.
      burst(0, 20);
      const r1 = await reporter.flush();
      assert.deepEqual(r1, { delivered: 0, failed: 20 });
      assert.equal(collector.log.length, 1, '400 must not be retried');
      assert.equal(calls.length, 1);
      assert.equal(calls[0].final, true);
      assert.ok(calls[0].error instanceof Error);
      console.log(`node 400: flush() → ${JSON.stringify(r1)}; onError(${calls[0].error.message}, { events: ${calls[0].events}, final: ${calls[0].final} })`);
      // 503 every time: retried, then final.
      collector.set({ status: 503 });
      burst(100, 10);
      const r2 = await reporter.flush();
      assert.deepEqual(r2, { delivered: 0, failed: 10 });
      assert.equal(collector.log.length, 1 + 3, '3 attempts');
      // One final report, the last; earlier ones (if any) are the retried attempts.
      assert.deepEqual(calls.slice(1).map((c) => c.final).filter((f) => f), [true]);
      assert.equal(calls.at(-1).final, true);
      console.log(`node 503×3: flush() → ${JSON.stringify(r2)}; onError finals ${calls.slice(1).map((c) => c.final).join(',')}`);
      // An onError that throws changes nothing.
      const other = new Engine(snapshot, { exposures: true });
      const throwing = new Reporter(other, {
        url: collector.url,
        retry: { attempts: 1, baseMs: 1, maxMs: 1 },
        onError: () => {
          throw new Error('onError throws');
        },
      });
      other.evaluate('checkout_experiment', user(1), 'control');
      assert.deepEqual(await throwing.close(), { delivered: 0, failed: 1 });
      // Healthy again: the next batch carries the 30 lost exposures as dropped.
      collector.set({ status: 0 });
      const healthy = burst(200, 5);
      const r3 = await reporter.close();
      assert.deepEqual(r3, { delivered: 5, failed: 0 });
      const mine = collector.batches.filter((b) => b.source === collector.batches.at(-1).source);
      console.log(`node recovery: next batch dropped=${mine.map((b) => b.dropped).join('+')} exposures=${collector.exposures().length}`);
      expectExact('node after failures', mine, healthy, { dropped: 30, firstSequence: 3 });
      await sleep(20);
    } finally {
      await collector.close();
    }
  },

  // The collector itself: malformed batches get 400 and a message naming the place.
  async collectorRejects() {
    const collector = await startCollector();
    try {
      const { engine } = engines({ source: 'collector-check' });
      engine.evaluate('checkout_experiment', user(1), 'control');
      const good = JSON.parse(engine.takeExposures());
      const post = async (body, type = 'application/json') => {
        const res = await fetch(collector.url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } });
        return { status: res.status, body: await res.json() };
      };
      const cases = [
        ['not JSON', '{"schemaVersion":1,'],
        ['no source', { ...good, source: undefined }],
        ['sequence 0', { ...good, sequence: 0 }],
        ['unknown member', { ...good, extra: 1 }],
        ['exposure without flagKey', { ...good, exposures: [{ ...good.exposures[0], flagKey: undefined }] }],
        ['negative dropped', { ...good, dropped: -1 }],
        ['summary count 0', { ...good, summaries: [{ ...good.summaries[0], count: 0 }] }],
        ['reason ERROR in an exposure', { ...good, exposures: [{ ...good.exposures[0], reason: 'ERROR' }] }],
      ];
      for (const [what, body] of cases) {
        const r = await post(body);
        assert.equal(r.status, 400, `${what}: ${JSON.stringify(r)}`);
        assert.match(r.body.error, /^\/\S*: .+/, what);
        console.log(`collector: ${what} → 400 ${r.body.error}`);
      }
      assert.equal(collector.batches.length, 0);
      assert.deepEqual(await post(good, 'text/plain;charset=UTF-8'), { status: 200, body: { ok: true } });
      assert.deepEqual(await post(good), { status: 200, body: { ok: true, duplicate: true } });
      assert.equal(collector.batches.length, 1);
      const received = await (await fetch(`${collector.origin}/received`)).json();
      assert.equal(received.batches.length, 1);
    } finally {
      await collector.close();
    }
  },
};

const only = process.env.EXPOSURE_TESTS?.split(',');
let failures = 0;
for (const [name, run] of Object.entries(tests)) {
  if (only && !only.includes(name)) continue;
  try {
    await run();
  } catch (e) {
    failures++;
    console.error(`node ${name}: FAILED\n${e?.stack ?? e}`);
  }
}
await sleep(50);
if (unhandled.length) {
  failures++;
  for (const e of unhandled) console.error(`node: unhandled rejection: ${e?.stack ?? e}`);
}
if (failures) process.exit(1);
console.log('node: all exposure tests passed');

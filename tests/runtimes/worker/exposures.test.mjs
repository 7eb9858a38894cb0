// Exposures reach the Queue's consumer exactly once. Requests over many users (some in
// parallel) record exposures in the isolate; sends run after the responses (`ctx.waitUntil`);
// the consumer stores each batch in R2 under its (source, sequence). What R2 ends with is
// compared with a model built from the responses alone: every (user, flag, variation) served by
// a tracked flag exactly once, summary counts equal to the evaluations, nothing dropped. Then
// the isolate is replaced (as Cloudflare may at any time) and a second round must land too.
// Client batches through POST /events are validated, queued, and stored once even when resent.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, identitySnapshot, startWorker, upload } from './helpers.mjs';

const USERS = 40;
const REQUESTS = 300;
const PARALLEL = 8;
const snapshot = identitySnapshot(7);
snapshot.flags.quiet = { ...snapshot.flags.by_tier, trackEvents: false, rules: [], fallthrough: { variation: 'on' } };
const VARS = { EXPOSURE_FLUSH_MS: '50', EXPOSURE_ATTRIBUTES: 'country,tier' };

let w;
before(async () => {
  w = await startWorker({ snapshot, vars: VARS });
});
after(() => w.mf.dispose());

/** What the responses say must be stored. */
class Model {
  exposures = new Map(); // "key|flag|variationIndex" → attributes
  evaluations = 0;
  constructor(prefix) {
    this.prefix = `${prefix}-`; // the round's users; other rounds' exposures are not its business
  }
  add(key, attributes, flagKey, result) {
    this.evaluations++;
    if (result.variationIndex === null || !snapshot.flags[flagKey] || snapshot.flags[flagKey].trackEvents === false) return;
    const id = `${key}|${flagKey}|${result.variationIndex}`;
    if (!this.exposures.has(id)) this.exposures.set(id, { attributes, reason: result.reason });
  }
}

async function round(model) {
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const u = i % USERS;
      const key = `${model.prefix}${u}`;
      const tier = u % 3 === 0 ? 'pro' : 'free';
      const country = u % 2 ? 'DE' : 'FR';
      const attributes = { country, tier };
      const opts = { context: { key, tier }, cf: { country } };
      if (i % 5 === 4) {
        const r = await w.request('/flags/by_tier', opts);
        assert.equal(r.status, 200);
        model.add(key, attributes, 'by_tier', r.json.result);
      } else {
        const r = await w.request('/flags', opts);
        assert.equal(r.status, 200);
        for (const [flagKey, result] of Object.entries(r.json.flags)) model.add(key, attributes, flagKey, result);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** Every batch in R2, checked against its key. */
async function stored() {
  const r2 = await w.r2();
  const batches = [];
  let cursor;
  do {
    const page = await r2.list({ cursor, prefix: 'exposures/' });
    for (const o of page.objects) {
      const batch = JSON.parse(await (await r2.get(o.key)).text());
      assert.equal(o.key, `exposures/${encodeURIComponent(batch.source)}/${String(batch.sequence).padStart(16, '0')}.json`);
      batches.push(batch);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return batches;
}

function compare(model, batches) {
  const seen = new Map();
  let summarized = 0;
  for (const b of batches) {
    assert.equal(b.dropped, 0);
    assert.equal(b.unsummarized, 0);
    for (const e of b.exposures) {
      if (!e.key.startsWith(model.prefix)) continue;
      const id = `${e.key}|${e.flagKey}|${e.variationIndex}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      const want = model.exposures.get(id);
      assert.ok(want, `unexpected exposure ${id}`);
      assert.deepEqual(e.attributes, want.attributes, id);
      assert.equal(e.reason, want.reason, id);
      assert.equal(e.version, 7);
    }
    for (const s of b.summaries) summarized += s.count;
  }
  const missing = [...model.exposures.keys()].filter((id) => !seen.has(id));
  const duplicated = [...seen].filter(([, n]) => n > 1);
  return { stored: seen.size, missing, duplicated, summarized };
}

const settle = (model, sources) =>
  eventually(
    async () => {
      const batches = (await stored()).filter((b) => b.source.startsWith('worker-'));
      const c = compare(model, batches);
      const found = new Set(batches.map((b) => b.source)).size;
      return c.missing.length === 0 && c.summarized >= model.evaluations && found >= sources ? { ...c, batches } : undefined;
    },
    { what: 'every exposure in R2' },
  );

test('every exposure of a round reaches R2 once; nothing is left in the isolate', async () => {
  const model = new Model('a');
  await round(model);
  // Previews record nothing.
  const preview = await w.request('/flags?at=2030-01-01T00:00:00Z', { context: { key: 'preview-user' }, admin: true });
  assert.equal(preview.status, 200);
  const c = await settle(model, 1);
  assert.deepEqual(c.duplicated, []);
  assert.equal(c.summarized, model.evaluations, 'summaries count every evaluation, previews none');
  assert.ok(!c.batches.some((b) => b.exposures.some((e) => e.key === 'preview-user')));
  const health = (await w.request('/health')).json.exposures;
  assert.deepEqual(health, { pending: 0, sendScheduled: false });
  console.log(
    `  round 1: ${model.evaluations} evaluations, ${model.exposures.size} exposures expected, ${c.stored} stored once, 0 missing, 0 duplicated, in ${c.batches.length} batches`,
  );
});

test('an isolate replaced after its last response lost nothing; the new one reports under its own source', async () => {
  const workerBatches = async () => (await stored()).filter((b) => b.source.startsWith('worker-'));
  const oldSources = new Set((await workerBatches()).map((b) => b.source));
  const model = new Model('c');
  await round(model);
  await eventually(async () => {
    const h = (await w.request('/health')).json.exposures;
    return h.pending === 0 && !h.sendScheduled ? h : undefined;
  });
  // Cloudflare may now tear the isolate down: everything must already be on its way.
  await w.mf.setOptions(w.options);
  const c1 = compare(model, (await settle(model, 1)).batches.filter((b) => oldSources.has(b.source)));
  assert.deepEqual([c1.missing.length, c1.duplicated.length], [0, 0]);

  // The same users in the new isolate: its dedupe memory starts empty, so they are exposed
  // again, once, under a new source.
  const again = new Model('c');
  await round(again);
  const fresh = await eventually(async () => {
    const batches = (await workerBatches()).filter((b) => !oldSources.has(b.source));
    const r = compare(again, batches);
    return r.missing.length === 0 && r.summarized >= again.evaluations ? { ...r, sources: new Set(batches.map((b) => b.source)).size } : undefined;
  });
  assert.deepEqual(fresh.duplicated, []);
  assert.equal(fresh.sources, 1);
  assert.equal(fresh.summarized, again.evaluations);
  console.log(`  old isolate: ${c1.stored}/${model.exposures.size} stored before it was replaced; new isolate: ${fresh.stored}/${again.exposures.size} under its own source`);
});

test('POST /events: checked, queued, stored once per (source, sequence)', async () => {
  const batch = (sequence) => ({
    schemaVersion: 1,
    source: 'browser 1/ü',
    sequence,
    sentAt: Date.now(),
    dropped: 0,
    unsummarized: 0,
    exposures: [
      { flagKey: 'by_tier', variationIndex: 1, variation: 'on', reason: 'TARGETING_MATCH', ruleId: 'pro', version: 7, key: `client-${sequence}`, timestamp: Date.now() },
    ],
    summaries: [],
  });
  for (const seq of [1, 2, 2, 3, 2]) {
    const r = await w.request('/events', { method: 'POST', body: JSON.stringify(batch(seq)) });
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(r.json, { accepted: true, source: 'browser 1/ü', sequence: seq });
  }
  const client = await eventually(async () => {
    const b = (await stored()).filter((x) => x.source === 'browser 1/ü');
    return b.length === 3 ? b : undefined;
  });
  assert.deepEqual(client.map((b) => b.sequence).sort(), [1, 2, 3]);

  const bad = batch(4);
  bad.exposures[0].reason = 'ERROR';
  let r = await w.request('/events', { method: 'POST', body: JSON.stringify(bad) });
  assert.deepEqual([r.status, r.json.error, r.json.path], [400, 'invalid_batch', 'exposures[0].reason']);
  r = await w.request('/events', { method: 'POST', body: '{"schemaVersion":1,' });
  assert.equal(r.status, 400);
  const huge = batch(5);
  huge.exposures = Array.from({ length: 1200 }, () => huge.exposures[0]);
  const text = JSON.stringify(huge);
  // Declared too long: refused before a byte of it is read. Streamed: refused at the limit,
  // while the body is still open.
  for (const how of [{ declared: true, sendAtMost: 0 }, { keepOpen: true }]) {
    r = await upload(w, '/events', { body: text, ...how });
    assert.deepEqual([r.status, r.json?.error], [413, 'batch_too_large'], `${JSON.stringify(how)}: ${r.text}`);
  }
});

// The conformance vectors through the Worker's HTTP API equal the native engine's results
// (`edgeflag conformance`): each file's snapshot in KV of a fresh Worker (every flag made
// client-visible: visibility does not change evaluation), each case's context in a signed
// header, its time through the operators' `?at=` preview, both `/flags/:key` and `/flags`.
// Load-error vectors go through PUT /admin/snapshot and must be refused with the same error.
// Cases the HTTP API cannot express are counted and skipped: typed defaults (`default`),
// contexts given as raw text (`contextJson`) and contexts that are not JSON objects.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startWorker } from './helpers.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const vectorsDir = join(root, 'tests/vectors');
const native = process.env.EDGEFLAG_NATIVE_RESULTS
  ? JSON.parse(readFileSync(process.env.EDGEFLAG_NATIVE_RESULTS, 'utf8'))
  : JSON.parse(execFileSync('cargo', ['run', '--release', '--quiet', '--', 'conformance', vectorsDir], { cwd: root, maxBuffer: 1 << 28 }));
const DEFAULT_NOW = '2026-01-01T00:00:00Z';
const counts = { compared: 0, skipped: 0, loadErrors: 0 };

const files = readdirSync(vectorsDir).filter((f) => f.endsWith('.json')).sort();
for (const file of files) {
  const doc = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'));
  if (doc.cases && doc.snapshot) {
    test(`${file}: every expressible case equals the native engine`, async () => {
      const snapshot = structuredClone(doc.snapshot);
      for (const flag of Object.values(snapshot.flags ?? {})) if (flag && typeof flag === 'object') flag.clientVisible = true;
      const w = await startWorker({ snapshot });
      try {
        for (const [i, c] of doc.cases.entries()) {
          const expected = native[file].cases[i];
          assert.equal(expected.name, c.name);
          const ctx = c.context ?? {};
          if ('default' in c || 'contextJson' in c || typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) {
            counts.skipped++;
            continue;
          }
          const at = encodeURIComponent(c.now ?? DEFAULT_NOW);
          const one = await w.request(`/flags/${encodeURIComponent(c.flag)}?at=${at}`, { context: ctx, admin: true });
          if (expected.result.errorCode === 'FLAG_NOT_FOUND') {
            assert.deepEqual([one.status, one.json.error], [404, 'FLAG_NOT_FOUND'], c.name);
          } else {
            assert.equal(one.status, 200, `${c.name}: ${one.text}`);
            assert.deepEqual(one.json.result, expected.result, c.name);
          }
          if (expected.all) {
            const all = await w.request(`/flags?at=${at}`, { context: ctx, admin: true });
            assert.deepEqual(all.json.flags[c.flag], expected.all, `${c.name} (GET /flags)`);
          }
          counts.compared++;
        }
      } finally {
        await w.mf.dispose();
      }
    });
  }
  if (doc.loadErrors) {
    test(`${file}: PUT /admin/snapshot refuses each with the native engine's error`, async () => {
      const w = await startWorker();
      try {
        for (const [i, entry] of doc.loadErrors.entries()) {
          const expected = native[file].loadErrors[i];
          const body = entry.snapshotJson ?? JSON.stringify(entry.snapshot);
          const r = await w.request('/admin/snapshot', { method: 'PUT', body, admin: true });
          if (expected.error === null) {
            assert.notEqual(r.status, 400, `${entry.name}: ${r.text}`);
          } else {
            assert.equal(r.status, 400, entry.name);
            const message = r.json.path ? `${r.json.path}: ${r.json.message}` : r.json.message;
            assert.deepEqual({ kind: r.json.error, path: r.json.path, message }, expected.error, entry.name);
          }
          counts.loadErrors++;
        }
      } finally {
        await w.mf.dispose();
      }
    });
  }
}

test('summary', () => {
  console.log(`  ${counts.compared} cases equal to native (GET /flags/:key and GET /flags), ${counts.skipped} not expressible over HTTP, ${counts.loadErrors} load-error vectors`);
  assert.ok(counts.compared >= 400, 'most of the vectors were compared');
});

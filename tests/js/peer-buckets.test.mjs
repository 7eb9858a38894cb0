// tests/peer-buckets.json is what the peers' own npm code computes today (peer-buckets.mjs):
// the expectations tests/peer_buckets.rs holds the core's peer schemes to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { committed, generate, render } from './peer-buckets.mjs';

test('tests/peer-buckets.json is what the peers compute', () => {
  const cases = generate();
  assert.equal(committed(), render(cases), 'regenerate with node tests/js/peer-buckets.mjs --write, and read the diff');
  for (const [peer, rows] of Object.entries(cases)) assert.ok(rows.length >= 400, peer);
});

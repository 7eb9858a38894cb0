// tests/vectors/flagd-core-semver.json is what flagd-core answers (flagd-core-semver.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { committed, generate, render } from './flagd-core-semver.mjs';

test('tests/vectors/flagd-core-semver.json is what flagd-core answers', () => {
  const doc = generate();
  assert.equal(committed(), render(doc), 'regenerate with node tests/js/flagd-core-semver.mjs --write, and read the diff');
  const hits = doc.cases.filter((c) => c.expect.value).length;
  assert.ok(hits > 100 && hits < doc.cases.length - 100, `both outcomes are well represented: ${hits} of ${doc.cases.length}`);
});

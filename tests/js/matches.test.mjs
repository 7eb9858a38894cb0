// tests/vectors/matches.json is what JavaScript's RegExp gives (matches.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { committed, generate, render } from './matches.mjs';

test('tests/vectors/matches.json is what JavaScript answers', () => {
  const doc = generate();
  assert.equal(committed(), render(doc), 'regenerate with node tests/js/matches.mjs --write, and read the diff');
  const hits = doc.cases.filter((c) => c.expect.value).length;
  assert.ok(hits > 40 && hits < doc.cases.length - 40, `both outcomes are well represented: ${hits} of ${doc.cases.length}`);
});

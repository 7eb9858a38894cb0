// tests/vectors/js-operators.json is what JavaScript answers (js-operators.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { committed, generate, render } from './js-operators.mjs';

test('tests/vectors/js-operators.json is what JavaScript computes', () => {
  const doc = generate();
  assert.equal(committed(), render(doc), 'regenerate with node tests/js/js-operators.mjs --write, and read the diff');
  const hits = doc.cases.filter((c) => c.expect.value).length;
  assert.ok(hits > 100 && hits < doc.cases.length - 100, `both outcomes are well represented: ${hits} of ${doc.cases.length}`);
});

// tests/vectors/js-regex.json is what JavaScript answers (js-regex.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { committed, generate, render } from './js-regex.mjs';

test('tests/vectors/js-regex.json is what JavaScript computes', () => {
  const doc = generate();
  assert.equal(committed(), render(doc), 'regenerate with node tests/js/js-regex.mjs --write, and read the diff');
  const hits = doc.cases.filter((c) => c.expect.value).length;
  assert.ok(hits > 500 && hits < doc.cases.length - 500, `both outcomes are well represented: ${hits} of ${doc.cases.length}`);
  // Ignoring case without the u flag, JavaScript keeps these apart, where Unicode folding joins them.
  const ignoring = (p, x) => doc.cases.find((c) => c.name === `/${p}/i: x = ${JSON.stringify(x)}`)?.expect.value;
  assert.equal(ignoring('k', '\u212a'), false);
  assert.equal(ignoring('s', 'ſ'), false);
  assert.equal(ignoring('σ', 'ς'), true);
});

// tests/vectors/unleash-semver.json is what unleash-client answers (semverNode*) and Rust's semver crate (semverStrict*) (unleash-semver.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { committed, generate, render } from './unleash-semver.mjs';

test('tests/vectors/unleash-semver.json is what unleash-client and the semver grammar answer', () => {
  const doc = generate();
  assert.equal(committed(), render(doc), 'regenerate with node tests/js/unleash-semver.mjs --write, and read the diff');
  const hits = doc.cases.filter((c) => c.expect.value).length;
  assert.ok(hits > 100 && hits < doc.cases.length - 100, `both outcomes are well represented: ${hits} of ${doc.cases.length}`);
});

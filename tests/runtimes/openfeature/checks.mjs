// Shared by server.mjs and web.mjs (copied into the fresh project beside them): the expectations
// run.mjs computed with the native CLI, and assertions on the SDKs' results.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { expectedDetails, expectedMetadata as metadataFor, getter } from './expectations.mjs';

export { getter };

export const expected = JSON.parse(readFileSync('expected.json', 'utf8'));
export const snapshots = {
  v7: readFileSync('v7.json', 'utf8'),
  v8: readFileSync('v8.json', 'utf8'),
  bad: readFileSync('bad.json', 'utf8'),
};
export const now = () => expected.now;
export const expectedMetadata = (flag, cli, version) => metadataFor(expected, flag, cli, version);

/** One evaluation through an SDK client against the CLI's result. */
export function check(details, c, cli, version) {
  const label = `${c.type} ${c.flag} ${JSON.stringify(c.context)} (v${version})`;
  assert.equal(typeof details?.then, 'undefined', `${label}: a result, not a promise`);
  const want = expectedDetails(expected, c, cli, version);
  const got = { ...details, flagMetadata: { ...details.flagMetadata } };
  if (cli.refused) {
    assert.equal(typeof got.errorMessage, 'string', label);
    assert.ok(cli.message.includes(got.errorMessage), `${label}: "${got.errorMessage}" is not in the CLI's "${cli.message}"`);
    delete got.errorMessage;
  }
  assert.deepStrictEqual(got, want, label);
  for (const [k, v] of Object.entries(details.flagMetadata)) {
    assert.ok(['string', 'number', 'boolean'].includes(typeof v), `${label}: flagMetadata.${k} is ${typeof v}`);
  }
}

/** The cases exercise what they claim to: every reason, the error codes, the why of a result. */
export function coverage() {
  const results = expected.cases.map((c) => c.v7);
  const reasons = new Set(results.map((r) => r.reason ?? 'ERROR'));
  assert.deepStrictEqual([...reasons].sort(), ['DEFAULT', 'DISABLED', 'ERROR', 'SPLIT', 'STATIC', 'TARGETING_MATCH']);
  const codes = new Set(results.map((r) => r.errorCode ?? r.refused).filter(Boolean));
  assert.deepStrictEqual([...codes].sort(), ['FLAG_NOT_FOUND', 'INVALID_CONTEXT', 'TARGETING_KEY_MISSING', 'TYPE_MISMATCH']);
  for (const k of ['ruleId', 'prerequisiteFailed', 'bucket', 'variantBucket', 'inExperiment']) {
    assert.ok(results.some((r) => r[k] !== undefined), `no case has ${k}`);
  }
  const splits = results.filter((r) => r.reason === 'SPLIT').map((r) => r.value);
  assert.ok(splits.includes(true) && splits.includes(false), 'ramps serve both sides');
  assert.ok(results.some((r) => r.reason === 'DISABLED' && r.variation === null), 'DISABLED without an offVariation');
  assert.ok(expected.cases.some((c) => JSON.stringify(c.v7) !== JSON.stringify(c.v8)), 'v8 changes some results');
}

/** Lets queued events and promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

// tests/vectors/flagd-core-semver.json: flagd-core's sem_ver on a context value (flagdCoreSemver*),
// each answer flagd-core 4.0.1's own (FlagdCore on a one-flag file `sem_ver [{var: x}, op, v]`).
// `node tests/js/flagd-core-semver.mjs --write` regenerates it; flagd-core-semver.test.mjs checks
// the committed file is what flagd-core gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FlagdCore } from '@openfeature/flagd-core';

const path = fileURLToPath(new URL('../vectors/flagd-core-semver.json', import.meta.url));

// Context values, each as the member `x` (undefined: missing): what npm's semver parses, what
// flagd-core coerces (one or two runs of digits), and what neither reads.
const VALUES = [
  undefined, null, true, 1, 2, 1.5, 1.2, 0.5, 1e21, [], ['1.2.3'], [1, 2], {}, '', ' ', '1.2.3', 'v1.2.3', 'V1.2.3', 'vv1.2.3',
  'vV1.2.3', 'Vv1.2.3', ' 1.2.3 ', 'v 1.2.3', '\t1.2.3\n', '\ufeff1.2.3', '=1.2.3', '1.2', '1', 'v1', 'V1.2', '1.', '.1',
  '01', '1.02', '007', '1.2.3.4', '01.2.3', '1.2.3-rc.1', '1.2.3-rc.01', '1.2.3-rc.10', '1.2.3-rc.9', '1.2.3-RC.1',
  '1.2.3+build', '1.2.3-0', '2.0.0', '2.0.0-alpha', '1.10.0', '1.3.0', '0.0.0', '1.12345678901234567',
  '12345678901234567.2', '9999999999999999', '9007199254740991', '9007199254740991.0.0', '9007199254740992.0.0',
  `1.2.3+${'a'.repeat(250)}`, `1.2.3+${'a'.repeat(251)}`, '1.2.3-99999999999999999', '1.2.3-99999999999999998',
];

// Each flag: its operator, flagd's operator and the literal version (as flagd-core reads it too).
const FLAGS = [
  ['eq', 'flagdCoreSemverEq', '=', '1.2.3'],
  ['eq_short', 'flagdCoreSemverEq', '=', '1.2'],
  ['eq_number', 'flagdCoreSemverEq', '=', 2],
  ['lt', 'flagdCoreSemverLt', '<', '1.2.3'],
  ['lte_pre', 'flagdCoreSemverLte', '<=', '1.2.3-rc.9'],
  ['gt', 'flagdCoreSemverGt', '>', 'v1.2.3'],
  ['gte', 'flagdCoreSemverGte', '>=', '1.10.0'],
  ['gte_big_pre', 'flagdCoreSemverGte', '>=', '1.2.3-99999999999999998'],
  ['major', 'flagdCoreSemverMajor', '^', '1.0.0'],
  ['minor', 'flagdCoreSemverMinor', '~', '1.2.0'],
];

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

// flagd-core's answer: true, false or null (no version).
function answer(op, literal, x) {
  const core = new FlagdCore(undefined, quiet);
  const flags = { f: { state: 'ENABLED', variants: { true: true, false: false, none: null }, defaultVariant: 'none', targeting: { sem_ver: [{ var: 'x' }, op, literal] } } };
  core.setConfigurations(JSON.stringify({ flags }));
  return core.resolveBooleanEvaluation('f', false, x === undefined ? {} : { x }, quiet).variant === 'true';
}

export function generate() {
  const flags = {};
  for (const [key, op, , value] of FLAGS) {
    flags[key] = {
      on: true,
      variations: [{ name: 'no', value: false }, { name: 'yes', value: true }],
      rules: [{ id: 'r', clauses: [{ attribute: 'x', op, values: [value] }], serve: { variation: 'yes' } }],
      fallthrough: { variation: 'no' },
    };
  }
  const cases = [];
  for (const [key, , flagdOp, value] of FLAGS) {
    for (const v of VALUES) {
      const expect = answer(flagdOp, value, v)
        ? { value: true, variation: 'yes', variationIndex: 1, reason: 'TARGETING_MATCH', ruleId: 'r' }
        : { value: false, variation: 'no', variationIndex: 0, reason: 'DEFAULT' };
      const shown = v === undefined ? 'missing' : JSON.stringify(v);
      cases.push({ name: `${key}: x = ${shown.length > 40 ? `${shown.slice(0, 30)}… (${shown.length})` : shown}`, flag: key, context: v === undefined ? {} : { x: v }, expect });
    }
  }
  return {
    description: "flagd-core's sem_ver on a context value (flagdCoreSemverEq … flagdCoreSemverMinor): each answer flagd-core 4.0.1's own, on a flag file whose targeting is sem_ver [{var: x}, op, version] (tests/js/flagd-core-semver.mjs).",
    requires: 'peers',
    snapshot: { formatVersion: 1, version: 1, generatedAt: '2026-01-01T00:00:00Z', flags },
    cases,
  };
}

export const render = (doc) => `${JSON.stringify(doc, null, 1)}\n`;
export const committed = () => readFileSync(path, 'utf8');

if (process.argv.includes('--write')) writeFileSync(path, render(generate()));

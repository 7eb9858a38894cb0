// tests/vectors/flagd-core-semver.json: flagd-core's sem_ver on a context value (flagdCoreSemver*),
// each answer flagd-core 4.0.1's own (FlagdCore on a one-flag file `sem_ver [{var: x}, op, v]`).
// `node tests/js/flagd-core-semver.mjs --write` regenerates it; flagd-core-semver.test.mjs checks
// the committed file is what flagd-core gives.
import { FlagdCore } from '@openfeature/flagd-core';
import { clauseCase, clauseDocument, clauseFlag, vectorFile } from './clause-vectors.mjs';

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
  const cases = [];
  for (const [key, op, flagdOp, value] of FLAGS) {
    flags[key] = clauseFlag({ attribute: 'x', op, values: [value] });
    for (const v of VALUES) cases.push(clauseCase(key, v, answer(flagdOp, value, v)));
  }
  return clauseDocument(
    "flagd-core's sem_ver on a context value (flagdCoreSemverEq … flagdCoreSemverMinor): each answer flagd-core 4.0.1's own, on a flag file whose targeting is sem_ver [{var: x}, op, version] (tests/js/flagd-core-semver.mjs).",
    flags,
    cases,
  );
}

export { render } from './clause-vectors.mjs';
const file = vectorFile('flagd-core-semver.json', generate);
export const committed = file.committed;
file.writeIfAsked();

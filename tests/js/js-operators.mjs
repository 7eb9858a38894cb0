// tests/vectors/js-operators.json: the clauses that read a value as JavaScript does
// (docs/snapshot.md, "Clauses"), with every expectation computed here by JavaScript itself —
// `String(x)`, `Number(x)`, `!!x`, `x < v`, GrowthBook's `getType` — over values chosen for their
// coercions. `node tests/js/js-operators.mjs --write` regenerates it; js-operators.test.mjs
// checks the committed file is what JavaScript gives.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// GrowthBook's own padded version strings (its SDK's util.js), for the paddedVersion operators.
const { paddedVersionString: padded } = createRequire(import.meta.url)(
  fileURLToPath(new URL('node_modules/@growthbook/growthbook/dist/cjs/util.js', import.meta.url)),
);

import { clauseCase, clauseDocument, clauseFlag, vectorFile } from './clause-vectors.mjs';

// Attribute values, each as the context member `x` (a missing `x` reads as null).
const VALUES = [
  undefined, null, true, false, 0, -0, 1, 1.5, -2, 10, 1e21, 'abc', '', ' ', '10', '9', '0x10', '007', ' 5 ',
  '1e3', 'Infinity', 'true', 'null', '😀', '\uffff', 'é', [], ['5'], [1, 2], ['a', null], {}, { a: 1 },
  '2.3.0', '2.10.0', '2.3.0-beta', 'v2.3.0', '2.3', '2.3.0+build', '10.0.0', '2.3.0-beta.10', '2.3.0-beta.9', 2.3,
  // Line terminators stop the `+build` suffix GrowthBook strips (JavaScript's `.`), U+2028 too.
  '2.3.0+a\u2028b+c', '2.3\u2029+x', '2.3.0+a\nb',
];
const type = (v) => (v === null || v === undefined ? 'null' : Array.isArray(v) ? 'array' : typeof v);
// Each operator: its clause, and what JavaScript answers for a value x (missing → null).
const OPERATORS = [
  ['string_abc', { op: 'jsStringIs', values: ['abc'] }, (x) => String(x) === 'abc'],
  ['string_null', { op: 'jsStringIs', values: ['null'] }, (x) => String(x) === 'null'],
  ['string_10', { op: 'jsStringIs', values: ['10', '5'] }, (x) => ['10', '5'].includes(String(x))],
  ['string_joined', { op: 'jsStringIs', values: ['a,', '1,2', '[object Object]', ''] }, (x) => ['a,', '1,2', '[object Object]', ''].includes(String(x))],
  ['number_0', { op: 'jsNumberIs', values: [0] }, (x) => Number(x) === 0],
  ['number_10', { op: 'jsNumberIs', values: [10, 16, 7, 5, 1000] }, (x) => [10, 16, 7, 5, 1000].includes(Number(x))],
  ['number_1', { op: 'jsNumberIs', values: [1] }, (x) => Number(x) === 1],
  ['truthy', { op: 'truthy' }, (x) => !!x],
  ['not_truthy', { op: 'truthy', negate: true }, (x) => !x],
  ['lt_10', { op: 'jsLt', values: [10] }, (x) => x < 10],
  ['lte_10', { op: 'jsLte', values: [10] }, (x) => x <= 10],
  ['gt_0', { op: 'jsGt', values: [0] }, (x) => x > 0],
  ['gte_1', { op: 'jsGte', values: [1] }, (x) => x >= 1],
  ['lt_str_9', { op: 'jsLt', values: ['9'] }, (x) => x < '9'],
  ['gte_str_b', { op: 'jsGte', values: ['b'] }, (x) => x >= 'b'],
  ['gt_str_ffff', { op: 'jsGt', values: ['\uffff'] }, (x) => x > '\uffff'],
  ['type_string_or_null', { op: 'type', values: ['string', 'null'] }, (x) => ['string', 'null'].includes(type(x))],
  ['type_array_object', { op: 'type', values: ['array', 'object'] }, (x) => ['array', 'object'].includes(type(x))],
  ['type_number_boolean', { op: 'type', values: ['number', 'boolean'] }, (x) => ['number', 'boolean'].includes(type(x))],
  ['version_gte', { op: 'paddedVersionGte', values: ['2.3.0'] }, (x) => padded(x) >= padded('2.3.0')],
  ['version_gt_beta', { op: 'paddedVersionGt', values: ['2.3.0-beta.9'] }, (x) => padded(x) > padded('2.3.0-beta.9')],
  ['version_eq', { op: 'paddedVersionEq', values: ['v2.3.0+other'] }, (x) => padded(x) === padded('v2.3.0+other')],
  ['version_lt_number', { op: 'paddedVersionLt', values: [2.3] }, (x) => padded(x) < padded(2.3)],
  ['version_lte_zero', { op: 'paddedVersionLte', values: ['0'] }, (x) => padded(x) <= padded('0')],
];

export function generate() {
  const flags = {};
  for (const [key, clause] of OPERATORS) flags[key] = clauseFlag({ attribute: 'x', ...clause });
  const cases = [];
  for (const [key, , answer] of OPERATORS) {
    // A missing `x` reads as null.
    for (const v of VALUES) cases.push(clauseCase(key, v, answer(v === undefined ? null : v)));
  }
  return clauseDocument(
    'Clauses that read a whole value as JavaScript does (jsStringIs, jsNumberIs, truthy, jsLt … jsGte, type) and GrowthBook\'s version comparisons (paddedVersionEq … paddedVersionGte), each expectation computed by JavaScript itself and GrowthBook\'s own paddedVersionString (tests/js/js-operators.mjs).',
    flags,
    cases,
  );
}

export { render } from './clause-vectors.mjs';
const file = vectorFile('js-operators.json', generate);
export const committed = file.committed;
file.writeIfAsked();

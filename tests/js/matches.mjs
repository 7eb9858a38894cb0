// tests/vectors/matches.json: `matches` (docs/snapshot.md, "Clauses"), each expectation computed
// here with JavaScript's own RegExp: some string item of the value (the value, or an array's
// elements) for which `new RegExp(pattern).test(item)` holds for one of the patterns. As for
// `startsWith`, a missing or `null` value, or one with no string item, matches neither way; an
// empty array matches only negated. `node tests/js/matches.mjs --write` regenerates it;
// matches.test.mjs checks the committed file is what JavaScript gives.
import { clauseCase, clauseDocument, clauseFlag, vectorFile } from './clause-vectors.mjs';

const FLAGS = [
  ['letters', ['^[A-Za-z]+$']],
  ['letters_or_u', ['^[A-Za-z]+$', 'ü']],
  ['digit', ['\\d']],
  ['empty', ['^$']],
  ['dot_two', ['^..$']],
  ['user_n', ['^user-\\d{2,3}$', '@example\\.com$']],
];
const VALUES = [
  undefined, null, '', 'abc', 'abc1', 'Zürich', 'ü', '😀', 'é', 'user-42', 'user-4', 'a@example.com', 7, true, {},
  [], ['1', 'abc'], [1, 2], ['', 'x'], [null, 'user-123'], ['x1'], [['abc']],
];

function expected(patterns, v, negate) {
  if (v === undefined || v === null) return false;
  const items = Array.isArray(v) ? v : [v];
  if (items.length === 0) return negate;
  const strings = items.filter((i) => typeof i === 'string');
  if (strings.length === 0) return false;
  const hit = strings.some((s) => patterns.some((p) => new RegExp(p).test(s)));
  return negate ? !hit : hit;
}

export function generate() {
  const flags = {};
  const cases = [];
  for (const [name, patterns] of FLAGS) {
    for (const negate of [false, true]) {
      const key = negate ? `not_${name}` : name;
      flags[key] = clauseFlag({ attribute: 'x', op: 'matches', values: patterns, ...(negate ? { negate: true } : {}) });
      for (const v of VALUES) cases.push(clauseCase(key, v, expected(patterns, v, negate)));
    }
  }
  return clauseDocument(
    'matches: some string item of the value matches one of the patterns (new RegExp(pattern).test(item)), each expectation computed by JavaScript itself (tests/js/matches.mjs).',
    flags,
    cases,
  );
}

export { render } from './clause-vectors.mjs';
const file = vectorFile('matches.json', generate);
export const committed = file.committed;
file.writeIfAsked();

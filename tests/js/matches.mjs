// tests/vectors/matches.json: `matches` (docs/snapshot.md, "Clauses"), each expectation computed
// here with JavaScript's own RegExp: some string item of the value (the value, or an array's
// elements) for which `new RegExp(pattern).test(item)` holds for one of the patterns. As for
// `startsWith`, a missing or `null` value, or one with no string item, matches neither way; an
// empty array matches only negated. `node tests/js/matches.mjs --write` regenerates it;
// matches.test.mjs checks the committed file is what JavaScript gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('../vectors/matches.json', import.meta.url));

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
      flags[key] = {
        on: true,
        variations: [{ name: 'no', value: false }, { name: 'yes', value: true }],
        rules: [{ id: 'r', clauses: [{ attribute: 'x', op: 'matches', values: patterns, ...(negate ? { negate: true } : {}) }], serve: { variation: 'yes' } }],
        fallthrough: { variation: 'no' },
      };
      for (const v of VALUES) {
        const expect = expected(patterns, v, negate)
          ? { value: true, variation: 'yes', variationIndex: 1, reason: 'TARGETING_MATCH', ruleId: 'r' }
          : { value: false, variation: 'no', variationIndex: 0, reason: 'DEFAULT' };
        const shown = v === undefined ? 'missing' : JSON.stringify(v);
        cases.push({ name: `${key}: x = ${shown}`, flag: key, context: v === undefined ? {} : { x: v }, expect });
      }
    }
  }
  return {
    description: "matches: some string item of the value matches one of the patterns (new RegExp(pattern).test(item)), each expectation computed by JavaScript itself (tests/js/matches.mjs).",
    requires: 'peers',
    snapshot: { formatVersion: 1, version: 1, generatedAt: '2026-01-01T00:00:00Z', flags },
    cases,
  };
}

export const render = (doc) => `${JSON.stringify(doc, null, 1)}\n`;
export const committed = () => readFileSync(path, 'utf8');

if (process.argv.includes('--write')) writeFileSync(path, render(generate()));

// tests/vectors/js-regex.json: `jsRegex` and `jsRegexIgnoreCase` (docs/snapshot.md, "Regular
// expressions"), every expectation computed here by JavaScript itself —
// `new RegExp(pattern, flags).test(String(x))` — over chosen patterns of the subset and generated
// ones (a seeded random walk of its grammar), against values chosen for what engines get wrong:
// case folding beyond ASCII, white space, line terminators, astral characters as two code units,
// coerced non-strings. Every runtime then answers them with its own engine (regress natively,
// JavaScript's RegExp in the npm package's modules). `node tests/js/js-regex.mjs --write`
// regenerates it; js-regex.test.mjs checks the committed file is what JavaScript gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('../vectors/js-regex.json', import.meta.url));

const CHOSEN = [
  ['@example\\.com$', ''],
  ['^(beta|alpha)-\\d+$', ''],
  ['^user-\\d{2,3}$', ''],
  ['colou?r', 'i'],
  ['^$', ''],
  ['^.$', ''],
  ['^..$', ''],
  ['\\s', ''],
  ['^\\S+$', ''],
  ['\\w\\b', ''],
  ['\\Bé', ''],
  ['[^\\x00-\\x7f]', ''],
  ['[a-z]+', 'i'],
  ['k', 'i'],
  ['s', 'i'],
  ['ß', 'i'],
  ['σ', 'i'],
  ['[à-ÿ]', 'i'],
  ['\\u212a', 'i'],
  ['µ', 'i'],
  ['i̇|ı', 'i'],
  ['^null$', ''],
  ['^true$', ''],
  ['^1,2$', ''],
  ['object', ''],
  ['^1e\\+21$', ''],
  ['(?=.*\\d)(?!.*x)', ''],
  ['a.c', ''],
  ['\\d', ''],
  ['[\\d-]+$', ''],
  ['[\\b]', ''],
  ['\\0', ''],
  ['\\v|\\f', ''],
  ['^[-+]?\\d*\\.?\\d+$', ''],
  ['(a|ab)(c|bcd)(d*)', ''],
  ['x{0}y', ''],
  ['a/b', ''],
  ['\\/', ''],
  ['用户', ''],
  ['\\uffff', ''],
];

// Values, each as the context member `x` (a missing `x` reads as null).
const VALUES = [
  undefined, null, true, 0, 7, 1e21, 1.5, [1, 2], { a: 1 }, '', ' ', 'abc', 'ABC', 'a.c', 'abbcd', 'abcd',
  'user-42', 'user-4242', 'beta-7', 'BETA-7', 'jose@example.com', 'jose@example.com.evil', 'color', 'COLOUR',
  'k', 'K', '\u212a', 's', 'S', 'ſ', 'ß', 'ẞ', 'SS', 'σ', 'Σ', 'ς', 'é', 'É', 'ÿ', 'Ÿ', 'µ', 'μ', 'Μ', 'ı', 'İ',
  'i', 'I', '😀', '😀😀', 'a😀', '\u00a0', '\ufeff', '\u2028', '\u1680', '\u180e', '\t', '\n', '\r\n', '\v',
  '\f', '\b', '\u0000', '١٢', '12', '-3.5', 'a/b', 'x', 'xy', 'y', '用户', '\uffff', 'null', 'true', 'é\u0301',
];

const ALPHABET = ['a', 'b', 'c', 'k', 's', 'é', 'ß', '1', '2', ' ', '-', '.', '😀', 'K', 'S', '\u212a', 'ſ', '\n'];

/** A seeded random walk of the subset's grammar (src/eval/regex/syntax.rs). */
function randomPatterns(count, seed) {
  let s = seed >>> 0;
  const r = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const literal = () => pick(['a', 'b', 'c', 'k', 's', 'é', 'ß', '1', ' ', '\\.', '\\-', 'K', 'σ', '\\u212a', '\\x41']);
  const classAtom = () => pick(['a', 'b', 'z', 'k', 'é', '1', '\\d', '\\w', '\\s', '\\.', 'ſ']);
  const cls = () => {
    const items = [];
    for (let i = 1 + Math.floor(r() * 3); i > 0; i--) items.push(r() < 0.3 ? pick(['a-c', 'A-Z', '0-9', 'à-ÿ', 'j-l']) : classAtom());
    return `[${r() < 0.25 ? '^' : ''}${items.join('')}]`;
  };
  const atom = (depth) => {
    const x = r();
    if (x < 0.45) return literal();
    if (x < 0.6) return pick(['.', '\\d', '\\D', '\\w', '\\W', '\\s', '\\S']);
    if (x < 0.78) return cls();
    if (depth < 2) return `(${r() < 0.5 ? '?:' : ''}${alternatives(depth + 1)})`;
    return literal();
  };
  const quantifier = () => pick(['*', '+', '?', '{2}', '{1,2}', '{0,}', '*?', '+?']);
  // A group holding a quantifier is not quantified (outside the subset).
  const term = (depth) => {
    const x = r();
    if (x < 0.08) return pick(['^', '$', '\\b', '\\B']);
    if (x < 0.12 && depth < 2) return `(?${pick(['=', '!'])}${alternatives(depth + 1)})`;
    const a = atom(depth);
    const inner = /[*+?}]/.test(a.replace(/\\./g, ''));
    return r() < 0.35 && !inner ? a + quantifier() : a;
  };
  const alternatives = (depth) => {
    const alts = [];
    for (let i = r() < 0.75 ? 1 : 2; i > 0; i--) {
      const terms = [];
      for (let j = 1 + Math.floor(r() * 3); j > 0; j--) terms.push(term(depth));
      alts.push(terms.join(''));
    }
    return alts.join('|');
  };
  const out = [];
  while (out.length < count) {
    const p = alternatives(0);
    try {
      new RegExp(p);
    } catch {
      continue;
    }
    out.push([p, r() < 0.3 ? 'i' : '']);
  }
  return { out, text: () => Array.from({ length: Math.floor(r() * 5) }, () => pick(ALPHABET)).join('') };
}

export function generate() {
  const random = randomPatterns(60, 20261207);
  // Chosen patterns meet every value; generated ones 15 generated texts and every fifth value.
  const texts = Array.from({ length: 15 }, () => random.text());
  const some = [...VALUES.filter((_, i) => i % 5 === 0), ...texts];
  const patterns = [...CHOSEN.map((p) => [p, VALUES]), ...random.out.map((p) => [p, some])];
  const flags = {};
  const cases = [];
  patterns.forEach(([[p, f], values], i) => {
    const key = `re_${String(i).padStart(3, '0')}`;
    flags[key] = {
      on: true,
      variations: [{ name: 'no', value: false }, { name: 'yes', value: true }],
      rules: [{ id: 'r', description: `/${p}/${f}`, clauses: [{ attribute: 'x', op: f ? 'jsRegexIgnoreCase' : 'jsRegex', values: [p] }], serve: { variation: 'yes' } }],
      fallthrough: { variation: 'no' },
    };
    const re = new RegExp(p, f);
    for (const v of values) {
      const x = v === undefined ? null : v;
      const expect = re.test(String(x))
        ? { value: true, variation: 'yes', variationIndex: 1, reason: 'TARGETING_MATCH', ruleId: 'r' }
        : { value: false, variation: 'no', variationIndex: 0, reason: 'DEFAULT' };
      const shown = v === undefined ? 'missing' : JSON.stringify(v);
      cases.push({ name: `/${p}/${f}: x = ${shown}`, flag: key, context: v === undefined ? {} : { x: v }, expect });
    }
  });
  return {
    description: "jsRegex and jsRegexIgnoreCase: new RegExp(pattern, flags).test(String(x)), each expectation computed by JavaScript itself over chosen and generated patterns of the subset (tests/js/js-regex.mjs).",
    requires: 'peers',
    snapshot: { formatVersion: 1, version: 1, generatedAt: '2026-01-01T00:00:00Z', flags },
    cases,
  };
}

// One case a line: the file stays readable in a diff at a few thousand cases.
export const render = ({ cases, ...rest }) => {
  const head = JSON.stringify(rest, null, 1).replace(/\n}$/, '');
  return `${head},\n "cases": [\n${cases.map((c) => `  ${JSON.stringify(c)}`).join(',\n')}\n ]\n}\n`;
};
export const committed = () => readFileSync(path, 'utf8');

if (process.argv.includes('--write')) writeFileSync(path, render(generate()));

// tests/vectors/unleash-semver.json: Unleash's version comparisons, semverNode* answered by
// unleash-client 6.12.1's own constraint check (Strategy.checkConstraint, npm's semver) and
// semverStrict* by SemVer 2.0.0 as Rust's semver crate (Yggdrasil's) reads and orders versions,
// which tests/unleash_semver.rs checks against that crate itself.
// `node tests/js/unleash-semver.mjs --write` regenerates it; unleash-semver.test.mjs checks the
// committed file is what these give.
import { Strategy } from 'unleash-client';
import { clauseCase, clauseDocument, clauseFlag, vectorFile } from './clause-vectors.mjs';

// Context values, each as the member `x` (undefined: missing).
const VALUES = [
  undefined, null, true, 1, 1.5, [], ['1.2.3'], ['1.2.3', '1'], {}, '', ' ', '1.2.3', 'v1.2.3', ' v1.2.3', 'V1.2.3',
  'vv1.2.3', '=1.2.3', ' 1.2.3 ', '\t1.2.3\n', '\ufeff1.2.3', '1.2.3\u00a0', '1.2.3\u2028', '1.2', '1', '1.2.3.4',
  '01.2.3', '1.02.3', '1.2.03', '1.2.3-rc.1', '1.2.3-rc.01', '1.2.3-rc.10', '1.2.3-rc.9', '1.2.3-RC.1', '1.2.3-rc',
  '1.2.3-rc.1.a', '1.2.3-rc.1+build', '1.2.3+build', '1.2.3+001', '1.2.3+b.c-d', '1.2.3-', '1.2.3+', '1.2.3-a..b',
  '1.2.3--', '1.2.3-0', '1.2.3-00', '1.2.3-0a', '1.2.3-alpha-1', '1.2.3-é', 'é', '1.2.3 a', '2.0.0', '1.10.0',
  '1.3.0', '0.0.0', '1.2.4-0', '9007199254740991.0.0', '9007199254740992.0.0', '18446744073709551615.0.0',
  '18446744073709551616.0.0', '1.2.3-99999999999999999', '1.2.3-99999999999999998', '1.2.3-99999999999999999.z',
  '1.2.3-9007199254740993', '1.2.3-9007199254740991', `1.2.3+${'a'.repeat(250)}`, `1.2.3+${'a'.repeat(251)}`,
  ` 1.2.3+${'a'.repeat(249)}`,
];

// Each flag: its operator and version, and Unleash's operator.
const NODE = [
  ['node_eq', 'semverNodeEq', '1.2.3', 'SEMVER_EQ'],
  ['node_eq_pre', 'semverNodeEq', '1.2.3-rc.1', 'SEMVER_EQ'],
  ['node_eq_v_spaces', 'semverNodeEq', ' v1.2.3 ', 'SEMVER_EQ'],
  ['node_gt_pre', 'semverNodeGt', '1.2.3-rc.9', 'SEMVER_GT'],
  ['node_lt', 'semverNodeLt', '1.2.3', 'SEMVER_LT'],
  ['node_lte_big_pre', 'semverNodeLte', '1.2.3-99999999999999998', 'SEMVER_LTE'],
  ['node_gte', 'semverNodeGte', '1.10.0', 'SEMVER_GTE'],
  ['node_gt_max', 'semverNodeGt', '9007199254740990.0.0', 'SEMVER_GT'],
];
const STRICT = [
  ['strict_eq', 'semverStrictEq', '1.2.3'],
  ['strict_eq_pre', 'semverStrictEq', '1.2.3-rc.1'],
  ['strict_eq_build', 'semverStrictEq', '1.2.3+other'],
  ['strict_gt_pre', 'semverStrictGt', '1.2.3-rc.9'],
  ['strict_lt', 'semverStrictLt', '1.2.3'],
  ['strict_lte_big_pre', 'semverStrictLte', '1.2.3-99999999999999998'],
  ['strict_gte', 'semverStrictGte', '1.10.0'],
  ['strict_gt_max', 'semverStrictGt', '18446744073709551614.0.0'],
];

// unleash-client's answer: its own constraint check on the context { x }.
const strategy = new Strategy('semver');
const node = (operator, value, x) =>
  strategy.checkConstraint({ contextName: 'x', operator, value }, x === undefined ? {} : { x });

// SemVer 2.0.0 as Rust's semver crate reads it (Version::parse): no white space, no prefix,
// parts within u64, numeric pre-release identifiers without a leading zero.
const NUM = '(0|[1-9][0-9]*)';
const ID = '[0-9A-Za-z-]+';
const PRE_ID = `(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const STRICT_RE = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+${ID}(?:\\.${ID})*)?$`);
const parse = (s) => {
  const m = typeof s === 'string' && STRICT_RE.exec(s);
  if (!m || m.slice(1, 4).some((n) => BigInt(n) > 18446744073709551615n)) return null;
  return { main: m.slice(1, 4).map(BigInt), pre: m[4] ? m[4].split('.') : [] };
};
// cmp_precedence: the parts, then a release above its pre-releases, identifiers in turn (numeric
// by value, below the others; the others by bytes), a longer list above its prefix.
const precedence = (a, b) => {
  for (let i = 0; i < 3; i++) if (a.main[i] !== b.main[i]) return a.main[i] < b.main[i] ? -1 : 1;
  if (!a.pre.length || !b.pre.length) return b.pre.length - a.pre.length && (a.pre.length ? -1 : 1);
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i], b.pre[i]];
    if (x === y) continue;
    const [nx, ny] = [/^[0-9]+$/.test(x), /^[0-9]+$/.test(y)];
    if (nx && ny) return BigInt(x) < BigInt(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.pre.length - b.pre.length);
};
const HOLDS = { Eq: (o) => o === 0, Lt: (o) => o < 0, Lte: (o) => o <= 0, Gt: (o) => o > 0, Gte: (o) => o >= 0 };
const strict = (op, value, x) => {
  const c = parse(x);
  return c !== null && HOLDS[op.replace('semverStrict', '')](precedence(c, parse(value)));
};

export function generate() {
  const flags = {};
  for (const [key, op, value] of [...NODE, ...STRICT]) flags[key] = clauseFlag({ attribute: 'x', op, values: [value] });
  const answers = [
    ...NODE.map(([key, , value, operator]) => [key, (x) => node(operator, value, x)]),
    ...STRICT.map(([key, op, value]) => [key, (x) => strict(op, value, x)]),
  ];
  const cases = [];
  for (const [key, answer] of answers) for (const v of VALUES) cases.push(clauseCase(key, v, answer(v)));
  return clauseDocument(
    "Unleash's version comparisons: semverNodeEq … as unleash-client 6.12.1 answers (its own constraint check), semverStrictEq … as Yggdrasil's semver crate reads and orders versions (tests/js/unleash-semver.mjs; tests/unleash_semver.rs checks the strict answers against the crate).",
    flags,
    cases,
  );
}

export { render } from './clause-vectors.mjs';
const file = vectorFile('unleash-semver.json', generate);
export const committed = file.committed;
file.writeIfAsked();

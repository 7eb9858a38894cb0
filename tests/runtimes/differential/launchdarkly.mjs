// LaunchDarkly: generated server-side SDK payloads (flags with prerequisites, targets and
// context targets, rules over every operator (`matches` with patterns of the subset, ones
// JavaScript refuses, and values that are no string), negated or not, on attributes of
// several context kinds, rollouts and experiments with seeds, segments with lists and weighted
// rules), evaluated by @launchdarkly/node-server-sdk (offline, `integrations.TestData`) and by
// edgeflag on `importConfig('launchdarkly', payload, { reference: 'node' })`, for many contexts
// each: single-kind, multi-kind and older-format users, keys with non-ASCII text, numeric and
// missing attributes. LaunchDarkly's value, variationIndex and reason kind are read from edgeflag's
// result as docs/import.md, LaunchDarkly says. Weights include 0 and 100000, sums below 100000, and
// shares ending right at a context's bucket (found with LaunchDarkly's hash, SHA-1).
import { createHash } from 'node:crypto';
import { int, pick, text } from './random.mjs';

const CONFIGS = 700;
const CONTEXTS = 16;
const KINDS = ['user', 'org', 'device'];
const ATTRS = ['name', 'age', 'country', 'tags', 'version', 'when', '/address/city', 'key'];
const VERSIONS = ['1.2.3', '2', '2.0', '2.0-rc1', '1.2.3-beta.1', '1.2.3+b', 'v1.0.0', '01.0.0', '1.2.3.4', '10.0.0', '', 'x'];
const DATES = ['2017-12-06T07:00:00Z', '2017-12-06T00:00:00.000-07:00', '2017-12-06T07:00:00.5Z', '2017-12-06', '2016-01-01T00:00:00+01:00', 1512543600000, 1512543600001, 1512543599999.5, 0, 'x'];

/** LaunchDarkly's bucket value in binary64 (its JavaScript SDKs). */
function bucket(prefix, value) {
  const hex = createHash('sha1').update(`${prefix}.${value}`, 'utf8').digest('hex').slice(0, 15);
  return parseInt(hex, 16) / 0xfffffffffffffff;
}

const scalar = (random) => pick(random, ['a', 'b', 'é', 'Zürich', '用户', '', '5', 5, 0, 1.5, -3, true, false, text(random, 1)]);

function attributeValue(random, attr) {
  if (random() < 0.1) return pick(random, [null, [], {}, true, 7, 'x']);
  switch (attr) {
    case 'age':
      return pick(random, [0, 5, 17, 18, 18.5, 65, -1, '18', 1e21]);
    case 'tags':
      return pick(random, [['a'], ['a', 'b'], [5, 'é'], [], [null, 'b'], 'a']);
    case 'version':
      return pick(random, VERSIONS);
    case 'when':
      return pick(random, DATES);
    default:
      return scalar(random);
  }
}

/** Values a clause of `op` on `attr` compares with. */
function clauseValues(random, op, attr, segments) {
  const n = int(random, 1, 3);
  const out = [];
  for (let i = 0; i < n; i++) {
    switch (op) {
      case 'segmentMatch':
        out.push(pick(random, [...segments, 'no-such-segment']));
        break;
      case 'semVerEqual': case 'semVerLessThan': case 'semVerGreaterThan':
        out.push(pick(random, VERSIONS));
        break;
      case 'before': case 'after':
        out.push(pick(random, DATES));
        break;
      case 'matches':
        out.push(pick(random, ['^[A-Za-z]+$', 'ü', '^Z', 'r.*h$', '\\d', '^$', '(a|é)', '[', 5, '^用']));
        break;
      case 'lessThan': case 'lessThanOrEqual': case 'greaterThan': case 'greaterThanOrEqual':
        out.push(pick(random, [0, 5, 18, 18.5, 65, '18']));
        break;
      case 'in':
        out.push(attr === 'kind' ? pick(random, [...KINDS, 'cat']) : random() < 0.5 ? attributeValue(random, attr) : scalar(random));
        break;
      default:
        out.push(pick(random, ['a', 'Z', 'é', '', 'ü', 'rich', 'Zür', '用', 5]));
    }
  }
  // `in` compares JSON values; null, arrays and objects are refused by the importer.
  return op === 'in' ? out.filter((v) => v !== null && typeof v !== 'object') : out;
}

function clause(random, segments) {
  const op = pick(random, ['in', 'in', 'startsWith', 'endsWith', 'contains', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual',
    'semVerEqual', 'semVerLessThan', 'semVerGreaterThan', 'before', 'after', 'matches', 'matches', ...(segments.length ? ['segmentMatch', 'segmentMatch'] : []), 'unknownOp']);
  const c = { op, negate: random() < 0.3 };
  if (op !== 'segmentMatch') {
    c.attribute = op === 'in' && random() < 0.1 ? 'kind' : pick(random, ATTRS);
    if (random() < 0.7) c.contextKind = pick(random, KINDS);
    // Without a kind, the attribute is a name: a path is only read with one.
    if (!c.contextKind && c.attribute.startsWith('/')) c.attribute = 'name';
  }
  c.values = clauseValues(random, op, c.attribute, segments);
  if (c.values.length === 0) c.values = ['a'];
  return c;
}

/** Weights out of 100000 for `n` variations, or with one share ending at `edge` (a bucket value). */
function weights(random, n, edge) {
  const w = [];
  let left = random() < 0.15 ? int(random, 0, 100000) : 100000;
  for (let i = 0; i < n - 1; i++) {
    const x = pick(random, [0, left, int(random, 0, left), int(random, 0, left)]);
    w.push(x);
    left -= x;
  }
  w.push(left);
  if (edge !== undefined && n > 1) {
    const at = Math.min(100000, Math.max(0, (random() < 0.5 ? Math.floor : Math.ceil)(edge * 100000)));
    w[0] = at;
    w[n - 1] = Math.max(0, w[n - 1] - at);
  }
  return w;
}

function serve(random, nVariations, key, salt, keys) {
  if (random() < 0.4) return { variation: int(random, 0, nVariations - 1) };
  const n = int(random, 1, nVariations + 1);
  const rollout = { variations: [] };
  if (random() < 0.3) rollout.kind = 'experiment';
  if (random() < 0.3) rollout.seed = pick(random, [0, 61, -7, 123456789]);
  if (random() < 0.4) rollout.contextKind = pick(random, KINDS);
  if (random() < 0.3) rollout.bucketBy = pick(random, ['age', 'name', 'key', '/address/city']);
  if (!rollout.contextKind && rollout.bucketBy && rollout.bucketBy.startsWith('/')) delete rollout.bucketBy;
  const prefix = rollout.seed ? String(rollout.seed) : `${key}.${salt}`;
  const edge = random() < 0.6 ? bucket(prefix, pick(random, keys)) : undefined;
  const w = weights(random, n, edge);
  for (let i = 0; i < n; i++) {
    rollout.variations.push({ variation: int(random, 0, nVariations - 1), weight: w[i], ...(random() < 0.2 ? { untracked: true } : {}) });
  }
  return { rollout };
}

function config(random) {
  const keys = Array.from({ length: 6 }, () => text(random, 1));
  const segments = {};
  const segmentKeys = [];
  for (let s = 0; s < int(random, 0, 2); s++) {
    const key = `seg-${s}-${text(random)}`;
    const salt = text(random);
    const g = { key, version: 1, salt, included: [], excluded: [], rules: [] };
    if (random() < 0.5) g.included = keys.filter(() => random() < 0.3);
    if (random() < 0.5) g.excluded = keys.filter(() => random() < 0.3);
    if (random() < 0.4) g.includedContexts = [{ contextKind: pick(random, KINDS), values: keys.filter(() => random() < 0.3) }];
    if (random() < 0.3) g.excludedContexts = [{ contextKind: pick(random, KINDS), values: keys.filter(() => random() < 0.3) }];
    for (let r = 0; r < int(random, 0, 2); r++) {
      const rule = { clauses: Array.from({ length: int(random, 0, 2) }, () => clause(random, segmentKeys)) };
      if (random() < 0.5) {
        const edge = bucket(`${key}.${salt}`, pick(random, keys));
        rule.weight = pick(random, [0, 100000, int(random, 0, 100000), Math.floor(edge * 100000), Math.ceil(edge * 100000)]);
        if (random() < 0.4) rule.rolloutContextKind = pick(random, KINDS);
        if (random() < 0.3) rule.bucketBy = pick(random, ['age', 'name']);
      }
      g.rules.push(rule);
    }
    segments[key] = g;
    segmentKeys.push(key);
  }
  const flags = {};
  const made = [];
  for (let f = 0; f < int(random, 1, 4); f++) {
    const key = `${f}-${text(random, 1)}`;
    const salt = text(random);
    const kind = int(random, 0, 2);
    const n = int(random, 1, 4);
    const variations = Array.from({ length: n }, (_, i) => [i % 2 === 0, `v${i}-${text(random)}`, i * 1.5][kind]);
    const flag = { key, version: 1, on: random() < 0.9, salt, variations, targets: [], contextTargets: [], rules: [], prerequisites: [] };
    if (random() < 0.8) flag.offVariation = int(random, 0, n - 1);
    flag.fallthrough = serve(random, n, key, salt, keys);
    if (random() < 0.4) flag.targets.push({ variation: int(random, 0, n - 1), values: keys.filter(() => random() < 0.3) });
    if (random() < 0.3) {
      flag.contextTargets.push({ contextKind: 'user', variation: flag.targets[0]?.variation ?? 0, values: [] });
      flag.contextTargets.push({ contextKind: pick(random, KINDS), variation: int(random, 0, n - 1), values: keys.filter(() => random() < 0.3) });
    }
    for (let r = 0; r < int(random, 0, 3); r++) {
      flag.rules.push({ id: `r${r}`, clauses: Array.from({ length: int(random, 1, 3) }, () => clause(random, segmentKeys)), ...serve(random, n, key, salt, keys) });
    }
    if (made.length && random() < 0.3) {
      const p = pick(random, made);
      flag.prerequisites.push({ key: p.key, variation: int(random, 0, p.variations.length - 1) });
    }
    flags[key] = flag;
    made.push(flag);
  }
  return { payload: { flags, segments }, keys };
}

function single(random, kind, keys) {
  const c = { kind, key: random() < 0.6 ? pick(random, keys) : text(random, 1) };
  for (const a of ['name', 'age', 'country', 'tags', 'version', 'when']) if (random() < 0.5) c[a] = attributeValue(random, a);
  if (random() < 0.3) c.address = { city: attributeValue(random, 'name') };
  if (random() < 0.1) c.anonymous = random() < 0.5;
  return c;
}

function context(random, keys) {
  const r = random();
  if (r < 0.45) return single(random, pick(random, KINDS), keys);
  if (r < 0.8) {
    const c = { kind: 'multi' };
    for (const k of KINDS) if (random() < 0.6) c[k] = single(random, k, keys);
    if (Object.keys(c).length === 1) c.org = single(random, 'org', keys);
    for (const k of KINDS) if (c[k]) delete c[k].kind;
    return c;
  }
  // The older user format: built-ins at the top, the rest in `custom`.
  const u = { key: pick(random, keys) };
  if (random() < 0.5) u.name = String(scalar(random));
  if (random() < 0.5) u.country = String(scalar(random));
  u.custom = {};
  for (const a of ['age', 'tags', 'version', 'when', 'name']) if (random() < 0.4) u.custom[a] = attributeValue(random, a);
  return u;
}

/** LaunchDarkly's answer read from edgeflag's result (docs/import.md, LaunchDarkly). */
function recover(d) {
  let kind = 'FALLTHROUGH';
  if (d.errorCode) kind = 'ERROR';
  else if (d.reason === 'DISABLED') kind = 'OFF';
  else if (d.prerequisiteFailed) kind = 'PREREQUISITE_FAILED';
  else if (d.ruleId) kind = 'RULE_MATCH';
  else if (d.reason === 'TARGETING_MATCH') kind = 'TARGET_MATCH';
  return { value: d.value ?? null, variationIndex: d.variationIndex ?? null, kind };
}

export async function run({ edgeflag, require, random }) {
  const ld = require('@launchdarkly/node-server-sdk');
  let compared = 0;
  let refused = 0;
  const kinds = {};
  const reasons = new Map();
  const differences = [];
  for (let c = 0; c < CONFIGS; c++) {
    const { payload, keys } = config(random);
    let snapshot;
    try {
      snapshot = edgeflag.importConfig('launchdarkly', payload, { version: 1, generatedAt: '2026-01-01T00:00:00Z', reference: 'node' }).snapshot;
    } catch (e) {
      if (e instanceof edgeflag.ImportError && e.kind === 'unsupported') {
        refused++;
        const why = e.message.replace(/^[^:]*: /, '').slice(0, 70);
        reasons.set(why, (reasons.get(why) ?? 0) + 1);
      } else differences.push(`${JSON.stringify(payload)}: import failed: ${e.kind ?? ''} ${e.path ?? ''} ${e.message}`);
      continue;
    }
    const engine = new edgeflag.Engine(snapshot);
    const td = new ld.integrations.TestData();
    for (const g of Object.values(payload.segments)) td.usePreconfiguredSegment(g);
    for (const f of Object.values(payload.flags)) td.usePreconfiguredFlag(f);
    const client = ld.init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: ld.basicLogger({ level: 'none' }) });
    await client.waitForInitialization({ timeout: 5 });
    for (let x = 0; x < CONTEXTS; x++) {
      const ctx = context(random, keys);
      for (const key of Object.keys(payload.flags)) {
        const d = await client.variationDetail(key, ctx, null);
        const want = { value: d.value ?? null, variationIndex: d.variationIndex ?? null, kind: d.reason.kind };
        const got = recover(engine.evaluate(key, ctx));
        compared++;
        kinds[want.kind] = (kinds[want.kind] ?? 0) + 1;
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          differences.push(`${JSON.stringify(payload)} | context ${JSON.stringify(ctx)} | ${key}: LaunchDarkly ${JSON.stringify(want)}, edgeflag ${JSON.stringify(got)}`);
        }
      }
    }
    client.close();
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`launchdarkly: answers by LaunchDarkly's reason: ${JSON.stringify(kinds)}`);
  console.log(`launchdarkly: refusals by reason: ${top.map(([r, n]) => `${n}× ${r}`).join('; ')}`);
  return { configs: CONFIGS, compared, refused, differences };
}

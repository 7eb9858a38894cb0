// GrowthBook: generated SDK payloads (features with force and experiment rules, conditions over
// every operator, saved groups, gates and parent conditions without gate on other features), evaluated by the JavaScript SDK
// (`new GrowthBook({ attributes, features, savedGroups }).evalFeature(key)`) and by edgeflag on
// `importConfig('growthbook', payload)`, for many attributes objects each. GrowthBook's answer is
// read from edgeflag's result as docs/import.md, GrowthBook says: value, on, source, ruleId,
// experimentResult (variationId, key, inExperiment). Units include ones whose bucket falls on a
// range's edge or next to it, found with GrowthBook's hash (FNV-1a over UTF-16 code units).
import { createCipheriv } from 'node:crypto';
import { int, pick, text } from './random.mjs';

const CONFIGS = 900;
const CONTEXTS = 24;
// Then configurations of one force rule on one operator, each against many values of its attribute.
const CONDITION_CONFIGS = 400;
const CONDITION_CONTEXTS = 30;

// Attribute names conditions read (dotted paths reach into objects) and hash attributes.
const PATHS = ['country', 'age', 'tags', 'flag', 'josé', '用户', 'address.city', 'address', 'id'];
const HASH_ATTRIBUTES = [undefined, undefined, 'id', 'company', 'josé'];
const TYPES = ['null', 'boolean', 'number', 'string', 'array', 'object', 'undefined', 'date'];

/** Values an attribute may hold, chosen to meet the literals below. */
function attributeValue(random) {
  switch (int(random, 0, 5)) {
    case 0:
      return pick(random, ['10', '5', ' 5 ', '0x10', '1e3', '-0', '007', '', 'abc', 'a', 'Infinity', '1,2', 'true', 'null', '[object Object]', 'é', 'Ā', '😀']);
    case 1:
      return text(random);
    case 2:
      return pick(random, [0, -0, 1, 5, 10, 1.5, -3, 1e21, 100, 0.1, 9, 11]);
    case 3:
      return pick(random, [true, false, null]);
    case 4:
      return pick(random, [[], ['a'], ['10'], [5], [1, 2], [null], [true], ['a', 'b'], [[1]], ['é', 'x'], [''], [{}]]);
    default:
      return pick(random, [{}, { city: 'Zürich' }, { city: 5 }, { city: null }, { b: [] }]);
  }
}

/** A literal in a condition. */
function literal(random) {
  switch (int(random, 0, 5)) {
    case 0:
      return pick(random, ['10', '5', 'abc', 'a', 'true', 'false', 'null', '', '1,2', '[object Object]', 'Zürich', 'é', 'Ā', '9', ' 5 ']);
    case 1:
      return text(random);
    case 2:
      return pick(random, [0, 1, 5, 10, 1.5, -3, 9, 100]);
    case 3:
      return pick(random, [true, false, null]);
    case 4:
      return pick(random, [[], ['a'], [5], [1, 2], ['a', 'b'], [null, 'x']]);
    default:
      return pick(random, [{}, { a: 1 }]);
  }
}

const scalar = (random) => pick(random, ['a', 'b', '10', 'é', 'Zürich', '', 'true', 5, 10, 0, 1.5, true, false, 'abc', text(random, 1)]);

/** The value side of `path: VALUE` (some operators the importer refuses, rarely). */
const REGEXES = [
  'a.*', '^a', 'é$', '^$', '\\d', '^\\d+$', '^[a-z]+$', 'null', 'true|false', '^1,2$', 'object', '\\s', '^.$', '^..$',
  '[^\\x00-\\x7f]', 'k', 's', 'σ', '(ab|a)c', 'x{2,}', '/???***[)', '(', '[b-a]', 7, null,
];

function valueCondition(random, depth) {
  const r = random();
  if (r < 0.3) {
    const v = literal(random);
    // Arrays and objects compare with JSON.stringify (refused); keep them rare.
    if ((Array.isArray(v) || (v && typeof v === 'object')) && random() < 0.95) return scalar(random);
    return v;
  }
  const ops = {};
  const n = random() < 0.8 ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const op = pick(random, [
      '$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$lt', '$gte', '$type', '$in', '$nin', '$in', '$exists',
      '$not', '$inGroup', '$notInGroup', '$eq', '$ne', '$regex', '$regexi',
      ...(random() < 0.03 ? ['$veq', '$size', '$elemMatch', '$ini', '$all', '$vgt', '$foo'] : []),
    ]);
    switch (op) {
      case '$eq': case '$ne': case '$lt': case '$lte': case '$gt': case '$gte':
        ops[op] = random() < 0.15 ? literal(random) : scalar(random);
        break;
      case '$type':
        ops[op] = random() < 0.9 ? pick(random, TYPES) : 5;
        break;
      case '$in': case '$nin': {
        if (random() < 0.05) ops[op] = 'a';
        else {
          const list = [];
          for (let k = int(random, 0, 3); k > 0; k--) list.push(random() < 0.02 ? pick(random, [null, [1], {}]) : scalar(random));
          ops[op] = list;
        }
        break;
      }
      case '$exists':
        ops[op] = pick(random, [true, false, 1, 0]);
        break;
      case '$not':
        ops[op] = depth < 3 ? valueCondition(random, depth + 1) : scalar(random);
        break;
      case '$inGroup': case '$notInGroup':
        ops[op] = pick(random, ['list', 'legacy', 'cond', 'nope']);
        break;
      // Patterns of the subset (docs/snapshot.md), ones JavaScript throws for, and no string.
      case '$regex': case '$regexi':
        ops[op] = pick(random, REGEXES);
        break;
      case '$veq': case '$vgt': ops[op] = '1.2.3'; break;
      case '$size': ops[op] = 1; break;
      case '$elemMatch': ops[op] = { $eq: 'a' }; break;
      case '$ini': ops[op] = ['A']; break;
      case '$all': ops[op] = ['a']; break;
      default: ops[op] = 1;
    }
  }
  return ops;
}

/** A condition object. */
function condition(random, depth = 0) {
  const out = {};
  const n = int(random, 1, depth === 0 ? 3 : 2);
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.2 && depth < 3) {
      const op = pick(random, ['$and', '$or', '$nor', '$not']);
      if (op === '$not') out.$not = condition(random, depth + 1);
      else {
        const list = [];
        for (let k = int(random, 0, 2); k > 0; k--) list.push(condition(random, depth + 1));
        out[op] = list;
      }
    } else if (r < 0.27) {
      out.$savedGroup = pick(random, [{ id: 'list' }, { id: 'list', attributeKey: 'id' }, { id: 'cond' }, { id: 'nope' }, { id: 'legacy' }]);
    } else {
      out[pick(random, PATHS)] = valueCondition(random, depth);
    }
  }
  return out;
}

function savedGroups(random) {
  return {
    list: { type: 'list', attributeKey: pick(random, ['country', 'id', 'josé']), values: [scalar(random), scalar(random), 'Zürich'] },
    legacy: [scalar(random), 'a', 5],
    cond: { type: 'condition', condition: condition(random, 2) },
  };
}

// Values of a feature, by kind; a feature's values are distinct.
const KINDS = {
  boolean: () => [false, true],
  string: (random) => ['off', 'on', 'é-variant', '用户', text(random, 1) + '!', 'blue'],
  number: () => [0, 1, 2.5, -7, 100, 3],
  json: () => [{ a: 1 }, { a: 2, list: [1, 'x'] }, { nested: { é: true } }, [], { b: null }, { c: 'd' }],
};

function shuffled(random, list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(random, 0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const COVERAGES = [0, 0.25, 0.5, 1, 0.333, 0.999, 0.001, 0.1];
const WEIGHTS = {
  2: [[0.5, 0.5], [0, 1], [1, 0], [0.1, 0.9], [0.3, 0.3], [0.25, 0.75]],
  3: [[0.3333, 0.3333, 0.3334], [0, 0, 1], [0.5, 0, 0.5], [0.2, 0.3, 0.5], [1, 1, 1]],
};

function hashing(random, rule) {
  const attribute = pick(random, HASH_ATTRIBUTES);
  if (attribute) rule.hashAttribute = attribute;
  if (random() < 0.5) rule.seed = pick(random, ['', 's', 'seed-é', text(random, 1)]);
  const version = pick(random, [undefined, 1, 2, 2, random() < 0.1 ? 3 : 2]);
  if (version !== undefined) rule.hashVersion = version;
  return version || 1;
}

function rule(random, key, values, hashes, boundaries, index) {
  const r = {};
  if (random() < 0.6) r.condition = condition(random);
  if (random() < 0.3) r.id = pick(random, ['', 'rule-' + index, 'fr_é']);
  if (random() < 0.5) {
    r.force = pick(random, values);
    if (random() < 0.4) {
      const version = hashing(random, r);
      if (random() < 0.5) {
        r.coverage = pick(random, COVERAGES);
        boundaries.push(r.coverage);
      } else {
        const a = pick(random, [0, 0.2, 0.5]);
        r.range = [a, a + pick(random, [0, 0.3, 0.5])];
        boundaries.push(...r.range);
      }
      hashes.push([r.seed || key, version]);
    }
  } else {
    const count = random() < 0.7 ? 2 : 3;
    r.variations = shuffled(random, values).slice(0, count);
    if (random() < 0.3) r.key = pick(random, ['exp', 'exp-é', '']);
    const version = hashing(random, r);
    if (random() < 0.6) r.weights = pick(random, WEIGHTS[count]);
    if (random() < 0.5) r.coverage = pick(random, COVERAGES);
    if (random() < 0.15) r.ranges = count === 2 ? [[0, 0.4], [0.4, 0.9]] : [[0, 0.1], [0.5, 0.6], [0.2, 0.5]];
    if (random() < 0.3) {
      r.meta = r.variations.map((_, j) => ({ key: pick(random, ['control', 'treatment-' + j, '', 'é' + j]), ...(random() < 0.2 ? { passthrough: true } : {}) }));
    }
    if (random() < 0.2) r.namespace = [pick(random, ['ns', 'ns-é']), pick(random, [0, 0.3]), pick(random, [0.5, 1])];
    const seed = r.seed || r.key || key;
    hashes.push([seed, version]);
    if (r.namespace) hashes.push(['__' + r.namespace[0], 1]);
    if (r.namespace) boundaries.push(r.namespace[1], r.namespace[2]);
    // getBucketRanges: variation j takes [start, start + coverage × w) where start sums the weights before it.
    let start = 0;
    const weights = r.weights && r.weights.length === count ? r.weights : Array(count).fill(1 / count);
    for (const w of weights) {
      boundaries.push(start, start + w * (r.coverage ?? 1));
      start += w;
    }
  }
  if (random() < 0.12) {
    r.filters = [{ seed: pick(random, ['f', 'é']), ranges: [[0, pick(random, [0.5, 0.25, 1])]], ...(random() < 0.5 ? { attribute: pick(random, ['id', 'company']) } : {}), ...(random() < 0.5 ? { hashVersion: 1 } : {}) }];
    hashes.push([r.filters[0].seed, r.filters[0].hashVersion || 2]);
    boundaries.push(r.filters[0].ranges[0][1]);
  }
  return r;
}

/** One feature whose one force rule has a condition on one path (one operator or equality). */
function conditionConfig(random) {
  const path = pick(random, ['x', 'x', 'x', 'a.x']);
  const rules = [{ condition: { [path]: valueCondition(random, 0) }, force: true }];
  const payload = { features: { f: { defaultValue: false, rules } } };
  if (random() < 0.3) payload.savedGroups = { ...savedGroups(random), list: { type: 'list', attributeKey: 'x', values: [scalar(random), 'a', 5] } };
  return { payload, hashes: [], boundaries: [], path };
}

function conditionAttributes(random, path) {
  const v = random() < 0.9 ? attributeValue(random) : pick(random, [undefined, literal(random)]);
  if (v === undefined) return {};
  return path === 'x' ? { x: v } : { a: random() < 0.85 ? { x: v } : v };
}

function config(random) {
  const features = {};
  const keys = shuffled(random, ['checkout', 'flag-é', '功能', 'banner', 'dark_mode']).slice(0, int(random, 1, 3));
  const hashes = [];
  const boundaries = [];
  keys.forEach((key, i) => {
    const kind = pick(random, Object.keys(KINDS));
    const values = shuffled(random, KINDS[kind](random));
    const f = { defaultValue: values[0] };
    if (random() < 0.02) f.defaultValue = null; // a null beside values: refused
    if (random() < 0.02) f.defaultValue = pick(random, [1, 'x', true]); // mixed kinds: refused
    const rules = [];
    // A gate on an earlier feature: a prerequisite when its condition picks one parent value.
    if (i > 0 && random() < 0.35) {
      const parent = keys[int(random, 0, i - 1)];
      const pv = features[parent].defaultValue;
      // JSON values compare with JSON.stringify (refused): gates on them test presence or type.
      const plain = pv === null || typeof pv !== 'object';
      const cond = random() < 0.3 ? { value: valueCondition(random, 1) } : plain ? { value: pv } : { value: pick(random, [{ $exists: true }, { $type: 'object' }, { $ne: null }]) };
      rules.push({ parentConditions: [{ id: random() < 0.95 ? parent : 'unknown-parent', condition: cond, gate: true }] });
    }
    for (let k = int(random, 0, 4); k > 0; k--) rules.push(rule(random, key, values.slice(1).concat(values[0]), hashes, boundaries, k));
    // A parent condition without gate on one rule: the rule is skipped when it fails.
    const serving = rules.filter((r) => !r.parentConditions);
    if (i > 0 && serving.length > 0 && random() < 0.4) {
      const parent = keys[int(random, 0, i - 1)];
      const pv = features[parent].defaultValue;
      const plain = pv === null || typeof pv !== 'object';
      const cond = random() < 0.5 ? { value: valueCondition(random, 1) } : plain ? { value: pv } : { value: { $exists: true } };
      pick(random, serving).parentConditions = [{ id: random() < 0.95 ? parent : 'unknown-parent', condition: cond }];
    }
    if (rules.length > 0) f.rules = rules;
    features[key] = f;
  });
  const payload = { features };
  if (random() < 0.8) payload.savedGroups = savedGroups(random);
  return { payload, hashes, boundaries };
}

// GrowthBook's hash (FNV-1a, 32 bits, over UTF-16 code units), to find units on range edges.
function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
function bucket(seed, unit, version) {
  if (version === 2) return (fnv(String(fnv(seed + unit))) % 10000) / 10000;
  return (fnv(unit + seed) % 1000) / 1000;
}

/** Units whose bucket is on one of `boundaries` or one bucket below it, for some hash. */
function edgeUnits(random, hashes, boundaries) {
  const found = [];
  if (hashes.length === 0) return found;
  for (let i = 0; i < 3000 && found.length < 12; i++) {
    const unit = pick(random, ['u', 'user-', 'josé-', '😀', 'Ā']) + int(random, 0, 1e6);
    for (const [seed, version] of hashes) {
      const scale = version === 2 ? 10000 : 1000;
      const b = Math.round(bucket(seed, unit, version) * scale);
      if (boundaries.some((x) => b === Math.round(x * scale) || b === Math.round(x * scale) - 1)) {
        found.push(unit);
        break;
      }
    }
  }
  return found;
}

function attributes(random, edges) {
  const a = {};
  for (const p of PATHS) {
    if (p.includes('.')) continue;
    if (random() < 0.55) a[p] = attributeValue(random);
  }
  const unit = () => {
    const r = random();
    if (r < 0.45 && edges.length > 0) return pick(random, edges);
    if (r < 0.75) return text(random, 1);
    return pick(random, [12345, 1.5, true, false, 0, '', null, ['a', 1], {}, 'user-42']);
  };
  if (random() < 0.9) a.id = unit();
  if (random() < 0.5) a.company = unit();
  if (random() < 0.3) a['josé'] = unit();
  return a;
}

const truthy = (v) => !!v;

/** GrowthBook's answer read from edgeflag's result (docs/import.md, GrowthBook). */
function recover(d, payload, key) {
  const value = d.value ?? null;
  let source = 'defaultValue';
  let ruleId = '';
  let experiment = null;
  if (d.prerequisiteFailed) source = 'prerequisite';
  else if (d.ruleId) {
    const parts = d.ruleId.split(':');
    source = parts[0];
    if (source === 'force') ruleId = parts.slice(2).join(':');
    else {
      ruleId = parts.slice(4).join(':');
      const i = Number(parts[1]);
      const j = Number(parts[2]);
      const meta = payload.features[key].rules[i].meta;
      experiment = { variationId: j, key: (meta && meta[j] && meta[j].key) || String(j), inExperiment: true };
    }
  } else if (d.errorCode === 'FLAG_NOT_FOUND') source = 'unknownFeature';
  return { value, on: truthy(value), source, ruleId, experiment };
}

function sdkAnswer(r) {
  const e = r.source === 'experiment' && r.experimentResult;
  return {
    value: r.value ?? null,
    on: r.on,
    source: r.source,
    ruleId: r.ruleId ?? '',
    experiment: e ? { variationId: e.variationId, key: e.key, inExperiment: e.inExperiment } : null,
  };
}

function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
}

/** `payload` with its features and saved groups encrypted under a generated key of 16, 24 or 32 bytes. */
function encrypted(payload, random) {
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(random, 0, 255)));
  const key = bytes(pick(random, [16, 16, 24, 32]));
  const seal = (value) => {
    const iv = bytes(16);
    const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    const text = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${iv.toString('base64')}.${text.toString('base64')}`;
  };
  const plain = typeof payload === 'string' ? JSON.parse(payload) : payload;
  const { features, savedGroups, ...rest } = plain;
  const given = { ...rest, encryptedFeatures: seal(features ?? {}) };
  if (savedGroups !== undefined) given.encryptedSavedGroups = seal(savedGroups);
  return { given: typeof payload === 'string' ? JSON.stringify(given) : given, key: key.toString('base64') };
}

export async function run({ edgeflag, require, random }) {
  const { GrowthBook } = require('@growthbook/growthbook');
  let compared = 0;
  let refused = 0;
  const reasons = new Map();
  const sources = {};
  let edgeUnitsFound = 0;
  const differences = [];
  // The SDK logs unknown operators with console.error; the answers are what is compared.
  const log = console.error;
  console.error = () => {};
  try {
    for (let c = 0; c < CONFIGS + CONDITION_CONFIGS; c++) {
      const single = c >= CONFIGS;
      const { payload, hashes, boundaries, path } = single ? conditionConfig(random) : config(random);
      // Every fifth payload goes to edgeflag encrypted, as GrowthBook serves it with encryption on
      // (AES-CBC, PKCS #7, base64 "iv.text"; node:crypto's, not the importer's), the SDK evaluating
      // the plain one.
      const options = { version: 1, generatedAt: '2026-01-01T00:00:00Z' };
      let given = payload;
      if (c % 5 === 0) ({ given, key: options.decryptionKey } = encrypted(payload, random));
      let snapshot;
      try {
        snapshot = edgeflag.importConfig('growthbook', given, options).snapshot;
      } catch (e) {
        if (e instanceof edgeflag.ImportError && e.kind === 'unsupported') {
          refused++;
          const why = e.message.replace(/^[^:]*: /, '').slice(0, 70);
          reasons.set(why, (reasons.get(why) ?? 0) + 1);
        } else differences.push(`${JSON.stringify(payload)}: import failed: ${e.kind ?? ''} ${e.path ?? ''} ${e.message}`);
        continue;
      }
      const engine = new edgeflag.Engine(snapshot);
      const edges = edgeUnits(random, hashes, boundaries);
      edgeUnitsFound += edges.length;
      const features = Object.keys(payload.features);
      for (let x = 0; x < (single ? CONDITION_CONTEXTS : CONTEXTS); x++) {
        // An unknown feature, once a configuration.
        const keys = x === 0 ? [...features, 'not-a-feature'] : features;
        const attrs = single ? conditionAttributes(random, path) : attributes(random, edges);
        const gb = new GrowthBook({ attributes: attrs, features: payload.features, savedGroups: payload.savedGroups });
        for (const key of keys) {
          const want = sdkAnswer(gb.evalFeature(key));
          const got = recover(engine.evaluate(key, attrs), payload, key);
          compared++;
          sources[want.source] = (sources[want.source] ?? 0) + 1;
          if (!equal(want, got)) {
            differences.push(`${JSON.stringify(payload)} | attributes ${JSON.stringify(attrs)} | ${key}: GrowthBook ${JSON.stringify(want)}, edgeflag ${JSON.stringify(got)}`);
          }
        }
        gb.destroy();
      }
    }
  } finally {
    console.error = log;
  }
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`growthbook: answers by GrowthBook's source: ${JSON.stringify(sources)}; ${edgeUnitsFound} units on a range's edge or a bucket below it`);
  console.log(`growthbook: refusals by reason: ${top.map(([r, n]) => `${n}× ${r}`).join('; ')}`);
  return { configs: CONFIGS + CONDITION_CONFIGS, compared, refused, differences };
}

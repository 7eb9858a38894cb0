// Unleash: random client features responses evaluated by unleash-client for Node (offline, from
// bootstrap data) and by edgeflag on their import with `reference: 'node'`
// (docs/import.md, Unleash). The answer compared is getVariant's (`feature_enabled` is isEnabled);
// edgeflag's is the flag's value, Unleash's `disabled` answer for a toggle the snapshot lacks.
// Contexts hold what Unleash's `Context` type allows: strings at the top level (some missing or
// empty), strings and numbers in `properties`; edgeflag receives the same context with the
// Unleash instance's static fields (appName, environment) added and numbers written as String()
// does, as the doc says a caller passes them.
import { int, pick, text } from './random.mjs';

const CONFIGS = 420;
const CONTEXTS = 36;
const DISABLED = { name: 'disabled', enabled: false, feature_enabled: false };
const STATIC = { appName: 'differential', environment: 'default' };

// Names constraints and stickiness read: standard fields, properties (non-ASCII, with a slash),
// and standard names that contexts also carry in properties (unleash-client falls back to them).
const NAMES = ['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'tier', 'país', 'a/b', 'n', 'userId', 'tier'];
const NUMBERS = ['0', '1', '5', '-3', '2.5', '10', '100', '007', ' 5 ', '1e3', '0x10', '', 'abc', 'Infinity', '-0', '5.0'];
const WORDS = ['alpha', 'Alpha', 'ALPHA', 'beta', 'beta-1', 'gamma', 'user-42', 'josé', 'JOSÉ', 'ß', 'Kelvin', '\u212Aelvin', 'İstanbul', 'istanbul', '用户', '😀', '', ' ', 'x y'];

// Versions for SEMVER_* (context values and constraint values): white space, `v`, partial and
// oversized parts, pre-release and build, numeric identifiers past 2^53.
const VERSIONS = ['1.2.3', '1.2.4', '1.10.0', '2.0.0', '0.0.1', '1.2.3-rc.1', '1.2.3-rc.10', '1.2.3-rc.9', '1.2.3-RC.1',
  '1.2.3+b', '1.2.3-rc.1+b', ' 1.2.3 ', 'v1.2.3', ' v1.2.3', '1.2', '1', '', '01.2.3', '1.2.3-01', '1.2.3-0',
  '9007199254740991.0.0', '9007199254740992.0.0', '1.2.3-99999999999999999', '1.2.3-99999999999999998', 'x', '1.2.3.4'];

function word(random) {
  return random() < 0.6 ? pick(random, WORDS) : text(random, 1);
}

function constraint(random, refusedNow) {
  const contextName = pick(random, NAMES);
  const inverted = random() < 0.25;
  const kind = int(random, 0, 11);
  if (kind >= 10) {
    const value = pick(random, VERSIONS);
    const operator = pick(random, ['SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE']);
    return { contextName: random() < 0.7 ? 'ver' : contextName, operator, value, inverted };
  }
  if (kind <= 2) {
    const values = Array.from({ length: int(random, 0, 3) }, () => (random() < 0.2 ? ` ${word(random)} ` : word(random)));
    return { contextName, operator: pick(random, ['IN', 'NOT_IN']), values, inverted };
  }
  if (kind <= 5) {
    const values = Array.from({ length: int(random, 0, 2) }, () => pick(random, ['a', 'Al', 'ALP', 'ta', 'us', 'é', 'k', 'i', '用', '', ' be']));
    return { contextName, operator: pick(random, ['STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS']), values, inverted, caseInsensitive: random() < 0.4 };
  }
  if (kind <= 7) {
    const value = pick(random, ['0', '5', '2.5', '-3', '10', ' 7 ', '', '1000']);
    return { contextName: random() < 0.6 ? 'n' : contextName, operator: pick(random, ['NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE']), value, inverted };
  }
  if (kind === 8 && refusedNow) {
    return pick(random, [
      { contextName, operator: 'REGEX', value: '^a', inverted },
      { contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['10.0.0.0/8'], inverted },
      { contextName, operator: 'NUM_EQ', value: '0x10', inverted },
    ]);
  }
  // An operator unleash-client does not know: the constraint is false.
  return { contextName, operator: 'STR_UNKNOWN', values: ['a'], inverted };
}

const ROLLOUTS = ['0', '100', '1', '50', '99', '33', '25', '75', '10', '33.7', ' 60 ', '250', ''];

function strategy(random, refusedNow, toggle) {
  const s = { name: 'default', parameters: {}, constraints: [] };
  const kind = int(random, 0, 9);
  if (kind <= 1) {
    s.name = 'default';
  } else if (kind === 2) {
    s.name = 'userWithId';
    s.parameters.userIds = Array.from({ length: int(random, 1, 4) }, () => pick(random, ['u1', 'u2', 'josé', ' u3', 'u4 ', '用户', ''])).join(pick(random, [',', ', ', ' ,  ']));
  } else if (kind <= 6) {
    s.name = 'flexibleRollout';
    s.parameters.rollout = pick(random, ROLLOUTS);
    s.parameters.stickiness = pick(random, ['default', 'default', 'userId', 'sessionId', 'tier', 'país', 'userId', '']);
    if (random() < 0.7) s.parameters.groupId = pick(random, [toggle, 'g', 'grupo-ü', '']);
    if (refusedNow && random() < 0.3) s.parameters.stickiness = 'random';
  } else if (kind === 7) {
    s.name = pick(random, ['gradualRolloutUserId', 'gradualRolloutSessionId']);
    s.parameters.percentage = pick(random, ROLLOUTS);
    if (random() < 0.7) s.parameters.groupId = pick(random, [toggle, 'g']);
  } else if (kind === 8) {
    s.name = 'gradualRolloutRandom';
    s.parameters.percentage = pick(random, refusedNow ? ['0', '100', '50'] : ['0', '100', '']);
  } else {
    s.name = refusedNow ? pick(random, ['remoteAddress', 'applicationHostname', 'myCustom']) : 'default';
    if (s.name === 'remoteAddress') s.parameters.IPs = '10.0.0.1';
  }
  for (let i = int(random, 0, 2); i > 0; i--) s.constraints.push(constraint(random, refusedNow));
  if (random() < 0.3) s.variants = variants(random, true);
  return s;
}

function variants(random, inStrategy) {
  const n = int(random, 1, 4);
  const stickiness = pick(random, ['default', 'default', 'userId', 'tier', 'sessionId']);
  const list = [];
  for (let i = 0; i < n; i++) {
    const v = { name: pick(random, ['red', 'blue', 'grün', 'disabled', `v${i}`]), weight: pick(random, [0, 1, 50, 100, 333, 1000]), stickiness, weightType: 'variable' };
    if (random() < 0.5) v.payload = { type: pick(random, ['string', 'json']), value: pick(random, ['x', '{"a":1}', 'ünï']) };
    if (!inStrategy || random() < 0.5) {
      if (random() < 0.25) v.overrides = [{ contextName: pick(random, ['userId', 'tier', 'sessionId']), values: [pick(random, ['u1', 'gold', 'josé', 's1'])] }];
    }
    list.push(v);
  }
  if (list.every((v) => v.weight === 0)) list[0].weight = 1;
  return list;
}

function config(random, refusedNow) {
  const names = ['t0', 'toggle-ü', 't2'].slice(0, int(random, 1, 3));
  const segments = [{ id: 1, constraints: [constraint(random, false)] }, { id: 2, constraints: [] }];
  const features = names.map((name, i) => {
    const f = { name, enabled: random() < 0.9, strategies: [] };
    for (let k = int(random, 0, 3); k > 0; k--) {
      const s = strategy(random, refusedNow && k === 1 && i === 0, name);
      if (random() < 0.2) s.segments = [pick(random, [1, 2, 3])];
      f.strategies.push(s);
    }
    if (random() < 0.08) delete f.strategies;
    if (random() < 0.35) f.variants = variants(random, false);
    if (i > 0 && random() < 0.4) {
      const d = { feature: names[int(random, 0, i - 1)] };
      if (random() < 0.3) d.enabled = false;
      if (random() < 0.3) d.variants = [pick(random, ['red', 'blue', 'disabled'])];
      f.dependencies = [d];
    }
    return f;
  });
  return { version: 2, features, segments };
}

// Units on the edges of each rollout (normalized value p and p + 1) and of each variant slice,
// found with the scheme's own hash (murmurhash3js, as unleash-client calls it).
function edgeUnits(murmur, cfg) {
  const found = [];
  const search = (group, seed, modulo, targets) => {
    for (const target of targets) {
      for (let k = 0; k < 3000; k++) {
        const id = k % 3 === 0 ? `ü${k}` : `u${k}`;
        if ((murmur.x86.hash32(`${group}:${id}`, seed) % modulo) + 1 === target) {
          found.push(id);
          break;
        }
      }
    }
  };
  for (const f of cfg.features) {
    for (const s of f.strategies ?? []) {
      const p = Math.floor(Number(s.parameters?.rollout ?? s.parameters?.percentage));
      if (p > 0 && p < 100) search(s.parameters.groupId || '', 0, 100, [p, p + 1]);
    }
    if (f.variants) {
      const total = f.variants.reduce((a, v) => a + v.weight, 0);
      let sum = 0;
      const edges = [];
      for (const v of f.variants) {
        sum += v.weight;
        if (sum > 0 && sum < total) edges.push(sum, sum + 1);
      }
      search(f.name, 86028157, total, edges.slice(0, 4));
    }
  }
  return found;
}

function context(random, edges) {
  const c = {};
  const unit = () => (edges.length && random() < 0.4 ? pick(random, edges) : pick(random, ['u1', 'u2', 'josé', '用户', '😀x', '', 'u4 ', 's1', text(random, 1)]));
  if (random() < 0.75) c.userId = unit();
  if (random() < 0.5) c.sessionId = random() < 0.5 ? unit() : pick(random, ['s1', 's2', '']);
  if (random() < 0.4) c.remoteAddress = pick(random, ['10.0.0.1', '192.168.1.1', '', 'x']);
  if (random() < 0.2) c.environment = pick(random, ['production', 'alpha', '']);
  if (random() < 0.1) c.appName = pick(random, ['beta-1', 'other']);
  if (random() < 0.85) {
    const p = {};
    if (random() < 0.6) p.tier = random() < 0.3 ? unit() : word(random);
    if (random() < 0.4) p['país'] = word(random);
    if (random() < 0.3) p['a/b'] = word(random);
    if (random() < 0.6) p.n = random() < 0.3 ? pick(random, [0, 5, -3, 2.5, 10, 1e21]) : pick(random, NUMBERS);
    if (random() < 0.6) p.ver = pick(random, VERSIONS);
    if (random() < 0.2) p.userId = unit();
    if (random() < 0.2) p.sessionId = pick(random, ['s1', 'josé']);
    c.properties = p;
  }
  return c;
}

/** What edgeflag is given for an Unleash context (docs/import.md, Unleash). */
function edgeflagContext(c) {
  const out = { ...STATIC, ...c };
  if (c.properties) out.properties = Object.fromEntries(Object.entries(c.properties).map(([k, v]) => [k, String(v)]));
  return out;
}

function normal(v) {
  const out = { name: v.name, enabled: v.enabled, feature_enabled: v.feature_enabled };
  if (v.payload != null) out.payload = { type: v.payload.type, value: v.payload.value };
  return JSON.stringify(out);
}

export async function run({ edgeflag, require, random }) {
  const { Unleash } = require('unleash-client');
  const murmur = require('murmurhash3js');
  const realRandom = Math.random;
  let configs = 0;
  let compared = 0;
  let refused = 0;
  let drawn = 0;
  const differences = [];
  for (let i = 0; i < CONFIGS; i++) {
    const cfg = config(random, i % 5 === 4);
    configs++;
    let snapshot;
    try {
      snapshot = edgeflag.importConfig('unleash', cfg, { version: 1, generatedAt: '2026-01-01T00:00:00Z', reference: 'node' }).snapshot;
    } catch (e) {
      if (e instanceof edgeflag.ImportError && e.kind === 'unsupported') {
        refused++;
        continue;
      }
      differences.push(`import failed: ${e.message} for ${JSON.stringify(cfg)}`);
      continue;
    }
    const engine = new edgeflag.Engine(snapshot);
    const unleash = new Unleash({
      appName: STATIC.appName,
      url: 'http://127.0.0.1:9/',
      refreshInterval: 0,
      disableMetrics: true,
      skipInstanceCountWarning: true,
      bootstrap: { data: cfg.features, segments: cfg.segments },
      storageProvider: { set: async () => {}, get: async () => undefined },
    });
    unleash.on('error', () => {});
    unleash.on('warn', () => {});
    await new Promise((resolve) => unleash.once('ready', resolve));
    const edges = edgeUnits(murmur, cfg);
    for (let k = 0; k < CONTEXTS; k++) {
      const ctx = context(random, edges);
      for (const f of cfg.features) {
        // Unleash's answer. Where it called Math.random (random stickiness, gradualRolloutRandom,
        // a context without a stickiness field) the answer is left out: edgeflag gives one of
        // the possible outcomes there (the client specification checks 0 % and 100 %).
        let drew = false;
        Math.random = () => {
          drew = true;
          return realRandom();
        };
        let theirs;
        try {
          theirs = normal(unleash.getVariant(f.name, structuredClone(ctx)));
        } finally {
          Math.random = realRandom;
        }
        if (drew) {
          drawn++;
          continue;
        }
        const d = engine.getJsonDetails(f.name, edgeflagContext(ctx), DISABLED);
        const ours = d.errorCode && d.errorCode !== 'FLAG_NOT_FOUND' ? `error ${d.errorCode}` : normal(d.value);
        compared++;
        if (ours !== theirs) {
          differences.push(`${f.name}: unleash-client ${theirs}, edgeflag ${ours}; context ${JSON.stringify(ctx)}; configuration ${JSON.stringify(cfg)}`);
        }
      }
    }
    unleash.destroy();
    engine.free?.();
  }
  console.log(`unleash: ${drawn} answers left out because unleash-client drew them at random`);
  if (process.env.EDGEFLAG_DIFFERENCES) (await import('node:fs')).writeFileSync(process.env.EDGEFLAG_DIFFERENCES, differences.join('\n'));
  return { configs, compared, refused, differences };
}

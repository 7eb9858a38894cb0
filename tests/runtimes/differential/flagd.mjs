// flagd: generated flag files evaluated by @openfeature/flagd-core (JavaScript, json-logic-engine)
// and by edgeflag on their import with `reference: 'flagd-core'` (docs/import.md, flagd), flagd's answer
// read back from edgeflag's result as that doc says. Contexts stay where flagd (Go) and flagd-core
// agree on what the converter cannot reproduce (the doc's divergence table): `==` / `!=` against a
// string only meet strings, `null` or nothing (flagd-core throws for other values); `== null` and
// `== ""` meet no arrays or objects; `targetingKey` is a string, `null` or missing; a context value
// hashed by `fractional` is no array of one or two items (flagd-core reads it as a bucket entry).
// flagd-core's own constructs are generated too: `cat` bucketing strings, `==` of a `fractional`
// with a string, `sem_ver` on values npm's semver parses, coerces, or neither.
import { int, pick, text } from './random.mjs';

const NAMES = ['tier', 'email', 'plan', 'ñame', '用户', 'v😀'];
const WORDS = ['gold', 'silver', 'josé', 'ÿ', '用户', '😀x', 'a', 'Zz', 'user-42', 'é\u0301'];
const VARIANTS = ['on', 'off', 'a', 'b', 'é', '用户', 'true', 'false'];
// sem_ver's literals and values: what npm semver parses, what flagd-core coerces, and not quite.
const VERSIONS = ['1.0.0', '2', '1.2', 'v1.2.3', 'V2.0.0-rc.1', '1.2.3-rc.1+b.7', '0.9.9', '1.10.0', '2.0.0-alpha.beta'];
const VERSION_VALUES = [...VERSIONS, ' 1.2.3 ', 'vv1.0.0', '01.2', '1.2.3.4', '12345678901234567.2', '1.0.0-rc.01', '1', 1, 2, 1.5, 0.9];

export async function run({ edgeflag, require, random }) {
  const { FlagdCore } = require('@openfeature/flagd-core');
  const MurmurHash3 = require('imurmurhash');
  const quiet = { error() {}, warn() {}, info() {}, debug() {} };
  const now = Math.floor(Date.now() / 1000);
  const out = { configs: 0, compared: 0, refused: 0, differences: [] };

  for (let c = 0; c < 600; c++) {
    const gen = new Config(random, now);
    const file = gen.file();
    const textOfFile = JSON.stringify(file);
    out.configs++;
    let snapshot;
    try {
      snapshot = edgeflag.importConfig('flagd', textOfFile, { version: 1, generatedAt: '2026-01-01T00:00:00Z', reference: 'flagd-core' }).snapshot;
    } catch (e) {
      if (e.kind === 'unsupported') {
        out.refused++;
        continue;
      }
      out.differences.push(`${textOfFile}: import failed: ${e.message}`);
      continue;
    }
    let engine;
    try {
      engine = new edgeflag.Engine(snapshot);
    } catch (e) {
      out.differences.push(`${textOfFile}: the snapshot does not load: ${e.message}`);
      continue;
    }
    const core = new FlagdCore(undefined, quiet);
    core.setConfigurations(textOfFile);
    for (const ctx of gen.contexts(MurmurHash3)) {
      for (const [key, flag] of Object.entries(file.flags)) {
        const [type, dflt] = typeOf(flag.variants);
        const peer = core.resolve(type, key, dflt, ctx, quiet);
        const want = { value: peer.value, variant: peer.variant ?? null, reason: peer.reason, error: peer.errorCode ?? null };
        const got = recover(engine.evaluate(key, ctx, dflt), key, dflt);
        out.compared++;
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          out.differences.push(`${textOfFile} flag ${JSON.stringify(key)} context ${JSON.stringify(ctx)}: flagd-core ${JSON.stringify(want)}, edgeflag ${JSON.stringify(got)}`);
        }
      }
    }
  }
  return out;
}

/** flagd's answer from edgeflag's result (docs/import.md, flagd: "Reading flagd's answer"). */
function recover(r, key, dflt) {
  if (r.prerequisiteFailed === `${key}$targeted`) return { value: dflt, variant: null, reason: 'DEFAULT', error: null };
  const reason = r.reason === 'SPLIT' ? 'TARGETING_MATCH' : r.reason;
  return { value: r.value, variant: r.variation ?? null, reason, error: r.errorCode ?? null };
}

function typeOf(variants) {
  const v = Object.values(variants)[0];
  if (typeof v === 'boolean') return ['boolean', false];
  if (typeof v === 'number') return ['number', -1];
  if (typeof v === 'string') return ['string', 'caller-default'];
  return ['object', { caller: 'default' }];
}

class Config {
  constructor(random, now) {
    this.r = random;
    this.now = now;
    // What each attribute's generated values must avoid (see the header).
    this.onlyScalar = new Set(); // no arrays or objects
    this.onlyString = new Set(); // strings, null, missing
    this.noShortArrays = new Set();
    this.versions = new Set(); // attributes sem_ver reads: mostly versions
    this.literals = new Set(WORDS.slice(0, 4));
    this.splits = []; // [prefix, attribute, [boundaries], total] for units on slice boundaries
  }

  file() {
    const flags = {};
    const n = int(this.r, 1, 2);
    for (let i = 0; i < n; i++) {
      const key = `f${i}${text(this.r)}`;
      flags[key] = this.flag(key);
    }
    return { flags };
  }

  flag(key) {
    const r = this.r;
    const names = [...new Set(Array.from({ length: int(r, 2, 4) }, () => pick(r, VARIANTS)))];
    if (names.length < 2) names.push('z');
    if (r() < 0.4 && !names.includes('true')) names.push('true', 'false');
    const kind = pick(r, ['string', 'string', 'boolean', 'number', 'object']);
    const variants = {};
    names.forEach((name, i) => {
      variants[name] = kind === 'string' ? `${name}!` : kind === 'boolean' ? i % 2 === 0 : kind === 'number' ? i * 1.5 : { n: name };
    });
    this.names = names;
    this.key = key;
    const flag = { state: r() < 0.08 ? 'DISABLED' : 'ENABLED', variants };
    if (r() < 0.85) flag.defaultVariant = pick(r, names);
    const t = r();
    if (t < 0.05) flag.targeting = null;
    else if (t < 0.1) flag.targeting = {};
    else if (t < 0.95) flag.targeting = this.result(0);
    return flag;
  }

  variable() {
    return { var: pick(this.r, NAMES) };
  }

  literal() {
    const w = pick(this.r, WORDS);
    this.literals.add(w);
    return w;
  }

  /** A targeting in result position. */
  result(depth) {
    const r = this.r;
    const x = r();
    if (x < 0.2 || depth > 2) return r() < 0.1 ? null : pick(r, this.names);
    if (x < 0.55) {
      const items = [];
      for (let i = int(r, 1, 2); i > 0; i--) items.push(this.condition(depth + 1), this.result(depth + 1));
      if (r() < 0.8) items.push(this.result(depth + 1));
      return { if: items };
    }
    if (x < 0.8) return this.fractional(true);
    if (x < 0.9 && this.names.includes('true')) {
      const op = pick(r, ['starts_with', 'ends_with']);
      return { [op]: [this.variable(), r() < 0.2 ? '' : this.literal().slice(0, 2)] };
    }
    if (x < 0.95 && this.names.includes('true')) return this.condition(depth + 1);
    // Refused: a computed result, or a name that is no variant.
    return r() < 0.5 ? { cat: ['o', 'n'] } : 'no-such-variant';
  }

  /** A condition. */
  condition(depth) {
    const r = this.r;
    const x = r();
    if ((x < 0.15) && depth < 3) {
      const op = pick(r, ['and', 'or']);
      return { [op]: Array.from({ length: int(r, 0, 3) }, () => this.condition(depth + 1)) };
    }
    if (x < 0.22 && depth < 3) return { [pick(r, ['!', '!!'])]: [this.condition(depth + 1)] };
    if (x < 0.42) {
      const v = this.variable();
      const op = pick(r, ['==', '!=', '===', '!==']);
      const y = r();
      const lit = y < 0.15 ? null : y < 0.3 ? '' : this.literal();
      if (op.length === 2) (lit === null || lit === '' ? this.onlyScalar : this.onlyString).add(v.var);
      return { [op]: r() < 0.8 ? [v, lit] : [lit, v] };
    }
    if (x < 0.55) {
      const list = Array.from({ length: int(r, 0, 3) }, () => pick(r, [this.literal(), '', '7']));
      return { in: [this.variable(), list] };
    }
    if (x < 0.7) {
      const op = pick(r, ['starts_with', 'ends_with']);
      const lit = r() < 0.15 ? '' : [...this.literal()].slice(0, int(r, 1, 2)).join('');
      return { [op]: [this.variable(), lit] };
    }
    if (x < 0.8) {
      const op = pick(r, ['<', '<=', '>', '>=']);
      const n = this.now + pick(r, [-86400 * 400, -3600, 3600, 86400 * 400]);
      return { [op]: r() < 0.5 ? [{ var: '$flagd.timestamp' }, n] : [n, { var: '$flagd.timestamp' }] };
    }
    if (x < 0.86) return this.fractional(false);
    if (x < 0.9) {
      // A fractional (or an if of results) compared with a string: where that result is it.
      const names = this.names.filter((n) => n !== 'true' && n !== 'false');
      const f = r() < 0.6 || depth > 2 ? this.fractional(false, true) : { if: [this.condition(depth + 1), pick(r, [...names, null]), this.fractional(false, true)] };
      const lit = pick(r, names);
      return { [pick(r, ['==', '===', '!=', '!=='])]: r() < 0.7 ? [f, lit] : [lit, f] };
    }
    if (x < 0.97) {
      const v = this.variable();
      this.versions.add(v.var);
      const op = pick(r, ['=', '!=', '<', '<=', '>', '>=', '^', '~']);
      const lit = pick(r, VERSIONS);
      return { sem_ver: r() < 0.8 ? [v, op, lit] : [lit, op, v] };
    }
    // Refused: the truthiness of a context value.
    return this.variable();
  }

  fractional(asResult, onlyNames = false) {
    const r = this.r;
    const entries = [];
    for (let i = int(r, 1, 4); i > 0; i--) {
      const name = asResult ? (r() < 0.15 ? null : pick(r, this.names)) : onlyNames ? pick(r, [...this.names.filter((n) => n !== 'true' && n !== 'false'), null]) : pick(r, [...this.names, '', null]);
      const w = r();
      entries.push(w < 0.1 ? [name] : [name, w < 0.25 ? 0 : w < 0.35 ? 100 : int(r, 1, 60)]);
    }
    const total = entries.reduce((s, e) => s + (e.length > 1 ? e[1] : 1), 0);
    const bounds = [];
    let end = 0;
    for (const e of entries) {
      const w = e.length > 1 ? e[1] : 1;
      if (w > 0) bounds.push(end, end + w - 1);
      end += w;
    }
    const by = r();
    if (by < 0.6) {
      this.splits.push([this.key, 'targetingKey', bounds, total]);
      return { fractional: entries };
    }
    if (by < 0.7) return { fractional: [pick(r, WORDS), ...entries] };
    if (by < 0.85) {
      // cat: constants around one context value, which cat writes whatever it holds.
      const v = r() < 0.5 ? { var: 'targetingKey' } : this.variable();
      const before = r() < 0.5 ? [{ var: '$flagd.flagKey' }] : r() < 0.8 ? [pick(r, WORDS)] : [];
      const after = r() < 0.3 ? [pick(r, WORDS)] : [];
      const text = (items) => items.map((i) => (typeof i === 'string' ? i : this.key)).join('');
      this.splits.push([text(before), v.var, bounds, total, text(after)]);
      return { fractional: [{ cat: [...before, v, ...after] }, ...entries] };
    }
    const v = this.variable();
    this.noShortArrays.add(v.var);
    this.splits.push(['', v.var, bounds, total]);
    return { fractional: [v, ...entries] };
  }

  /** A value for attribute `name`, within what Go and JS agree on for it. */
  value(name) {
    const r = this.r;
    for (;;) {
      const x = r();
      let v;
      if (x < 0.1) v = undefined;
      else if (x < 0.15) v = null;
      else if (x < 0.22) v = '';
      else if (x < 0.45) v = pick(r, [...this.literals]);
      else if (x < 0.6) v = pick(r, [...this.literals]) + text(r);
      else if (x < 0.7) v = text(r, 1);
      else if (x < 0.77) v = pick(r, [0, 1, 7, 1.5, -3]);
      else if (x < 0.82) v = r() < 0.5;
      else if (x < 0.9) v = pick(r, [[], [pick(r, [...this.literals])], ['', 'x'], [1, 2, 3], ['a', 'b', 'c']]);
      else if (x < 0.95) v = pick(r, ['7', '0', ' ']);
      else v = pick(r, [{}, { a: 1 }]);
      if (this.versions.has(name) && r() < 0.6) v = pick(r, VERSION_VALUES);
      const isObject = v !== null && typeof v === 'object';
      if (this.onlyString.has(name) && !(v === undefined || v === null || typeof v === 'string')) continue;
      if (this.onlyScalar.has(name) && isObject) continue;
      if (this.noShortArrays.has(name) && Array.isArray(v) && (v.length === 1 || v.length === 2)) continue;
      if (name === 'targetingKey' && !(v === undefined || v === null || typeof v === 'string')) continue;
      return v;
    }
  }

  contexts(MurmurHash3) {
    const out = [];
    const bucket = (s, total) => Number((BigInt(new MurmurHash3(s).result() >>> 0) * BigInt(total)) >> 32n);
    // Units on the first and last bucket of each slice of each split.
    const edges = [];
    for (const [prefix, attr, bounds, total, suffix = ''] of this.splits) {
      if (total <= 0 || total > 2147483647) continue;
      const want = new Set(bounds);
      for (let i = 0; i < 3000 && want.size > 0; i++) {
        const unit = text(this.r, 1) + i;
        const b = bucket(prefix + unit + suffix, total);
        if (want.has(b)) {
          want.delete(b);
          edges.push([attr, unit]);
        }
      }
    }
    const count = 30 + edges.length;
    for (let i = 0; i < count; i++) {
      const ctx = {};
      for (const name of [...NAMES, 'targetingKey']) {
        const v = this.value(name);
        if (v !== undefined) ctx[name] = v;
      }
      if (i < edges.length) ctx[edges[i][0]] = edges[i][1];
      out.push(ctx);
    }
    return out;
  }
}

// The peers' buckets for generated inputs, computed by the peers' own npm code (pinned in
// package.json): flagd-core's MurmurHash3 (imurmurhash) and its v2 arithmetic, unleash-client's
// normalised values, GrowthBook's `hash`, and LaunchDarkly's Bucketer arithmetic over Node's
// SHA-1. The UTF-8 variants (flagd's Go server, Unleash's Yggdrasil) hash UTF-8 bytes with
// murmurhash3js, another implementation than ours. tests/peer-buckets.json holds the result;
// tests/peer_buckets.rs checks the core against it, peer-buckets.test.mjs that it is still what
// the peers compute. Regenerate with `node tests/js/peer-buckets.mjs --write`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const modules = join(dirname(new URL(import.meta.url).pathname), 'node_modules');
// Internal modules of the SDKs, by path (their package exports do not list them).
const growthbook = require(join(modules, '@growthbook/growthbook/dist/cjs/util.js'));
const unleash = require(join(modules, 'unleash-client/lib/strategy/util.js'));
const MurmurHash3 = require(join(modules, 'imurmurhash'));
const murmurhash3js = require(join(modules, 'murmurhash3js'));

export const path = new URL('../peer-buckets.json', import.meta.url);

// mulberry32: a small deterministic generator, so the inputs are the same on every run.
function generator(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces of text: ASCII, Latin-1 (one UTF-16 unit below 0x100), above (two or three UTF-8
// bytes, one unit), astral (a surrogate pair), combining marks, and the separators peers use.
const PIECES = ['a', 'Z', '0', '7', '-', '_', '.', ':', '@', ' ', 'user-', '42', 'é', 'ß', 'ÿ', 'Ā', '用户', 'josé', '😀', '\u0301', '\u{10ffff}', 'flag-key'];

function texts(random, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = Math.floor(random() * 8);
    for (let j = 0; j < n; j++) s += PIECES[Math.floor(random() * PIECES.length)];
    out.push(s);
  }
  return out;
}

const utf8Binary = (s) => Buffer.from(s, 'utf8').toString('latin1');
const pick = (random, list) => list[Math.floor(random() * list.length)];

/**
 * The bucket a rollout naming a peer's `scheme` (docs/snapshot.md) gives `unit` among `total`
 * buckets, by that peer's code; `undefined` for a scheme this does not know.
 */
export function peerBucket(scheme, unit, total) {
  switch (scheme.name) {
    case 'flagd-v2': {
      const input = (scheme.prefix ?? '') + unit + (scheme.suffix ?? '');
      const h = scheme.encoding === 'utf16-imurmurhash' ? new MurmurHash3(input).result() : murmurhash3js.x86.hash32(utf8Binary(input), 0);
      return Number((BigInt(h >>> 0) * BigInt(total)) >> 32n);
    }
    case 'unleash': {
      const variant = scheme.purpose === 'variant';
      if (scheme.encoding === 'utf16-low-byte') {
        if (variant) return unleash.normalizedVariantValue(unit, scheme.groupId, total) - 1;
        if (total === 100) return unleash.normalizedStrategyValue(unit, scheme.groupId) - 1;
        return undefined;
      }
      return murmurhash3js.x86.hash32(utf8Binary(`${scheme.groupId}:${unit}`), variant ? 86028157 : 0) % total;
    }
    case 'growthbook-v1':
    case 'growthbook-v2': {
      const scale = scheme.name === 'growthbook-v1' ? 1000 : 10000;
      return Math.round(growthbook.hash(scheme.seed ?? '', unit, scale === 1000 ? 1 : 2) * scale);
    }
    default:
      return undefined;
  }
}

/** Every case, with what each peer's code gives for it. */
export function generate(perPeer = 400) {
  const random = generator(20261207);
  const totals = [1, 2, 3, 4, 7, 10, 100, 1000, 100000, 2147483647];
  const flagd = texts(random, perPeer).map((input) => {
    const total = random() < 0.8 ? pick(random, totals) : 1 + Math.floor(random() * 2147483646);
    const bucket = (encoding) => peerBucket({ name: 'flagd-v2', encoding }, input, total);
    return [input, total, bucket('utf8'), bucket('utf16-imurmurhash')];
  });
  const unleashCases = texts(random, perPeer).map((value, i) => {
    const group = texts(random, 1)[0] || 'toggle';
    const variant = i % 2 === 1;
    const [seed, n] = variant ? [86028157, pick(random, [1, 3, 100, 1000, 999, 65535])] : [0, 100];
    const bucket = (encoding) => peerBucket({ name: 'unleash', groupId: group, purpose: variant ? 'variant' : 'rollout', encoding }, value, n);
    return [group, value, seed, n, bucket('utf8'), bucket('utf16-low-byte')];
  });
  const growthbookCases = texts(random, perPeer).map((value, i) => {
    const seed = texts(random, 1)[0];
    const version = 1 + (i % 2);
    return [seed, value, version, growthbook.hash(seed, value, version)];
  });
  const launchdarkly = texts(random, perPeer).map((value, i) => {
    const prefix = i % 3 === 0 ? String(Math.floor(random() * 1e6)) : `${texts(random, 1)[0]}.${texts(random, 1)[0]}`;
    // LaunchDarkly's Bucketer (js-server-sdk-common), its arithmetic as written there.
    const hashVal = parseInt(createHash('sha1').update(`${prefix}.${value}`).digest('hex').substring(0, 15), 16);
    const f64 = hashVal / 1152921504606847e3;
    // The 32-bit SDKs: float32(h) / float32(0xFFFFFFFFFFFFFFF), each step rounded to binary32.
    const f32 = Math.fround(Math.fround(hashVal) / Math.fround(0xfffffffffffffff));
    return [prefix, value, f64, f32];
  });
  return { flagd, unleash: unleashCases, growthbook: growthbookCases, launchdarkly };
}

/** The file's text: one case a line, so a change reads as a diff. */
export function render(cases) {
  const about =
    'Generated by tests/js/peer-buckets.mjs from the peers\' npm packages (tests/js/package.json). ' +
    'flagd: [input, total, bucket over UTF-8 (flagd), bucket as flagd-core]; unleash: [groupId, value, seed, n, ' +
    'bucket over UTF-8 (Yggdrasil), bucket as unleash-client]; growthbook: [seed, value, hashVersion, n as sdk-js]; ' +
    'launchdarkly: [prefix, value, bucket in binary64 (JavaScript SDKs), bucket in binary32 (Go, Java, .NET, Rust)].';
  const section = (name, rows) => `  ${JSON.stringify(name)}: [\n${rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]`;
  return `{\n  "about": ${JSON.stringify(about)},\n${Object.entries(cases).map(([k, v]) => section(k, v)).join(',\n')}\n}\n`;
}

export const committed = () => readFileSync(path, 'utf8');

if (process.argv.includes('--write')) {
  writeFileSync(path, render(generate()));
  console.log(`wrote ${path.pathname}`);
}

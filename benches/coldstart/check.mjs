// The translation check, run once before anything is timed: every engine evaluates every flag
// for a set of contexts and is held to what the snapshot means (translate.mjs `distribution`):
//   - where no bucketing decides (a rule or segment matches or not, a flag is off, a static
//     flag), the value must be exactly the one the snapshot serves;
//   - where a rollout, an experiment or a bucketed prerequisite decides, each flag's count of
//     each value over the contexts must be within 5 standard deviations (+1) of the expected
//     count (each context's bucket is its own draw: the keys are distinct).
// edgeflag is held to the same reference, which checks the reference too.
import { distribution, offValue } from './translate.mjs';

/** SplitMix-like deterministic generator (32-bit), so the contexts are the same every run. */
function rng(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) % n;
  };
}

export const ATTRIBUTES = {
  tier: ['free', 'pro', 'enterprise'],
  country: ['GB', 'IE', 'US', 'DE', 'FR'],
  app_version: ['1.9.0', '2.2.0', '2.3.0', '2.10.0'],
};

/**
 * `n` contexts with distinct keys `user-<k>` (about 5 % of them members of a segment's
 * `included` list, 10 % with a segment's staff e-mail) and every attribute the snapshot reads.
 */
export function makeContexts(snapshot, n, seed = 0x5eed) {
  const next = rng(seed);
  const members = [...new Set(Object.values(snapshot.segments ?? {}).flatMap((s) => s.included ?? []))];
  const segments = Object.keys(snapshot.segments ?? {});
  const used = new Set();
  const out = [];
  while (out.length < n) {
    const key = members.length && next(20) === 0 ? members[next(members.length)] : `user-${next(100000)}`;
    if (used.has(key)) continue;
    used.add(key);
    const staff = segments.length && next(10) === 0;
    out.push({
      key,
      tier: ATTRIBUTES.tier[next(3)],
      country: ATTRIBUTES.country[next(5)],
      app_version: ATTRIBUTES.app_version[next(4)],
      email: staff ? `${key}@corp-${segments[next(segments.length)].replace(/^segment-/, '')}.example` : `${key}@example.com`,
    });
  }
  return out;
}

/**
 * engines: [{ name, evaluate(flagKey, context, offValue) → value, contexts? (a subset size) }].
 * Throws with the first failures; returns one summary line per engine.
 */
export function checkEngines({ snapshot, engines, contexts }) {
  const keys = Object.keys(snapshot.flags);
  const stats = new Map(engines.map((e) => [e.name, { exact: 0, shares: 0, failures: [] }]));
  for (const key of keys) {
    const off = offValue(snapshot.flags[key]);
    const dists = contexts.map((c) => distribution(snapshot, key, c));
    for (const engine of engines) {
      const st = stats.get(engine.name);
      const n = Math.min(engine.contexts ?? contexts.length, contexts.length);
      const expected = new Map(); // value → [expected count, variance, observed]
      for (let i = 0; i < n; i++) {
        const got = engine.evaluate(key, contexts[i], off);
        const d = dists[i];
        if (d.size === 1) {
          const want = [...d.keys()][0];
          if (got !== want) st.failures.push(`${key} for ${JSON.stringify(contexts[i])}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
          else st.exact++;
          continue;
        }
        if (!d.has(got)) st.failures.push(`${key} for ${JSON.stringify(contexts[i])}: ${JSON.stringify(got)}, want one of ${JSON.stringify([...d.keys()])}`);
        for (const [v, p] of d) {
          const e = expected.get(v) ?? [0, 0, 0];
          e[0] += p;
          e[1] += p * (1 - p);
          if (got === v) e[2]++;
          expected.set(v, e);
        }
      }
      for (const [v, [mean, variance, observed]] of expected) {
        if (Math.abs(observed - mean) > 5 * Math.sqrt(variance) + 1) {
          st.failures.push(`${key}: ${JSON.stringify(v)} served ${observed} times, expected ${mean.toFixed(1)} ± ${(5 * Math.sqrt(variance) + 1).toFixed(1)}`);
        } else st.shares++;
      }
    }
  }
  const bad = [...stats].filter(([, s]) => s.failures.length);
  if (bad.length) {
    const lines = bad.flatMap(([name, s]) => [`${name}: ${s.failures.length} failures`, ...s.failures.slice(0, 8).map((f) => `  ${f}`)]);
    throw new Error(`translation check failed:\n${lines.join('\n')}`);
  }
  return engines.map((e) => {
    const s = stats.get(e.name);
    return `${e.name}: ${s.exact} exact values, ${s.shares} value shares (${Math.min(e.contexts ?? contexts.length, contexts.length)} contexts × ${keys.length} flags)`;
  });
}

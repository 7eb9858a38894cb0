// edgeflag in the peer benchmark (../shared/bench/peers): translates the vendor-neutral scenario
// into an edgeflag snapshot and evaluates it with the npm package's fastest documented path.
//
//   cd ../shared/bench/peers && npm ci && node bench.mjs --adapter /path/to/benches/peers-adapter.mjs
//
// EDGEFLAG_PKG overrides where the package is imported from (default: this repo's pkg/ entry
// for Node; the test command imports it from the packed tarball). EDGEFLAG_MODE=values (the
// default) uses `engine.values(context)`; `details` uses `engine.evaluateAll(context)`; `scope`
// binds the context once with `engine.context()` and reads each flag with a typed getter.
// EDGEFLAG_EXPOSURES=on records exposures (docs/exposures.md) and takes a batch whenever 500
// are queued, as a reporter would: the cost of exposures is the difference from a run without.
// With the default dedupe capacity (10,000 triples) the bench's 100,000 contexts x 7 flags are
// all new exposures in every pass: the worst case. EDGEFLAG_DEDUPE_CAPACITY=1000000 remembers
// them all, so timed passes see returning users: the steady state of a busy server.

const pkg = process.env.EDGEFLAG_PKG ?? new URL('../pkg/node.js', import.meta.url).href;
const { Engine } = await import(pkg);
const MODE = process.env.EDGEFLAG_MODE ?? 'values';
const EXPOSURES = process.env.EDGEFLAG_EXPOSURES === 'on';

export const name = EXPOSURES ? 'edgeflag+exposures' : 'edgeflag';
export const version = '0.1.0';

const percent = (p) => Math.round(p * 1000); // weights are out of 100 000
const ramp = (p) => ({
  rollout: { variations: [{ variation: 'on', weight: percent(p) }, { variation: 'off', weight: 100000 - percent(p) }] },
});
const bool = (on, extra) => ({
  on,
  variations: [{ name: 'off', value: false }, { name: 'on', value: true }],
  offVariation: 'off',
  fallthrough: { variation: 'off' },
  ...extra,
});

/** The scenario as an edgeflag snapshot (docs/snapshot.md). */
export function snapshot(scenario) {
  const f = scenario.flags;
  const total = f.checkout_experiment.variants.reduce((s, v) => s + v.weight, 0);
  let left = 100000;
  const splits = f.checkout_experiment.variants.map((v, i, all) => {
    const weight = i === all.length - 1 ? left : Math.round((v.weight / total) * 100000);
    left -= weight;
    return { variation: v.value, weight };
  });
  const pre = f.response_suggestions.prerequisite;
  return {
    formatVersion: 1,
    version: 1,
    generatedAt: '2026-11-01T00:00:00Z',
    segments: { [f.ai_search.segment]: { included: scenario.segments[f.ai_search.segment] } },
    flags: {
      conversations_enabled: bool(true, {
        rules: [{ id: 'paid', clauses: [{ attribute: 'tier', op: 'in', values: f.conversations_enabled.tiers }], serve: ramp(f.conversations_enabled.rolloutPercent) }],
      }),
      metadata_context: bool(f.metadata_context.enabled !== false),
      ai_search: bool(true, {
        rules: [{ id: 'internal', clauses: [{ op: 'segmentMatch', values: [f.ai_search.segment] }], serve: { variation: 'on' } }],
        fallthrough: ramp(f.ai_search.rolloutPercent),
      }),
      sentiment_analysis: bool(true, { fallthrough: ramp(f.sentiment_analysis.rolloutPercent) }),
      response_suggestions: bool(true, {
        prerequisites: [{ flag: pre.flag, variation: pre.value ? 'on' : 'off' }],
        fallthrough: ramp(f.response_suggestions.rolloutPercent),
      }),
      checkout_experiment: {
        on: true,
        variations: f.checkout_experiment.variants.map((v) => ({ name: v.value, value: v.value })),
        offVariation: f.checkout_experiment.default,
        fallthrough: { rollout: { variations: splits } },
      },
      offpeak_retry: bool(true, {
        rules: [
          {
            id: 'offpeak',
            clauses: [
              { attribute: 'country', op: 'in', values: f.offpeak_retry.countries },
              { attribute: 'app_version', op: 'semverGte', values: [f.offpeak_retry.minAppVersion] },
            ],
            serve: { variation: 'on' },
          },
        ],
      }),
    },
  };
}

export async function setup(scenario) {
  const dedupeCapacity = Number(process.env.EDGEFLAG_DEDUPE_CAPACITY ?? 10_000);
  const engine = new Engine(snapshot(scenario), { exposures: EXPOSURES && { dedupeCapacity } });
  const keys = scenario.flagKeys;
  const defaults = Object.fromEntries(keys.map((k) => [k, scenario.flags[k].default]));
  const typed = { boolean: 'getBoolean', string: 'getString' };
  const evaluate = {
    values: EXPOSURES
      ? (ctx) => {
          const v = engine.values(ctx);
          if (engine.pendingExposures >= 500) engine.takeExposures();
          return v;
        }
      : (ctx) => engine.values(ctx),
    details: (ctx) => {
      const all = engine.evaluateAll(ctx);
      const out = {};
      for (const k of keys) out[k] = all[k].value;
      return out;
    },
    scope: (ctx) => {
      const user = engine.context(ctx);
      const out = {};
      for (const k of keys) out[k] = user[typed[scenario.flags[k].type]](k, defaults[k]);
      return out;
    },
  }[MODE];
  return {
    evaluate,
    evaluateOne: (flagKey, ctx) => engine.evaluate(flagKey, ctx, defaults[flagKey]).value,
    notes: [
      `edgeflag${EXPOSURES ? ' with exposures recorded and batched' : ''} ${MODE === 'values' ? 'engine.values(ctx)' : MODE === 'details' ? 'engine.evaluateAll(ctx)' : 'engine.context(ctx) + typed getters'}: one Wasm call per context, results read from Wasm memory`,
    ],
  };
}

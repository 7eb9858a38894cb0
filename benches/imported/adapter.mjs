// edgeflag on a peer's own configuration, in the peer benchmark (../shared/bench/peers): the
// bench's adapter for that peer translates the scenario into the peer's format (its `translate`),
// `importConfig` converts it as `edgeflag import` would, and edgeflag evaluates it from the context
// the peer's SDK is given. Run it beside the peer's own SDK on the same configuration:
//
//   cd ../shared/bench/peers && node bench.mjs --only growthbook --adapter /path/to/benches/imported/growthbook.mjs
//
// EDGEFLAG_PKG overrides where the package is imported from (default: this repo's pkg/ entry for
// Node); EDGEFLAG_PEERS_BENCH where the peer benchmark is (default: ../shared/bench/peers).
const pkg = process.env.EDGEFLAG_PKG ?? new URL('../../pkg/node.js', import.meta.url).href;
const { Engine, importConfig } = await import(pkg);
const bench = process.env.EDGEFLAG_PEERS_BENCH ?? new URL('../../../shared/bench/peers/', import.meta.url).pathname;

/**
 * An adapter for `peer`: `adapter` is the bench's file for it, `context` builds the peer's own
 * context from the scenario's, and `value(flag, value, fallback)` recovers the peer's answer from
 * the value edgeflag serves (docs/import.md), `fallback` being the scenario's default; `options`
 * go to importConfig (`reference`: whose answers, that of the SDK the bench runs); `payload` makes
 * the peer's payload from what the bench's `translate` returns, where the two differ.
 */
export async function importedAdapter({ peer, adapter, context, value, options = {}, payload = (t) => t }) {
  const { translate } = await import(new URL(`adapters/${adapter}`, `file://${bench}`).href);
  return {
    name: `edgeflag (${peer} import)`,
    version: '0.1.0',
    async setup(scenario) {
      const started = performance.now();
      const { snapshot, skipped } = importConfig(peer, payload(translate(scenario)), options);
      const engine = new Engine(snapshot);
      const ms = (performance.now() - started).toFixed(1);
      const keys = scenario.flagKeys;
      const defaults = keys.map((k) => scenario.flags[k].default);
      const one = (values, i) => (keys[i] in values ? value(scenario.flags[keys[i]], values[keys[i]], defaults[i]) : defaults[i]);
      return {
        evaluate(ctx) {
          const values = engine.values(context(ctx));
          const out = {};
          for (let i = 0; i < keys.length; i++) out[keys[i]] = one(values, i);
          return out;
        },
        evaluateOne(flagKey, ctx) {
          const i = keys.indexOf(flagKey);
          return one(engine.values(context(ctx)), i);
        },
        notes: [
          `${peer}'s own configuration (the bench's translate()) through importConfig${options.reference ? ` (reference ${options.reference})` : ''} in ${ms} ms, evaluated with engine.values(${peer}'s context)`,
          ...(skipped.length ? [`left out: ${skipped.map((s) => s.path).join(', ')}`] : []),
        ],
      };
    },
  };
}

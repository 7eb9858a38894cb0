import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
// What is measured: each entry is a package, the configuration file it loads, and three
// snippets. bench.mjs turns them into a Node script (dynamic `import()` timed, then load, then
// the first evaluation) and a Worker (static imports at startup; load and evaluate on the first
// request). Snippets see:
//   config   the configuration: text (a string), or bytes (Uint8Array) when `binary: true`
//   loaded   what `load` returned
//   FLAG     the flag key (a string)          CONTEXT  the context in this entry's own shape
//   NOW      the fixed evaluation time (epoch ms)  OFF  the flag's off value (the caller's default)
//
// EDGEFLAG VARIANTS. To add one: append an entry. `config.make` writes its configuration file
// from the snapshot; `evaluate` must return edgeflag's result object, which is compared whole with
// the native CLI's `edgeflag eval`.
//
// PEERS: `evaluate` returns the served value, compared with what the snapshot implies (the flag
// and context are chosen so that no bucketing decides). `context` maps the edgeflag context to
// the peer's shape; `workerd: {...}` overrides members in workerd.

export const edgeflagVariants = [
  {
    name: 'edgeflag',
    config: { file: 'edgeflag.json' }, // the snapshot text as `edgeflag generate` prints it
    imports: [['edgeflag', 'Engine']],
    load: 'new Engine(config, { now: () => NOW })',
    evaluate: 'loaded.evaluate(FLAG, CONTEXT)',
  },
  {
    // What servers publish for runtimes that only evaluate (docs/compiled.md): no JSON parsed.
    name: 'edgeflag (compiled)',
    config: {
      file: 'edgeflag.efc',
      binary: true,
      make: ({ cli, snapshotPath, out }) => execFileSync(cli, ['compile', snapshotPath, '--out', out], { stdio: 'ignore' }),
    },
    imports: [['edgeflag', 'Engine']],
    load: 'new Engine(config, { now: () => NOW })',
    evaluate: 'loaded.evaluate(FLAG, CONTEXT)',
  },
];

export const peers = [
  {
    name: 'growthbook',
    package: '@growthbook/growthbook',
    config: { file: 'growthbook.json' }, // SDK payload { features, savedGroups } (translate.mjs)
    context: 'growthbook',
    imports: [['@growthbook/growthbook', 'GrowthBookClient']],
    // The SDK's multi-user server mode, payload given inline: no clientKey, no network.
    load: 'new GrowthBookClient({}).initSync({ payload: JSON.parse(config) })',
    evaluate: 'loaded.getFeatureValue(FLAG, OFF, CONTEXT)',
  },
  {
    name: 'flagd-core',
    package: '@openfeature/flagd-core',
    config: { file: 'flagd.json' }, // flag definition document { flags, $evaluators } (translate.mjs)
    context: 'flagd',
    imports: [['@openfeature/flagd-core', 'FlagdCore']],
    // Default mode: targeting compiled to functions with new Function().
    load: '(() => { const core = new FlagdCore(); core.setConfigurations(config); return core; })()',
    evaluate: 'loaded[typeof OFF === "boolean" ? "resolveBooleanEvaluation" : "resolveStringEvaluation"](FLAG, OFF, CONTEXT).value',
    // workerd forbids new Function(): flagd-core's documented mode for such runtimes.
    workerd: {
      name: 'flagd-core (no-codegen)',
      load: '(() => { const core = new FlagdCore(undefined, undefined, { disableDynamicCodeGeneration: true }); core.setConfigurations(config); return core; })()',
    },
  },
];

// EDGEFLAG ON A PEER'S OWN CONFIGURATION: the peer's file converted by `edgeflag import`
// (docs/import.md), given the context the peer's SDK is given; its value is checked as a peer's
// is (a converted snapshot names its rules its own way), and the ratio table sets it against the
// peer `of`. `config.make` runs after the peers' files are written.
const importOf = (peer, compiled, reference) => ({ cli, out }) => {
  const json = compiled ? out.replace(/\.efc$/, '.json') : out;
  const options = reference ? ['--reference', reference] : [];
  execFileSync(cli, ['import', '--from', peer, ...options, join(dirname(out), `${peer}.json`), '--out', json], { stdio: 'ignore' });
  if (compiled) execFileSync(cli, ['compile', json, '--out', out], { stdio: 'ignore' });
};
export const imported = [
  {
    name: 'edgeflag (growthbook import)',
    of: 'growthbook',
    config: { file: 'growthbook-import.json', make: importOf('growthbook', false) },
    context: 'growthbook import',
    imports: [['edgeflag', 'Engine']],
    load: 'new Engine(config, { now: () => NOW })',
    // A GrowthBook feature's value is what edgeflag serves; one left out of the payload (switched
    // off) is unknown to both, which serve the caller's default.
    evaluate: 'loaded.evaluate(FLAG, CONTEXT, OFF).value ?? OFF',
  },
  {
    name: 'edgeflag (growthbook import, compiled)',
    of: 'growthbook',
    config: { file: 'growthbook-import.efc', binary: true, make: importOf('growthbook', true) },
    context: 'growthbook import',
    imports: [['edgeflag', 'Engine']],
    load: 'new Engine(config, { now: () => NOW })',
    evaluate: 'loaded.evaluate(FLAG, CONTEXT, OFF).value ?? OFF',
  },
  {
    // Imported as flagd-core answers (its cat, its sem_ver), the peer measured beside it.
    name: 'edgeflag (flagd import)',
    of: 'flagd-core',
    config: { file: 'flagd-import.json', make: importOf('flagd', false, 'flagd-core') },
    context: 'flagd',
    imports: [['edgeflag', 'Engine']],
    load: 'new Engine(config, { now: () => NOW })',
    // A flagd variant's value is what edgeflag serves (null: the caller's default).
    evaluate: 'loaded.evaluate(FLAG, CONTEXT, OFF).value ?? OFF',
  },
  {
    name: 'edgeflag (flagd import, compiled)',
    of: 'flagd-core',
    config: { file: 'flagd-import.efc', binary: true, make: importOf('flagd', true, 'flagd-core') },
    context: 'flagd',
    imports: [['edgeflag', 'Engine']],
    load: 'new Engine(config, { now: () => NOW })',
    evaluate: 'loaded.evaluate(FLAG, CONTEXT, OFF).value ?? OFF',
  },
];

/** Every entry, resolved for one runtime ('node' or 'workerd'), with its kind. */
export function entriesFor(runtime) {
  const resolve = (e, kind) => ({ kind, context: 'edgeflag', ...e, ...(runtime === 'workerd' ? (e.workerd ?? {}) : {}), id: e.name });
  return [
    ...edgeflagVariants.map((e) => resolve(e, 'edgeflag')),
    ...peers.map((e) => resolve(e, 'peer')),
    ...imported.map((e) => resolve(e, 'import')),
  ];
}

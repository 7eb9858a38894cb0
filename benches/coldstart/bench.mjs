// Cold start with a 1,000-flag configuration: edgeflag against GrowthBook and flagd-core, each
// from its npm package and with its own configuration format (translate.mjs), in two runtimes:
//
//   Node     a fresh `node` process per sample runs a tiny script: import the package, load the
//            configuration from its text, evaluate one flag, each phase timed inside with
//            performance.now; the process's wall time (spawn → exit) is timed outside. A floor
//            process that imports nothing shows what any process costs.
//   workerd  a fresh Miniflare instance (its own workerd process) per sample: startup (new
//            Miniflare → ready; workerd evaluates the modules here) and the first request (which
//            loads the configuration and evaluates one flag), timed outside (workerd's clocks
//            stand still during synchronous code). A bare Worker with no imports is the floor.
//
// Samples are interleaved round-robin across entries (the order rotating each round), so drift
// of the machine hits all alike; the table shows medians and the ratio edgeflag / peer from the
// same run. A benchmark: every first evaluation is checked (edgeflag's whole result against the
// native `edgeflag eval`, the peers' values against what the snapshot serves), times are printed,
// never asserted. Before timing, translate.mjs's output is checked for every flag (check.mjs).
//
//   npm ci && node bench.mjs [--runs 15] [--smoke] [--runtime node|workerd|both] [--flags 1000]
//                            [--seed 1] [--flag KEY] [--check-contexts 1000] [--tarball PATH]
//                            [--json FILE]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Miniflare } from 'miniflare';
// The test suite's Worker bundler (esbuild from tests/runtimes: tests/tools.sh runtimes).
import { bundleWorker, workerOptions } from '../../tests/runtimes/workerd/bundle.mjs';
import { checkEngines, makeContexts } from './check.mjs';
import { entriesFor } from './entries.mjs';
import { cliPath, generateConfigs, here, root } from './generate.mjs';
import { contextFor, deterministic, offValue } from './translate.mjs';

// ---- options
const argv = process.argv.slice(2);
const flagsSet = new Set(['smoke']);
const opts = {};
for (let i = 0; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, '');
  if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
  opts[name] = flagsSet.has(name) ? true : argv[++i];
}
const smoke = Boolean(opts.smoke);
const RUNS = Number(opts.runs ?? (smoke ? 3 : 15));
const FLAGS = Number(opts.flags ?? 1000);
const SEED = Number(opts.seed ?? 1);
const CHECK_CONTEXTS = Number(opts['check-contexts'] ?? (smoke ? 200 : 1000));
const runtimes = opts.runtime && opts.runtime !== 'both' ? [opts.runtime] : ['node', 'workerd'];
if (!runtimes.every((r) => r === 'node' || r === 'workerd')) throw new Error('--runtime is node, workerd or both');
const NOW = Date.parse('2026-11-21T00:00:00Z'); // a fixed clock, so the CLI and the engines agree
const CONTEXT = opts.context
  ? JSON.parse(opts.context)
  : { key: 'user-1', tier: 'pro', country: 'GB', app_version: '2.10.0', email: 'user-1@example.com' };

const work = join(here, '.work');
const project = join(work, 'project');
const step = (s) => console.error(`== ${s}`);

// ---- the package under test: the packed tarball, installed in a project of its own
let tarball = opts.tarball && resolve(opts.tarball);
let packDir;
if (!tarball) {
  if (!existsSync(join(root, 'pkg/wasm'))) {
    step('pkg/wasm is missing: pkg/build.sh');
    execFileSync(join(root, 'pkg/build.sh'), { cwd: root, stdio: 'inherit' });
  }
  packDir = mkdtempSync(join(tmpdir(), 'edgeflag-coldstart-'));
  step('npm pack ./pkg');
  const name = execFileSync('npm', ['pack', './pkg', '--pack-destination', packDir, '--silent'], { cwd: root, encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  tarball = join(packDir, name);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(project, { recursive: true });
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'edgeflag-coldstart-run', private: true, type: 'module' }, null, 2));
step(`npm install ${tarball}`);
try {
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project, stdio: ['ignore', 2, 2] });
} finally {
  if (packDir) rmSync(packDir, { recursive: true, force: true });
}
const edgeflagVersion = JSON.parse(readFileSync(join(project, 'node_modules/edgeflag/package.json'), 'utf8')).version;
const installed = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;

// ---- configurations, the probe and what it must give
step(`configurations for ${FLAGS} flags`);
const cli = cliPath();
const configs = join(work, 'configs');
const { snapshot, snapshotPath, files } = generateConfigs({ flags: FLAGS, seed: SEED, out: configs, cli });
const keys = Object.keys(snapshot.flags);
// Default probe: the last flag with a semver rule that is switched on (deep in every document,
// decided without bucketing, so every peer must serve the same value).
const FLAG = opts.flag ?? keys.findLast((k) => snapshot.flags[k].on && snapshot.flags[k].rules?.some((r) => r.clauses.some((c) => c.op === 'semverGte'))) ?? keys.at(-1);
if (!(FLAG in snapshot.flags)) throw new Error(`no flag ${FLAG} in the snapshot`);
const OFF = offValue(snapshot.flags[FLAG]);
const expectedValue = deterministic(snapshot, FLAG, CONTEXT);
if (expectedValue === undefined) throw new Error(`${FLAG} is decided by bucketing for ${JSON.stringify(CONTEXT)}: pick a flag or context without`);
const expectedDetails = JSON.parse(
  execFileSync(cli, ['eval', snapshotPath, '--flag', FLAG, '--context', JSON.stringify(CONTEXT), '--now', String(NOW)], { encoding: 'utf8' }),
);
if (!isDeepStrictEqual(expectedDetails.value, expectedValue)) {
  throw new Error(`native edgeflag serves ${JSON.stringify(expectedDetails.value)} for ${FLAG}, the snapshot says ${JSON.stringify(expectedValue)}`);
}

// ---- translation check: every flag, many contexts, every engine (in this process, untimed)
step(`translation check: ${CHECK_CONTEXTS} contexts × ${keys.length} flags`);
const checkLines = await (async () => {
  const { Engine } = await import(pathToFileURL(createRequire(join(project, 'package.json')).resolve('edgeflag')).href);
  const { GrowthBookClient } = await import('@growthbook/growthbook');
  const { FlagdCore } = await import('@openfeature/flagd-core');
  const text = (f) => readFileSync(join(configs, f), 'utf8');
  const ef = new Engine(text('edgeflag.json'), { now: () => NOW });
  const gbImport = new Engine(text('growthbook-import.json'), { now: () => NOW });
  const fdImport = new Engine(text('flagd-import.json'), { now: () => NOW });
  const gb = new GrowthBookClient({}).initSync({ payload: JSON.parse(text('growthbook.json')) });
  const flagd = (options) => {
    const core = new FlagdCore(undefined, undefined, options);
    core.setConfigurations(text('flagd.json'));
    return (k, c, off) => core[typeof off === 'boolean' ? 'resolveBooleanEvaluation' : 'resolveStringEvaluation'](k, off, contextFor.flagd(c)).value;
  };
  return checkEngines({
    snapshot,
    contexts: makeContexts(snapshot, CHECK_CONTEXTS),
    engines: [
      { name: 'edgeflag', evaluate: (k, c) => ef.evaluate(k, c).value },
      { name: 'growthbook', evaluate: (k, c, off) => gb.getFeatureValue(k, off, contextFor.growthbook(c)) },
      { name: 'edgeflag (growthbook import)', evaluate: (k, c, off) => gbImport.evaluate(k, contextFor['growthbook import'](c), off).value ?? off },
      { name: 'flagd-core', evaluate: flagd({}) },
      { name: 'flagd-core (no-codegen)', evaluate: flagd({ disableDynamicCodeGeneration: true }) },
      { name: 'edgeflag (flagd import)', evaluate: (k, c, off) => fdImport.evaluate(k, contextFor.flagd(c), off).value ?? off },
    ],
  });
})();

// ---- the scripts and Workers
const slug = (s) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
const constants = (entry) =>
  `const FLAG = ${JSON.stringify(FLAG)};\nconst CONTEXT = ${JSON.stringify(contextFor[entry.context](CONTEXT))};\n` +
  `const NOW = ${NOW};\nconst OFF = ${JSON.stringify(OFF)};\n`;
const dynamicImports = (imports) =>
  imports.map(([spec, ...names]) => `const { ${names.map((n) => n.replace(/ as /, ': ')).join(', ')} } = await import(${JSON.stringify(spec)});`).join('\n');
const staticImports = (imports) => imports.map(([spec, ...names]) => `import { ${names.join(', ')} } from ${JSON.stringify(spec)};`).join('\n');

const FLOOR = { id: 'floor', kind: 'floor' };
const prepared = {};

if (runtimes.includes('node')) {
  const dir = join(project, 'node');
  mkdirSync(dir, { recursive: true });
  const list = [{ ...FLOOR, name: 'floor (imports nothing)' }, ...entriesFor('node')];
  for (const e of list) {
    const script = join(dir, `${slug(e.id)}.mjs`);
    if (e.kind === 'floor') {
      writeFileSync(script, "process.stdout.write('{\"result\":null}');\n");
    } else {
      const path = JSON.stringify(join(configs, e.config.file));
      writeFileSync(
        script,
        `import { readFileSync } from 'node:fs';
const config = ${e.config.binary ? `new Uint8Array(readFileSync(${path}))` : `readFileSync(${path}, 'utf8')`};
${constants(e)}const t0 = performance.now();
${dynamicImports(e.imports)}
const t1 = performance.now();
const loaded = ${e.load};
const t2 = performance.now();
const result = ${e.evaluate};
const t3 = performance.now();
process.stdout.write(JSON.stringify({ import: t1 - t0, load: t2 - t1, evaluate: t3 - t2, result }));
`,
      );
    }
    (prepared.node ??= []).push({ ...e, script });
  }
}

if (runtimes.includes('workerd')) {
  step('bundling the Workers');
  const list = [{ ...FLOOR, name: 'bare Worker' }, ...entriesFor('workerd')];
  for (const e of list) {
    const dir = join(project, 'workerd', slug(e.id));
    mkdirSync(dir, { recursive: true });
    let src;
    if (e.kind === 'floor') {
      src = 'export default {\n  fetch() {\n    return Response.json({ result: null });\n  },\n};\n';
    } else {
      const ext = e.config.binary ? 'bin' : 'txt';
      cpSync(join(configs, e.config.file), join(dir, `config.${ext}`));
      src = `${staticImports(e.imports)}
${e.config.binary ? "import data from './config.bin';\nconst config = new Uint8Array(data);" : "import config from './config.txt';"}
${constants(e)}let loaded;
export default {
  fetch() {
    loaded ??= ${e.load};
    const result = ${e.evaluate};
    return Response.json({ result });
  },
};
`;
    }
    writeFileSync(join(dir, 'worker.src.mjs'), src);
    const { scriptPath, code, config } = await bundleWorker(join(dir, 'worker.src.mjs'), join(dir, 'dist'));
    (prepared.workerd ??= []).push({ ...e, scriptPath, code, config });
  }
}

// ---- one sample of each kind
const childEnv = { ...process.env, NODE_ENV: 'production' };
function nodeSample(e) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [e.script], { cwd: project, env: childEnv, encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${e.name} in Node exited ${r.status}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), wall };
}

async function workerdSample(e) {
  const t0 = performance.now();
  const mf = new Miniflare(workerOptions(e.scriptPath));
  try {
    await mf.ready;
    const t1 = performance.now();
    const res = await mf.dispatchFetch('http://localhost/');
    const body = await res.json();
    const t2 = performance.now();
    if (!res.ok) throw new Error(`${e.name} in workerd answered ${res.status}`);
    return { startup: t1 - t0, request: t2 - t1, result: body.result };
  } finally {
    await mf.dispose();
  }
}

function verify(e, runtime, result) {
  const ok =
    e.kind === 'floor' ? result === null : e.kind === 'edgeflag' ? isDeepStrictEqual(result, expectedDetails) : isDeepStrictEqual(result, expectedValue); // peers and imports: the value
  if (!ok) {
    const want = e.kind === 'edgeflag' ? expectedDetails : expectedValue;
    throw new Error(`${e.name} in ${runtime}: ${FLAG} gave ${JSON.stringify(result)}, want ${JSON.stringify(want)}`);
  }
}

const sample = { node: nodeSample, workerd: workerdSample };
const samples = Object.fromEntries(runtimes.map((rt) => [rt, Object.fromEntries(prepared[rt].map((e) => [e.id, []]))]));
const load0 = loadavg()[0];
step('warm-up (one uncounted sample of each)');
for (const rt of runtimes) for (const e of prepared[rt]) verify(e, rt, (await sample[rt](e)).result);
for (let i = 0; i < RUNS; i++) {
  step(`round ${i + 1}/${RUNS}`);
  for (const rt of runtimes) {
    const list = prepared[rt];
    for (let j = 0; j < list.length; j++) {
      const e = list[(i + j) % list.length];
      const s = await sample[rt](e);
      verify(e, rt, s.result);
      samples[rt][e.id].push(s);
    }
  }
}
const load1 = loadavg()[0];

// ---- report
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const med = (rt, id, f) => median(samples[rt][id].map(f));
const fmt = (x, w = 13) => (x === undefined ? '–' : x.toFixed(1)).padStart(w);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const line = (name, cells, w) => console.log(`${name.padEnd(52)}${cells.map((c) => (typeof c === 'string' ? c.padStart(w ?? 13) : fmt(c, w))).join('')}`);
const versions = { edgeflag: edgeflagVersion, growthbook: installed('@growthbook/growthbook'), 'flagd-core': installed('@openfeature/flagd-core') };
const label = (e) => (versions[e.id] ? `${e.name} ${versions[e.id]}` : e.name);

console.log(`\nCold start, ${FLAGS} flags (edgeflag generate --flags ${FLAGS} --seed ${SEED}), ${RUNS} samples each, interleaved`);
console.log(
  `first evaluation: ${FLAG} for ${JSON.stringify(CONTEXT)} → ${JSON.stringify(expectedValue)} (${expectedDetails.reason}); ` +
    'edgeflag identical to `edgeflag eval`, peers the same value, in every sample',
);
console.log(`configuration text: ${Object.entries(files).map(([f, n]) => `${f} ${kib(n)}`).join(' · ')}`);
console.log(`translation check passed: ${checkLines.join('; ')}`);
console.log(`load average (1 min): ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end`);

const inproc = (s) => s.import + s.load + s.evaluate;
if (samples.node) {
  const floor = med('node', 'floor', (s) => s.wall);
  console.log(`\nNode ${process.version}: median of ${RUNS} fresh processes, ms`);
  line('', ['import', 'load', '1st eval', 'in-process', 'wall', 'wall − floor']);
  for (const e of prepared.node) {
    if (e.kind === 'floor') line(e.name, [undefined, undefined, undefined, undefined, floor, 0]);
    else {
      const m = (f) => med('node', e.id, f);
      line(label(e), [m((s) => s.import), m((s) => s.load), m((s) => s.evaluate), m(inproc), m((s) => s.wall), m((s) => s.wall) - floor]);
    }
  }
}
const total = (s) => s.startup + s.request;
if (samples.workerd) {
  const bare = med('workerd', 'floor', total);
  console.log(`\nworkerd (miniflare ${installed('miniflare')}): median of ${RUNS} fresh instances, ms, timed from outside`);
  line('', ['code', 'config', 'startup', '1st request', 'total', 'total − bare']);
  for (const e of prepared.workerd) {
    const m = (f) => med('workerd', e.id, f);
    line(label(e), [kib(e.code), e.config ? kib(e.config) : '–', m((s) => s.startup), m((s) => s.request), m(total), m(total) - bare]);
  }
}

console.log('\nedgeflag / peer, ratio of the medians above (< 1: edgeflag starts faster)');
const cols = [
  ...(samples.node ? [['Node in-process', (id) => med('node', id, inproc)], ['Node wall − floor', (id) => med('node', id, (s) => s.wall) - med('node', 'floor', (s) => s.wall)]] : []),
  ...(samples.workerd ? [['workerd total − bare', (id) => med('workerd', id, total) - med('workerd', 'floor', total)]] : []),
];
line('', cols.map(([c]) => c), 22);
const all = entriesFor('node');
for (const v of all.filter((e) => e.kind === 'edgeflag')) {
  for (const p of all.filter((e) => e.kind === 'peer')) {
    line(`${v.name} / ${p.name}`, cols.map(([, f]) => (f(v.id) / f(p.id)).toFixed(2)), 22);
  }
}
// edgeflag on each peer's own configuration, converted, against that peer on it.
for (const v of all.filter((e) => e.kind === 'import')) {
  line(`${v.name} / ${v.of}`, cols.map(([, f]) => (f(v.id) / f(v.of)).toFixed(2)), 22);
}

if (opts.json) {
  writeFileSync(
    opts.json,
    JSON.stringify({ flags: FLAGS, seed: SEED, runs: RUNS, flag: FLAG, context: CONTEXT, node: process.version, files, versions, samples }, null, 2),
  );
}

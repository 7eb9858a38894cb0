// The OpenFeature providers with the real SDKs: a fresh project installs the packed tarball,
// server.mjs runs @openfeature/server-sdk and web.mjs @openfeature/web-sdk in Node against
// expectations computed here with the native CLI, page.mjs runs the web provider in headless
// Chromium (the browser entry, where initialize must await init()), and tsc type-checks types.ts
// against the .d.ts files.
// Usage: node tests/runtimes/openfeature/run.mjs --tarball target/runtimes/edgeflag-0.1.0.tgz
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, compileNative, freshProject, here as runtimes, root } from '../project.mjs';
import { SEEDS, testKey } from '../signing.mjs';
import { haveChromium, runInChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { tarball } = args();
if (!tarball) throw new Error('usage: node tests/runtimes/openfeature/run.mjs --tarball edgeflag-0.1.0.tgz');

// The native CLI computes every expectation. `cargo build` is a no-op when it is up to date, and
// a stale binary would make the providers look wrong.
const cli = join(root, 'target/release/edgeflag');
if (!existsSync(cli) || process.env.EDGEFLAG_SKIP_CARGO !== '1') {
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'edgeflag-cli'], { cwd: root, stdio: 'inherit' });
}

// A fixed clock (a Saturday night, so retry_logic's off-peak rule applies), the same for the CLI
// and the providers' engines.
const NOW = Date.parse('2026-11-21T23:30:00Z');

// The example snapshot plus flags for what it lacks: STATIC and a number, DISABLED with and
// without an offVariation, and a rollout by an attribute other than the key.
const example = JSON.parse(readFileSync(join(root, 'examples/snapshot.json'), 'utf8'));
const bool = () => [{ name: 'off', value: false }, { name: 'on', value: true }];
const v7 = structuredClone(example);
Object.assign(v7.flags, {
  max_items: {
    on: true,
    variations: [{ name: 'small', value: 10 }, { name: 'large', value: 100.5 }],
    offVariation: 'small',
    fallthrough: { variation: 'large' },
    metadata: { owner: 'team-test' },
  },
  legacy_banner: { on: false, variations: bool(), offVariation: 'off', fallthrough: { variation: 'on' } },
  no_off: { on: false, variations: bool(), fallthrough: { variation: 'on' } },
  account_ramp: {
    on: true,
    variations: bool(),
    offVariation: 'off',
    fallthrough: {
      rollout: { bucketBy: 'accountId', variations: [{ variation: 'on', weight: 50000 }, { variation: 'off', weight: 50000 }] },
    },
    metadata: { description: 'Half of the accounts', tags: ['one'] },
  },
});
// The next version: conversations turned off. Then a refused one (an unknown variation).
const v8 = structuredClone(v7);
v8.version = 8;
v8.flags.conversations_enabled.on = false;
const bad = structuredClone(v8);
bad.version = 9;
bad.flags.conversations_enabled.on = true;
bad.flags.new_editor.fallthrough = { variation: 'maybe' };

// [type, flag, OpenFeature context, default]
const pro = { targetingKey: 'u-1', tier: 'pro', beta_opt_in: true };
const cases = [
  ['boolean', 'conversations_enabled', pro, false],
  ['boolean', 'conversations_enabled', { targetingKey: 'u-2', tier: 'free' }, true],
  ...['e-1', 'e-2', 'e-3', 'e-4', 'e-5', 'e-6'].map((k) => ['boolean', 'conversations_enabled', { targetingKey: k, tier: 'enterprise' }, false]),
  ['boolean', 'ai_search', { targetingKey: 'u-ops-1' }, false],
  ['boolean', 'ai_search', { targetingKey: 'someone', email: 'someone@example.com' }, false],
  ['boolean', 'ai_search', { targetingKey: 'u-contractor-7', email: 'c7@example.com', beta: true }, false],
  ['boolean', 'response_suggestions', { targetingKey: 'u-9', accountId: 'acme' }, false],
  ['boolean', 'response_suggestions', { targetingKey: 'u-9', accountId: 4711 }, false],
  ['boolean', 'response_suggestions', { targetingKey: 'u-9', accountId: 'initech' }, true],
  ['boolean', 'retry_logic', { targetingKey: 'test-user-1' }, false],
  ['boolean', 'retry_logic', { key: 'disabled-user-1' }, true], // an explicit key, no targetingKey
  ['boolean', 'retry_logic', { targetingKey: 'test-user-2', key: 42 }, false], // targetingKey wins
  ...['r-1', 'r-2', 'r-3', 'r-4'].map((k) => ['boolean', 'retry_logic', { targetingKey: k }, false]),
  ...['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6', 'u-7', 'u-8'].map((k) => ['string', 'checkout_experiment', { targetingKey: k }, 'none']),
  ['object', 'plan_limits', { targetingKey: 'a', tier: 'pro' }, {}],
  ['object', 'plan_limits', { targetingKey: 'a', tier: 'enterprise' }, { maxSeats: 0 }],
  ['object', 'plan_limits', { targetingKey: 'a' }, {}],
  ['boolean', 'new_editor', { targetingKey: 'a', app_version: '2.4.1' }, false],
  ['boolean', 'new_editor', { targetingKey: 'a', app_version: '2.0.0' }, true],
  ...['m-1', 'm-2', 'm-3'].map((k) => ['boolean', 'enhanced_metadata_context', { targetingKey: k }, false]),
  ['number', 'max_items', { targetingKey: 'a' }, 0],
  ['boolean', 'legacy_banner', { targetingKey: 'a' }, true],
  ['boolean', 'no_off', { targetingKey: 'a' }, true], // DISABLED without an offVariation: the default
  ['boolean', 'account_ramp', { targetingKey: 'a', accountId: 'acme' }, true],
  ['boolean', 'account_ramp', { targetingKey: 'a', accountId: 1207 }, true],
  // Errors
  ['string', 'conversations_enabled', pro, 'fallback'], // TYPE_MISMATCH
  ['number', 'plan_limits', { targetingKey: 'a' }, 5], // TYPE_MISMATCH
  ['object', 'checkout_experiment', { targetingKey: 'a' }, { x: 1 }], // TYPE_MISMATCH
  ['boolean', 'max_items', { targetingKey: 'a' }, true], // TYPE_MISMATCH
  ['boolean', 'no_such_flag', { targetingKey: 'a' }, true], // FLAG_NOT_FOUND
  ['string', 'checkout_experiment', {}, 'dflt'], // TARGETING_KEY_MISSING
  ['string', 'checkout_experiment', { targetingKey: '' }, 'dflt'], // TARGETING_KEY_MISSING
  ['boolean', 'account_ramp', { targetingKey: 'a' }, true], // TARGETING_KEY_MISSING (accountId)
  ['boolean', 'account_ramp', { targetingKey: 'a', accountId: true }, false], // INVALID_CONTEXT
  ['boolean', 'account_ramp', { targetingKey: 'a', accountId: 1.5 }, false], // INVALID_CONTEXT
  ['boolean', 'conversations_enabled', { key: 42, tier: 'pro' }, true], // INVALID_CONTEXT (the CLI refuses it)
].map(([type, flag, context, defaultValue]) => ({ type, flag, context, defaultValue }));

const dir = freshProject('openfeature', tarball);
const files = { 'v7.json': v7, 'v8.json': v8, 'bad.json': bad };
for (const [name, snapshot] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(snapshot, null, 1));
// Signed v7 and v8, compiled, for the web provider given publicKeys in Chromium (page.mjs).
const signer = testKey(SEEDS.publisher);
const signed = Object.fromEntries(
  ['v7', 'v8'].map((v) => [v, Buffer.from(signer.signCompiled(compileNative(JSON.stringify(files[`${v}.json`])))).toString('base64')]),
);
writeFileSync(join(dir, 'signed.json'), JSON.stringify({ publicKey: signer.publicKey, ...signed }));

/** The CLI's result for one case: its JSON, or `{ refused }` with the code of a refused context. */
function expect(snapshotFile, { flag, context, defaultValue }) {
  const r = spawnSync(
    cli,
    ['eval', join(dir, snapshotFile), '--flag', flag, '--context', JSON.stringify(edgeflagContext(context)),
      '--now', String(NOW), '--default', JSON.stringify(defaultValue)],
    { encoding: 'utf8' },
  );
  if (r.status === 0) return JSON.parse(r.stdout);
  const code = /\[([A-Z_]+)\]\s*$/.exec(r.stderr);
  if (!code) throw new Error(`edgeflag eval failed: ${r.stderr}`);
  return { refused: code[1], message: r.stderr.trim() };
}

/** The mapping the providers promise, written out independently of them. */
function edgeflagContext({ targetingKey, ...attributes }) {
  return targetingKey === undefined ? attributes : { ...attributes, key: targetingKey, targetingKey };
}

const refusal = spawnSync(cli, ['validate', join(dir, 'bad.json')], { encoding: 'utf8' });
const badKind = /\[([a-z_]+)\]\s*$/.exec(refusal.stderr)?.[1];
if (refusal.status === 0 || !badKind) throw new Error(`bad.json should be refused: ${refusal.stdout}${refusal.stderr}`);

const expected = {
  now: NOW,
  metadata: Object.fromEntries(Object.entries(v7.flags).map(([k, f]) => [k, f.metadata ?? {}])),
  cases: cases.map((c) => ({ ...c, v7: expect('v7.json', c), v8: expect('v8.json', c) })),
  badKind,
};
writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected, null, 1));

for (const f of ['expectations.mjs', 'checks.mjs', 'server.mjs', 'web.mjs', 'types.ts']) copyFileSync(join(here, f), join(dir, f));

execFileSync('node', ['server.mjs'], { cwd: dir, stdio: 'inherit' });
execFileSync('node', ['web.mjs'], { cwd: dir, stdio: 'inherit' });
if (haveChromium()) {
  const { version, cases: n } = await runInChromium(dir, join(runtimes, 'node_modules/@openfeature'));
  console.log(`chromium ${version}: the web provider awaits init() (browser entry), ${n} cases match the CLI for v7 and v8`);
} else {
  console.log('chromium: SKIPPED (no /usr/bin/chromium): the browser entry path of the web provider is not checked');
}

// The server SDK's declarations import 'node:events', so checking declaration files (ours
// included) needs @types/node; without it they are skipped and types.ts alone is checked (its
// @ts-expect-error lines still fail if our types collapse to `any`).
const nodeTypes = existsSync(join(runtimes, 'node_modules/@types/node'));
const tsconfig = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    types: nodeTypes ? ['node'] : [],
    skipLibCheck: !nodeTypes,
  },
  files: ['types.ts'],
};
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
execFileSync(join(runtimes, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: dir, stdio: 'inherit' });
console.log(
  `openfeature: types.ts type-checks with the SDKs and edgeflag's declarations (strict, nodenext, ${
    nodeTypes ? 'declaration files checked too' : 'declaration files skipped: no @types/node in tests/runtimes'
  })`,
);
console.log('openfeature: all checks passed');

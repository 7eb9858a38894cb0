// The package API beyond the vectors, from the packed tarball in a fresh Node project: updates
// that keep the last good snapshot, contexts JSON cannot represent, typed getters, scopes that
// interleave, frozen values, flag tables, signed snapshots (and that the CLI and Node.js's own
// Ed25519 sign alike and verify each other). Expectations come from the native CLI where a result
// is involved. Usage: node api/run.mjs --tarball edgeflag-0.1.0.tgz
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { args, freshProject, root } from '../project.mjs';
import { SEEDS, signedCases, testKey } from '../signing.mjs';

const { tarball } = args();
const dir = freshProject('api', tarball);
const cli = join(root, 'target/release/edgeflag');
const example = join(root, 'examples/snapshot.json');
const NOW = '2026-11-22T03:00:00Z';
// What the native engine says for `flag` and `context` (JSON text) at NOW.
const native = (flag, context) =>
  JSON.parse(execFileSync(cli, ['eval', example, '--flag', flag, '--context', context, '--now', NOW], { encoding: 'utf8' }));
const expected = {
  planPro: native('plan_limits', '{"key":"u-1","tier":"pro"}'),
  planEnterprise: native('plan_limits', '{"key":"u-2","tier":"enterprise"}'),
  aiStaff: native('ai_search', '{"key":"u-3","email":"ana@example.com"}'),
  clientSnapshot: execFileSync(cli, ['client-snapshot', example], { encoding: 'utf8' }).trimEnd(),
};

// Signed snapshots across implementations, with a test key (its seed is in signing.mjs): the
// CLI's envelope is Node's byte for byte, Node verifies the CLI's signature, the CLI Node's.
const publisher = testKey(SEEDS.publisher);
const exampleText = readFileSync(example, 'utf8');
writeFileSync(join(dir, 'test.key'), `${publisher.seed}\n`);
const cliSigned = execFileSync(cli, ['sign', example, '--key', join(dir, 'test.key')], { encoding: 'utf8' }).trimEnd();
assert.equal(cliSigned, publisher.sign(exampleText), 'the CLI and Node sign alike');
const envelope = JSON.parse(cliSigned).signature;
const raw = Buffer.from(publisher.publicKey, 'hex');
const nodeKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
const message = Buffer.concat([Buffer.from('edgeflag-snapshot-v1\n'), Buffer.from(exampleText.trim())]);
assert.ok(verify(null, message, nodeKey, Buffer.from(envelope.value, 'hex')), 'Node verifies the CLI');
writeFileSync(join(dir, 'node-signed.json'), publisher.sign(exampleText.replace('"version": 7', '"version": 9')));
execFileSync(cli, ['verify', join(dir, 'node-signed.json'), '--public-key', publisher.publicKey], { stdio: 'pipe' });
expected.signed = signedCases(exampleText);
expected.cliSigned = cliSigned;
expected.publicKey = publisher.publicKey;
// The compiled form (docs/compiled.md) as the CLI writes it, plain and signed by the publisher.
const compiledExample = execFileSync(cli, ['compile', example]);
expected.compiled = compiledExample.toString('base64');
expected.compiledSigned = publisher.signCompiled(compiledExample).toString('base64');
writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
writeFileSync(
  join(dir, 'main.mjs'),
  `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine, LoadError, clientSnapshot, compile, init } from 'edgeflag';
import { runSigned } from './signed.mjs';

// Loaded at import on Node; kept so the same code runs everywhere. Servers do everything.
assert.deepEqual(await init(), { compiled: true, keys: true, json: true });
const expected = JSON.parse(readFileSync('expected.json', 'utf8'));
const text = readFileSync(${JSON.stringify(example)}, 'utf8');
const now = () => Date.parse(${JSON.stringify(NOW)});

// No snapshot yet: GENERAL errors, no flags, version null.
const empty = new Engine(undefined, { now });
assert.equal(empty.version, null);
assert.deepEqual(empty.flags(), []);
const none = empty.evaluate('plan_limits', { key: 'u' }, 'd');
assert.equal(none.value, 'd');
assert.equal(none.errorCode, 'GENERAL');
assert.deepEqual(empty.values({ key: 'u' }), {});

// A refused snapshot throws from the constructor with kind and path.
assert.throws(() => new Engine(text.replace('"in"', '"inside"')), (e) => e instanceof LoadError && e.kind === 'unknown_operator');

// Client-safe snapshots: the native engine's bytes, from text or an object; a refused snapshot
// throws the loader's error; no state is kept between calls (an older version is fine).
assert.equal(clientSnapshot(text), expected.clientSnapshot);
assert.equal(clientSnapshot(JSON.parse(text)), expected.clientSnapshot);
const client = JSON.parse(expected.clientSnapshot);
assert.equal(client.flags.sentiment_analysis.clientVisible, false);
assert.equal(client.flags.retry_logic, undefined);
assert.equal(new Engine(expected.clientSnapshot).flag('ai_search').clientVisible, true);
assert.equal(JSON.parse(clientSnapshot({ ...JSON.parse(text), version: 1 })).version, 1);
assert.throws(
  () => clientSnapshot(text.replace('"semverGte"', '"semverGe"')),
  (e) => e instanceof LoadError && e.kind === 'unknown_operator' && e.path === 'flags.new_editor.rules[0].clauses[0].op',
);
assert.throws(() => clientSnapshot('{'), (e) => e instanceof LoadError && e.kind === 'invalid_json' && e.path === '');
assert.throws(() => clientSnapshot({ version: 1n }), (e) => e instanceof LoadError && e.kind === 'invalid_json');

const engine = new Engine(text, { now });
assert.equal(engine.version, 7);

// Results equal the native engine's.
assert.deepEqual(engine.evaluate('plan_limits', { key: 'u-1', tier: 'pro' }), expected.planPro);
assert.deepEqual(engine.evaluate('ai_search', { key: 'u-3', email: 'ana@example.com' }), expected.aiStaff);

// Updates: older refused, same version unchanged, newer accepted; the last good keeps serving.
const older = JSON.parse(text);
older.version = 6;
const refused = engine.update(older);
assert.equal(refused.ok, false);
assert.equal(refused.error.kind, 'version_backwards');
assert.equal(refused.error.path, 'version');
assert.equal(engine.version, 7);
assert.deepEqual(engine.update(text), { ok: true, changed: false, version: 7, previousVersion: 7 });
const broken = engine.update('{"version": 9,');
assert.equal(broken.ok, false);
assert.equal(broken.error.kind, 'invalid_json');
const cyclic = {};
cyclic.self = cyclic;
assert.equal(engine.update(cyclic).error.kind, 'invalid_json');
assert.equal(engine.version, 7);
assert.deepEqual(engine.evaluate('plan_limits', { key: 'u-1', tier: 'pro' }), expected.planPro);

// Contexts JSON cannot carry give INVALID_CONTEXT results, never a throw.
for (const bad of [cyclic, { key: 'u', n: 10n }, { key: 42 }, [], null]) {
  const d = engine.evaluate('plan_limits', bad, {});
  assert.equal(d.reason, 'ERROR');
  assert.equal(d.errorCode, 'INVALID_CONTEXT', JSON.stringify(d));
  assert.deepEqual(d.value, {});
}
assert.equal(engine.evaluate('plan_limits', '{"key": ', {}).errorCode, 'PARSE_ERROR');

// Typed getters: the default and TYPE_MISMATCH, never a throw; unknown flags: FLAG_NOT_FOUND.
assert.equal(engine.getString('new_editor', { key: 'u' }, 'x'), 'x');
assert.equal(engine.getNumberDetails('new_editor', { key: 'u' }, 1).errorCode, 'TYPE_MISMATCH');
assert.equal(engine.getJsonDetails('new_editor', { key: 'u' }, null).errorCode, 'TYPE_MISMATCH');
assert.equal(engine.getBoolean('no_such_flag', { key: 'u' }, true), true);
assert.equal(engine.evaluate('no_such_flag', { key: 'u' }).errorCode, 'FLAG_NOT_FOUND');

// Scopes convert their context once and stay right when they interleave.
const pro = engine.context({ key: 'u-1', tier: 'pro' });
const ent = engine.context({ key: 'u-2', tier: 'enterprise' });
for (let i = 0; i < 3; i++) {
  assert.deepEqual(pro.getJson('plan_limits', {}), expected.planPro.value);
  assert.deepEqual(ent.getJson('plan_limits', {}), expected.planEnterprise.value);
  assert.deepEqual(engine.values({ key: 'u-1', tier: 'pro' }).plan_limits, expected.planPro.value);
}
assert.deepEqual(Object.keys(pro.values()), engine.flags().map((f) => f.key));
assert.deepEqual(pro.evaluateAll().plan_limits, expected.planPro);

// Served values are shared and frozen: one caller cannot change another's.
const limits = pro.getJson('plan_limits', {});
assert.throws(() => {
  'use strict';
  limits.maxSeats = 1;
}, TypeError);
assert.deepEqual(ent.getJson('plan_limits', {}), expected.planEnterprise.value);

// Flag tables.
const info = engine.flag('plan_limits');
assert.equal(info.kind, 'json');
assert.deepEqual(info.rules, ['tier-pro', 'tier-enterprise']);
assert.equal(engine.flag('no_such_flag'), undefined);
assert.equal(engine.flags().length, Object.keys(JSON.parse(text).flags).length);
// Signed snapshots: refusals keep the last good one; the CLI's envelope loads; a signed one
// gives the same client-safe snapshot as its contents; keys that are not keys throw.
const { cases, expected: answers } = expected.signed;
assert.deepEqual(runSigned({ Engine }, cases), answers);
const trusting = new Engine(expected.cliSigned, { publicKeys: expected.publicKey, now });
assert.equal(trusting.version, 7);
assert.deepEqual(trusting.evaluate('plan_limits', { key: 'u-1', tier: 'pro' }), expected.planPro);
const asObject = trusting.update({ ...JSON.parse(text), version: 8 });
assert.equal(asObject.error.kind, 'unsigned');
assert.equal(trusting.version, 7);
assert.equal(clientSnapshot(expected.cliSigned), expected.clientSnapshot);
assert.equal(new Engine(expected.cliSigned).version, 7, 'without keys a signed snapshot loads');
for (const bad of [[''], ['00'], 'zz', [7], {}]) {
  assert.throws(() => new Engine(undefined, { publicKeys: bad }), TypeError, JSON.stringify(bad));
}
assert.throws(() => new Engine(expected.cliSigned, { publicKeys: ['ff'.repeat(31) + '7f'] }), /publicKeys: public key .*not an Ed25519 public key/);
assert.equal(new Engine(text, { publicKeys: [] }).version, 7, 'no keys: unsigned loads');
{
  // A freed engine's handle may name a new engine in the module: using it throws instead.
  const gone = new Engine(text);
  gone.free();
  gone.free();
  const next = new Engine(text);
  assert.throws(() => gone.evaluate('new_editor', { key: 'u' }), /this engine was freed/);
  assert.equal(next.evaluate('new_editor', { key: 'u', tier: 'pro', app_version: '2.4.0' }).value, true);
}

// compile(): the CLI's bytes, from text, bytes or a value; refusals as the loader's; what it makes
// loads as a Uint8Array, an ArrayBuffer or a view into a larger buffer, and evaluates alike.
const compiled = compile(text);
assert.ok(compiled instanceof Uint8Array);
assert.equal(Buffer.from(compiled).toString('base64'), expected.compiled);
assert.deepEqual(compile(Buffer.from(text)), compiled);
assert.equal(compile(JSON.parse(text)).length > 0, true);
assert.throws(() => compile(text.replace('"in"', '"inside"')), (e) => e instanceof LoadError && e.kind === 'unknown_operator');
assert.throws(() => compile(compiled), (e) => e instanceof LoadError && e.kind === 'invalid_json');
const padded = new Uint8Array(compiled.length + 10);
padded.set(compiled, 5);
const ctx = { key: 'u-1', tier: 'pro', country: 'GB' };
const fromText = new Engine(text, { now }).evaluateAll(ctx);
for (const form of [compiled, compiled.buffer, padded.subarray(5, 5 + compiled.length), new DataView(padded.buffer, 5, compiled.length)]) {
  assert.deepEqual(new Engine(form, { now }).evaluateAll(ctx), fromText);
}
const damaged = compiled.slice();
damaged[damaged.length - 1] ^= 1;
const corrupt = new Engine(compiled, { now }).update(damaged);
assert.equal(corrupt.error.kind, 'corrupt');
// Signed compiled snapshots: keys require them; the plain form is refused as unsigned.
const signed = Uint8Array.from(Buffer.from(expected.compiledSigned, 'base64'));
const keyed = new Engine(signed, { publicKeys: expected.publicKey, now });
assert.equal(keyed.version, 7);
assert.equal(keyed.update(compiled).error.kind, 'unsigned');
console.log('api: all checks passed');
`,
);
execFileSync('node', ['main.mjs'], { cwd: dir, stdio: 'inherit' });

// Hostile input that only JavaScript can give (docs/hardening.md, "Limits"): snapshot bytes that
// are not UTF-8, and text with a lone surrogate, which UTF-8 cannot encode. Each is refused with
// a clear error and the serving snapshot stays. Without the check, the bindings would replace
// them with U+FFFD and the core would evaluate a key no other runtime sees.
// Usage: node hostile/run.mjs --tarball edgeflag-0.1.0.tgz
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { args, freshProject, root } from '../project.mjs';

const { tarball } = args();
const dir = freshProject('hostile', tarball);
writeFileSync(
  join(dir, 'main.mjs'),
  `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine, LoadError } from 'edgeflag';

const text = readFileSync(${JSON.stringify(join(root, 'examples/snapshot.json'))}, 'utf8');
const engine = new Engine(text);
const version = engine.version;
const next = JSON.parse(text);
next.version = version + 1;
const refused = (snapshot, message) => {
  const result = engine.update(snapshot);
  assert.equal(result.ok, false, message);
  assert.ok(result.error instanceof LoadError);
  assert.equal(result.error.kind, 'invalid_json');
  assert.equal(result.error.message, message);
  assert.equal(engine.version, version, 'the serving snapshot stays');
};

// Bytes: UTF-8 is read (as a fetch body's arrayBuffer() gives it), anything else refused.
const bytes = new TextEncoder().encode(JSON.stringify(next));
const broken = new Uint8Array([...bytes.slice(0, 40), 0xff, ...bytes.slice(40)]);
refused(broken, 'snapshot bytes are not UTF-8');
refused(broken.buffer, 'snapshot bytes are not UTF-8');
const lone = JSON.stringify(next).replace('"on"', '"on\\ud800"'); // a raw lone surrogate, not an escape
assert.notEqual(lone, JSON.stringify(next));
refused(lone, 'snapshot text holds a lone surrogate (U+D800–U+DFFF), which UTF-8 cannot encode');
const accepted = engine.update(bytes);
assert.equal(accepted.ok, true, JSON.stringify(accepted.error));
assert.equal(engine.version, version + 1);

// Contexts: a lone surrogate, raw in text, escaped in text, or in an object (JSON.stringify
// escapes it), is one error everywhere: INVALID_CONTEXT with the core's message.
const flag = engine.flags()[0].key;
const LONE = 'context holds a lone surrogate (U+D800–U+DFFF), which UTF-8 cannot encode';
for (const [how, context] of [
  ['raw in text', '{"key":"user-\\ud800"}'],
  ['escaped in text', '{"key":"user-\\\\ud800"}'],
  ['in an object', { key: 'user-\\ud800' }],
  ['a trailing one in an object', { key: 'user-\\udc00' }],
]) {
  const e = engine.evaluate(flag, context);
  assert.deepEqual([e.reason, e.errorCode, e.errorMessage], ['ERROR', 'INVALID_CONTEXT', LONE], how);
}
const pair = engine.evaluate(flag, { key: 'user-\\ud83e\\udd80' });
assert.equal(pair.errorCode, undefined, 'a surrogate pair is one character');
// A number past the double range: Infinity in an object, which JSON.stringify writes as null,
// and 1e400 in text, which the core reads as null: the same context either way.
const asObject = engine.evaluateAll({ key: 'user-1', tier: 'pro', seats: 1e400 });
const asText = engine.evaluateAll('{"key":"user-1","tier":"pro","seats":1e400}');
const asNull = engine.evaluateAll({ key: 'user-1', tier: 'pro', seats: null });
assert.deepEqual(asText, asObject);
assert.deepEqual(asText, asNull);
console.log('hostile input from JavaScript: 3 snapshots and 4 contexts refused with their errors, the serving snapshot kept; a number past the double range reads alike as text and as an object');
`,
);
execFileSync(process.execPath, ['main.mjs'], { cwd: dir, stdio: 'inherit' });

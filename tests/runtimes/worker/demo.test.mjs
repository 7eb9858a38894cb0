// The README's demo command (worker/dev.sh) starts, and every request it prints works as
// printed: run here as written (headers, methods, bodies from files), checked for what the
// banner promises, and the exposure consumer's log shows batches stored.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const script = new URL('../../../worker/dev.sh', import.meta.url).pathname;

/** The parts of a printed curl command: method, URL, headers, body file. */
function parseCurl(line) {
  const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
  const req = { method: 'GET', headers: {} };
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '#') break;
    if (w === '-X') req.method = words[++i];
    else if (w === '-H') {
      const [name, ...value] = words[++i].split(':');
      req.headers[name.trim()] = value.join(':').trim();
    } else if (w === '--data-binary') req.body = readFileSync(words[++i].replace(/^@/, ''));
    else if (w === '-d') req.body = words[++i];
    else if (w.startsWith('http')) req.url = w.replace(/\\&/g, '&');
  }
  return req;
}

test('worker/dev.sh serves the example snapshot and every printed request works', { timeout: 600000 }, async () => {
  const child = spawn(script, [], { env: { ...process.env, PORT: '18787' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    for (let waited = 0; !out.includes('Ctrl-C to stop.'); waited += 100) {
      if (waited > 590000 || child.exitCode !== null) throw new Error(`the demo did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const curls = out.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('curl '));
    assert.equal(curls.length, 9, out);
    const answers = [];
    for (const line of curls) {
      const { url, ...init } = parseCurl(line);
      const res = await fetch(url, init);
      answers.push({ line, status: res.status, cookie: res.headers.get('set-cookie'), body: await res.json() });
    }
    for (const a of answers) assert.equal(a.status, 200, `${a.line}\n${JSON.stringify(a.body)}`);
    const [anonymous, known, signed, health, preview, ramp, killSwitch, history, rollback] = answers;
    assert.match(anonymous.cookie, /^ef_key=anon-/);
    assert.equal(known.body.key, 'user-1042');
    assert.deepEqual([signed.body.result.value, signed.body.result.ruleId], [true, 'beta-opt-in']);
    assert.deepEqual([health.body.status, health.body.snapshot.version], ['ok', 7]);
    assert.equal(preview.body.evaluatedAt, Date.parse('2026-11-24T23:30:00Z'));
    assert.deepEqual([ramp.body.version, ramp.body.ramp.from, ramp.body.ramp.to, ramp.body.ramp.lost], [8, '10%', '50%', 0]);
    assert.ok(ramp.body.ramp.gained > 0 && ramp.body.ramp.onlyAdditions, JSON.stringify(ramp.body));
    assert.deepEqual([killSwitch.body.version, killSwitch.body.changed], [9, ['conversations_enabled']]);
    assert.deepEqual(history.body.entries.map((e) => [e.version, e.actor, e.action]), [[9, 'demo-operator', 'patch'], [8, 'demo-operator', 'ramp'], [7, 'kv', 'adopt']]);
    assert.deepEqual([rollback.body.version, rollback.body.rolledBackTo], [10, 8]);
    const after = await (await fetch(parseCurl(curls[1]).url)).json();
    assert.deepEqual([after.version, after.flags.conversations_enabled.reason === 'DISABLED'], [10, false]);
    // The consumer's log: the requests' exposures went through the Queue into R2.
    for (let waited = 0; !/exposures: \S+ stored \([1-9]\d* exposures/.test(out); waited += 100) {
      if (waited > 20000) throw new Error(`no batch stored:\n${out.slice(-1000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGINT');
    await exited;
  }
});

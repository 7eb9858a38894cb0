// The README's demo command (www/dev.sh) starts the Worker and the app, and every link it prints
// answers: the app reads its snapshot from the Worker, and the kill switch it prints, published
// to the Worker, reaches the app's pages without a deploy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freePort, kill } from '../processes.mjs';
import { readPage } from './fixtures.mjs';

const script = new URL('../../../www/dev.sh', import.meta.url).pathname;

test('www/dev.sh serves the app and the Worker; its links answer; the kill switch reaches the app', { timeout: 900_000 }, async () => {
  const [port, workerPort] = [await freePort(), await freePort()];
  const child = spawn(script, [], { env: { ...process.env, PORT: String(port), WORKER_PORT: String(workerPort) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    for (let waited = 0; !out.includes('Exposures from the browser go to'); waited += 100) {
      if (waited > 880_000 || child.exitCode !== null) throw new Error(`the demo did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const links = [...out.matchAll(/^\s+(http:\/\/127\.0\.0\.1:\d+\S*)/gm)].map((m) => m[1]);
    assert.equal(links.length, 7, out);
    for (const link of links) {
      const res = await fetch(link, { redirect: 'manual' });
      assert.ok(res.status === 200 || res.status === 307, `${link}: HTTP ${res.status}`);
    }
    const home = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: 'ef_key=user-1042' } });
    assert.equal(home.headers.get('x-edgeflag-runtime'), 'edge-runtime');
    const { label } = readPage(await home.text());
    assert.equal(label, 'snapshot v7 · url · edge-runtime', 'the app serves the Worker’s snapshot');

    // The printed kill switch, sent as printed.
    const put = out.split('\n').find((l) => /curl .*-X PUT/.test(l)).trim();
    const token = /authorization: Bearer ([^']+)/.exec(put)[1];
    const file = /--data-binary @(\S+)/.exec(put)[1];
    const url = /(http\S+\/admin\/snapshot)/.exec(put)[1];
    const published = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: readFileSync(file) });
    assert.equal(published.status, 200, await published.text());
    const killed = JSON.parse(readFileSync(file, 'utf8'));
    const off = Object.keys(killed.flags).find((k) => killed.flags[k].on === false && killed.flags[k].clientVisible);
    let bootstrap;
    for (let waited = 0; bootstrap?.version !== killed.version; waited += 250) {
      if (waited > 15_000) throw new Error(`the app still serves version ${bootstrap?.version}`);
      await new Promise((r) => setTimeout(r, 250));
      const page = await (await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: 'ef_key=user-1042' } })).text();
      bootstrap = readPage(page).bootstrap;
    }
    assert.equal(bootstrap.flags[off].reason, 'DISABLED', `${off} is off in the app`);
  } finally {
    await kill(child);
  }
});

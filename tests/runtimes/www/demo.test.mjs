// The README's demo command (www/dev.sh) starts the Worker and the app, and every link it prints
// answers: the app reads its snapshot from the Worker, and the kill switch it prints, published
// to the Worker, reaches the app's pages without a deploy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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
    assert.equal(links.length, 8, out);
    for (const link of links) {
      const res = await fetch(link, { redirect: 'manual' });
      assert.ok(res.status === 200 || res.status === 307, `${link}: HTTP ${res.status}`);
    }
    // The dashboard reads the Worker's admin API with the token the demo made for it.
    const dashboard = await (await fetch(`http://127.0.0.1:${port}/dashboard`)).text();
    assert.equal(dashboard.match(/data-testid="flag-row"/g)?.length, 10, 'the dashboard lists the example’s flags');
    const home = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: 'ef_key=user-1042' } });
    assert.equal(home.headers.get('x-edgeflag-runtime'), 'edge-runtime');
    const { label } = readPage(await home.text());
    assert.equal(label, 'snapshot v7 · url · edge-runtime', 'the app serves the Worker’s snapshot');

    // The printed kill switch, sent as printed.
    const patch = out.split('\n').find((l) => /curl .*-X PATCH/.test(l)).trim();
    const token = /authorization: Bearer ([^']+)/.exec(patch)[1];
    const body = /-d '([^']+)'/.exec(patch)[1];
    const url = /(http\S+\/admin\/flags\/(\S+))/.exec(patch);
    const published = await fetch(url[1], { method: 'PATCH', headers: { authorization: `Bearer ${token}` }, body });
    const answer = await published.json();
    assert.equal(published.status, 200, JSON.stringify(answer));
    const killed = { version: answer.version };
    const off = url[2];
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

// The browser client (`edgeflag/client`) and its React hook (`edgeflag/react`) from the packed
// tarball in a fresh project, on Node: the bootstrap served before the engine, the engine taking
// over without a change, a stale snapshot never undoing the server's answer, re-evaluation on a
// new context, ETag revalidation that keeps the last good snapshot, exposures of what was read,
// server rendering from the bootstrap, pushed versions (a stand-in WebSocket), and bundles that
// leave React out unless it is imported.
// Expected values come from a server-side Engine, itself held to the native engine by the vectors.
// Run: EDGEFLAG_TARBALL=… node --test tests/runtimes/client/
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import { build } from 'esbuild';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { freshProject, root } from '../project.mjs';
import { SEEDS, testKey } from '../signing.mjs';

const text = readFileSync(join(root, 'examples/snapshot.json'), 'utf8');
const example = JSON.parse(text);
const NOW = Date.parse('2026-11-22T03:00:00Z');
let dir, ef, client, react, server, served, requests, accepts, paths;

before(async () => {
  dir = freshProject('client', process.env.EDGEFLAG_TARBALL);
  const from = (p) => import(join(dir, 'node_modules/edgeflag', p));
  [ef, client, react] = await Promise.all([from('node.js'), from('client.js'), from('react.js')]);
  // The client-safe snapshot at a URL with an ETag, as the app's /api/edgeflag/snapshot serves it.
  served = ef.clientSnapshot(text);
  requests = [];
  accepts = [];
  paths = [];
  server = createServer((req, res) => {
    paths.push(req.url);
    const etag = `"${served.length}-${hash(served)}"`;
    requests.push(req.headers['if-none-match'] ?? null);
    accepts.push(req.headers.accept);
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { etag, 'content-type': 'application/json' }).end(served);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
});

after(() => new Promise((r) => server.close(r)));

const url = () => `http://127.0.0.1:${server.address().port}/snapshot`;
const serverEngine = (snapshot = text) => new ef.Engine(snapshot, { now: () => NOW });
const hash = (s) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16);

test('the bootstrap serves before the engine; the engine takes over with the same values and no change event', async () => {
  const user = { key: 'user-1042', tier: 'pro', beta_opt_in: true };
  const boot = client.bootstrap(serverEngine(), user);
  assert.deepEqual(Object.keys(boot.flags).sort(), Object.keys(example.flags).filter((k) => example.flags[k].clientVisible).sort());
  const c = client.createClient({ bootstrap: boot, snapshot: served, start: false, now: () => NOW });
  assert.equal(c.source, 'bootstrap');
  assert.equal(c.get('conversations_enabled', false), true);
  assert.equal(c.details('sentiment_analysis'), undefined, 'server-only flags are not served');
  let events = 0;
  c.subscribe(() => events++);
  await c.start();
  assert.equal(c.source, 'engine');
  assert.equal(c.version, example.version);
  assert.equal(events, 0, 'nothing changed, so nothing re-renders');
  for (const [k, d] of Object.entries(boot.flags)) assert.deepEqual(c.details(k), d, k);
});

test('a snapshot older than the bootstrap does not undo it; a new context does', async () => {
  const newer = structuredClone(example);
  newer.version = example.version + 1;
  newer.flags.plan_limits.rules[0].serve = { variation: 'enterprise' };
  const user = { key: 'u-1', tier: 'pro' };
  const boot = client.bootstrap(serverEngine(newer), user);
  const c = client.createClient({ bootstrap: boot, snapshot: served, start: false, now: () => NOW });
  await c.start();
  assert.equal(c.source, 'bootstrap', 'the engine holds version 7, the page was rendered from 8');
  assert.equal(c.get('plan_limits', null).maxSeats, 1000);
  let events = 0;
  c.subscribe(() => events++);
  await c.identify({ key: 'u-1', tier: 'free' });
  assert.equal(c.source, 'engine', 'the bootstrap was for another context');
  assert.deepEqual(c.get('plan_limits', null), serverEngine().evaluate('plan_limits', { key: 'u-1', tier: 'free' }).value);
  assert.equal(events, 1);
});

test('identify re-evaluates locally, as a server engine would', async () => {
  const c = client.createClient({ snapshot: served, start: false, now: () => NOW, context: { key: 'u-9', tier: 'free' } });
  await c.start();
  const engine = serverEngine();
  for (const ctx of [{ key: 'u-9', tier: 'pro' }, { key: 'u-ops-1', email: 'a@example.com' }, { key: 'user-5', accountId: 'acme' }]) {
    await c.identify(ctx);
    for (const k of Object.keys(c.values())) assert.deepEqual(c.details(k), engine.evaluate(k, ctx), `${JSON.stringify(ctx)}: ${k}`);
  }
});

test('refresh revalidates with the ETag; a refused snapshot keeps the last good one; an update re-evaluates', async () => {
  requests.length = 0;
  accepts = [];
  const errors = [];
  const c = client.createClient({ snapshotUrl: url(), start: false, refreshIntervalMs: 0, now: () => NOW, context: { key: 'u-2', app_version: '2.4.0' }, onError: (e) => errors.push(e) });
  await c.start();
  assert.equal(c.version, example.version);
  assert.deepEqual(await c.refresh(), { ok: true, status: 304, changed: false, version: example.version });
  assert.equal(requests.length, 2);
  assert.equal(requests[0], null);
  assert.match(requests[1], /^"/, 'If-None-Match carries the ETag');
  // Compiled snapshots are asked for (docs/compiled.md); this server answers JSON, which servers' engines read.
  assert.deepEqual(accepts, [client.COMPILED, client.COMPILED]);

  const bad = structuredClone(JSON.parse(served));
  bad.version = 99;
  bad.flags.new_editor.rules[0].clauses[0].op = 'semverAtLeast';
  served = JSON.stringify(bad);
  const refused = await c.refresh();
  assert.equal(refused.ok, false);
  assert.equal(refused.error.kind, 'unknown_operator');
  assert.equal(refused.error.path, 'flags.new_editor.rules[0].clauses[0].op');
  assert.equal(c.version, example.version, 'the last good snapshot keeps serving');
  assert.equal(c.get('new_editor', false), true);
  assert.equal(errors.at(-1), refused.error);

  const killed = JSON.parse(ef.clientSnapshot(text));
  killed.version = 100;
  killed.flags.new_editor.on = false;
  served = JSON.stringify(killed);
  let events = 0;
  c.subscribe(() => events++);
  const r = await c.refresh();
  assert.deepEqual([r.ok, r.changed, r.status, r.version], [true, true, 200, 100]);
  assert.equal(c.get('new_editor', true), false);
  assert.equal(c.details('new_editor').reason, 'DISABLED');
  assert.equal(events, 1);
  served = ef.clientSnapshot(text);
  await c.close();
});

test('publicKeys: only signed snapshots load, given or fetched; unsigned and tampered ones keep the last good', async () => {
  const key = testKey(SEEDS.publisher);
  const errors = [];
  served = ef.clientSnapshot(text); // unsigned at the URL
  const c = client.createClient({
    snapshot: key.sign(ef.clientSnapshot(text)),
    snapshotUrl: url(),
    publicKeys: [key.publicKey],
    start: false,
    refreshIntervalMs: 0,
    now: () => NOW,
    context: { key: 'u-2', app_version: '2.4.0' },
    onError: (e) => errors.push(e),
  });
  await c.start();
  assert.deepEqual([c.source, c.version], ['engine', example.version], 'the signed snapshot given serves');
  assert.deepEqual([errors.at(-1)?.kind, errors.at(-1)?.path], ['unsigned', 'signature'], 'the unsigned one fetched is refused');
  const next = JSON.parse(ef.clientSnapshot(text));
  next.version = 101;
  next.flags.new_editor.on = false;
  served = key.sign(JSON.stringify(next)).replace('"version":101', '"version":102');
  const tampered = await c.refresh();
  assert.deepEqual([tampered.ok, tampered.error.kind, tampered.error.path], [false, 'bad_signature', 'signature.value']);
  assert.equal(c.version, example.version);
  assert.equal(c.get('new_editor', false), true);
  served = key.sign(JSON.stringify(next));
  const r = await c.refresh();
  assert.deepEqual([r.ok, r.changed, r.version], [true, true, 101]);
  assert.equal(c.get('new_editor', true), false);
  served = ef.clientSnapshot(text);
  await c.close();
});

test('exposures: what was read, once per flag and variation, including reads served from the bootstrap', async () => {
  const batches = [];
  const user = { key: 'user-77', tier: 'pro' };
  const c = client.createClient({
    bootstrap: client.bootstrap(serverEngine(), user),
    snapshot: served,
    start: false,
    now: () => NOW,
    reporter: { transport: (batch) => batches.push(batch), flushIntervalMs: 0 },
  });
  c.get('plan_limits', null); // before the engine: served from the bootstrap, recorded later
  c.get('plan_limits', null);
  c.get('ai_search', false, { track: false });
  await c.start();
  c.get('new_editor', false);
  c.get('sentiment_analysis', false); // not a client flag: nothing recorded
  await c.close();
  const exposures = batches.flatMap((b) => b.exposures);
  assert.deepEqual(exposures.map((e) => e.flagKey).sort(), ['new_editor', 'plan_limits']);
  const want = serverEngine().evaluateAll(user);
  for (const e of exposures) {
    assert.equal(e.key, 'user-77');
    assert.equal(e.variation, want[e.flagKey].variation);
  }
});

test('useFlag renders the bootstrap on the server, so hydration matches the HTML', () => {
  const user = { key: 'user-1042', tier: 'pro', beta_opt_in: true };
  const c = client.createClient({ bootstrap: client.bootstrap(serverEngine(), user), start: false });
  function Limits() {
    const limits = react.useFlag('plan_limits', { maxSeats: 0 });
    const d = react.useFlagDetails('conversations_enabled');
    return createElement('p', null, `${limits.maxSeats} seats; conversations ${d.variation} by ${d.ruleId}`);
  }
  const html = renderToString(createElement(react.EdgeflagProvider, { client: c }, createElement(Limits)));
  assert.equal(html, '<p>25 seats; conversations on by beta-opt-in</p>');
  assert.throws(() => renderToString(createElement(Limits)), /EdgeflagProvider/);
});

test('bundles: React only with edgeflag/react; the engine is a separate chunk of edgeflag/client', async () => {
  const bundle = async (contents, external = []) => {
    const out = await build({
      stdin: { contents, resolveDir: dir },
      bundle: true,
      minify: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      outdir: 'out',
      write: false,
      external,
      loader: { '.wasm': 'file' },
      metafile: true,
    });
    return Object.keys(out.metafile.inputs);
  };
  const main = await bundle("export * from 'edgeflag';");
  assert.ok(!main.some((f) => /react|client\.js/.test(f)), `the main entry pulls in neither React nor the client: ${main}`);
  const browserClient = await bundle("export * from 'edgeflag/client';");
  assert.ok(!browserClient.some((f) => /react/.test(f)), 'edgeflag/client needs no React');
  const withReact = await bundle("export * from 'edgeflag/react';", ['react']);
  assert.ok(withReact.some((f) => /edgeflag\/react\.js$/.test(f)));
});

/** A WebSocket stand-in: opens at once; the test pushes messages and drops the connection. */
class FakeSocket {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = {};
    this.sent = [];
    FakeSocket.all.push(this);
    setTimeout(() => ((this.readyState = 1), this.emit('open')), 0);
  }
  addEventListener(type, f) {
    (this.listeners[type] ??= []).push(f);
  }
  emit(type, event = {}) {
    for (const f of this.listeners[type] ?? []) f(event);
  }
  send(text) {
    this.sent.push(text);
  }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close');
  }
  push(version) {
    this.emit('message', { data: JSON.stringify({ version }) });
  }
}

const until = async (check, what, ms = 5000) => {
  for (const end = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
  }
};

test('pushed versions: a newer one is fetched at once; an older or repeated one changes nothing; a lost socket reconnects and polling fills in', async () => {
  const version = (v, on = true) => {
    const doc = JSON.parse(ef.clientSnapshot(text));
    doc.version = v;
    doc.flags.new_editor.on = on;
    return JSON.stringify(doc);
  };
  served = version(200);
  FakeSocket.all = [];
  const c = client.createClient({
    snapshotUrl: url(),
    subscribeUrl: 'http://flags.example/subscribe',
    WebSocket: FakeSocket,
    refreshIntervalMs: 40,
    start: false,
    now: () => NOW,
    context: { key: 'u-3', app_version: '2.4.0' },
  });
  await c.start();
  await until(() => c.live, 'connected');
  assert.equal(FakeSocket.all[0].url, 'ws://flags.example/subscribe');
  assert.equal(c.version, 200);

  served = version(201, false);
  paths.length = 0;
  FakeSocket.all[0].push(201);
  await until(() => c.version === 201, 'the pushed version serving');
  assert.equal(c.get('new_editor', true, { track: false }), false);
  assert.ok(paths.some((p) => p.endsWith('?minVersion=201')), paths.join());

  // While pushes arrive, polling waits; an older or repeated version asks for nothing.
  paths.length = 0;
  FakeSocket.all[0].push(150);
  FakeSocket.all[0].push(201);
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(paths, []);
  assert.equal(c.version, 201);

  // The socket lost: polling carries on, and a new socket is opened (with backoff).
  FakeSocket.all[0].close();
  assert.equal(c.live, false);
  served = version(202);
  await until(() => c.version === 202, 'polled while disconnected');
  await until(() => FakeSocket.all.length === 2 && c.live, 'reconnected', 5000);
  // A stale server answer after a push never takes the engine back.
  served = version(150);
  FakeSocket.all[1].push(203);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(c.version, 202, 'an older snapshot is refused; 203 is not there yet');
  served = version(203, false);
  await until(() => c.version === 203, 'the retries after the push');
  await c.close();
  assert.equal(FakeSocket.all[1].readyState, 3, 'closing the client closes the socket');
  served = ef.clientSnapshot(text);
});

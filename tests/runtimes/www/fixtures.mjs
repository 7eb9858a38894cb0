// What the web tests compare against and serve: the native engine (the CLI's `conformance`
// command over a vector file written for the question, its `compile`) and a snapshot server with
// ETags.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ready, run, start } from '../processes.mjs';
import { root } from '../project.mjs';

const CLI = process.env.EDGEFLAG_CLI ?? join(root, 'target/release/edgeflag');

/**
 * The native engine's results at `nowMs`: for one context, `{ flagKey: details }` of every flag;
 * for an array of contexts and a `flag`, that flag's details for each, in order.
 */
export function native(snapshot, contexts, nowMs, flag) {
  const now = new Date(nowMs).toISOString();
  const many = Array.isArray(contexts);
  const flags = flag ? [flag] : Object.keys(snapshot.flags);
  const cases = (many ? contexts : [contexts]).flatMap((context, i) => flags.map((f) => ({ name: `${i}/${f}`, flag: f, context, now })));
  const dir = mkdtempSync(join(tmpdir(), 'edgeflag-native-'));
  try {
    writeFileSync(join(dir, 'q.json'), JSON.stringify({ snapshot, cases }));
    const out = JSON.parse(execFileSync(CLI, ['conformance', dir], { maxBuffer: 1 << 28, encoding: 'utf8' }))['q.json'].cases;
    if (many) return out.map((c) => c.result);
    return Object.fromEntries(out.map((c) => [c.name.split('/')[1], c.result]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { compileNative } from '../project.mjs';

/** What a page of the app shows of its flags: the embedded bootstrap and the snapshot label. */
export function readPage(html) {
  const boot = /<script id="edgeflag-bootstrap" type="application\/json">(.*?)<\/script>/s.exec(html);
  const label = /data-testid="snapshot">(.*?)<\/span>/.exec(html);
  return { bootstrap: boot ? JSON.parse(boot[1]) : null, label: label?.[1].replaceAll('<!-- -->', '') ?? null };
}

/**
 * A snapshot URL as a flag service would serve it: a bearer token, a strong ETag, 304 for a
 * matching If-None-Match. `publish(snapshot)` changes what it serves; `stats()` counts answers.
 */
export async function startSnapshotServer(snapshot, token) {
  let text = JSON.stringify(snapshot);
  const stats = { ok: 0, notModified: 0, unauthorized: 0, conditional: 0 };
  const etag = () => `"${createHash('sha256').update(text).digest('hex').slice(0, 20)}"`;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      stats.unauthorized++;
      return res.writeHead(401).end();
    }
    if (req.headers['if-none-match']) stats.conditional++;
    if (req.headers['if-none-match'] === etag()) {
      stats.notModified++;
      return res.writeHead(304, { etag: etag() }).end();
    }
    stats.ok++;
    res.writeHead(200, { 'content-type': 'application/json', etag: etag() }).end(text);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/snapshot.json`,
    publish: (s) => (text = JSON.stringify(s)),
    stats: () => ({ ...stats }),
    close: () => new Promise((r) => server.close(r)),
  };
}

export const www = join(root, 'www');
const NEXT = join(www, 'node_modules/next/dist/bin/next');

/**
 * `next build`, once per test run: the files of one `node --test` run share its process as
 * their parent, and the first to build marks the build with it.
 */
export async function buildApp(env) {
  const marker = join(www, '.next', `built-for-${process.ppid}`);
  if (existsSync(marker)) return;
  await run(process.execPath, [NEXT, 'build'], { cwd: www, env }, 300_000);
  writeFileSync(marker, '');
}

/** `next start` on a free port with `env`, once it answers: `{ base, server }`. */
export async function startApp(env) {
  const port = await freePort();
  const server = start(process.execPath, [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: www, env });
  const base = `http://127.0.0.1:${port}`;
  await ready(`${base}/api/edgeflag/snapshot`, server, 60_000);
  return { base, server };
}

// Shared by the Worker's tests: a Worker on workerd (miniflare) configured from wrangler.toml,
// requests with signed contexts, small snapshots.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Miniflare, localOptions, seedSnapshot } from '../../../worker/local.mjs';

export const ADMIN_TOKEN = 'test-admin-token';
export const CONTEXT_SECRET = 'test-context-secret';

/**
 * Starts the Worker. `snapshot` (text or object) is put into KV first, as an operator would.
 * Requests carry no `cf` data unless a test passes some (so contexts hold what the test says).
 */
export async function startWorker({ snapshot, vars = {}, secrets = {}, queueBatchTimeout = 0.1, port } = {}) {
  const options = {
    ...localOptions({ vars, secrets: { ADMIN_TOKEN, CONTEXT_SECRET, ...secrets }, queueBatchTimeout, port }),
    // The consumer logs every batch it stores: quiet here; errors still show.
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.on("data", (d) => process.stderr.write(d));
    },
  };
  const mf = new Miniflare(options);
  if (snapshot !== undefined) await seedSnapshot(mf, typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot));
  const request = async (path, { method = 'GET', headers = {}, body, cf = {}, context, admin } = {}) => {
    const h = { ...headers };
    if (context !== undefined) h['x-edgeflag-context'] = sign({ context });
    if (admin) h.authorization = `Bearer ${admin === true ? ADMIN_TOKEN : admin}`;
    const res = await mf.dispatchFetch(`http://localhost${path}`, { method, headers: h, body, cf });
    // The body's bytes too: the compiled snapshot is not text.
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    return { status: res.status, headers: res.headers, bytes, text, json: jsonOf(text) };
  };
  const url = port === undefined ? undefined : (await mf.ready).toString().replace(/\/$/, '');
  return { mf, options, request, url, kv: () => mf.getKVNamespace('FLAGS'), r2: () => mf.getR2Bucket('EXPOSURE_ARCHIVE') };
}

const b64url = (s) => Buffer.from(s).toString('base64url');

/** An HS256 JWT over `claims`, as a site's backend would sign a context. */
export function sign(claims, { secret = CONTEXT_SECRET, alg = 'HS256' } = {}) {
  const signed = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

const boolFlag = (extra = {}) => ({
  on: true,
  clientVisible: true,
  variations: [
    { name: 'off', value: false },
    { name: 'on', value: true },
  ],
  offVariation: 'off',
  fallthrough: { variation: 'off' },
  ...extra,
});

/** A snapshot exercising the context's sources: signed attributes, edge attributes, anonymity. */
export function identitySnapshot(version = 1, { killed = false } = {}) {
  const rule = (id, attribute, values) => ({ id, clauses: [{ attribute, op: 'in', values }], serve: { variation: 'on' } });
  return {
    version,
    generatedAt: '2026-11-20T00:00:00Z',
    flags: {
      by_country: boolFlag({ rules: [rule('de', 'country', ['DE'])] }),
      by_tier: boolFlag({ rules: [rule('pro', 'tier', ['pro'])] }),
      anonymous_only: boolFlag({ rules: [rule('anon', 'anonymous', [true])] }),
      ramp: boolFlag({ on: !killed, fallthrough: { rollout: { variations: [{ variation: 'off', weight: 50000 }, { variation: 'on', weight: 50000 }] } } }),
      server_only: boolFlag({ clientVisible: false, fallthrough: { variation: 'on' } }),
    },
  };
}

/** Polls `check` (async, returns a value or undefined) until it gives a value or time runs out. */
export async function eventually(check, { timeoutMs = 10000, everyMs = 50, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** An answer's JSON, or undefined when it is not JSON. */
function jsonOf(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a body to the Worker over node:http as a careful HTTP/1.1 client does: it stops sending
 * once an answer arrives, and sends at most `sendAtMost` bytes before waiting for one. (fetch
 * keeps writing after an early answer, and when workerd then closes the connection it may see
 * the reset instead of the answer.) `body` is text or bytes, or `{ byte, total }` for `total`
 * bytes of `byte` made in 1 MiB chunks. It goes with a Content-Length when `declared`, else
 * chunked; the body is ended only when all of it went and `keepOpen` is false, so with
 * `keepOpen` an answer must have come while the body was still open. Resolves with the status,
 * the answer's text and JSON, and the bytes sent.
 */
export async function upload(w, path, { method = 'POST', headers = {}, body, declared = false, sendAtMost = Infinity, keepOpen = false }) {
  const base = (await w.mf.ready).toString().replace(/\/$/, '');
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body instanceof Uint8Array ? body : undefined;
  const total = bytes ? bytes.length : body.total;
  const filler = bytes ? undefined : new Uint8Array(Math.min(1 << 20, total)).fill(body.byte);
  const piece = (at) => (bytes ? bytes.subarray(at, at + (1 << 20)) : filler.subarray(0, Math.min(filler.length, total - at)));
  const framing = declared ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' };
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(`${base}${path}`, { method, headers: { ...headers, ...framing } });
    const silence = setTimeout(() => reject(new Error(`${path}: no answer after ${sent} of ${total} bytes`)), 10_000);
    req.on('response', (res) => {
      answered = true;
      clearTimeout(silence);
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode, text, json: jsonOf(text), sent });
      });
    });
    // A reset after the answer is workerd closing a connection it has answered.
    req.on('error', (e) => (answered ? undefined : (clearTimeout(silence), reject(e))));
    req.flushHeaders();
    const pump = () => {
      while (!answered && sent < Math.min(total, sendAtMost)) {
        const chunk = piece(sent);
        const n = Math.min(chunk.length, sendAtMost - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) return req.once('drain', pump);
      }
      if (!answered && sent >= total && !keepOpen) req.end();
    };
    pump();
  });
}


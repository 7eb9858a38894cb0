// Shared by the Worker's tests: a Worker on workerd (miniflare) configured from wrangler.toml,
// requests with signed contexts, small snapshots.
import { createHmac } from 'node:crypto';
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
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, bytes, text, json };
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

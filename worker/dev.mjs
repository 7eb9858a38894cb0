// The demo: the Worker on workerd (miniflare, offline) at http://127.0.0.1:8787 with the example
// snapshot (examples/snapshot.json) in its local KV. Run through worker/dev.sh, which builds it.
// Prints requests to try; the exposure consumer logs each batch it stores. Ctrl-C stops it.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare, localOptions, seedSnapshot, workerDir } from './local.mjs';

const port = Number(process.env.PORT ?? 8787);
const ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? `demo-${randomBytes(9).toString('base64url')}`;
const CONTEXT_SECRET = process.env.CONTEXT_SECRET ?? randomBytes(24).toString('base64url');
const snapshotPath = process.argv[2] ?? join(workerDir, '..', 'examples', 'snapshot.json');

const mf = new Miniflare(localOptions({ port, secrets: { ADMIN_TOKEN, CONTEXT_SECRET }, queueBatchTimeout: 1 }));
await seedSnapshot(mf, readFileSync(snapshotPath, 'utf8'));
const url = (await mf.ready).toString().replace(/\/$/, '');

// A context signed as the site's backend would: a pro-tier user who opted into the beta.
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claims = { context: { key: 'user-1042', tier: 'pro', beta_opt_in: true, app_version: '2.4.0' }, exp: Math.floor(Date.now() / 1000) + 86400 };
const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
const signed = `${unsigned}.${createHmac('sha256', CONTEXT_SECRET).update(unsigned).digest('base64url')}`;
// The playbook's operator: a `write` token, made with the bootstrap admin token as a team would.
const made = await mf.dispatchFetch(`${url}/admin/tokens`, {
  method: 'POST',
  headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  body: JSON.stringify({ name: 'demo-operator', role: 'write' }),
});
if (made.status !== 201) throw new Error(`could not make the demo's write token: ${await made.text()}`);
const WRITE_TOKEN = (await made.json()).token;
const version = JSON.parse(readFileSync(snapshotPath, 'utf8')).version;
const write = `-H 'authorization: Bearer ${WRITE_TOKEN}'`;

console.log(`
edgeflag Worker on workerd: ${url}   (snapshot: ${snapshotPath}, version ${version})

  curl -i ${url}/flags                                   # anonymous: a key is issued in a cookie
  curl -s ${url}/flags?key=user-1042                     # a known user
  curl -s ${url}/flags/conversations_enabled -H 'x-edgeflag-context: ${signed}'
                                                             # signed context: pro tier, beta opt-in
  curl -s ${url}/health                                  # versions (served, the writer's, KV's), each flag
  curl -s ${url}/flags?key=user-1042\\&at=2026-11-24T23:30:00Z ${write}
                                                             # operators preview another time
The playbook, one line each (a write token; rollback needs the admin token):
  curl -s -X POST ${url}/admin/flags/conversations_enabled/ramp ${write} -d '{"rule": "paid-ramp", "percent": 50, "context": {"tier": "pro"}}'
                                                             # 10 → 50 %: who gains it, and nobody loses it
  curl -s -X PATCH ${url}/admin/flags/conversations_enabled ${write} -H 'if-match: "${version + 1}"' -d '{"on": false}'
                                                             # the kill switch (If-Match: refused if someone changed it since)
  curl -s ${url}/admin/history?flag=conversations_enabled ${write}
                                                             # who changed what, each change as a JSON Patch
  curl -s -X POST ${url}/admin/rollback -H 'authorization: Bearer ${ADMIN_TOKEN}' -d '{"version": ${version + 1}}'
                                                             # back to version ${version + 1}'s content, as version ${version + 3}

Write token ${WRITE_TOKEN} (demo-operator); admin token ${ADMIN_TOKEN}; context secret ${CONTEXT_SECRET}
(set ADMIN_TOKEN / CONTEXT_SECRET to choose). Every write goes through the writer of record (a
Durable Object) and is pushed to subscribers of ${url.replace(/^http/, 'ws')}/subscribe.
Exposures go through the local Queue into the local R2 bucket; the consumer logs each batch below.
Ctrl-C to stop.
`);

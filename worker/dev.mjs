// The demo: the Worker on workerd (miniflare, offline) at http://127.0.0.1:8787 with the example
// snapshot (examples/snapshot.json) in its local KV. Run through worker/dev.sh, which builds it.
// Prints requests to try; the exposure consumer logs each batch it stores. Ctrl-C stops it.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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
// The kill switch: the next version with one flag off, in a file for curl to send.
const killed = JSON.parse(readFileSync(snapshotPath, 'utf8'));
killed.version += 1;
const victim = Object.keys(killed.flags).find((k) => killed.flags[k].clientVisible) ?? Object.keys(killed.flags)[0];
killed.flags[victim].on = false;
const killedPath = join(workerDir, 'build', 'kill-switch.json');
writeFileSync(killedPath, JSON.stringify(killed, null, 2));

console.log(`
edgeflag Worker on workerd: ${url}   (snapshot: ${snapshotPath}, in local KV)

  curl -i ${url}/flags                                   # anonymous: a key is issued in a cookie
  curl -s ${url}/flags?key=user-1042                     # a known user
  curl -s ${url}/flags/conversations_enabled -H 'x-edgeflag-context: ${signed}'
                                                             # signed context: pro tier, beta opt-in
  curl -s ${url}/health                                  # version, age, each flag on or off
  curl -s ${url}/flags?key=user-1042\\&at=2026-11-24T23:30:00Z -H 'authorization: Bearer ${ADMIN_TOKEN}'
                                                             # operators preview another time
  # the kill switch, published without a deploy (version ${killed.version}, ${victim} off):
  curl -s -X PUT ${url}/admin/snapshot -H 'authorization: Bearer ${ADMIN_TOKEN}' --data-binary @${killedPath}

Admin token ${ADMIN_TOKEN}, context secret ${CONTEXT_SECRET} (set ADMIN_TOKEN / CONTEXT_SECRET to choose).
Exposures go through the local Queue into the local R2 bucket; the consumer logs each batch below.
Ctrl-C to stop.
`);

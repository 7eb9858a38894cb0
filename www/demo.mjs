// The demo, once built by www/dev.sh: the Worker (worker/dev.mjs: workerd, the example snapshot
// in local KV) and this app (`next start`), which reads the full snapshot from the Worker's
// admin endpoint (with a `read` token) with its ETag and sends the browser's exposures to the Worker's /events;
// its dashboard calls the admin API with a `dashboard` token. Prints the links to try; Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const www = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const workerPort = Number(process.env.WORKER_PORT ?? 8787);
const adminToken = process.env.ADMIN_TOKEN ?? `demo-${randomBytes(9).toString('base64url')}`;
const worker = `http://127.0.0.1:${workerPort}`;
const app = `http://127.0.0.1:${port}`;
const children = [];

function run(name, command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  child.stderr.on('data', (d) => process.stderr.write(d));
  child.on('exit', (code) => {
    console.error(`${name} exited (${code}); stopping the demo`);
    stop(1);
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  for (const c of children) c.exitCode === null && c.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

// The Worker first: its banner lists its own requests to try, the kill switch among them.
const w = run('the Worker', process.execPath, [join(www, '../worker/dev.mjs')], {
  env: { ...process.env, PORT: String(workerPort), ADMIN_TOKEN: adminToken },
});
let banner = '';
await new Promise((resolve) => {
  w.stdout.on('data', (d) => {
    banner += d;
    if (banner.includes('Ctrl-C to stop.')) resolve();
  });
});
w.stdout.on('data', (d) => process.stdout.write(d)); // the exposure consumer's log

/** A named token from the Worker (shown once), made with the bootstrap admin token. */
async function makeToken(name, role) {
  const made = await fetch(`${worker}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name, role }),
  });
  if (made.status !== 201) throw new Error(`could not make the ${name} token: ${await made.text()}`);
  return (await made.json()).token;
}
// The app's server reads the full snapshot with a `read` token of its own, never the admin one;
// its dashboard writes with another (`admin`: rollbacks need it), named so the history says who.
const readToken = await makeToken('web-app', 'read');
const dashboardToken = await makeToken('dashboard', 'admin');
const writeToken = /Write token (\S+)/.exec(banner)?.[1];

const next = run('next start', process.execPath, [join(www, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
  cwd: www,
  env: {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    EDGEFLAG_SNAPSHOT_URL: `${worker}/admin/snapshot`,
    EDGEFLAG_SNAPSHOT_TOKEN: readToken,
    EDGEFLAG_EVENTS_URL: `${worker}/events`,
    EDGEFLAG_SUBSCRIBE_URL: `${worker.replace(/^http/, 'ws')}/subscribe`,
    EDGEFLAG_ADMIN_URL: worker,
    EDGEFLAG_DASHBOARD_TOKEN: dashboardToken,
  },
});
await new Promise((resolve) => next.stdout.on('data', (d) => /Ready in/.test(d) && resolve()));

// The Worker's playbook lines (ramp, kill switch with If-Match, history, rollback), as it printed them.
const playbook = banner.slice(banner.indexOf('The playbook, one line each'), banner.indexOf('\nWrite token')).trimEnd();
const killSwitch = `  curl -s -X PATCH ${worker}/admin/flags/conversations_enabled -H 'authorization: Bearer ${writeToken}' -d '{"on": false}'`;
const links = [
  [`${app}/`, 'the app: sign in as a persona, upgrade the tier (re-evaluated in the browser)'],
  [`${app}/api/sign-in?as=pro-beta`, 'signed in as a pro-tier beta user (also pro, free, staff, acme; none signs out)'],
  [`${app}/checkout`, 'the checkout experiment: /checkout rewritten to your arm (control, a or b)'],
  [`${app}/playground`, "every flag's value, reason and deciding step; a ramp from 10 % to 50 % as pictures"],
  [`${app}/api/edgeflag/snapshot`, 'the client-safe snapshot the browser evaluates (ETag, 304)'],
  [`${app}/dashboard`, "the operators' dashboard: kill switch, ramps, targets, history and rollback, health"],
  [`${worker}/flags?key=user-1042`, "the Worker's own answer for a user"],
  [`${worker}/health`, "the Worker's snapshot, version and exposures"],
];
const width = Math.max(...links.map(([l]) => l.length)) + 2;
console.log(`
edgeflag demo — the Next.js app on the edge runtime, reading its snapshot from the Worker

${links.map(([l, what]) => `  ${l.padEnd(width)}${what}`).join('\n')}

Roll back without a deploy — the kill switch, from the dashboard or sent to the Worker's writer
of record (a write token); open pages are pushed the new version, and the app serves it at once:
${killSwitch}

${playbook}
Write token ${writeToken} (demo-operator); admin token ${adminToken}. Every change is in the
dashboard's history, with who made it.

Exposures from the browser go to ${worker}/events, through the Worker's Queue into local R2
(the consumer logs each batch below). Ctrl-C to stop.
`);

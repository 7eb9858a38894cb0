// Child processes for the runtime harnesses (a `next` server, a build): each in its own process
// group, its output kept for error reports, and stopped with the whole group.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const children = new Set();

/** Starts `command args` in `cwd`; `inherit` shows its output instead of keeping it. */
export function start(command, argv, { cwd, env = process.env, inherit = false } = {}) {
  const child = spawn(command, argv, { cwd, env, detached: true, stdio: inherit ? 'inherit' : 'pipe' });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  child.exited = new Promise((res) => child.on('exit', (code, sig) => res(sig ?? code)));
  child.output = () => output;
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child;
}

/** Runs a command to the end (output shown as it goes); throws on failure or after `ms`. */
export async function run(command, argv, options, ms) {
  const child = start(command, argv, { ...options, inherit: true });
  const timer = setTimeout(() => kill(child), ms);
  const status = await child.exited;
  clearTimeout(timer);
  const what = [command, ...argv].join(' ');
  if (status !== 0) throw new Error(`${what} exited with ${status}${status === 'SIGTERM' ? ` (timeout ${ms / 1000} s?)` : ''}`);
}

/** Resolves once `url` answers anything over HTTP; throws if `server` exits first or after `ms`. */
export async function ready(url, server, ms) {
  const deadline = Date.now() + ms;
  let exited = false;
  server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited before it was ready\n${server.output()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} was not ready within ${ms / 1000} s\n${server.output()}`);
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer().once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** SIGTERM to the whole process group, SIGKILL after 5 s. */
export async function kill(child) {
  const signal = (s) => {
    try {
      process.kill(-child.pid, s);
    } catch {}
  };
  signal('SIGTERM');
  const late = setTimeout(() => signal('SIGKILL'), 5000);
  await child.exited;
  clearTimeout(late);
  signal('SIGKILL'); // grandchildren left in the group
}

/** Stops every child still running. */
export function stopAll() {
  return Promise.all([...children].map(kill));
}

// Shared by the runtime harnesses: fresh projects that install the packed tarball the way a user
// would, and the vector files to run in them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');

/** Command-line `--name value` pairs. */
export function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

/**
 * A new project folder under tests/runtimes/.projects/<name> with `edgeflag` installed from the
 * tarball (its own node_modules; tools such as next and miniflare resolve from tests/runtimes).
 */
export function freshProject(name, tarball, extra = {}) {
  const dir = join(here, '.projects', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pkg = { name: `edgeflag-${name}-check`, private: true, type: 'module', ...extra };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', resolve(tarball)], { cwd: dir, stdio: 'inherit' });
  copyFileSync(join(here, 'conformance.mjs'), join(dir, 'conformance.mjs'));
  copyFileSync(join(here, 'signed.mjs'), join(dir, 'signed.mjs'));
  return dir;
}

/** `{ "<file>.json": parsed }` for every vector file, in name order. */
export function vectorFiles(dir = join(root, 'tests/vectors')) {
  const names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return Object.fromEntries(names.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]));
}

/**
 * The compiled form (docs/compiled.md) the native CLI (`edgeflag compile`, built by the package
 * stage) makes of `snapshot`: JSON text, compiled byte for byte as given, or a value. Throws with
 * the CLI's message when it does not load.
 */
export function compileNative(snapshot) {
  const input = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot);
  try {
    return execFileSync(join(root, 'target/release/edgeflag'), ['compile', '-'], { input, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(String(e.stderr ?? e.message).trim());
  }
}

/**
 * `{ "<file>.json": base64 }`: each vector file's snapshot compiled by the native CLI from its
 * compact JSON text, for the runtimes' compiled load path (conformance.mjs).
 */
export function compiledVectors(files = vectorFiles()) {
  const out = {};
  for (const [name, doc] of Object.entries(files)) {
    if (doc.snapshot) out[name] = compileNative(doc.snapshot).toString('base64');
  }
  return out;
}

/** A results file's path for the compiled load path: `node.json` → `node-compiled.json`. */
export function compiledOut(out) {
  return out.replace(/(\.json)?$/, '-compiled.json');
}

/**
 * `chromium.launch` options of every browser test: Debian's Chromium, headless, nothing
 * fetched from the network on its own (never a downloaded browser).
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
};

/**
 * The import map a page uses to load the installed package's `browser` entry, as its exports
 * map declares it (conditions, nested or not).
 */
export function browserImportMap(dir) {
  const resolveExport = (target, conditions = ['browser', 'import', 'default']) => {
    if (typeof target === 'string') return target;
    for (const [cond, next] of Object.entries(target ?? {})) {
      if (conditions.includes(cond)) return resolveExport(next, conditions);
    }
    throw new Error('edgeflag: no browser entry in the exports map');
  };
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/edgeflag/package.json'), 'utf8'));
  const entry = resolveExport(pkg.exports?.['.'] ?? pkg.exports ?? pkg.browser ?? pkg.main);
  return { imports: { edgeflag: `./node_modules/edgeflag/${entry.replace(/^\.\//, '')}` } };
}

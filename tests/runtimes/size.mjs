// What a browser downloads, by configuration, gzipped (-9), from the installed tarball: the .wasm
// it fetches plus the JS an app bundles for it (esbuild, minified, split where the package
// imports on demand), counting the chunks that configuration loads:
//   evaluate               `init()` + Engine: the compiled-only module
//   evaluate + exposures   the same with the Reporter
//   with keys              `init(source, { keys: true })` + Reporter: the module that also takes
//                          keys, signatures verified by the browser's WebCrypto
//   with keys, no WebCrypto Ed25519   the same where WebCrypto lacks Ed25519: the fallback module,
//                          which verifies in Wasm (reported; older browsers only, no ceiling)
// and the servers' module (workerd, edge-light) and Node's copy of it built for speed, which
// browsers never load.
// Usage: node size.mjs --project <dir with node_modules/edgeflag> [--limit-kib 40] [--keys-limit-kib 55] [--json out]
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { args } from './project.mjs';

const { project, 'limit-kib': limitKib, 'keys-limit-kib': keysLimitKib, json } = args();
const pkg = join(project, 'node_modules/edgeflag');
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const wasmOf = (name) => readFileSync(join(pkg, 'wasm', name));
const exported = (bytes) => WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);

// Each module holds what its configuration needs and no more (pkg/build.sh).
const modules = {
  compiled: wasmOf('edgeflag_bg.wasm'),
  trust: wasmOf('edgeflag_trust_bg.wasm'),
  keys: wasmOf('edgeflag_keys_bg.wasm'),
  server: wasmOf('edgeflag_server_bg.wasm'),
  node: wasmOf('edgeflag_node_bg.wasm'),
};
const has = (m, name) => exported(modules[m]).includes(name);
const expect = [
  ['compiled', 'update', true], ['compiled', 'update_text', false], ['compiled', 'trust', false], ['compiled', 'client_snapshot', false], ['compiled', 'compile', false],
  ['trust', 'trust', true], ['trust', 'commit', true], ['trust', 'update_text', false], ['trust', 'client_snapshot', false],
  ['keys', 'update', true], ['keys', 'trust', true], ['keys', 'commit', false], ['keys', 'update_text', false], ['keys', 'client_snapshot', false], ['keys', 'import_config', false],
  ['server', 'commit', false],
  ['node', 'update_text', true], ['node', 'compile', true], ['node', 'commit', false],
  ['server', 'update', true], ['server', 'update_text', true], ['server', 'client_snapshot', true], ['server', 'compile', true], ['server', 'import_config', true],
];
for (const [m, name, want] of expect) {
  if (has(m, name) !== want) throw new Error(`the ${m} module ${want ? 'lacks' : 'has'} ${name}`);
}

/** `contents` bundled for browsers as an app would, minified, split where it imports on demand. */
const bundleOf = (contents) =>
  build({
    stdin: { contents, resolveDir: project },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    loader: { '.wasm': 'file' },
    outdir: 'out',
    metafile: true,
  });

/**
 * The gzipped JS a page loads from a bundle: the entry and what it imports statically, plus the
 * chunks imported on demand whose path matches `loads` (WebCrypto's verifier, for keys).
 */
function loadedJs(bundle, loads) {
  const outputs = bundle.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint);
  const seen = new Set();
  const visit = (path, dynamic) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of outputs[path].imports) {
      if (i.kind === 'import-statement' || (i.kind === 'dynamic-import' && outputs[i.path] && owns(i.path, loads))) visit(i.path, dynamic);
    }
  };
  const owns = (path, pattern) => Object.keys(outputs[path].inputs).some((input) => pattern.test(input));
  visit(entry, false);
  const files = bundle.outputFiles.filter((f) => f.path.endsWith('.js') && [...seen].some((s) => f.path.endsWith(s.replace(/^out\//, ''))));
  return { files: files.length, bytes: files.reduce((n, f) => n + f.contents.length, 0), gzip: files.reduce((n, f) => n + gz(f.contents), 0) };
}

const configurations = [
  { name: 'evaluate', source: "export { init, Engine } from 'edgeflag';", module: 'compiled', loads: /^$/ },
  { name: 'evaluate + exposures', source: "export { init, Engine, Reporter } from 'edgeflag';", module: 'compiled', loads: /^$/ },
  { name: 'with keys', source: "export { init, Engine, Reporter } from 'edgeflag';", module: 'trust', loads: /lib\/webcrypto\.js$/ },
  { name: 'with keys, no WebCrypto Ed25519', source: "export { init, Engine, Reporter } from 'edgeflag';", module: 'keys', loads: /lib\/webcrypto\.js$/ },
];
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = {};
for (const c of configurations) {
  const js = loadedJs(await bundleOf(c.source), c.loads);
  const wasm = modules[c.module];
  rows[c.name] = { module: c.module, wasmBytes: wasm.length, wasmGzip: gz(wasm), jsFiles: js.files, jsBytes: js.bytes, jsGzip: js.gzip };
  rows[c.name].totalGzip = rows[c.name].wasmGzip + js.gzip;
}
rows.server = { wasmBytes: modules.server.length, wasmGzip: gz(modules.server) };
rows.node = { wasmBytes: modules.node.length, wasmGzip: gz(modules.node) };

// The browser client (edgeflag/client): what the page needs before the engine (the client's own
// code), and the engine it imports once started (with exposures, as the client reports them).
const split = await bundleOf("export { createClient } from 'edgeflag/client';");
const outputs = split.metafile.outputs;
const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint);
const first = split.outputFiles.find((f) => f.path.endsWith(entry.replace(/^out\//, '')));
rows.client = { firstGzip: gz(first.contents), engineGzip: rows['evaluate + exposures'].totalGzip };

for (const [name, r] of Object.entries(rows)) {
  if (name === 'server') console.log(`${'the servers\u2019 module'.padEnd(31)} ${r.wasmBytes} bytes, ${kib(r.wasmGzip)} gzipped (browsers never load it)`);
  else if (name === 'node') console.log(`${'its copy for Node (speed)'.padEnd(31)} ${r.wasmBytes} bytes, ${kib(r.wasmGzip)} gzipped`);
  else if (name === 'client') console.log(`${'edgeflag/client'.padEnd(31)} ${kib(r.firstGzip)} before the engine; then the engine, as "evaluate + exposures"`);
  else console.log(`${name.padEnd(31)} ${kib(r.totalGzip)}: ${r.module} module ${r.wasmBytes} bytes, ${kib(r.wasmGzip)}; JS ${r.jsFiles} files, ${r.jsBytes} bytes, ${kib(r.jsGzip)}`);
}
if (json) writeFileSync(json, JSON.stringify(rows, null, 2));
let over = false;
for (const [name, limit] of [['evaluate + exposures', limitKib], ['with keys', keysLimitKib]]) {
  if (limit !== undefined && rows[name].totalGzip > Number(limit) * 1024) {
    console.log(`${name}: over the ${limit} KiB ceiling by ${rows[name].totalGzip - Number(limit) * 1024} bytes`);
    over = true;
  } else if (limit !== undefined) {
    console.log(`${name}: ${Math.round(Number(limit) * 1024) - rows[name].totalGzip} bytes under the ${limit} KiB ceiling`);
  }
}
process.exit(over ? 1 : 0);

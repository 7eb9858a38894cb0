// What a browser downloads: the .wasm plus the package's browser JS, gzipped (-9), from the
// installed tarball. Two views of the JS: the files as shipped (unbundled ESM, as an import map
// loads them) and an esbuild-minified bundle of the browser entry (as an app bundles it).
// Usage: node size.mjs --project <dir with node_modules/edgeflag> [--limit-kib 32] [--json out]
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { args } from './project.mjs';

const { project, 'limit-kib': limitKib, json } = args();
const pkg = join(project, 'node_modules/edgeflag');
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const wasm = readFileSync(join(pkg, 'wasm/edgeflag_bg.wasm'));
// Browsers get the module without the servers' extras (pkg/build.sh): check it is that one.
const exported = (bytes) => WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
const server = readFileSync(join(pkg, 'wasm/edgeflag_server_bg.wasm'));
if (exported(wasm).some((n) => /client_snapshot/.test(n)) || !exported(server).some((n) => /client_snapshot/.test(n))) {
  throw new Error('the browser module must leave out client_snapshot, the server module must have it');
}
const shipped = ['browser.js', 'lib/core.js', 'lib/engine.js', 'lib/reporter.js', 'wasm/edgeflag.js'].map((f) => readFileSync(join(pkg, f)));
/** `contents` bundled for browsers as an app would, minified; chunks split where it imports lazily. */
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
const bundle = await bundleOf("export * from 'edgeflag';");
const js = bundle.outputFiles.find((f) => f.path.endsWith('.js')).contents;
const row = {
  wasmBytes: wasm.length,
  wasmGzip: gz(wasm),
  jsShippedGzip: shipped.reduce((s, b) => s + gz(b), 0),
  jsBundleBytes: js.length,
  jsBundleGzip: gz(js),
};
row.totalGzip = row.wasmGzip + row.jsBundleGzip;
// The browser client (edgeflag/client): what the page needs before the engine (the client's own
// code) and the engine chunk it imports once started, as an app bundler splits them.
const split = await bundleOf("export { createClient } from 'edgeflag/client';");
const entry = Object.entries(split.metafile.outputs).find(([, o]) => o.entryPoint)[0];
const chunks = split.outputFiles.filter((f) => f.path.endsWith('.js'));
row.clientFirstGzip = gz(chunks.find((f) => f.path.endsWith(entry.replace(/^out\//, ''))).contents);
row.clientEngineGzip = chunks.reduce((n, f) => n + gz(f.contents), 0) - row.clientFirstGzip + row.wasmGzip;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
row.serverWasmBytes = server.length;
row.serverWasmGzip = gz(server);
console.log(`wasm             ${row.wasmBytes} bytes, ${kib(row.wasmGzip)} gzipped (the servers' module: ${row.serverWasmBytes} bytes, ${kib(row.serverWasmGzip)})`);
console.log(`browser JS       ${kib(row.jsShippedGzip)} gzipped as shipped (${shipped.length} files); bundled + minified ${row.jsBundleBytes} bytes, ${kib(row.jsBundleGzip)} gzipped`);
console.log(`a browser loads  ${kib(row.totalGzip)} gzipped (wasm + bundled JS)`);
console.log(`edgeflag/client  ${kib(row.clientFirstGzip)} gzipped before the engine; the engine it loads once started ${kib(row.clientEngineGzip)} (JS chunk + wasm)`);
if (json) writeFileSync(json, JSON.stringify(row, null, 2));
if (limitKib !== undefined && row.totalGzip > Number(limitKib) * 1024) {
  console.log(`over the ${limitKib} KiB limit by ${kib(row.totalGzip - Number(limitKib) * 1024)}`);
  process.exit(1);
}

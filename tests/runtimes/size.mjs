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
const shipped = ['browser.js', 'lib/core.js', 'lib/engine.js', 'lib/reporter.js', 'wasm/edgeflag.js'].map((f) => readFileSync(join(pkg, f)));
const bundle = await build({
  stdin: { contents: "export * from 'edgeflag';", resolveDir: project },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  loader: { '.wasm': 'file' },
  outdir: 'out',
});
const js = bundle.outputFiles.find((f) => f.path.endsWith('.js')).contents;
const row = {
  wasmBytes: wasm.length,
  wasmGzip: gz(wasm),
  jsShippedGzip: shipped.reduce((s, b) => s + gz(b), 0),
  jsBundleBytes: js.length,
  jsBundleGzip: gz(js),
};
row.totalGzip = row.wasmGzip + row.jsBundleGzip;
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`wasm             ${row.wasmBytes} bytes, ${kib(row.wasmGzip)} gzipped`);
console.log(`browser JS       ${kib(row.jsShippedGzip)} gzipped as shipped (${shipped.length} files); bundled + minified ${row.jsBundleBytes} bytes, ${kib(row.jsBundleGzip)} gzipped`);
console.log(`a browser loads  ${kib(row.totalGzip)} gzipped (wasm + bundled JS)`);
if (json) writeFileSync(json, JSON.stringify(row, null, 2));
if (limitKib !== undefined && row.totalGzip > Number(limitKib) * 1024) {
  console.log(`over the ${limitKib} KiB limit by ${kib(row.totalGzip - Number(limitKib) * 1024)}`);
  process.exit(1);
}

// Bundles a Worker the way wrangler does, as tests/runtimes/workerd/bundle.mjs does (copied here,
// plus Data modules and wrangler's NODE_ENV define): esbuild with the `workerd`/`worker`/`browser`
// conditions; `.wasm`, `.txt` and `.bin` imports stay separate modules beside the bundle, so
// workerd hands them over as a compiled `WebAssembly.Module`, a string and an ArrayBuffer.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

/** Bundles `entry` into `outdir`/worker.mjs; returns its path and the bytes of everything in outdir. */
export async function bundleWorker(entry, outdir) {
  mkdirSync(outdir, { recursive: true });
  const externalModules = {
    name: 'external-modules',
    setup(b) {
      b.onResolve({ filter: /\.(wasm|txt|bin)$/ }, (a) => {
        const from = resolve(a.resolveDir, a.path);
        copyFileSync(from, join(outdir, basename(from)));
        return { path: `./${basename(from)}`, external: true };
      });
    },
  };
  const outfile = join(outdir, 'worker.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    // wrangler defines this too; GrowthBook guards its debug logging with it.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    plugins: [externalModules],
  });
  const bytes = (name) => statSync(join(outdir, name)).size;
  const files = readdirSync(outdir);
  return {
    scriptPath: outfile,
    code: files.filter((f) => !/\.(txt|bin)$/.test(f)).reduce((n, f) => n + bytes(f), 0),
    config: files.filter((f) => /\.(txt|bin)$/.test(f)).reduce((n, f) => n + bytes(f), 0),
  };
}

/** Miniflare options for a bundle made by bundleWorker. */
export function workerOptions(scriptPath) {
  return {
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath),
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
      { type: 'Text', include: ['**/*.txt'] },
      { type: 'Data', include: ['**/*.bin'] },
    ],
    compatibilityDate: '2025-09-01',
  };
}

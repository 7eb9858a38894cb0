// Bundles a Worker the way wrangler does: esbuild with the `workerd`/`worker`/`browser`
// conditions and wrangler's `process.env.NODE_ENV` define; `.wasm`, `.txt` and `.bin` imports
// left as separate modules (copied beside the bundle), so workerd hands them over as a compiled
// `WebAssembly.Module`, a string and an ArrayBuffer. Used by run.mjs and benches/coldstart.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles `entry` into `outdir`/worker.mjs. Returns the bundle's path, the source files that went
 * into it, and the bytes of the code (bundle and .wasm) and of the data modules beside it.
 */
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
  const { metafile } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    // As wrangler defines it (GrowthBook, for one, reads it).
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    plugins: [externalModules],
    metafile: true,
  });
  const bytes = (data) => readdirSync(outdir).filter((f) => /\.(txt|bin)$/.test(f) === data).reduce((n, f) => n + statSync(join(outdir, f)).size, 0);
  return { scriptPath: outfile, inputs: Object.keys(metafile.inputs), code: bytes(false), config: bytes(true) };
}

/** Miniflare options for a bundle made by bundleWorker. */
export function workerOptions(scriptPath) {
  return {
    modules: true,
    scriptPath,
    modulesRoot: dirname(scriptPath), // module names relative to the bundle, whatever the cwd
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
      { type: 'Text', include: ['**/*.txt'] },
      { type: 'Data', include: ['**/*.bin'] },
    ],
    compatibilityDate: '2025-09-01',
  };
}

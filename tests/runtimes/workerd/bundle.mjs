// Bundles a Worker the way wrangler does: esbuild with the `workerd`/`worker`/`browser`
// conditions, and `.wasm` imports left as separate modules (copied beside the bundle) so
// workerd hands them over as compiled `WebAssembly.Module`s. Used by run.mjs.
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles `entry` into `outdir`/worker.mjs (`*.txt` stay external too, as Text modules).
 * Returns the bundle's path and the source files that went into it.
 */
export async function bundleWorker(entry, outdir) {
  mkdirSync(outdir, { recursive: true });
  const externalModules = {
    name: 'external-modules',
    setup(b) {
      b.onResolve({ filter: /\.(wasm|txt)$/ }, (a) => {
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
    logLevel: 'warning',
    plugins: [externalModules],
    metafile: true,
  });
  return { scriptPath: outfile, inputs: Object.keys(metafile.inputs) };
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
    ],
    compatibilityDate: '2025-09-01',
  };
}

// workerd (via miniflare): a fresh project's Worker imports `edgeflag` (its `workerd` export,
// which imports the .wasm statically: workerd forbids compiling Wasm from bytes), is bundled as
// wrangler would, and runs every vector sent to it in a POST, through JSON and compiled; `POST /signed` runs the signed
// snapshot cases (signing.mjs).
// Usage: node workerd/run.mjs --tarball edgeflag-0.1.0.tgz --out results/workerd.json
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { args, compiledOut, compiledVectors, freshProject, root, vectorFiles } from '../project.mjs';
import { signedCases, signedCompiledCases } from '../signing.mjs';
import { bundleWorker, workerOptions } from './bundle.mjs';

const { tarball, out } = args();
const dir = freshProject('workerd', tarball);
writeFileSync(
  join(dir, 'worker.mjs'),
  `import * as edgeflag from 'edgeflag';
import { runBoth } from './conformance.mjs';
import { runSigned } from './signed.mjs';
export default {
  async fetch(request) {
    if (request.method !== 'POST') return new Response('POST the vector files', { status: 405 });
    try {
      const run = new URL(request.url).pathname === '/signed' ? runSigned : runBoth;
      return new Response(JSON.stringify(run(edgeflag, await request.json())));
    } catch (e) {
      return new Response(String(e?.stack ?? e), { status: 500 });
    }
  },
};
`,
);
const { scriptPath, inputs } = await bundleWorker(join(dir, 'worker.mjs'), join(dir, 'dist'));
// The package's own workerd entry must be what got bundled (not browser.js or a copy).
if (!inputs.some((f) => f.endsWith('node_modules/edgeflag/workerd.js'))) throw new Error(`workerd.js not bundled: ${inputs}`);

const mf = new Miniflare(workerOptions(scriptPath));
try {
  const files = vectorFiles();
  const input = { files, compiled: compiledVectors(files) };
  const res = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify(input) });
  const body = await res.text();
  if (!res.ok) throw new Error(`worker answered ${res.status}: ${body}`);
  const { json, compiled } = JSON.parse(body);
  writeFileSync(resolve(out), JSON.stringify(json));
  writeFileSync(resolve(compiledOut(out)), JSON.stringify(compiled));
  const example = readFileSync(join(root, 'examples/snapshot.json'), 'utf8');
  for (const [what, { cases, expected }] of [['JSON', signedCases(example)], ['compiled', signedCompiledCases(example)]]) {
    const signed = await mf.dispatchFetch('http://localhost/signed', { method: 'POST', body: JSON.stringify(cases) });
    const answers = await signed.text();
    if (!signed.ok) throw new Error(`worker answered ${signed.status}: ${answers}`);
    assert.deepEqual(JSON.parse(answers), expected, `signed ${what} snapshots on workerd`);
  }
  console.log('workerd: signed snapshots verified, unsigned and tampered ones refused');
} finally {
  await mf.dispose();
}
console.log(`workerd: results in ${out} and ${compiledOut(out)}`);

// Exposure counting tests from the packed tarball: the collector and the Reporter over real HTTP
// on 127.0.0.1, in Node, workerd (miniflare) and headless Chromium. Each runs in its own process
// in one fresh project (edgeflag installed from the tarball) and prints what it counted.
// Usage: node exposures/run.mjs --tarball edgeflag-0.1.0.tgz
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { args, freshProject, here } from '../project.mjs';

const { tarball } = args();
if (!tarball) throw new Error('usage: node exposures/run.mjs --tarball <edgeflag-*.tgz>');
const dir = freshProject('exposures', tarball);
// Node resolves `edgeflag` (its `node` export) from the project, not from here.
writeFileSync(join(dir, 'edgeflag.mjs'), "export * from 'edgeflag';\n");

const failed = [];
for (const runtime of ['node', 'workerd', 'chromium']) {
  console.log(`\n-- exposures: ${runtime}`);
  const r = spawnSync(process.execPath, [join(here, 'exposures', `${runtime}.mjs`), '--project', dir], { stdio: 'inherit', timeout: 300_000 });
  if (r.status !== 0) failed.push(`${runtime} (${r.error?.message ?? (r.signal ? `signal ${r.signal}` : `exit ${r.status}`)})`);
}
if (failed.length) {
  console.error(`exposures: FAILED in ${failed.join(', ')}`);
  process.exit(1);
}
console.log('exposures: every counting test passed in node, workerd and chromium');

// The Worker's upload size: the modules wrangler uploads (worker-build's bundle and .wasm), raw and
// gzipped (level 9), and the total that counts against Cloudflare's limit (3 MiB gzipped on the
// Free plan, 10 MiB on paid plans). Fails above the Free plan's limit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const build = new URL('../../../worker/build/', import.meta.url).pathname;
const modules = ['index.js', 'index_bg.wasm'];
let raw = 0;
let gz = 0;
for (const m of modules) {
  const bytes = readFileSync(join(build, m));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  console.log(`  ${m.padEnd(18)} ${String(bytes.length).padStart(9)} B  ${String(z).padStart(8)} B gzipped`);
}
console.log(`  ${'upload'.padEnd(18)} ${String(raw).padStart(9)} B  ${String(gz).padStart(8)} B gzipped (${(gz / 1024).toFixed(1)} KiB)`);
if (gz > 3 * 1024 * 1024) throw new Error('over the 3 MiB Free plan limit');

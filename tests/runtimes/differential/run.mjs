// Differential tests: configurations generated for each peer are evaluated by the peer's own npm
// SDK (pinned in tests/js) and by edgeflag on their import (`importConfig` of the packed package,
// in a fresh Node project), for many contexts each; every answer must agree, as docs/import.md
// says a caller recovers it. Each peer's generator, SDK call and recovery is `<peer>.mjs`.
// Usage: node differential/run.mjs --tarball edgeflag-0.1.0.tgz [--peers flagd,unleash,growthbook,launchdarkly]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, freshProject, here, root } from '../project.mjs';

const { tarball, peers = 'flagd,unleash,growthbook,launchdarkly' } = args();
const dir = freshProject('differential', tarball);
const modules = peers.split(',').map((p) => [p, pathToFileURL(join(here, 'differential', `${p}.mjs`)).href]);
writeFileSync(
  join(dir, 'main.mjs'),
  `import * as edgeflag from 'edgeflag';
import { createRequire } from 'node:module';
import { generator } from ${JSON.stringify(pathToFileURL(join(here, 'differential', 'random.mjs')).href)};
// The peers' SDKs as tests/js pins them.
const require = createRequire(${JSON.stringify(join(root, 'tests/js/package.json'))});
const MINIMUM = 10000;
let failed = false;
for (const [name, url] of ${JSON.stringify(modules)}) {
  const peer = await import(url);
  const started = Date.now();
  const r = await peer.run({ edgeflag, require, random: generator(20261207) });
  const ms = Date.now() - started;
  console.log(\`\${name}: \${r.compared} answers compared (\${r.configs} configurations × contexts), \${r.differences.length} differences, \${r.refused} configurations refused by the importer, \${ms} ms\`);
  for (const d of r.differences.slice(0, 10)) console.log(\`  \${d}\`);
  if (r.differences.length > 0 || r.compared < MINIMUM) failed = true;
}
if (failed) throw new Error('the differential tests found differences, or compared fewer than 10,000 answers for a peer');
`,
);
execFileSync('node', ['main.mjs'], { cwd: dir, stdio: 'inherit' });

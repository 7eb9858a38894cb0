// The Node.js snippets of the package README (the copy inside the packed tarball) run as
// written, in a fresh project, next to the example snapshot. A snippet that throws fails.
// Usage: node readme/run.mjs --tarball edgeflag-0.1.0.tgz
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { args, freshProject, root } from '../project.mjs';

const { tarball } = args();
const dir = freshProject('readme', tarball);
copyFileSync(join(root, 'examples/snapshot.json'), join(dir, 'snapshot.json'));
const readme = readFileSync(join(dir, 'node_modules/edgeflag/README.md'), 'utf8');
const snippets = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((s) => s.includes("from 'node:fs'"));
if (snippets.length < 3) throw new Error(`expected the README's Node snippets, found ${snippets.length}`);
snippets.forEach((code, i) => {
  const file = `snippet-${i + 1}.mjs`;
  writeFileSync(join(dir, file), code);
  console.log(`--- README snippet ${i + 1}`);
  execFileSync('node', [file], { cwd: dir, stdio: 'inherit' });
});
console.log(`readme: ${snippets.length} Node snippets ran`);

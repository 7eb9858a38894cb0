// Node.js: a fresh ESM project imports `edgeflag` (the `node` export) and runs every vector,
// through JSON and through the compiled form (written to `<out>-compiled.json`); its `compile()`
// must give the native CLI's bytes.
// Usage: node node/run.mjs --tarball edgeflag-0.1.0.tgz --out results/node.json
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { args, compiledOut, compiledVectors, freshProject, vectorFiles } from '../project.mjs';

const { tarball, out } = args();
const dir = freshProject('node', tarball);
const files = vectorFiles();
writeFileSync(join(dir, 'vectors.json'), JSON.stringify({ files, compiled: compiledVectors(files) }));
writeFileSync(
  join(dir, 'main.mjs'),
  `import * as edgeflag from 'edgeflag';
import { readFileSync, writeFileSync } from 'node:fs';
import { runBoth } from './conformance.mjs';
const input = JSON.parse(readFileSync('vectors.json', 'utf8'));
for (const [name, base64] of Object.entries(input.compiled)) {
  const mine = Buffer.from(edgeflag.compile(JSON.stringify(input.files[name].snapshot))).toString('base64');
  if (mine !== base64) throw new Error(\`\${name}: compile() differs from the native CLI's bytes\`);
}
const { json, compiled } = runBoth(edgeflag, input);
writeFileSync(process.argv[2], JSON.stringify(json));
writeFileSync(process.argv[3], JSON.stringify(compiled));
`,
);
execFileSync('node', ['main.mjs', resolve(out), resolve(compiledOut(out))], { cwd: dir, stdio: 'inherit' });
console.log(`node: compile() gives the native bytes for every vector; results in ${out} and ${compiledOut(out)}`);

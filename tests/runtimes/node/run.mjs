// Node.js: a fresh ESM project imports `edgeflag` (the `node` export) and runs every vector.
// Usage: node node/run.mjs --tarball edgeflag-0.1.0.tgz --out results/node.json
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { args, freshProject, vectorFiles } from '../project.mjs';

const { tarball, out } = args();
const dir = freshProject('node', tarball);
writeFileSync(join(dir, 'vectors.json'), JSON.stringify(vectorFiles()));
writeFileSync(
  join(dir, 'main.mjs'),
  `import * as edgeflag from 'edgeflag';
import { readFileSync, writeFileSync } from 'node:fs';
import { runVectors } from './conformance.mjs';
const files = JSON.parse(readFileSync('vectors.json', 'utf8'));
writeFileSync(process.argv[2], JSON.stringify(runVectors(edgeflag, files)));
`,
);
execFileSync('node', ['main.mjs', resolve(out)], { cwd: dir, stdio: 'inherit' });
console.log(`node: results in ${out}`);

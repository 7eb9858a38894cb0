// Compares each runtime's conformance results with the native engine's, exactly (every field of
// every result, error messages included). Usage: node compare.mjs native.json runtime.json...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const [nativePath, ...others] = process.argv.slice(2);
const native = JSON.parse(readFileSync(nativePath, 'utf8'));
let failed = false;

for (const path of others) {
  const got = JSON.parse(readFileSync(path, 'utf8'));
  const runtime = basename(path, '.json');
  // The compiled load path (conformance.mjs) has no load-error files: those are about JSON.
  const compiled = runtime.endsWith('-compiled');
  const mismatches = [];
  let compared = 0;
  // Files whose snapshot needs what this runtime's module lacks (conformance.mjs): it must have
  // refused them as a format it does not read.
  const skipped = got.$skipped ?? {};
  delete got.$skipped;
  for (const [file, s] of Object.entries(skipped)) {
    if (s.refused !== 'unsupported_format') mismatches.push(`${file}: needs ${s.requires}, refused with ${s.refused}`);
    console.log(`${runtime}: ${file} skipped: needs ${s.requires}, which this module lacks (refused: ${s.refused})`);
  }
  for (const [file, want] of Object.entries(native)) {
    const list = want.cases ? 'cases' : 'loadErrors';
    if (compiled && list === 'loadErrors') continue;
    if (file in skipped) continue;
    const have = got[file]?.[list] ?? [];
    if (have.length !== want[list].length) mismatches.push(`${file}: ${have.length} results, want ${want[list].length}`);
    want[list].forEach((w, i) => {
      compared++;
      if (!isDeepStrictEqual(have[i], w)) {
        mismatches.push(`${file} / ${w.name}:\n    got  ${JSON.stringify(have[i])}\n    want ${JSON.stringify(w)}`);
      }
    });
  }
  for (const file of Object.keys(got)) if (!(file in native)) mismatches.push(`${file}: not a native vector file`);
  if (mismatches.length) {
    failed = true;
    console.log(`${runtime}: ${mismatches.length} of ${compared} results differ from native`);
    for (const m of mismatches.slice(0, 20)) console.log(`  ${m}`);
  } else {
    console.log(`${runtime}: all ${compared} results identical to native`);
  }
}
process.exit(failed ? 1 : 0);

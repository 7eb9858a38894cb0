// Generates the benchmark's configurations: edgeflag's synthetic snapshot
// (`edgeflag generate --flags N --seed S`, src/synthetic.rs) and the same flags in each peer's own
// format (translate.mjs: GrowthBook SDK payload, flagd flag definitions), plus whatever an
// edgeflag variant makes from the snapshot (entries.mjs, `config.make`).
//
//   node generate.mjs [--flags 1000] [--seed 1] [--out .work/configs]
//
// Builds the release CLI (cargo build --release -p edgeflag-cli) when target/release/edgeflag is
// missing. bench.mjs calls generateConfigs() itself; run this to look at the files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { edgeflagVariants, imported, peers } from './entries.mjs';
import { toFlagd, toGrowthBook } from './translate.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');

/** The release CLI, built if missing. */
export function cliPath() {
  const cli = join(root, 'target/release/edgeflag');
  if (!existsSync(cli)) execFileSync('cargo', ['build', '--release', '-p', 'edgeflag-cli'], { cwd: root, stdio: 'inherit' });
  return cli;
}

const formats = {
  'growthbook.json': (snapshot) => JSON.stringify(toGrowthBook(snapshot)),
  'flagd.json': (snapshot) => JSON.stringify(toFlagd(snapshot)),
};

/**
 * Writes every configuration into `out`; returns { snapshot, snapshotText, snapshotPath, files }
 * with files = { fileName: bytes }.
 */
export function generateConfigs({ flags = 1000, seed = 1, out, cli = cliPath() }) {
  mkdirSync(out, { recursive: true });
  const snapshotText = execFileSync(cli, ['generate', '--flags', String(flags), '--seed', String(seed)], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const snapshot = JSON.parse(snapshotText);
  const snapshotPath = join(out, 'edgeflag.json');
  writeFileSync(snapshotPath, snapshotText);
  const files = { 'edgeflag.json': Buffer.byteLength(snapshotText) };
  for (const entry of [...edgeflagVariants, ...peers, ...imported]) {
    const { file, make } = entry.config;
    if (file in files) continue;
    const path = join(out, file);
    if (make) make({ cli, snapshotPath, snapshot, out: path });
    else if (formats[file]) writeFileSync(path, formats[file](snapshot));
    else throw new Error(`${entry.name}: no way to make ${file} (give config.make)`);
    files[file] = statSync(path).size;
  }
  return { snapshot, snapshotText, snapshotPath, files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
  const out = resolve(opt('out', join(here, '.work/configs')));
  const { files } = generateConfigs({ flags: Number(opt('flags', 1000)), seed: Number(opt('seed', 1)), out });
  for (const [f, n] of Object.entries(files)) console.log(`${join(out, f)}  ${(n / 1024).toFixed(1)} KiB`);
}

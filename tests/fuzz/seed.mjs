// Seeds the fuzz corpora (tests/fuzz/corpus/TARGET/) from inputs the repository already has:
// examples/snapshot.json, the conformance vectors (snapshots, contexts, load errors) and the
// batch fixture tests/exposure-batches.json. Seeds are named after what they come from, so
// running it again rewrites the same files and leaves what the fuzzer added alone.
// Usage: node tests/fuzz/seed.mjs [CORPUS_DIR]
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");
const corpus = process.argv[2] ?? new URL("corpus/", import.meta.url).pathname;

// As edgeflag_fuzz::BASE_NOW and the vectors' default `now`.
const BASE_NOW = Date.parse("2026-01-01T00:00:00Z");

const counts = {};
function seed(target, name, bytes) {
  const dir = `${corpus}/${target}`;
  mkdirSync(dir, { recursive: true });
  // A short hash keeps names unique and valid as file names whatever the case is called.
  const id = createHash("sha1").update(bytes).digest("hex").slice(0, 12);
  writeFileSync(`${dir}/seed-${name.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 60)}-${id}`, bytes);
  counts[target] = (counts[target] ?? 0) + 1;
}

const example = read("examples/snapshot.json");
const vectorFiles = readdirSync(new URL("tests/vectors/", root))
  .filter((n) => n.endsWith(".json"))
  .sort();
const vectors = vectorFiles.map((name) => ({ name, doc: JSON.parse(read(`tests/vectors/${name}`)) }));

// load_snapshot: every snapshot, as the repository writes it and compact.
seed("load_snapshot", "example", example);
seed("load_snapshot", "example-compact", JSON.stringify(JSON.parse(example)));
for (const { name, doc } of vectors) {
  if (doc.snapshot) seed("load_snapshot", name, JSON.stringify(doc.snapshot));
  for (const e of doc.loadErrors ?? []) {
    seed("load_snapshot", `${name}-${e.name}`, e.snapshotJson ?? JSON.stringify(e.snapshot));
  }
}

// evaluate: the header of fuzz_targets/evaluate.rs, then context NUL key [NUL default [NUL snapshot]].
// Fixed snapshots are numbered as edgeflag_fuzz::fixed_snapshots numbers them: the example, then
// each evaluation vector file with a snapshot, by file name.
function evalInput({ snapshotIndex = 0, flagIndex = 0, defaultSelector = 0, now = BASE_NOW, parts }) {
  const header = Buffer.alloc(11);
  header[0] = snapshotIndex;
  header[1] = flagIndex;
  header[2] = defaultSelector;
  header.writeBigInt64LE(BigInt(now - BASE_NOW), 3);
  return Buffer.concat([header, Buffer.from(parts.join("\0"), "utf8")]);
}
const personas = [
  { key: "user-42", tier: "pro", beta_opt_in: true, app_version: "2.3.1", email: "dev@example.com" },
  { key: "u-ops-1", tier: "enterprise", app_version: "1.9.0" },
  { key: "user-7", tier: "free", test_user: true },
  { tier: "pro" },
];
const exampleFlags = Object.keys(JSON.parse(example).flags).sort();
personas.forEach((p, i) => {
  exampleFlags.forEach((_, f) => {
    seed("evaluate", `example-${f}-${i}`, evalInput({ flagIndex: f, parts: [JSON.stringify(p)] }));
  });
});
const fixed = vectors.filter(({ doc }) => Array.isArray(doc.cases) && doc.snapshot != null);
fixed.forEach(({ name, doc }, i) => {
  for (const c of doc.cases) {
    const context = c.contextJson ?? JSON.stringify(c.context ?? {});
    const parts = [context, c.flag];
    if ("default" in c) parts.push(JSON.stringify(c.default));
    const now = c.now ? Date.parse(c.now) : BASE_NOW;
    seed("evaluate", `${name}-${c.name}`, evalInput({ snapshotIndex: i + 1, now, parts }));
  }
  // The same snapshot carried in the input, for the structured mode (default `null` checks nothing).
  const c = doc.cases[0];
  const parts = [c.contextJson ?? JSON.stringify(c.context ?? {}), c.flag, "null", JSON.stringify(doc.snapshot)];
  seed("evaluate", `${name}-carried`, evalInput({ parts }));
});

// decode_batch: every fixture batch and the example, as text; and a few recorder runs (0xFF).
const fixture = JSON.parse(read("tests/exposure-batches.json"));
for (const c of fixture) seed("decode_batch", c.name, JSON.stringify(c.batch));
const doc = read("docs/exposures.md").split("\n## Complete example\n")[1];
seed("decode_batch", "docs-example", doc.match(/```json\n([\s\S]*?)\n```/)[1]);
for (let n = 0; n < 8; n++) {
  // Deterministic bytes: each run drives the recorder differently.
  const bytes = createHash("sha512").update(`recorder-${n}`).digest();
  seed("decode_batch", `recorder-${n}`, Buffer.concat([Buffer.from([0xff]), bytes, bytes]));
}

// decode_compiled: the body (after the 52-byte header) of each snapshot compiled by the CLI,
// which the target seals with a good header again. Skipped, with a note, without a built CLI.
const cli = new URL("target/release/edgeflag", root).pathname;
if (existsSync(cli)) {
  const compile = (text) => execFileSync(cli, ["compile", "-"], { input: text, stdio: ["pipe", "pipe", "ignore"] });
  seed("decode_compiled", "example", compile(example).subarray(52));
  for (const { name, doc } of vectors) {
    if (doc.snapshot) seed("decode_compiled", name, compile(JSON.stringify(doc.snapshot)).subarray(52));
  }
} else {
  console.log(`no ${cli}: decode_compiled gets no seeds (cargo build --release -p edgeflag-cli)`);
}

console.log(Object.entries(counts).map(([t, n]) => `${t}: ${n} seeds`).join(", "));

// docs/exposures.schema.json against the example batch in docs/exposures.md and batches broken on
// purpose; the worked key-hash example in the same document recomputed with xxhash-wasm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import xxhash from "xxhash-wasm";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");

// Same settings as schema.test.mjs: strict mode catches typos in the schema itself.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(JSON.parse(read("docs/exposures.schema.json")));
const errorsOf = (batch) =>
  validate(batch) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);

const doc = read("docs/exposures.md");
const section = (title) => {
  const parts = doc.split(`\n## ${title}\n`);
  assert.equal(parts.length, 2, `docs/exposures.md has one section "${title}"`);
  return parts[1].split("\n## ")[0];
};
const example = JSON.parse(section("Complete example").match(/```json\n([\s\S]*?)\n```/)[1]);

test("the Complete example block in docs/exposures.md is valid", () => {
  assert.deepEqual(errorsOf(example), []);
});

test("the example uses every optional exposure member and both kinds of summary", () => {
  const members = new Set(example.exposures.flatMap(Object.keys));
  for (const m of ["ruleId", "inExperiment", "keyHash", "attributes"]) assert.ok(members.has(m), m);
  assert.ok(example.exposures.some((e) => !("key" in e) && !("keyHash" in e)), "a keyless exposure");
  assert.ok(example.summaries.some((s) => s.variationIndex === null && s.errors > 0), "an error row");
  assert.ok(example.summaries.some((s) => s.variationIndex !== null), "a row with a variation");
});

test("the worked key-hash example in docs/exposures.md is XXH64 of salt U+001F key", async () => {
  const block = section("Hashed context keys").match(/```\nsalt[\s\S]*?\n```/)[0];
  const line = (name) => block.match(new RegExp(`^${name} +(.+)$`, "m"))[1];
  const bytes = new TextEncoder().encode(`${line("salt")}\x1f${line("key")}`);
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  assert.equal(line("bytes"), hex);
  const { h64Raw } = await xxhash();
  const keyHash = h64Raw(bytes, 0n).toString(16).padStart(16, "0");
  assert.equal(line("keyHash"), keyHash);
  // The example batch's exposures of that user carry the same hash.
  assert.ok(example.exposures.some((e) => e.keyHash === keyHash));
});

// Each entry edits a copy of the example; `rejected` must fail validation, `accepted` must pass
// (the latter guard against a schema stricter than docs/exposures.md).
const exposure = (b, i = 0) => b.exposures[i];
const summary = (b, i = 0) => b.summaries[i];
const rejected = {
  "unknown top-level member": (b) => { b.batchId = "x"; },
  "unknown exposure member": (b) => { exposure(b).value = true; },
  "unknown summary member": (b) => { summary(b).errorCode = "FLAG_NOT_FOUND"; },
  "object attribute": (b) => { exposure(b).attributes.address = { city: "Zürich" }; },
  "array attribute": (b) => { exposure(b).attributes.groups = ["staff"]; },
  "null attribute": (b) => { exposure(b).attributes.tier = null; },
  "attribute string over 256 characters": (b) => { exposure(b).attributes.tier = "x".repeat(257); },
  "empty attributes object": (b) => { exposure(b).attributes = {}; },
  "key and keyHash both": (b) => { exposure(b).key = "user-42"; },
  "keyHash in upper case": (b) => { exposure(b).keyHash = "B0211EE521E5C34D"; },
  "keyHash of 15 digits": (b) => { exposure(b).keyHash = "b0211ee521e5c34"; },
  "keyHash not hex": (b) => { exposure(b).keyHash = "b0211ee521e5c34g"; },
  "numeric key": (b) => { delete exposure(b).keyHash; exposure(b).key = 42; },
  "reason ERROR in an exposure": (b) => { exposure(b).reason = "ERROR"; },
  "unknown reason": (b) => { exposure(b).reason = "FALLTHROUGH"; },
  "inExperiment false": (b) => { exposure(b, 1).inExperiment = false; },
  "exposure without variationIndex": (b) => { delete exposure(b).variationIndex; },
  "exposure without variation": (b) => { delete exposure(b).variation; },
  "exposure with null variation": (b) => { exposure(b).variation = null; },
  "exposure without timestamp": (b) => { delete exposure(b).timestamp; },
  "exposure with null version": (b) => { exposure(b).version = null; },
  "fractional timestamp": (b) => { exposure(b).timestamp = 1795000000000.5; },
  "timestamp as a date string": (b) => { exposure(b).timestamp = "2026-11-18T08:53:20Z"; },
  "empty flag key in an exposure": (b) => { exposure(b).flagKey = ""; },
  "empty ruleId": (b) => { exposure(b).ruleId = ""; },
  "empty batch": (b) => { b.exposures = []; b.summaries = []; b.dropped = 0; },
  "negative dropped": (b) => { b.dropped = -1; },
  "unsummarized missing": (b) => { delete b.unsummarized; },
  "negative unsummarized": (b) => { b.unsummarized = -1; },
  "fractional dropped": (b) => { b.dropped = 1.5; },
  "sequence 0": (b) => { b.sequence = 0; },
  "sequence beyond 2^53-1": (b) => { b.sequence = 2 ** 53; },
  "sequence as a string": (b) => { b.sequence = "12"; },
  "schemaVersion 2": (b) => { b.schemaVersion = 2; },
  "missing schemaVersion": (b) => { delete b.schemaVersion; },
  "missing summaries": (b) => { delete b.summaries; },
  "missing sentAt": (b) => { delete b.sentAt; },
  "empty source": (b) => { b.source = ""; },
  "source of 129 characters": (b) => { b.source = "s".repeat(129); },
  "summary variation without index": (b) => { summary(b).variationIndex = null; },
  "summary index without variation": (b) => { summary(b).variation = null; },
  "summary with a variation but errors": (b) => { summary(b).errors = 1; },
  "summary with a variation but no snapshot version": (b) => { summary(b).version = null; },
  "summary count 0": (b) => { summary(b, 3).count = 0; summary(b, 3).errors = 0; },
  "negative summary errors": (b) => { summary(b, 3).errors = -1; },
  "summary without end": (b) => { delete summary(b).end; },
  "summary with a missing (not null) variation": (b) => { delete summary(b, 3).variation; },
};
const accepted = {
  "raw key instead of keyHash": (b) => { for (const e of b.exposures) if (e.keyHash) { delete e.keyHash; e.key = "user-42"; } },
  "empty-string key": (b) => { exposure(b, 2).key = ""; },
  "number and boolean attributes": (b) => { exposure(b).attributes = { seats: 25, ratio: 0.5, beta: true }; },
  "attribute string of 256 characters": (b) => { exposure(b).attributes.tier = "é".repeat(128); },
  "no attributes member": (b) => { delete exposure(b).attributes; },
  "exposures only": (b) => { b.summaries = []; b.dropped = 0; },
  "summaries only": (b) => { b.exposures = []; b.dropped = 0; },
  "dropped only": (b) => { b.exposures = []; b.summaries = []; b.dropped = 7; },
  "unsummarized only": (b) => { b.exposures = []; b.summaries = []; b.dropped = 0; b.unsummarized = 3; },
  "reason DISABLED (offVariation served)": (b) => { exposure(b).reason = "DISABLED"; delete exposure(b).ruleId; },
  "summary without a snapshot": (b) => { summary(b, 3).version = null; },
  "summary of a disabled flag without offVariation": (b) => { summary(b, 3).errors = 0; },
  "summary flag key as requested (empty)": (b) => { summary(b, 3).flagKey = ""; },
  "source of 128 characters": (b) => { b.source = "s".repeat(128); },
};

for (const [name, edit] of Object.entries(rejected)) {
  test(`exposures schema rejects: ${name}`, () => {
    const broken = structuredClone(example);
    edit(broken);
    assert.equal(validate(broken), false);
  });
}
for (const [name, edit] of Object.entries(accepted)) {
  test(`exposures schema accepts: ${name}`, () => {
    const variant = structuredClone(example);
    edit(variant);
    assert.deepEqual(errorsOf(variant), []);
  });
}

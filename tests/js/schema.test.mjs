// docs/snapshot.schema.json against the shipped example, the example in docs/snapshot.md, every
// snapshot in the conformance vectors, and snapshots broken on purpose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");
const vectorsDir = process.env.VECTORS_DIR ?? new URL("tests/vectors/", root).pathname;

// Strict mode catches typos in the schema itself. strictRequired stays off: ajv does not see
// members declared by the parent of a oneOf/if-then branch, which this schema relies on.
// Union types ("string or number") are standard JSON Schema.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
const validate = ajv.compile(JSON.parse(read("docs/snapshot.schema.json")));
const errorsOf = (snapshot) =>
  validate(snapshot) ? [] : validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);

const example = JSON.parse(read("examples/snapshot.json"));

test("examples/snapshot.json is valid", () => {
  assert.deepEqual(errorsOf(example), []);
});

test("the Complete example block in docs/snapshot.md is examples/snapshot.json", () => {
  const section = read("docs/snapshot.md").split("\n## Complete example\n")[1];
  const block = section.match(/```json\n([\s\S]*?)\n```/)[1];
  const parsed = JSON.parse(block);
  assert.deepEqual(parsed, example);
  assert.deepEqual(errorsOf(parsed), []);
});

test("every snapshot in the evaluation vectors is valid", (t) => {
  let count = 0;
  const failures = [];
  for (const name of readdirSync(vectorsDir).filter((n) => n.endsWith(".json")).sort()) {
    const doc = JSON.parse(readFileSync(`${vectorsDir}/${name}`, "utf8"));
    if (!Array.isArray(doc.cases) || doc.snapshot == null) continue;
    count += 1;
    for (const error of errorsOf(doc.snapshot)) failures.push(`${name}: ${error}`);
  }
  t.diagnostic(`vector snapshots validated: ${count}`);
  assert.deepEqual(failures, []);
});

// Each entry edits a copy of the example; `rejected` must fail validation, `accepted` must pass
// (the latter guard against a schema stricter than docs/snapshot.md).
const flag = (s, key) => s.flags[key];
const rejected = {
  "hash in upper case": (s) => { s.keyHashing = { algorithm: "sha512-128", salt: "000102030405060708090a0b0c0d0e0f" }; s.flags.new_editor.targets = [{ variation: 1, hashes: ["A1C4855C55D64D61F750C29F721E8170"] }]; },
  "target with neither values nor hashes": (s) => { s.flags.new_editor.targets = [{ variation: 1 }]; },
  "keyHashing with another algorithm": (s) => { s.keyHashing = { algorithm: "sha256", salt: "000102030405060708090a0b0c0d0e0f" }; },
  "unknown op": (s) => { flag(s, "new_editor").rules[0].clauses[0].op = "semverGreater"; },
  "missing fallthrough": (s) => { delete flag(s, "ai_search").fallthrough; },
  "extra member (negated)": (s) => { flag(s, "ai_search").rules[1].clauses[0].negated = true; },
  "extra top-level member": (s) => { s.flag = {}; },
  "bad HH:MM (7:00)": (s) => { flag(s, "retry_logic").rules[0].clauses[0].windows[0].from = "7:00"; },
  "from 24:00": (s) => { flag(s, "retry_logic").rules[0].clauses[0].windows[1].from = "24:00"; },
  "to 24:30": (s) => { flag(s, "retry_logic").rules[0].clauses[0].windows[1].to = "24:30"; },
  "weight 100001": (s) => { flag(s, "ai_search").rules[1].serve.rollout.variations[0].weight = 100001; },
  "fractional weight": (s) => { flag(s, "ai_search").rules[1].serve.rollout.variations[0].weight = 10000.5; },
  "serve with two members": (s) => { flag(s, "ai_search").fallthrough.rollout = flag(s, "ai_search").rules[1].serve.rollout; },
  "empty serve": (s) => { flag(s, "ai_search").fallthrough = {}; },
  "in without values": (s) => { delete flag(s, "plan_limits").rules[0].clauses[0].values; },
  "in with empty values": (s) => { flag(s, "plan_limits").rules[0].clauses[0].values = []; },
  "in with an object value": (s) => { flag(s, "plan_limits").rules[0].clauses[0].values = [{ tier: "pro" }]; },
  "gt with a string value": (s) => { flag(s, "plan_limits").rules[0].clauses[0] = { attribute: "seats", op: "gt", values: ["3"] }; },
  "segmentMatch with attribute": (s) => { flag(s, "ai_search").rules[0].clauses[0].attribute = "key"; },
  "schedule with attribute": (s) => { flag(s, "ai_search").rules[0].clauses[0] = { op: "schedule", attribute: "key", start: 0 }; },
  "schedule without bounds": (s) => { flag(s, "ai_search").rules[0].clauses[0] = { op: "schedule" }; },
  "recurring without windows": (s) => { flag(s, "retry_logic").rules[0].clauses[0] = { op: "recurring", utcOffset: "Z" }; },
  "bad utcOffset": (s) => { flag(s, "retry_logic").rules[0].clauses[0].utcOffset = "+5"; },
  "start on an attribute op": (s) => { flag(s, "plan_limits").rules[0].clauses[0].start = 0; },
  "bad semver": (s) => { flag(s, "new_editor").rules[0].clauses[0].values = ["v2.3"]; },
  "timestamp without offset": (s) => { s.generatedAt = "2026-11-20T09:30:00"; },
  "null variation value": (s) => { flag(s, "new_editor").variations[0].value = null; },
  "negative variation index": (s) => { flag(s, "new_editor").offVariation = -1; },
  "numeric attribute reference": (s) => { flag(s, "plan_limits").rules[0].clauses[0].attribute = 7; },
  "formatVersion 2": (s) => { s.formatVersion = 2; },
  "negative version": (s) => { s.version = -1; },
  "empty flag key": (s) => { s.flags[""] = flag(s, "new_editor"); },
  "salt containing U+001F": (s) => { flag(s, "ai_search").salt = "a\u001fb"; },
  "empty salt": (s) => { flag(s, "ai_search").salt = ""; },
  "flag key containing U+001F, with a salt of its own": (s) => { s.flags["a\u001fb"] = { ...flag(s, "ai_search"), salt: "ai" }; },
  "bucketBy as a pointer to a top-level member": (s) => { flag(s, "ai_search").rules[1].serve.rollout.bucketBy = "/key"; },
  "bucketBy as an escaped pointer to a top-level member": (s) => { flag(s, "ai_search").rules[1].serve.rollout.bucketBy = "/a~1b"; },
  "trackEvents as a string": (s) => { flag(s, "ai_search").trackEvents = "false"; },
};
const accepted = {
  "hashed lists": (s) => {
    s.keyHashing = { algorithm: "sha512-128", salt: "000102030405060708090a0b0c0d0e0f" };
    s.segments.internal_users.includedHashes = ["a1c4855c55d64d61f750c29f721e8170"];
    s.flags.new_editor.targets = [{ variation: 1, hashes: ["a1c4855c55d64d61f750c29f721e8170"] }];
  },
  "$schema member": (s) => { s.$schema = "https://edgeflag.dev/schema/snapshot-v1.json"; },
  "integer and full-date timestamps": (s) => { s.generatedAt = 1795167000000; flag(s, "new_editor").metadata.createdAt = "2026-03-16"; },
  "offset date-time with fraction": (s) => { s.generatedAt = "2026-11-20T10:30:00.250+01:00"; },
  "variation references by index": (s) => { flag(s, "ai_search").offVariation = 0; flag(s, "ai_search").rules[0].serve.variation = 1; },
  "negated segmentMatch": (s) => { flag(s, "ai_search").rules[0].clauses[0].negate = true; },
  "exists with empty values": (s) => { flag(s, "new_editor").rules[0].clauses[0] = { attribute: "app_version", op: "exists", values: [] }; },
  "schedule with only an end": (s) => { flag(s, "ai_search").rules[0].clauses[0] = { op: "schedule", end: "2026-12-01" }; },
  "recurring with defaults": (s) => { flag(s, "retry_logic").rules[0].clauses[0] = { op: "recurring", windows: [{ from: "09:00", to: "09:00" }] }; },
  "bucketBy pointer to a top-level name that starts with /": (s) => { flag(s, "ai_search").rules[1].serve.rollout.bucketBy = "/~1path"; },
  "JSON Pointer bucketBy and target attribute": (s) => {
    flag(s, "ai_search").rules[1].serve.rollout.bucketBy = "/org/id";
    flag(s, "ai_search").targets = [{ variation: "on", attribute: "accountId", values: ["acme", 42] }];
  },
  "experiment in a rule with a salt": (s) => {
    const f = flag(s, "checkout_experiment");
    f.rules = [{ id: "eu", clauses: [{ attribute: "/address/country", op: "in", values: ["CH"] }], serve: structuredClone(f.fallthrough) }];
    f.rules[0].serve.experiment.salt = "checkout-eu";
  },
  "trackEvents false": (s) => { flag(s, "ai_search").trackEvents = false; },
  "semver shorthand": (s) => { flag(s, "new_editor").rules[0].clauses[0].values = ["2", "2.3-beta", "1.0.0+build.5"]; },
};

for (const [name, edit] of Object.entries(rejected)) {
  test(`schema rejects: ${name}`, () => {
    const broken = structuredClone(example);
    edit(broken);
    assert.equal(validate(broken), false);
  });
}
for (const [name, edit] of Object.entries(accepted)) {
  test(`schema accepts: ${name}`, () => {
    const variant = structuredClone(example);
    edit(variant);
    assert.deepEqual(errorsOf(variant), []);
  });
}

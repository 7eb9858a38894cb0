// An independent JavaScript implementation of docs/bucketing.md (scheme edgeflag-v1), written
// from the document rather than from the Rust code, checked against the worked examples, the
// table in the document and every bucket stated by the conformance vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import xxhash from "xxhash-wasm";
import { peerBucket } from "./peer-buckets.mjs";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");
// VECTORS_DIR lets a runner point at another set of vectors; the default is the repository's.
const vectorsDir = process.env.VECTORS_DIR ?? new URL("tests/vectors/", root).pathname;

const { h64, h64Raw } = await xxhash();
const SCALE = 100000n;

// §1: a unit value is a non-empty string as is, or a safe integer in shortest decimal form
// (String() of a safe integer never uses an exponent, and String(-0) is "0").
function unitValue(value) {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

// A peer's rollout (docs/bucketing.md §8, "Units"): the first attribute of `bucketBy` (one or a
// list) holding a unit; GrowthBook's schemes take any truthy value as JavaScript's String() of it.
function peerUnit(context, scheme, bucketBy) {
  for (const ref of [bucketBy ?? "key"].flat()) {
    const value = lookup(context, ref);
    // flagd-core's cat writes every value, a missing one (or null) as "null" (compiled) or "".
    if (scheme.unit === "cat" || scheme.unit === "cat-interpreted") {
      return value === undefined || value === null ? (scheme.unit === "cat" ? "null" : "") : String(value);
    }
    const unit = scheme.name.startsWith("growthbook-") ? (value ? String(value) : undefined) : unitValue(value);
    if (unit !== undefined) return unit;
  }
  return undefined;
}

// Attribute references (docs/snapshot.md, "Contexts"): "/…" is a JSON Pointer through nested
// objects (never into arrays); anything else names a top-level member literally.
function lookup(context, ref) {
  if (!ref.startsWith("/")) return Object.hasOwn(context, ref) ? context[ref] : undefined;
  let value = context;
  for (const raw of ref.slice(1).split("/")) {
    const name = raw.replaceAll("~1", "/").replaceAll("~0", "~"); // RFC 6901 order
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, name)) return undefined;
    value = value[name];
  }
  return value;
}

// §2: S = salt U+001F purpose U+001F attribute U+001F unit, encoded as UTF-8.
const hashedBytes = (salt, purpose, attribute, unit) =>
  new TextEncoder().encode([salt, purpose, attribute, unit].join("\x1f"));

// §3: XXH64 with seed 0, unsigned, modulo 100000 (BigInt all the way).
function bucketOf(salt, purpose, attribute, unit) {
  const hash = h64Raw(hashedBytes(salt, purpose, attribute, unit), 0n);
  return { hash, bucket: Number(hash % SCALE) };
}

// §4: the first entry whose running weight total exceeds the bucket.
function pick(entries, bucket) {
  let total = 0;
  for (const entry of entries) {
    total += entry.weight;
    if (bucket < total) return entry.variation;
  }
  throw new Error(`bucket ${bucket} beyond the weights (sum ${total})`);
}

// A rollout or experiment serve → its inputs (§1 table: salt rollout → flag → flag key).
function splitOf(flagKey, flag, serve) {
  const split = serve.rollout ?? serve.experiment;
  if (!split) return undefined;
  return {
    kind: serve.rollout ? "rollout" : "experiment",
    split,
    salt: split.salt ?? flag.salt ?? flagKey,
    attribute: split.bucketBy ?? "key",
  };
}

// A variation reference (name or index) → { name, index, value }.
function variationOf(flag, ref) {
  const index = typeof ref === "number" ? ref : flag.variations.findIndex((v) => v.name === ref);
  const variation = flag.variations[index];
  if (!variation) throw new Error(`unknown variation ${JSON.stringify(ref)}`);
  return { name: variation.name, index, value: variation.value };
}

const hex = (bytes) => Buffer.from(bytes).toString("hex");

// Evaluation files in tests/vectors/ (those with "cases"), read afresh on every run.
function vectorFiles() {
  return readdirSync(vectorsDir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ name, doc: JSON.parse(readFileSync(`${vectorsDir}/${name}`, "utf8")) }))
    .filter(({ doc }) => Array.isArray(doc.cases) && doc.snapshot);
}

// LaunchDarkly's rollouts (docs/bucketing.md §8; docs/snapshot.md, "Context kinds"), written from
// its JavaScript SDK's Bucketer and Context: the attribute of the context of the rollout's kind (a
// multi-kind context's member, a single context of that kind, or, for `user`, an older-format
// user whose `custom` members are attributes); a string, or an integral number (binary64: as
// String() writes it; binary32, as Go and Rust: a safe integer), hashes, and anything else is
// the bucket value 0; the first variation whose running sum of weight / 100000 exceeds the
// bucket value, in binary64 or binary32 (Math.fround at each step), else the last. The bucket a
// result reports is that variation's position.
function ldSlice(context, split) {
  const kind = split.contextKind ?? "user";
  let ctx;
  if (context.kind === "multi") ctx = context[kind];
  else if (context.kind === undefined) ctx = kind === "user" ? { ...(context.custom ?? {}), key: context.key } : undefined;
  else if (context.kind === kind) ctx = context;
  const value = ctx ? ctx[split.bucketBy ?? "key"] : undefined;
  const f32 = split.scheme.encoding !== "float64";
  let unit;
  if (typeof value === "string") unit = value;
  else if (typeof value === "number" && (f32 ? Number.isSafeInteger(value) : Number.isInteger(value))) unit = String(value);
  let bucket = 0;
  if (unit !== undefined) {
    const h = parseInt(createHash("sha1").update(`${split.scheme.prefix}.${unit}`).digest("hex").substring(0, 15), 16);
    bucket = f32 ? Math.fround(Math.fround(h) / Math.fround(0xfffffffffffffff)) : h / 0xfffffffffffffff;
  }
  let sum = 0;
  for (let i = 0; i < split.variations.length; i++) {
    const share = split.variations[i].weight / 100000;
    sum = f32 ? Math.fround(sum + Math.fround(share)) : sum + share;
    if (bucket < sum) return i;
  }
  return split.variations.length - 1;
}

const hasBucket = (expect) => expect && ("bucket" in expect || "variantBucket" in expect);

test("worked examples in tests/bucketing-examples.json", () => {
  const rows = JSON.parse(read("tests/bucketing-examples.json"));
  assert.ok(rows.length >= 20, "expected about two dozen rows");
  for (const row of rows) {
    const label = JSON.stringify([row.salt, row.purpose, row.attribute, row.unit]);
    const bytes = hashedBytes(row.salt, row.purpose, row.attribute, row.unit);
    if (row.bytesHex !== undefined) assert.equal(hex(bytes), row.bytesHex, `${label} bytes`);
    const { hash, bucket } = bucketOf(row.salt, row.purpose, row.attribute, row.unit);
    assert.match(row.hash, /^[0-9a-f]{16}$/, `${label} hash format`);
    assert.equal(hash.toString(16).padStart(16, "0"), row.hash, `${label} hash`);
    assert.equal(bucket, row.bucket, `${label} bucket`);
    // xxhash-wasm's string API encodes UTF-8 itself; it must agree with the explicit bytes.
    assert.equal(h64([row.salt, row.purpose, row.attribute, row.unit].join("\x1f"), 0n), hash, `${label} h64`);
  }
});

test("unit values follow §1", () => {
  assert.equal(unitValue("josé"), "josé");
  assert.equal(unitValue(1207), "1207");
  assert.equal(unitValue(JSON.parse("1207.0")), "1207");
  assert.equal(unitValue(-5), "-5");
  assert.equal(unitValue(-0), "0");
  assert.equal(unitValue(2 ** 53 - 1), "9007199254740991");
  for (const none of ["", 2 ** 53, 0.5, 1e300, true, null, undefined, [], {}, ["a"]]) {
    assert.equal(unitValue(none), undefined, `${JSON.stringify(none)} is not a unit`);
  }
  const context = { key: "k", "app.version": "x", org: { id: 4711, "a/b": "slash" }, list: [{ id: 1 }] };
  assert.equal(lookup(context, "app.version"), "x");
  assert.equal(lookup(context, "/org/id"), 4711);
  assert.equal(lookup(context, "/org/a~1b"), "slash");
  assert.equal(lookup(context, "/list/0/id"), undefined, "a pointer never indexes into an array");
});

test("docs/bucketing.md: the josé bytes and the examples table", () => {
  const doc = read("docs/bucketing.md");
  const bytes = doc.match(/gives the 27 bytes\s+```\n([0-9a-f ]+)\n```/)[1].replaceAll(" ", "");
  assert.equal(hex(hashedBytes("ai_search", "rollout", "key", "josé")), bytes);

  const rows = JSON.parse(read("tests/bucketing-examples.json"));
  const table = doc.split("<!-- examples:start -->")[1].split("<!-- examples:end -->")[0];
  const lines = table.split("\n").filter((l) => l.startsWith("| `"));
  assert.ok(lines.length >= 8, "the examples table is filled in");
  for (const line of lines) {
    const [salt, purpose, attribute, unit, hash, bucket] = line
      .split("|").slice(1, -1).map((cell) => cell.trim().replace(/^`(.*)`$/, "$1"));
    const row = rows.find((r) => r.salt === salt && r.purpose === purpose && r.attribute === attribute && r.unit === unit);
    assert.ok(row, `docs row ${line} is in tests/bucketing-examples.json`);
    assert.deepEqual([hash, Number(bucket)], [row.hash, row.bucket], line);
  }
});

test("every bucket in tests/vectors/ matches this implementation", (t) => {
  let checked = 0;
  const failures = [];
  for (const { name, doc } of vectorFiles()) {
    for (const c of doc.cases) {
      if (!hasBucket(c.expect)) continue;
      const where = `${name} / ${c.name}`;
      try {
        const { expect } = c;
        const flag = doc.snapshot.flags[c.flag];
        // The serve that decided: the rule named by ruleId, else the fallthrough.
        const serve = expect.ruleId !== undefined
          ? flag.rules.find((r) => r.id === expect.ruleId).serve
          : flag.fallthrough;
        const s = splitOf(c.flag, flag, serve);
        if (!s) throw new Error("a bucket is expected but the deciding serve is a fixed variation");
        const context = c.context ?? JSON.parse(c.contextJson);
        if (s.split.scheme?.name === "launchdarkly") {
          const slice = ldSlice(context, s.split);
          assert.equal(expect.bucket, slice, "bucket");
          const served = variationOf(flag, s.split.variations[slice].variation);
          assert.deepEqual([expect.variation, expect.variationIndex, expect.value, expect.reason], [served.name, served.index, served.value, "SPLIT"]);
          checked += 1;
          continue;
        }
        const unit = s.split.scheme ? peerUnit(context, s.split.scheme, s.split.bucketBy) : unitValue(lookup(context, s.attribute));
        if (unit === undefined) throw new Error(`no unit value for ${s.attribute}`);

        // A peer's scheme: the bucket that peer's own code computes (peer-buckets.mjs).
        const total = s.split.variations.reduce((sum, v) => sum + v.weight, 0);
        const t0 = s.split.scheme ? peerBucket(s.split.scheme, unit, total) : bucketOf(s.salt, "rollout", s.attribute, unit).bucket;
        assert.equal(expect.bucket, t0, "bucket");
        let ref;
        if (s.kind === "rollout") {
          assert.equal(expect.variantBucket, undefined, "a rollout has no variantBucket");
          ref = pick(s.split.variations, t0);
        } else if (t0 < s.split.traffic) {
          const v = bucketOf(s.salt, "variant", s.attribute, unit).bucket;
          assert.equal(expect.variantBucket, v, "variantBucket");
          assert.equal(expect.inExperiment, true, "inExperiment");
          ref = pick(s.split.variations, v);
        } else {
          assert.equal(expect.variantBucket, undefined, "a unit not enrolled has no variantBucket");
          assert.ok(!expect.inExperiment, "a unit not enrolled is not inExperiment");
          ref = s.split.fallback;
        }
        const served = variationOf(flag, ref);
        assert.equal(expect.variation, served.name, "variation");
        assert.equal(expect.variationIndex, served.index, "variationIndex");
        assert.deepEqual(expect.value, served.value, "value");
        assert.equal(expect.reason, "SPLIT", "reason");
        checked += 1;
      } catch (err) {
        failures.push(`${where}: ${err.message}`);
      }
    }
  }
  t.diagnostic(`vector buckets checked: ${checked}`);
  assert.deepEqual(failures, [], `vector cases disagreeing with docs/bucketing.md:\n${failures.join("\n")}`);
  assert.ok(checked > 0, "no vector case states a bucket: nothing was checked");
});

// §5 "Ramps only add", on a sample of synthetic units, for every two-way rollout of every vector
// snapshot that has a bucket case; and, for its experiments, "variants do not reuse the ramp".
test("raising a ramp only adds units (vector snapshots)", (t) => {
  const SAMPLE = 20000;
  const units = Array.from({ length: SAMPLE }, (_, i) => (i % 2 ? `unit-${i}` : String(i - 5000)));
  const within = (count, weight, what) => {
    // The share must be near weight/100000: a real check that the hash spreads units evenly.
    const p = weight / 100000;
    const tolerance = 5 * Math.sqrt((p * (1 - p)) / SAMPLE) + 1 / SAMPLE;
    assert.ok(Math.abs(count / SAMPLE - p) <= tolerance, `${what}: ${count}/${SAMPLE} units at weight ${weight}`);
  };
  let rollouts = 0;
  let experiments = 0;
  for (const { name, doc } of vectorFiles()) {
    if (!doc.cases.some((c) => hasBucket(c.expect))) continue;
    for (const [flagKey, flag] of Object.entries(doc.snapshot.flags ?? {})) {
      const serves = [...(flag.rules ?? []).map((r) => [`rules.${r.id}`, r.serve]), ["fallthrough", flag.fallthrough]];
      for (const [path, serve] of serves) {
        const s = serve && splitOf(flagKey, flag, serve);
        // Peers' schemes are checked bucket by bucket against the peers' code, above.
        if (!s || s.split.scheme) continue;
        const what = `${name}: flags.${flagKey} ${path}`;
        const buckets = units.map((u) => bucketOf(s.salt, "rollout", s.attribute, u).bucket);
        if (s.kind === "rollout" && s.split.variations.length === 2) {
          const [first, second] = s.split.variations.map((v) => v.variation);
          const ladder = [...new Set([0, 1000, s.split.variations[0].weight, 10000, 25000, 50000, 90000, 100000])]
            .sort((a, b) => a - b);
          let previous = new Set();
          for (const w of ladder) {
            const entries = [{ variation: first, weight: w }, { variation: second, weight: 100000 - w }];
            const inFirst = new Set(units.filter((_, i) => pick(entries, buckets[i]) === first));
            for (const u of previous) assert.ok(inFirst.has(u), `${what}: ${u} left ${first} at weight ${w}`);
            within(inFirst.size, w, what);
            previous = inFirst;
          }
          rollouts += 1;
        } else if (s.kind === "experiment") {
          // The first units enrolled (the first 10 % of traffic) are spread over the variants as
          // the weights say, not concentrated in one: the variant bucket is independent of enrolment.
          within(buckets.filter((b) => b < s.split.traffic).length, s.split.traffic, `${what} traffic`);
          const early = units.filter((_, i) => buckets[i] < 10000);
          const counts = new Map();
          for (const u of early) {
            const v = pick(s.split.variations, bucketOf(s.salt, "variant", s.attribute, u).bucket);
            counts.set(v, (counts.get(v) ?? 0) + 1);
          }
          for (const { variation, weight } of s.split.variations) {
            const p = weight / 100000;
            const n = early.length;
            const tolerance = 5 * Math.sqrt((p * (1 - p)) / n) + 1 / n;
            const share = (counts.get(variation) ?? 0) / n;
            assert.ok(Math.abs(share - p) <= tolerance, `${what}: variant ${variation} share ${share} among the first 10 %`);
          }
          experiments += 1;
        }
      }
    }
  }
  t.diagnostic(`two-way rollouts checked: ${rollouts}; experiments checked: ${experiments}`);
});

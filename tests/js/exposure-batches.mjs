// The cases of tests/exposure-batches.json: the example batch in docs/exposures.md and variants
// of it, each valid or not under docs/exposures.md. ajv checks them against the schema
// (exposures-schema.test.mjs), the Rust decoder against the document (tests/batches.rs).
//
// Regenerate after changing a case or the example: node tests/js/exposure-batches.mjs
// Each entry: { name, batch, valid, path?, normative? }. `path` is where the decoder reports a
// refused batch. `normative: true` marks a rule the schema cannot express: ajv accepts the
// batch, the decoder refuses it.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);
export const fixtureUrl = new URL("tests/exposure-batches.json", root);

/** The section `title` of docs/exposures.md. */
export const section = (title) => {
  const parts = readFileSync(new URL("docs/exposures.md", root), "utf8").split(`\n## ${title}\n`);
  if (parts.length !== 2) throw new Error(`docs/exposures.md has no single section "${title}"`);
  return parts[1].split("\n## ")[0];
};

export const example = () => JSON.parse(section("Complete example").match(/```json\n([\s\S]*?)\n```/)[1]);

// Each edits a copy of the example.
const exposure = (b, i = 0) => b.exposures[i];
const summary = (b, i = 0) => b.summaries[i];
// name → [decoder path, edit]
const rejected = {
  "unknown top-level member": ["batchId", (b) => { b.batchId = "x"; }],
  "unknown exposure member": ["exposures[0].value", (b) => { exposure(b).value = true; }],
  "unknown summary member": ["summaries[0].errorCode", (b) => { summary(b).errorCode = "FLAG_NOT_FOUND"; }],
  "object attribute": ["exposures[0].attributes.address", (b) => { exposure(b).attributes.address = { city: "Zürich" }; }],
  "array attribute": ["exposures[0].attributes.groups", (b) => { exposure(b).attributes.groups = ["staff"]; }],
  "null attribute": ["exposures[0].attributes.tier", (b) => { exposure(b).attributes.tier = null; }],
  "attribute string over 256 characters": ["exposures[0].attributes.tier", (b) => { exposure(b).attributes.tier = "x".repeat(257); }],
  "empty attributes object": ["exposures[0].attributes", (b) => { exposure(b).attributes = {}; }],
  "empty attribute name": ['exposures[0].attributes[""]', (b) => { exposure(b).attributes[""] = "x"; }],
  "key and keyHash both": ["exposures[0].keyHash", (b) => { exposure(b).key = "user-42"; }],
  "keyHash in upper case": ["exposures[0].keyHash", (b) => { exposure(b).keyHash = "B0211EE521E5C34D"; }],
  "keyHash of 15 digits": ["exposures[0].keyHash", (b) => { exposure(b).keyHash = "b0211ee521e5c34"; }],
  "keyHash not hex": ["exposures[0].keyHash", (b) => { exposure(b).keyHash = "b0211ee521e5c34g"; }],
  "numeric key": ["exposures[0].key", (b) => { delete exposure(b).keyHash; exposure(b).key = 42; }],
  "reason ERROR in an exposure": ["exposures[0].reason", (b) => { exposure(b).reason = "ERROR"; }],
  "unknown reason": ["exposures[0].reason", (b) => { exposure(b).reason = "FALLTHROUGH"; }],
  "inExperiment false": ["exposures[1].inExperiment", (b) => { exposure(b, 1).inExperiment = false; }],
  "exposure without variationIndex": ["exposures[0].variationIndex", (b) => { delete exposure(b).variationIndex; }],
  "exposure without variation": ["exposures[0].variation", (b) => { delete exposure(b).variation; }],
  "exposure with null variation": ["exposures[0].variation", (b) => { exposure(b).variation = null; }],
  "exposure without timestamp": ["exposures[0].timestamp", (b) => { delete exposure(b).timestamp; }],
  "exposure with null version": ["exposures[0].version", (b) => { exposure(b).version = null; }],
  "exposure that is not an object": ["exposures[2]", (b) => { b.exposures[2] = "plan_limits"; }],
  "fractional timestamp": ["exposures[0].timestamp", (b) => { exposure(b).timestamp = 1795000000000.5; }],
  "timestamp as a date string": ["exposures[0].timestamp", (b) => { exposure(b).timestamp = "2026-11-18T08:53:20Z"; }],
  "empty flag key in an exposure": ["exposures[0].flagKey", (b) => { exposure(b).flagKey = ""; }],
  "empty ruleId": ["exposures[0].ruleId", (b) => { exposure(b).ruleId = ""; }],
  "empty batch": ["", (b) => { b.exposures = []; b.summaries = []; b.dropped = 0; }],
  "batch that is not an object": ["", (b) => [b]],
  "negative dropped": ["dropped", (b) => { b.dropped = -1; }],
  "unsummarized missing": ["unsummarized", (b) => { delete b.unsummarized; }],
  "negative unsummarized": ["unsummarized", (b) => { b.unsummarized = -1; }],
  "fractional dropped": ["dropped", (b) => { b.dropped = 1.5; }],
  "sequence 0": ["sequence", (b) => { b.sequence = 0; }],
  "sequence beyond 2^53-1": ["sequence", (b) => { b.sequence = 2 ** 53; }],
  "sequence as a string": ["sequence", (b) => { b.sequence = "12"; }],
  "sentAt beyond -(2^53-1)": ["sentAt", (b) => { b.sentAt = -(2 ** 53); }],
  "schemaVersion 2": ["schemaVersion", (b) => { b.schemaVersion = 2; }],
  "missing schemaVersion": ["schemaVersion", (b) => { delete b.schemaVersion; }],
  "missing summaries": ["summaries", (b) => { delete b.summaries; }],
  "missing sentAt": ["sentAt", (b) => { delete b.sentAt; }],
  "empty source": ["source", (b) => { b.source = ""; }],
  "source of 129 characters": ["source", (b) => { b.source = "s".repeat(129); }],
  "summary variation without index": ["summaries[0].variationIndex", (b) => { summary(b).variationIndex = null; }],
  "summary index without variation": ["summaries[0].variation", (b) => { summary(b).variation = null; }],
  "summary with an empty variation": ["summaries[0].variation", (b) => { summary(b).variation = ""; }],
  "summary with a string version": ["summaries[0].version", (b) => { summary(b).version = "7"; }],
  "summary with a variation but errors": ["summaries[0].errors", (b) => { summary(b).errors = 1; }],
  "summary with a variation but no snapshot version": ["summaries[0].version", (b) => { summary(b).version = null; }],
  "summary count 0": ["summaries[3].count", (b) => { summary(b, 3).count = 0; summary(b, 3).errors = 0; }],
  "negative summary errors": ["summaries[3].errors", (b) => { summary(b, 3).errors = -1; }],
  "summary without end": ["summaries[0].end", (b) => { delete summary(b).end; }],
  "summary with a missing (not null) variation": ["summaries[3].variation", (b) => { delete summary(b, 3).variation; }],
};
// Rules of docs/exposures.md that the schema cannot express (see `normative` above).
const normative = {
  "attribute string of 257 bytes in 129 characters": ["exposures[0].attributes.tier", (b) => { exposure(b).attributes.tier = "é".repeat(128) + "x"; }],
  "summary errors more than count": ["summaries[3].errors", (b) => { summary(b, 3).errors = 6; }],
  "summary start after end": ["summaries[0].start", (b) => { summary(b).start = summary(b).end + 1; }],
};
// These guard against a schema or decoder stricter than docs/exposures.md.
const accepted = {
  "raw key instead of keyHash": (b) => { for (const e of b.exposures) if (e.keyHash) { delete e.keyHash; e.key = "user-42"; } },
  "empty-string key": (b) => { exposure(b, 2).key = ""; },
  "number and boolean attributes": (b) => { exposure(b).attributes = { seats: 25, ratio: 0.5, beta: true }; },
  "attribute string of 256 characters": (b) => { exposure(b).attributes.tier = "é".repeat(128); },
  "attribute string of 256 bytes": (b) => { exposure(b).attributes.tier = "x".repeat(256); },
  "no attributes member": (b) => { delete exposure(b).attributes; },
  "exposures only": (b) => { b.summaries = []; b.dropped = 0; },
  "summaries only": (b) => { b.exposures = []; b.dropped = 0; },
  "dropped only": (b) => { b.exposures = []; b.summaries = []; b.dropped = 7; },
  "unsummarized only": (b) => { b.exposures = []; b.summaries = []; b.dropped = 0; b.unsummarized = 3; },
  "reason DISABLED (offVariation served)": (b) => { exposure(b).reason = "DISABLED"; delete exposure(b).ruleId; },
  "summary without a snapshot": (b) => { summary(b, 3).version = null; },
  "summary of a disabled flag without offVariation": (b) => { summary(b, 3).errors = 0; },
  "summary flag key as requested (empty)": (b) => { summary(b, 3).flagKey = ""; },
  "summary errors equal to count, start equal to end": (b) => { summary(b, 3).start = summary(b, 3).end; },
  "source of 128 characters": (b) => { b.source = "s".repeat(128); },
  "source of 128 characters in 512 bytes": (b) => { b.source = "🚀".repeat(128); },
  "integers at the safe limits": (b) => {
    b.sequence = 2 ** 53 - 1;
    b.sentAt = -(2 ** 53 - 1);
    summary(b).count = 2 ** 53 - 1;
  },
};

/** The fixture's entries, in order. */
export const generate = () => {
  const base = example();
  const variant = (edit) => {
    const b = structuredClone(base);
    return edit(b) ?? b;
  };
  return [
    { name: "the Complete example in docs/exposures.md", batch: base, valid: true },
    ...Object.entries(accepted).map(([name, edit]) => ({ name, batch: variant(edit), valid: true })),
    ...Object.entries(rejected).map(([name, [path, edit]]) => ({ name, batch: variant(edit), valid: false, path })),
    ...Object.entries(normative).map(([name, [path, edit]]) => ({
      name, batch: variant(edit), valid: false, path, normative: true,
    })),
  ];
};

/** The fixture's text: one entry per line, so that a diff shows which cases changed. */
export const render = (entries) => `[\n${entries.map((e) => JSON.stringify(e)).join(",\n")}\n]\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entries = generate();
  writeFileSync(fixtureUrl, render(entries));
  console.log(`${fixtureUrl.pathname}: ${entries.length} entries`);
}

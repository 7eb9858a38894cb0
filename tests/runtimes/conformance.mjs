// Runs the conformance vectors through the public API of the `edgeflag` package and returns the
// results in the shape `edgeflag conformance` prints for the native engine. Runtime-neutral: the
// Node, workerd, Chromium and Next.js harnesses all call it with the package they imported.

const DEFAULT_NOW = '2026-01-01T00:00:00Z';

/**
 * `files`: `{ "<file name>": parsed vector file }`; `lacks`: what the module does not read (the
 * browsers' compiled-only module: `['peers']`). With `compiled` (`{ "<file name>": base64 }`,
 * each vector's snapshot compiled by the native CLI, see project.mjs), every snapshot is loaded
 * in the compiled form instead (docs/compiled.md), and the load-error files, which are about
 * reading JSON, are left out: the results must equal native's all the same.
 */
export function runVectors(edgeflag, files, compiled, { lacks = [] } = {}) {
  const out = {};
  for (const [name, doc] of Object.entries(files)) {
    // A file that `requires` what this module `lacks` (tests/vectors/README.md): its snapshot
    // must be refused, and the file is listed under `$skipped` instead of compared.
    if (doc.requires && lacks.includes(doc.requires)) {
      const r = new edgeflag.Engine().update(compiled ? bytes(compiled[name]) : doc.snapshot);
      if (r.ok) throw new Error(`${name} needs ${doc.requires}, which this module lacks, yet it loaded`);
      (out.$skipped ??= {})[name] = { requires: doc.requires, refused: r.error.kind };
    } else if (!compiled) out[name] = doc.loadErrors ? loadErrors(edgeflag, doc) : cases(edgeflag, doc, doc.snapshot);
    else if (!doc.loadErrors) out[name] = cases(edgeflag, doc, doc.snapshot === null ? null : bytes(compiled[name]));
  }
  return out;
}

/** Both load paths of a server module: `{ json, compiled }` results for `{ files, compiled }`. */
export function runBoth(edgeflag, { files, compiled }) {
  return { json: runVectors(edgeflag, files), compiled: runVectors(edgeflag, files, compiled) };
}

function bytes(base64) {
  if (typeof base64 !== 'string') throw new Error('no compiled snapshot for a vector file');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function cases({ Engine }, doc, snapshot) {
  let now = 0;
  const engine = new Engine(undefined, { now: () => now });
  if (snapshot !== null) {
    const r = engine.update(snapshot);
    if (!r.ok) throw new Error(`snapshot does not load: ${r.error.message}`);
  }
  return {
    cases: doc.cases.map((c) => {
      now = Date.parse(c.now ?? DEFAULT_NOW);
      const context = 'contextJson' in c ? c.contextJson : (c.context ?? {});
      const entry = { name: c.name, result: engine.evaluate(c.flag, context, c.default) };
      if (!('default' in c)) {
        const all = engine.evaluateAll(context);
        if (Object.hasOwn(all, c.flag)) entry.all = all[c.flag];
      }
      return entry;
    }),
  };
}

function loadErrors({ Engine }, doc) {
  return {
    loadErrors: doc.loadErrors.map((e) => {
      const r = new Engine().update('snapshotJson' in e ? e.snapshotJson : e.snapshot);
      const error = r.ok ? null : { kind: r.error.kind, path: r.error.path, message: r.error.message };
      return { name: e.name, error };
    }),
  };
}

// Runs the conformance vectors through the public API of the `edgeflag` package and returns the
// results in the shape `edgeflag conformance` prints for the native engine. Runtime-neutral: the
// Node, workerd, Chromium and Next.js harnesses all call it with the package they imported.

const DEFAULT_NOW = '2026-01-01T00:00:00Z';

/** `files`: `{ "<file name>": parsed vector file }`. */
export function runVectors(edgeflag, files) {
  const out = {};
  for (const [name, doc] of Object.entries(files)) {
    out[name] = doc.loadErrors ? loadErrors(edgeflag, doc) : cases(edgeflag, doc);
  }
  return out;
}

function cases({ Engine }, doc) {
  let now = 0;
  const engine = new Engine(undefined, { now: () => now });
  if (doc.snapshot !== null) {
    const r = engine.update(doc.snapshot);
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

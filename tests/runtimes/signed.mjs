// Signed snapshots in a runtime: the answers of an engine given public keys to the cases
// tests/runtimes/signing.mjs makes (copied into each project, like conformance.mjs).
export function runSigned({ Engine }, { publicKeys, initial, updates }) {
  const engine = new Engine(initial, { publicKeys });
  const out = { initial: engine.version, updates: [] };
  for (const text of updates) {
    const r = engine.update(text);
    // The engine keeps evaluating with what it serves.
    if (engine.evaluate('new_editor', { key: 'u' }).errorCode) throw new Error('the engine stopped serving');
    out.updates.push(r.ok ? { ok: true, version: engine.version } : { ok: false, kind: r.error.kind, path: r.error.path, version: engine.version });
  }
  try {
    new Engine(undefined, { publicKeys: ['00'] });
    out.badKey = 'accepted';
  } catch (e) {
    out.badKey = e.name;
  }
  return out;
}

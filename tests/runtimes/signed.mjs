// Signed snapshots in a runtime: the answers of an engine given public keys to the cases
// tests/runtimes/signing.mjs makes (copied into each project, like conformance.mjs).
// Compiled cases come as base64 (`encoding`), decoded to bytes here.
export function runSigned({ Engine }, { encoding, publicKeys, initial, updates }) {
  const input = (s) => (encoding === 'base64' ? Uint8Array.from(atob(s), (c) => c.charCodeAt(0)) : s);
  const engine = new Engine(input(initial), { publicKeys });
  const out = { initial: engine.version, updates: [] };
  for (const text of updates) {
    const r = engine.update(input(text));
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

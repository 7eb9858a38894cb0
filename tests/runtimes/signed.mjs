// Signed snapshots in a runtime: the answers of an engine given public keys to the cases
// tests/runtimes/signing.mjs makes (copied into each project, like conformance.mjs).
// Compiled cases come as base64 (`encoding`), decoded to bytes here.
export function runSigned({ Engine }, { encoding, publicKeys, initial, updates }) {
  const engine = new Engine(input(encoding, initial), { publicKeys });
  const out = { initial: engine.version, updates: [] };
  for (const text of updates) {
    const r = engine.update(input(encoding, text));
    out.updates.push(answer(engine, r, engine.version));
  }
  return { ...out, badKey: badKey(Engine) };
}

/**
 * The same answers from an engine that verifies asynchronously (browsers given keys: WebCrypto,
 * or the fallback module): every snapshot through `updateAsync`, all offered at once (they load
 * in order), while `update` and the constructor refuse snapshots with a TypeError.
 */
export async function runSignedAsync({ Engine }, { encoding, publicKeys, initial, updates }) {
  const engine = new Engine(undefined, { publicKeys });
  if (!engine.asyncUpdates) throw new Error('the engine verifies synchronously');
  const sync = engine.update(input(encoding, initial));
  if (sync.ok || sync.error.name !== 'TypeError') throw new Error('update() took a snapshot it cannot verify synchronously');
  try {
    new Engine(input(encoding, initial), { publicKeys });
    throw new Error('the constructor took a snapshot it cannot verify synchronously');
  } catch (e) {
    if (e.name !== 'TypeError') throw e;
  }
  const first = await engine.updateAsync(input(encoding, initial));
  if (!first.ok) throw first.error;
  const out = { initial: engine.version, updates: [] };
  const versions = [];
  // Offered together; each result is read when it resolves, in the order offered.
  const results = updates.map((text) => engine.updateAsync(input(encoding, text)).then((r) => (versions.push(engine.version), r)));
  for (const [i, r] of (await Promise.all(results)).entries()) out.updates.push(answer(engine, r, versions[i]));
  return { ...out, badKey: badKey(Engine) };
}

const input = (encoding, s) => (encoding === 'base64' ? Uint8Array.from(atob(s), (c) => c.charCodeAt(0)) : s);

/** An update's result as the cases state it; the engine must keep evaluating with what it serves. */
function answer(engine, r, version) {
  if (engine.evaluate('new_editor', { key: 'u' }).errorCode) throw new Error('the engine stopped serving');
  return r.ok ? { ok: true, version } : { ok: false, kind: r.error.kind, path: r.error.path, version };
}

/** What a key that is not one does: the constructor throws (its name). */
function badKey(Engine) {
  try {
    new Engine(undefined, { publicKeys: ['00'] });
    return 'accepted';
  } catch (e) {
    return e.name;
  }
}

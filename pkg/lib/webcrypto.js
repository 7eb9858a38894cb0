// Ed25519 signatures verified by the browser's WebCrypto (Chromium 137+, Firefox 129+, Safari
// 17+), for the module that takes keys without carrying a verifier (pkg/build.sh). Imported by
// browser.js only for pages given keys.

/**
 * Whether WebCrypto verifies Ed25519 here: then `init(source, { keys: true })` loads the module
 * that has it verify signatures, else the one that carries its own verifier. Checked once, on
 * RFC 8032's first test vector (an empty message).
 */
export function hasEd25519() {
  return (probe ??= (async () => {
    try {
      return await crypto.subtle.verify('Ed25519', await importKey(hex(RFC8032_KEY)), hex(RFC8032_SIGNATURE), new Uint8Array(0));
    } catch {
      return false;
    }
  })());
}
let probe;
const RFC8032_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC8032_SIGNATURE =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
const importKey = (raw) => crypto.subtle.importKey('raw', raw, 'Ed25519', false, ['verify']);

/**
 * Whether the signature the core staged verifies (`staged`: the signature's 64 bytes, a count of
 * keys in one byte, each key's 32 — the trusted keys the key id names, checked as Ed25519 points
 * by the core —, then the message signed; pkg/src/lib.rs, `update`).
 */
export async function verify(staged) {
  const n = staged[64];
  const message = staged.subarray(65 + 32 * n);
  for (let at = 65; at < 65 + 32 * n; at += 32) {
    const key = await importKey(staged.subarray(at, at + 32));
    if (await crypto.subtle.verify('Ed25519', key, staged.subarray(0, 64), message)) return true;
  }
  return false;
}

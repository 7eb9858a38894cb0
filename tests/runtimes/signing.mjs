// Signed snapshots for the runtime checks (docs/snapshot.md, "Signed snapshots"), made with
// Node.js's own Ed25519 from fixed test seeds (not secrets), and what every runtime's engine must
// answer to them. `signed.mjs`, copied into each project, runs them in the runtime.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { compileNative } from './project.mjs';

/** The DER (PKCS #8) that comes before a raw 32-byte Ed25519 seed. */
const PKCS8_SEED = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Seeds of the test keys: 01 02 … 20 (the Rust tests' too), and 09 × 32. */
export const SEEDS = {
  publisher: Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString('hex'),
  other: '09'.repeat(32),
};

/** A key from a seed: its public key (hex), key id, and `sign(snapshotText)` → the envelope. */
export function testKey(seedHex) {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_SEED, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });
  const raw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12);
  const keyId = createHash('sha512').update(raw).digest().subarray(0, 8).toString('hex');
  return {
    seed: seedHex,
    publicKey: raw.toString('hex'),
    keyId,
    /**
     * `compiled` (unsigned compiled bytes) signed as docs/compiled.md lays it out, written here
     * from the document rather than by the engine: the header's features word gets bit 0, then
     * the key id and the signature over the domain and every byte before them.
     */
    signCompiled(compiled) {
      const marked = Buffer.from(compiled);
      marked.writeUInt16LE(marked.readUInt16LE(6) | 1, 6); // the signed bit, beside what the body needs
      const value = sign(null, Buffer.concat([Buffer.from('edgeflag-compiled-v1\n'), marked]), privateKey);
      return Buffer.concat([marked, Buffer.from(keyId, 'hex'), value]);
    },
    sign(snapshot) {
      const text = snapshot.trim();
      const value = sign(null, Buffer.concat([Buffer.from('edgeflag-snapshot-v1\n'), Buffer.from(text)]), privateKey);
      return `{"signature":{"algorithm":"ed25519","keyId":"${keyId}","value":"${value.toString('hex')}"},"snapshot":${text}}`;
    },
  };
}

/**
 * From the example snapshot (version 7): the engine is made with the publisher's key and the
 * signed example, then offered each update in turn; `expected` is what it must answer.
 */
export function signedCases(example) {
  const publisher = testKey(SEEDS.publisher);
  const other = testKey(SEEDS.other);
  const at = (v) => example.replace('"version": 7', `"version": ${v}`);
  const kept = (kind, path) => ({ ok: false, kind, path, version: 7 });
  const cases = [
    [at(8), kept('unsigned', 'signature')],
    [publisher.sign(at(8)).replace('"on": true', '"on": false'), kept('bad_signature', 'signature.value')],
    [other.sign(at(8)), kept('unknown_key', 'signature.keyId')],
    [publisher.sign(at(6)), kept('version_backwards', 'version')],
    [publisher.sign(at(8)), { ok: true, version: 8 }],
  ];
  return {
    cases: { publicKeys: [publisher.publicKey], initial: publisher.sign(example), updates: cases.map(([text]) => text) },
    expected: { initial: 7, updates: cases.map(([, e]) => e), badKey: 'TypeError' },
  };
}

/**
 * The same cases for compiled snapshots (docs/compiled.md), base64 (`encoding`), with what an
 * engine given keys must answer: every refusal is at `signature`, before the body is read.
 */
export function signedCompiledCases(example) {
  const publisher = testKey(SEEDS.publisher);
  const other = testKey(SEEDS.other);
  const at = (v) => compileNative(example.replace('"version": 7', `"version": ${v}`));
  const kept = (kind, path) => ({ ok: false, kind, path, version: 7 });
  const tampered = publisher.signCompiled(at(8));
  tampered[60] ^= 1; // a byte of the body: the signature no longer verifies (nor the checksum)
  const cases = [
    [at(8), kept('unsigned', 'signature')],
    [tampered, kept('bad_signature', 'signature')],
    [other.signCompiled(at(8)), kept('unknown_key', 'signature')],
    [publisher.signCompiled(at(6)), kept('version_backwards', 'version')],
    [publisher.signCompiled(at(8)), { ok: true, version: 8 }],
  ];
  const b64 = (bytes) => Buffer.from(bytes).toString('base64');
  return {
    cases: { encoding: 'base64', publicKeys: [publisher.publicKey], initial: b64(publisher.signCompiled(compileNative(example))), updates: cases.map(([bytes]) => b64(bytes)) },
    expected: { initial: 7, updates: cases.map(([, e]) => e), badKey: 'TypeError' },
  };
}

// Browser entry (and the default): the .wasm is fetched, so loading is asynchronous —
// `await init()` once before creating engines. A page downloads one module, fetched on demand
// (pkg/build.sh): by default the one that reads compiled snapshots (docs/compiled.md);
// with `init(source, { keys: true })` the one that also takes public keys and has the browser's
// WebCrypto verify signatures, or where WebCrypto lacks Ed25519 the one that verifies them
// itself; with `{ json: true }` the one that also reads JSON snapshots (the servers').
import { attach, instantiateAsync } from './lib/core.js';

export { Engine, LoadError, ImportError, serversOnly as clientSnapshot, serversOnly as compile, serversOnly as importConfig } from './lib/engine.js';
export { Reporter } from './lib/reporter.js';

// Each module does all the one before it does. The URLs are written out whole: bundlers
// (Turbopack, webpack) find a `new URL(literal, import.meta.url)`, and resolve a computed one to
// a single file.
const MODULES = [
  () => new URL('./wasm/edgeflag_bg.wasm', import.meta.url),
  () => new URL('./wasm/edgeflag_trust_bg.wasm', import.meta.url),
  () => new URL('./wasm/edgeflag_keys_bg.wasm', import.meta.url),
  () => new URL('./wasm/edgeflag_server_bg.wasm', import.meta.url),
];
const loading = []; // by rank: the promise of that module's attachment
let attached = -1; // the rank of the attached module

/**
 * Loads the Wasm module once. `source` may be a URL (default: the .wasm beside this file), a
 * Response or its Promise, bytes, or a compiled `WebAssembly.Module` (e.g. from a bundler), of
 * the module `options` asks for (`{ keys: true }`: with a source, the module that verifies
 * signatures itself, `edgeflag_keys_bg.wasm`; `{ json: true }`). Resolves to what engines made
 * from now on read: `{ compiled, keys, json }`. A page that asks for more loads the module that
 * does it; engines made before keep the module they have.
 */
export async function init(source, options) {
  // With keys: the module that has WebCrypto verify where it can (a given source is the other).
  const asked =
    options?.json === true ? 3 : options?.keys !== true ? 0 : source || !(await (await webCrypto()).hasEd25519()) ? 2 : 1;
  let rank = Math.max(asked, attached);
  // A module that does more, already on its way, serves this call too: one download.
  for (let r = MODULES.length - 1; r > rank && !source; r--) if (loading[r]) rank = r;
  const reads = { compiled: true, keys: rank > 0, json: rank > 2 };
  if (attached === rank) return reads;
  return (loading[rank] ??= load(rank, source).then(
    () => reads,
    (e) => {
      loading[rank] = undefined; // let a later call retry
      throw e;
    },
  ));
}

/**
 * What browsers do for the core (lib/core.js): Ed25519 verification by WebCrypto, whose code is
 * imported only by pages given keys.
 */
const webCrypto = () => import('./lib/webcrypto.js');
const HOST = { verify: (staged) => webCrypto().then((w) => w.verify(staged)) };

async function load(rank, source) {
  const s = source ?? MODULES[rank]();
  const url = typeof s === 'string' || s instanceof URL || (typeof Request === 'function' && s instanceof Request);
  // The servers' module (JSON snapshots) also calls JavaScript's RegExp: its glue comes with it.
  const exports = await instantiateAsync(url ? fetch(s) : s, rank > 2 && (await import('./lib/regex.js')).js);
  if (rank > attached) {
    attach(exports, HOST);
    attached = rank;
  }
}

// Vercel Edge / Next.js edge runtime entry: as on Workers, no Wasm compilation from bytes;
// Next.js turns a `?module` import into a `WebAssembly.Module`.
import wasmModule from './wasm/edgeflag_server_bg.wasm?module';
import { attach, instantiate } from './lib/core.js';
import { js as regexImports } from './lib/regex.js';

// `next build` and `next start` run edge code in a separate realm and hand it a Module compiled
// outside it (`instanceof WebAssembly.Module` is false there): `WebAssembly.Instance` takes it all
// the same, nothing here tests its prototype.
attach(instantiate(wasmModule, regexImports));

export { Engine, LoadError, ImportError, clientSnapshot, compile, importConfig } from './lib/engine.js';
export { Reporter } from './lib/reporter.js';
/** Already loaded on the edge runtime; kept so the same code runs in every runtime. */
export async function init() {
  return { compiled: true, keys: true, json: true };
}

// Cloudflare Workers (workerd) entry: the platform forbids compiling Wasm from bytes, so the
// module is imported statically (a `WebAssembly.Module`) and instantiated synchronously.
import wasmModule from './wasm/edgeflag_server_bg.wasm';
import { attach, instantiate } from './lib/core.js';
import { js as regexImports } from './lib/regex.js';

attach(instantiate(wasmModule, regexImports));

export { Engine, LoadError, ImportError, clientSnapshot, compile, importConfig } from './lib/engine.js';
export { Reporter } from './lib/reporter.js';
/** Already loaded on Workers; kept so the same code runs in every runtime. */
export async function init() {
  return { compiled: true, keys: true, json: true };
}

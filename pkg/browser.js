// Browser entry (and the default): the .wasm is fetched, so loading is asynchronous —
// `await init()` once before creating engines.
import initWasm, { WasmEngine, initSync } from './wasm/edgeflag.js';
import { attach, attached } from './lib/core.js';

export { Engine, LoadError, serversOnly as clientSnapshot } from './lib/engine.js';
export { Reporter } from './lib/reporter.js';

let loading = null;

/**
 * Loads the Wasm module once. `source` may be a URL (default: the .wasm beside this file), a
 * Response or its Promise, bytes, or a compiled `WebAssembly.Module` (e.g. from a bundler).
 */
export function init(source) {
  if (attached()) return Promise.resolve();
  if (source instanceof WebAssembly.Module) {
    attach(initSync({ module: source }), WasmEngine);
    return Promise.resolve();
  }
  loading ??= initWasm({ module_or_path: source ?? new URL('./wasm/edgeflag_bg.wasm', import.meta.url) }).then(
    (exports) => attach(exports, WasmEngine),
    (e) => {
      loading = null; // let a later call retry
      throw e;
    },
  );
  return loading;
}

// The instantiated Wasm module, shared by every Engine. Each runtime's entry (node.js,
// workerd.js, edge-light.js, browser.js) loads its module (the servers' or the browsers', see
// pkg/build.sh) its own way and attaches it here with that module's glue class.
let exports = null;
let Glue = null;
let Host = null;

/**
 * `host`: what the runtime does for the core, browsers only: `verify(staged)` resolves whether
 * the signature the core staged verifies (lib/webcrypto.js).
 */
export function attach(wasmExports, WasmEngine, host = null) {
  exports = wasmExports;
  Glue = WasmEngine;
  Host = host;
}

/** The attached host (browsers), or null. */
export function host() {
  return Host;
}

/** A new core engine of the attached module. */
export function newCore() {
  core();
  return new Glue();
}

export function core() {
  if (exports === null) {
    throw new Error('edgeflag: the Wasm module is not loaded yet; `await init()` first (browsers)');
  }
  return exports;
}

export function attached() {
  return exports !== null;
}

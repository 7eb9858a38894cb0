// The instantiated Wasm module, shared by every Engine. Each runtime's entry (node.js,
// workerd.js, edge-light.js, browser.js) loads the module its own way and attaches it here.
let exports = null;

export function attach(wasmExports) {
  exports = wasmExports;
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

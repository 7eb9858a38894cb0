// Node.js entry: reads the .wasm beside this file and instantiates it synchronously at import:
// the servers' module built for speed (pkg/build.sh).
import { readFileSync } from 'node:fs';
import { attach, instantiate } from './lib/core.js';
import { js as regexImports } from './lib/regex.js';

attach(instantiate(new WebAssembly.Module(readFileSync(new URL('./wasm/edgeflag_node_bg.wasm', import.meta.url))), regexImports));

export { Engine, LoadError, ImportError, clientSnapshot, compile, importConfig } from './lib/engine.js';
export { Reporter } from './lib/reporter.js';
/** Already loaded on Node; kept so the same code runs in every runtime. */
export async function init() {
  return { compiled: true, keys: true, json: true };
}

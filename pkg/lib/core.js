// The Wasm module's calls (pkg/src/abi.rs), shared by every Engine. Each runtime's entry
// (node.js, workerd.js, edge-light.js, browser.js) compiles its module (the servers', or one of
// the browsers', see pkg/build.sh) its own way and instantiates it here with `imports()`.
let exports = null;
let Host = null;

// One encoder and decoder for the package (lib/engine.js reads and writes with them too).
export const encoder = new TextEncoder();
// (`undefined`: UTF-8, the default label, one byte shorter once minified.)
export const decoder = new TextDecoder(undefined, { ignoreBOM: true });

/**
 * What a module instance imports: JavaScript's own number reading and writing
 * (pkg/src/numbers.rs) and, for the servers' module, `extra(instance)`'s calls (lib/regex.js).
 */
function importsOf(instance, extra) {
  const view = (ptr, len) => new Uint8Array(instance.exports.memory.buffer, ptr, len);
  return {
    js: {
      number: (ptr, len) => Number(decoder.decode(view(ptr, len))),
      string: (n, ptr, cap) => encoder.encodeInto(String(n), view(ptr, cap)).written,
      ...(extra && extra(instance)),
    },
  };
}

/** `module` (a `WebAssembly.Module`) instantiated synchronously: its exports. */
export function instantiate(module, extra) {
  const instance = {};
  instance.exports = new WebAssembly.Instance(module, importsOf(instance, extra)).exports;
  return instance.exports;
}

/**
 * A module instantiated from `source`: a `WebAssembly.Module`, bytes, or a `Response` (or its
 * Promise), compiled as it streams in when served as `application/wasm`. Its exports.
 */
export async function instantiateAsync(source, extra) {
  const instance = {};
  const imports = importsOf(instance, extra);
  const from = await source;
  let made;
  if (from instanceof WebAssembly.Module) made = { instance: await WebAssembly.instantiate(from, imports) };
  else if (typeof Response === 'function' && from instanceof Response) {
    if (!from.ok) throw new Error(`edgeflag: fetching the Wasm module: HTTP ${from.status} ${from.url}`);
    // Streaming compilation needs the MIME type; without it, the bytes first.
    made =
      from.headers.get('content-type') === 'application/wasm'
        ? await WebAssembly.instantiateStreaming(from, imports)
        : await WebAssembly.instantiate(await from.arrayBuffer(), imports);
  } else made = await WebAssembly.instantiate(from, imports);
  instance.exports = made.instance.exports;
  return instance.exports;
}

/**
 * Engines made from now on use the module whose `exports` are given. `host`: what the runtime
 * does for the core, browsers only: `verify(staged)` resolves whether the signature the core
 * staged verifies (lib/webcrypto.js).
 */
export function attach(moduleExports, host = null) {
  exports = moduleExports;
  Host = host;
}

/** The attached host (browsers), or null. */
export function host() {
  return Host;
}

/** The attached module's exports; a clear error before `init()` in browsers. */
export function core() {
  if (exports === null) {
    throw new Error('edgeflag: the Wasm module is not loaded yet; `await init()` first (browsers)');
  }
  return exports;
}

// Engines not freed are freed when collected (where the runtime tells: not every one does).
const collected =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry(([x, h]) => x.free(h)) : { register() {}, unregister: () => true };

function freed() {
  throw new Error('edgeflag: this engine was freed (free())');
}

/**
 * A new engine in the attached module: its calls, with inputs written where the module's
 * `input` makes room. A module has only some calls (pkg/build.sh): those it lacks are absent.
 */
export function newCore() {
  const x = core();
  const h = x.new();
  // `input` first: it may grow the memory, which detaches the buffer read before it.
  const room = (n) => {
    const at = x.input(n);
    return new Uint8Array(x.memory.buffer, at, n);
  };
  const put = (bytes) => (room(bytes.length).set(bytes), bytes.length);
  // UTF-16 to UTF-8 writes at most 3 bytes per unit.
  const text = (s) => encoder.encodeInto(s, room(s.length * 3)).written;
  const c = {
    memory: x.memory,
    update: (bytes) => x.update(h, put(bytes)),
    describe: (what) => x.describe(h, what),
    set_context: (t, invalid) => x.set_context(h, text(t), invalid),
    evaluate: (index, key, now, kind, track) => x.evaluate(h, index, index < 0 ? text(key) : 0, now, kind, track),
    evaluate_all: (now, track) => x.evaluate_all(h, now, track),
    record_exposures: (options) => x.record_exposures(h, text(options)),
    take_exposures: (now, max) => x.take_exposures(h, now, max),
    exposures: (lost) => x.exposures(h, lost),
    out_ptr: () => x.out_ptr(h),
    free() {
      collected.unregister(c);
      x.free(h);
      // Its handle may now name another engine: every later call throws instead.
      for (const name of Object.keys(c)) if (typeof c[name] === 'function') c[name] = freed;
      c.free = () => {};
    },
  };
  if (x.update_text) c.update_text = (t) => x.update_text(h, text(t));
  if (x.trust) c.trust = (keys) => x.trust(h, text(keys));
  if (x.commit) {
    c.commit = (verified) => x.commit(h, verified);
    c.staged_ptr = () => x.staged_ptr(h);
  }
  if (x.compile) {
    c.compile = (t) => x.compile(h, text(t));
    c.compiled_ptr = () => x.compiled_ptr(h);
    c.client_snapshot = (t) => x.client_snapshot(h, text(t));
    c.import_config = (t) => x.import_config(h, text(t));
  }
  collected.register(c, [x, h], c);
  return c;
}

// Copied into the Next.js test app and imported before `edgeflag`. Vercel Edge and workerd refuse
// to compile Wasm from bytes, but the sandbox that `next build` and `next start` run edge code in
// allows it (Next.js 16.4.6). Refuse it here too, so the test fails if edgeflag compiles its .wasm
// instead of using the `WebAssembly.Module` that the `?module` import gives.
const W = globalThis.WebAssembly;
const tag = (x) => Object.prototype.toString.call(x);
const refuse = (what, arg) => {
  const foreign = tag(arg) === '[object WebAssembly.Module]' && !(arg instanceof W.Module);
  const hint = foreign ? ' (given a WebAssembly.Module from another realm: `instanceof` is false for it)' : '';
  throw new Error(`${what}(${tag(arg)}): Wasm code generation from bytes is disallowed on the edge${hint}`);
};
const reject = (what) => async (arg) => refuse(what, arg);
const instantiate = W.instantiate;

W.Module = new Proxy(W.Module, { construct: (_, [arg]) => refuse('new WebAssembly.Module', arg) });
W.compile = reject('WebAssembly.compile');
W.compileStreaming = reject('WebAssembly.compileStreaming');
W.instantiateStreaming = reject('WebAssembly.instantiateStreaming');
W.instantiate = (arg, imports) =>
  tag(arg) === '[object WebAssembly.Module]' ? Reflect.apply(instantiate, W, [arg, imports]) : reject('WebAssembly.instantiate')(arg);

/** 'blocked' when the guard works (compiling the smallest valid module throws). */
export const status = (() => {
  try {
    new W.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    return 'allowed';
  } catch {
    return 'blocked';
  }
})();

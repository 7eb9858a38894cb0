#!/usr/bin/env bash
# Builds the Wasm core into pkg/wasm/ (ignored by git), twice (browsers' and servers' module, see
# below): cargo → wasm-bindgen (--target web, the glue every runtime can use with initSync or
# init) → wasm-opt -Oz. Needs a nightly toolchain
# with rust-src, wasm-bindgen-cli at the version in Cargo.lock (tests/run.sh installs both) and
# npm (for binaryen's wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."

# The standard library is rebuilt with the crate (nightly `build-std`) so that panics are plain
# traps, without formatting machinery or source locations in the module: 15 % smaller
# (docs/performance.md). The bindings are the crate in this folder (`edgeflag-wasm`), a cdylib
# only here: declared in its Cargo.toml it would also be linked for every native build.
toolchain=${EDGEFLAG_WASM_TOOLCHAIN:-nightly}
# binaryen from npm (pkg devDependency): newer than distributions ship, and the same everywhere.
WASM_OPT=pkg/node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || (cd pkg && npm ci --no-audit --no-fund --loglevel=error)
rm -rf pkg/wasm

# Three modules, so that a browser downloads only what it runs: `edgeflag`, the browsers' default,
# reads compiled snapshots only (docs/compiled.md); `edgeflag_keys`, which browsers given public
# keys load (`init(source, { keys: true })`), also verifies their signatures; `edgeflag_server`,
# for the server entries (node.js, workerd.js, edge-light.js) and browsers that read JSON snapshots
# (`init(source, { json: true })`), reads JSON too and adds what only servers call (client-safe
# snapshots, compiling). Each has its own target folder, so all stay cached.
module() {
  local name=$1 features=$2 target=target/wasm-build$3
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
    cargo "+$toolchain" rustc -p edgeflag-wasm --lib --crate-type cdylib --profile wasm --target wasm32-unknown-unknown \
    --features "$features" -Zbuild-std=std,panic_abort --target-dir "$target"
  # `--encode-into always`: every supported runtime has TextEncoder.encodeInto, so the glue needs
  # no fallback for strings going in.
  wasm-bindgen --target web --no-typescript --encode-into always --out-dir pkg/wasm --out-name "$name" \
    "$target/wasm32-unknown-unknown/wasm/edgeflag_wasm.wasm"
  # The features rustc emits for wasm32-unknown-unknown (all in every supported runtime). The
  # flatten/rereloop round restructures control flow before two more -Oz rounds: 0.2 KB smaller
  # gzipped, the same speed in the peer bench (docs/performance.md).
  # `--low-memory-unused`: the linker places the stack first and data from 1 MiB, and no
  # recursion here comes near a megabyte of stack (depths are bounded, docs/hardening.md), so the
  # first KiB is never addressed; wasm-opt may then fold constant offsets into loads and stores
  # (0.24 KB gzipped).
  "$WASM_OPT" --low-memory-unused -Oz --flatten --rereloop -Oz -Oz --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "pkg/wasm/${name}_bg.wasm" -o "pkg/wasm/${name}_bg.wasm"
  # The glue's default path for the async init makes bundlers (Turbopack, webpack) ship the .wasm a
  # second time as an asset in edge and Worker bundles; browser.js always passes its own URL.
  local default_path="module_or_path = new URL('${name}_bg.wasm', import.meta.url);"
  grep -qF "$default_path" "pkg/wasm/$name.js" || { echo "build.sh: glue default path not found" >&2; exit 1; }
  sed -i "s|$default_path|throw new Error('edgeflag: init() needs the .wasm location');|" "pkg/wasm/$name.js"
  # The glue's three console warnings (a .wasm served without its MIME type, then the fallback it
  # takes anyway; parameters in the deprecated form, which the entries never pass) are 400
  # characters in every browser bundle: the code stays, the warnings go.
  node -e '
    const fs = require("fs");
    const [path] = process.argv.slice(1);
    const text = fs.readFileSync(path, "utf8");
    const warnings = /console\.warn\((".*?"|\x27.*?\x27)(, e)?\);?/g;
    const found = text.match(warnings) ?? [];
    if (found.length !== 3) throw new Error(`build.sh: expected 3 console warnings in the glue, found ${found.length}`);
    // Strings go in through encodeInto alone: the glue first copies ASCII one character at a
    // time in JavaScript, slow in cold code (docs/performance.md) and 0.2 KB gzipped in every
    // bundle. Room for 3 bytes per UTF-16 unit, then the allocation shrinks to what was written
    // (an owned String has its length as capacity); an empty string keeps the dangling
    // pointer from malloc, never reallocated.
    const pass = /function passStringToWasm0\(arg, malloc, realloc\) \{\n[^]*?\n\}\n/g;
    const passes = text.match(pass) ?? [];
    if (passes.length !== 1) throw new Error(`build.sh: expected passStringToWasm0 once in the glue, found ${passes.length}`);
    const encodeInto = `function passStringToWasm0(arg, malloc, realloc) {
    const len = arg.length * 3;
    const ptr = malloc(len, 1) >>> 0;
    const { written } = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    WASM_VECTOR_LEN = written;
    return written < len ? realloc(ptr, len, written, 1) >>> 0 : ptr;
}
`;
    fs.writeFileSync(path, text.replace(warnings, "").replace(pass, encodeInto));
  ' "pkg/wasm/$name.js"
}
module edgeflag compiled ""
module edgeflag_trust compiled,trust -trust
module edgeflag_keys compiled,keys -keys
module edgeflag_server server -server
rm -f pkg/wasm/.gitignore
ls -l pkg/wasm

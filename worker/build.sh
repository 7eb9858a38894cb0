#!/usr/bin/env bash
# Builds the Worker into worker/build/ (ignored by git) with worker-build, from local tools only:
# worker-build would otherwise download wasm-bindgen, wasm-opt and esbuild. Installs what is
# missing: worker-build (cargo, ~9 min the first time), esbuild and binaryen's wasm-opt (npm).
# wasm-bindgen-cli must be on PATH at the version in Cargo.lock (tests/run.sh installs it).
set -euo pipefail
cd "$(dirname "$0")"

worker_build_version=0.8.7 # the same release as the `worker` crate
if ! worker-build --version 2>/dev/null | grep -qx "$worker_build_version"; then
  cargo install worker-build --version "$worker_build_version" --locked
fi
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
[ -x node_modules/.bin/esbuild ] && [ -x node_modules/.bin/wasm-opt ] ||
  npm ci --no-audit --no-fund --loglevel=error

wasm_bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' ../Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wasm_bindgen_version"; then
  # Its published lock first; where the registry lacks a version that lock names, the newest
  # versions the registry has that its manifest allows.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --locked ||
    cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi
WASM_BINDGEN_BIN=$(command -v wasm-bindgen) \
  WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt" \
  ESBUILD_BIN="$PWD/node_modules/.bin/esbuild" \
  worker-build --release
ls -l build build/worker 2>/dev/null || ls -l build

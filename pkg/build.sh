#!/usr/bin/env bash
# Builds the Wasm core into pkg/wasm/ (ignored by git), five modules (see below): cargo →
# wasm-opt (-Oz; -O3 for Node's). The modules export plain functions (pkg/src/abi.rs) that one hand-written file of
# JS calls (pkg/lib/core.js), so no glue is generated. Needs a nightly toolchain with rust-src
# (tests/run.sh installs it) and npm (for binaryen's wasm-opt).
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
rm -rf pkg/wasm && mkdir -p pkg/wasm

# Four modules for browsers, so that a page downloads only what it runs: `edgeflag`, the browsers' default,
# reads compiled snapshots only (docs/compiled.md); `edgeflag_trust`, which browsers given public
# keys load (`init(source, { keys: true })`), takes keys and has WebCrypto verify signatures;
# `edgeflag_keys`, loaded instead where WebCrypto lacks Ed25519, verifies them itself;
# `edgeflag_server`, for workerd.js, edge-light.js and browsers that read JSON snapshots
# (`init(source, { json: true })`), reads JSON too and adds what only servers call (client-safe
# snapshots, compiling). The fifth, `edgeflag_node`, is the servers' module built for speed.
# Each feature set has its own target folder, so all stay cached.
module() {
  local name=$1 features=$2 target=target/wasm-build$3 profile=${4:-wasm}
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
    cargo "+$toolchain" rustc -p edgeflag-wasm --lib --crate-type cdylib --profile "$profile" --target wasm32-unknown-unknown \
    --features "$features" -Zbuild-std=std,panic_abort --target-dir "$target"
  # The features rustc emits for wasm32-unknown-unknown (all in every supported runtime). The
  # flatten/rereloop round restructures control flow before two more -Oz rounds: 0.2 KB smaller
  # gzipped, the same speed in the peer bench (docs/performance.md).
  # `--low-memory-unused`: the linker places the stack first and data from 1 MiB, and no
  # recursion here comes near a megabyte of stack (depths are bounded, docs/hardening.md), so the
  # first KiB is never addressed; wasm-opt may then fold constant offsets into loads and stores
  # (0.24 KB gzipped).
  local passes=(-Oz --flatten --rereloop -Oz -Oz)
  [ "$profile" = wasm ] || passes=(-O3)
  "$WASM_OPT" --low-memory-unused "${passes[@]}" --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$target/wasm32-unknown-unknown/$profile/edgeflag_wasm.wasm" -o "pkg/wasm/${name}_bg.wasm"
}
module edgeflag compiled ""
module edgeflag_trust compiled,trust -trust
module edgeflag_keys compiled,keys -keys
module edgeflag_server server -server
# Node's copy of the servers' module, built for speed (opt-level 3, wasm-opt -O3): no browser
# downloads it, and a long-running server evaluates far more than it starts (docs/performance.md:
# 25 % faster per context in the peer bench, at 230 KB; isolates keep the small one, whose cold
# start is what they feel).
module edgeflag_node server -server wasm-server
rm -f pkg/wasm/.gitignore
ls -l pkg/wasm

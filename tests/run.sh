#!/usr/bin/env bash
# Runs every edgeflag test. Installs what it needs first (a Rust target and components, npm
# packages), so it works on a fresh machine with Rust and Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchain"
rustup target list --installed | grep -qx wasm32v1-none || rustup target add wasm32v1-none
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt

step "format and lints"
cargo fmt --check
cargo clippy --all-targets -- -D warnings

step "the core builds with no std at all (wasm32v1-none)"
cargo build --no-default-features --target wasm32v1-none

step "unit, integration and CLI tests, conformance vectors (native engine)"
cargo test
cargo test --test vectors -- --nocapture 2>/dev/null | grep -E 'cases'

step "benchmarks in test mode: each asserts the result it times"
cargo test --benches

step "independent checks in JavaScript: buckets recomputed with xxhash-wasm, JSON Schema"
(cd tests/js && npm ci --no-audit --no-fund --loglevel=error && node --test --test-reporter=spec)

step "all tests passed"

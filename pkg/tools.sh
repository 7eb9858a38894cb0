#!/usr/bin/env bash
# Installs what pkg/build.sh needs when it is missing: the wasm32 targets and a nightly toolchain
# with rust-src (the Wasm build rebuilds std for size). The package's modules need no
# wasm-bindgen (pkg/src/abi.rs); the Worker's build installs the wasm-bindgen-cli it uses.
set -euo pipefail
cd "$(dirname "$0")/.."
for target in wasm32v1-none wasm32-unknown-unknown; do
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
done
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
rustup component list --toolchain nightly --installed | grep -q '^rust-src' || rustup component add rust-src --toolchain nightly
rustup target list --toolchain nightly --installed | grep -qx wasm32-unknown-unknown ||
  rustup target add wasm32-unknown-unknown --toolchain nightly

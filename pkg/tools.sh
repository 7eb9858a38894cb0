#!/usr/bin/env bash
# Installs what pkg/build.sh needs when it is missing: the wasm32 targets, a nightly toolchain
# with rust-src (the Wasm build rebuilds std for size), and wasm-bindgen-cli at the version in
# Cargo.lock (the CLI and the crate must match exactly; ~4 minutes to compile once).
set -euo pipefail
cd "$(dirname "$0")/.."
for target in wasm32v1-none wasm32-unknown-unknown; do
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
done
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
rustup component list --toolchain nightly --installed | grep -q '^rust-src' || rustup component add rust-src --toolchain nightly
rustup target list --toolchain nightly --installed | grep -qx wasm32-unknown-unknown ||
  rustup target add wasm32-unknown-unknown --toolchain nightly
wb_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wb_version"; then
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

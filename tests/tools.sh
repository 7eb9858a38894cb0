#!/usr/bin/env bash
# Installs what the tests need and skips what is already there, so every stage of tests/run.sh
# calls it first and asks only for its own groups. With everything present it takes about a
# second. With no argument it installs every group. Groups:
#   rust      clippy and rustfmt, the wasm32v1-none and wasm32-unknown-unknown targets
#   wasm      pkg/tools.sh: the wasm32 targets, a nightly toolchain with rust-src
#   pkg       pkg/'s npm packages (binaryen's wasm-opt for pkg/build.sh)
#   js        tests/js's npm packages
#   runtimes  tests/runtimes's npm packages (miniflare, next, playwright-core, esbuild, ...)
#   chromium  Debian's chromium (apt-get)
# An npm folder is installed again only when its package.json or package-lock.json changed:
# node_modules/.tools-stamp holds their hash from the last install here.
# worker/build.sh (worker-build, the Worker's npm packages) and www/install.sh (the app's npm
# packages and the tarball) still install their own; the stages that need them call them.
# Usage: tests/tools.sh [GROUP...]
set -euo pipefail
cd "$(dirname "$0")/.."

all=(rust wasm pkg js runtimes chromium)

usage() {
  echo "usage: tests/tools.sh [GROUP...]   (no GROUP: all of them)"
  echo "groups: ${all[*]}"
}

# A heading printed only when something is installed, so a run with everything present is quiet.
installing() { printf '\n== tools: %s\n' "$*"; }

# The hash of an npm folder's package.json and package-lock.json.
lock_hash() { cat "$1/package.json" "$1/package-lock.json" | sha256sum | cut -d' ' -f1; }

# npm_deps DIR ARG...: runs `npm ARG...` in DIR unless DIR/node_modules was installed from the
# same package.json and lock. The stamp is written after the install (`npm install` may rewrite
# the lock).
npm_deps() {
  local dir=$1 stamp=$1/node_modules/.tools-stamp
  shift
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(lock_hash "$dir")" ]; then return 0; fi
  installing "npm $1 in $dir"
  (cd "$dir" && npm "$@" --no-audit --no-fund --loglevel=error)
  lock_hash "$dir" >"$stamp"
}

# grep without -q reads all of rustup's output: with -q it can exit first, and under pipefail
# rustup's SIGPIPE would read as "not installed".
group_rust() {
  local component target
  for component in clippy rustfmt; do
    if ! rustup component list --installed | grep "^$component" >/dev/null; then
      installing "rustup component $component"
      rustup component add "$component"
    fi
  done
  for target in wasm32v1-none wasm32-unknown-unknown; do
    if ! rustup target list --installed | grep -x "$target" >/dev/null; then
      installing "rustup target $target"
      rustup target add "$target"
    fi
  done
}

# pkg/tools.sh checks each of its tools itself and prints nothing when all are there.
group_wasm() { pkg/tools.sh; }

group_pkg() { npm_deps pkg ci; }

group_js() { npm_deps tests/js ci; }

# `npm install`, not `npm ci`: next's optional SWC builds for other platforms are not on this
# registry, so the lock cannot list them and `npm ci` refuses it; versions still come from the lock.
group_runtimes() { npm_deps tests/runtimes install; }

group_chromium() {
  command -v chromium >/dev/null && return 0
  installing "Debian chromium"
  apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }
}

groups=("$@")
[ $# -gt 0 ] || groups=("${all[@]}")
for group in "${groups[@]}"; do
  case $group in
    -h | --help) usage && exit 0 ;;
  esac
  if ! declare -F "group_$group" >/dev/null; then
    echo "tests/tools.sh: unknown group: $group" >&2
    usage >&2
    exit 2
  fi
done
for group in "${groups[@]}"; do "group_$group"; done

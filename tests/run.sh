#!/usr/bin/env bash
# Runs the edgeflag tests, by stage. Each stage installs what it needs first with tests/tools.sh
# (Rust targets and components, a nightly toolchain's rust-src, wasm-bindgen-cli, Debian's
# chromium, npm packages; skipped when present), so it works on a fresh machine with Rust,
# Node.js and apt.
# Usage: tests/run.sh               every stage in order (CI)
#        tests/run.sh STAGE...      those stages, in the order given
#        tests/run.sh --list        the stages, one line each
# The stages that use the packed tarball, native.json or the release CLI (runtimes, api,
# differential, exposures, client, worker, www, load, size) run the package stage first, unless it already ran
# in this invocation or its outputs are up to date: target/runtimes/edgeflag-0.1.0.tgz,
# target/runtimes/native.json and target/release/edgeflag exist, and no file under Cargo.toml,
# Cargo.lock, src/, import/, cli/, pkg/ or tests/vectors/ (tracked, or untracked and not ignored) is newer
# than the tarball or native.json. `tests/run.sh package STAGE...` forces it. load builds the
# Worker (worker/build.sh) unless the worker stage ran in this invocation; size runs the Node
# conformance run first when its project (tests/runtimes/.projects/node) is missing or older
# than the tarball.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

out=target/runtimes
tarball="$out/edgeflag-0.1.0.tgz"

# Name and one-line description of each stage, in the order of a full run; stage_NAME runs it.
stages=(
  lint "rustfmt and clippy: the workspace, and the Wasm crates for wasm32-unknown-unknown"
  nostd "the core builds with no std at all (wasm32v1-none)"
  rust "cargo test --workspace (unit, integration, CLI, vectors, hostile input, properties)"
  benches "benchmarks in test mode: each asserts the result it times"
  fuzz "fuzzing, short run (40 s a target)"
  js "independent checks in JavaScript (tests/js): buckets with xxhash-wasm, JSON Schema, the peers' buckets from their npm packages"
  package "build the Wasm, pack pkg/ into target/runtimes, native conformance results"
  runtimes "conformance vectors from the tarball in Node, workerd, Chromium, a Next.js edge route"
  api "package API, OpenFeature providers, README snippets, hostile input from JavaScript"
  differential "imported peers' configurations: each peer's npm SDK against edgeflag on the import, ≥ 10,000 answers a peer"
  exposures "exposure counting over real HTTP in Node, workerd, Chromium"
  client "the browser client and its React hook (edgeflag/client, edgeflag/react) in Node"
  worker "the Cloudflare Worker on workerd, and its upload size"
  www "the web face (www/) in headless Chromium; the demo"
  load "the Worker under load (short run, loopback)"
  size "what a browser loads (.wasm + JS, gzipped) against the ceilings; cold start against peers (smoke)"
)

list() {
  local i
  for ((i = 0; i < ${#stages[@]}; i += 2)); do printf '%-10s %s\n' "${stages[i]}" "${stages[i + 1]}"; done
}

stage_lint() {
  tests/tools.sh rust
  step "format and lints"
  cargo fmt --all --check
  cargo clippy --workspace --all-targets -- -D warnings
  # Each module's code paths: the servers' (everything), and the one whose host verifies.
  for features in server compiled,trust; do
    cargo clippy -p edgeflag-wasm --target wasm32-unknown-unknown --features "$features" -- -D warnings
  done
  cargo clippy -p edgeflag-context-transport --target wasm32-unknown-unknown -- -D warnings
  cargo clippy -p edgeflag-worker --lib --target wasm32-unknown-unknown -- -D warnings
}

stage_nostd() {
  tests/tools.sh rust
  step "the core builds with no std at all (wasm32v1-none)"
  cargo build --no-default-features --target wasm32v1-none
  # With its regex engine (regress, no_std with alloc), as a Rust user on such a target builds it.
  cargo build --no-default-features --features regex --target wasm32v1-none
}

stage_rust() {
  step "unit, integration and CLI tests, conformance vectors, hostile input, properties (native engine)"
  cargo test --workspace
  cargo test --test vectors -- --nocapture 2>/dev/null | grep -E 'cases'
}

stage_benches() {
  step "benchmarks in test mode: each asserts the result it times"
  cargo test --benches
}

# tests/fuzz/run.sh installs what it needs itself (nightly, cargo-fuzz, a C++ compiler).
stage_fuzz() {
  step "fuzzing, short run: snapshot loading, evaluation with arbitrary contexts, exposure batches (docs/hardening.md has the long run)"
  tests/fuzz/run.sh 40
}

stage_js() {
  tests/tools.sh js
  step "independent checks in JavaScript: buckets recomputed with xxhash-wasm, JSON Schema, the peers' buckets (tests/peer-buckets.json) recomputed by their npm packages"
  (cd tests/js && node --test --test-reporter=spec)
}

packaged= # set once the package is known to be up to date in this invocation

stage_package() {
  tests/tools.sh wasm pkg
  step "npm package: build the Wasm, pack pkg/ into a tarball"
  pkg/build.sh
  rm -rf "$out" && mkdir -p "$out"
  (cd pkg && npm pack --silent --pack-destination "../$out" >/dev/null)
  cargo run --release --quiet -p edgeflag-cli -- conformance tests/vectors > "$out/native.json"
  packaged=1
}

# True when the package stage's outputs are missing or older than what they are built from.
package_stale() {
  local f files
  for f in "$tarball" "$out/native.json" target/release/edgeflag; do [ -e "$f" ] || return 0; done
  files=$(git ls-files --cached --others --exclude-standard -- Cargo.toml Cargo.lock src import cli pkg tests/vectors) || return 0
  while IFS= read -r f; do
    if [ "$f" -nt "$tarball" ] || [ "$f" -nt "$out/native.json" ]; then return 0; fi
  done <<<"$files"
  return 1
}

# For the stages that use the tarball, native.json or the release CLI (see the header).
needs_package() {
  [ -z "$packaged" ] || return 0
  if package_stale; then
    printf '\n(the package is missing or older than its sources: the package stage first)\n'
    stage_package
  fi
  packaged=1
}

stage_runtimes() {
  tests/tools.sh chromium runtimes
  needs_package
  step "conformance vectors from the tarball in Node, workerd, headless Chromium, a Next.js edge route"
  for runtime in node workerd chromium next; do
    node "tests/runtimes/$runtime/run.mjs" --tarball "$tarball" --out "$out/$runtime.json"
  done
  node tests/runtimes/compare.mjs "$out/native.json" "$out"/{node,workerd,chromium,next}{,-compiled}.json
}

stage_api() {
  tests/tools.sh chromium runtimes
  needs_package
  step "package API beyond the vectors, OpenFeature providers (server and web SDKs), README snippets, hostile input from JavaScript"
  node tests/runtimes/api/run.mjs --tarball "$tarball"
  node tests/runtimes/openfeature/run.mjs --tarball "$tarball"
  node tests/runtimes/readme/run.mjs --tarball "$tarball"
  node tests/runtimes/hostile/run.mjs --tarball "$tarball"
}

stage_differential() {
  tests/tools.sh js runtimes
  needs_package
  step "differential: generated flagd, Unleash, GrowthBook and LaunchDarkly configurations, the peer's SDK against edgeflag on the import"
  node tests/runtimes/differential/run.mjs --tarball "$tarball"
}

stage_exposures() {
  tests/tools.sh chromium runtimes
  needs_package
  step "exposures: counting tests over real HTTP on 127.0.0.1 in Node, workerd, headless Chromium"
  node tests/runtimes/exposures/run.mjs --tarball "$tarball"
}

stage_client() {
  tests/tools.sh runtimes
  needs_package
  step "the browser client and its React hook (edgeflag/client, edgeflag/react) in Node: bootstrap, ETag refresh, exposures, SSR, bundles"
  EDGEFLAG_TARBALL="$PWD/$tarball" node --test --test-reporter=spec tests/runtimes/client/
}

built_worker= # set once worker/build.sh has run in this invocation

# worker/build.sh installs worker-build and the Worker's npm packages itself when missing.
stage_worker() {
  tests/tools.sh wasm runtimes chromium
  needs_package
  step "the Cloudflare Worker on workerd: endpoints, vectors equal to native, rollout and kill switch, the writer of record (roles, per-flag changes, If-Match, history, rollback, abuse), push to Node and Chromium, exposures through the Queue"
  worker/build.sh >/dev/null
  built_worker=1
  EDGEFLAG_NATIVE_RESULTS="$PWD/$out/native.json" node --test --test-reporter=spec --test-concurrency=1 tests/runtimes/worker/
  node tests/runtimes/worker/size.mjs
}

stage_www() {
  tests/tools.sh chromium runtimes
  needs_package
  step "the web face (www/): next build + next start, edge middleware, browser SDK, playground, in headless Chromium; the demo"
  www/install.sh "$tarball"
  EDGEFLAG_CLI="$PWD/target/release/edgeflag" node --test --test-reporter=spec --test-concurrency=1 tests/runtimes/www/
}

stage_load() {
  tests/tools.sh wasm
  needs_package
  if [ -z "$built_worker" ]; then
    step "the Worker, built for the load run"
    worker/build.sh >/dev/null
    built_worker=1
  fi
  step "the Worker under load (short run, loopback; docs/performance.md has the full one)"
  (cd worker && node load.mjs --seconds 2 --latency-requests 300 --json "../$out/worker-load.json")
}

stage_size() {
  tests/tools.sh runtimes
  needs_package
  local project=tests/runtimes/.projects/node
  if ! [ -f "$project/node_modules/edgeflag/package.json" ] || ! [ "$project/node_modules" -nt "$tarball" ]; then
    step "the tarball installed in a Node project, for size (the Node conformance run)"
    node tests/runtimes/node/run.mjs --tarball "$tarball" --out "$out/node.json"
  fi
  step "size: what a browser loads (.wasm + JS, gzipped)"
  # Two ceilings, each only ever lowered (docs/performance.md, "Size"): a page that evaluates and
  # reports exposures (the compiled-only module), and one given public keys (the module that also
  # verifies). The goals are 24 and 32 KiB; the single module before them weighed 54.6 KiB.
  node tests/runtimes/size.mjs --project tests/runtimes/.projects/node --json "$out/size.json" --limit-kib 38.2 --keys-limit-kib 43.2
  step "cold start against GrowthBook and flagd-core, 1,000 flags, Node and workerd (smoke: 3 samples; each first evaluation checked, times reported)"
  (cd benches/coldstart && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && node bench.mjs --smoke --tarball "../../$tarball")
}

usage() {
  echo "usage: tests/run.sh [STAGE...]   (no STAGE: all of them, in this order)"
  echo "       tests/run.sh --list"
  echo
  list
}

case ${1-} in
  -l | --list) list && exit 0 ;;
  -h | --help) usage && exit 0 ;;
esac
for name in "$@"; do
  if ! declare -F "stage_$name" >/dev/null; then
    echo "tests/run.sh: unknown stage: $name" >&2
    usage >&2
    exit 2
  fi
done

if [ $# -eq 0 ]; then
  for ((i = 0; i < ${#stages[@]}; i += 2)); do "stage_${stages[i]}"; done
  step "all tests passed"
else
  for name in "$@"; do "stage_$name"; done
  step "passed: $*"
fi

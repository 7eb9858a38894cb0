#!/usr/bin/env bash
# The README's demo: the Cloudflare Worker (on workerd, the example snapshot in its local KV) and
# the Next.js app (edge middleware, browser SDK, playground) that reads its snapshot from the
# Worker, both built from this checkout with local tools only and served on 127.0.0.1. The first
# run compiles wasm-bindgen-cli and worker-build (minutes); later runs take about a minute.
# PORT (default 3000) and WORKER_PORT (default 8787) choose the ports.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  rm -f "$log"
}
echo "building the npm package (Wasm), the Worker and the app…" >&2
quiet pkg/tools.sh
quiet pkg/build.sh
mkdir -p target/www
(cd pkg && npm pack --silent --pack-destination ../target/www >/dev/null)
quiet www/install.sh target/www/edgeflag-0.1.0.tgz
quiet worker/build.sh
(cd www && NEXT_TELEMETRY_DISABLED=1 quiet node node_modules/next/dist/bin/next build)
exec node www/demo.mjs

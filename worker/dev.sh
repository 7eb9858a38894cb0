#!/usr/bin/env bash
# The README's demo: builds the Worker (installing what is missing, local tools only) and runs it
# on workerd at http://127.0.0.1:8787 (PORT to change) with the example snapshot in local KV.
# An argument names another snapshot file.
set -euo pipefail
cd "$(dirname "$0")"
echo "building the Worker (the first build also compiles worker-build: a few minutes)…" >&2
log=$(mktemp)
if ! ./build.sh >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
exec node dev.mjs "$@"

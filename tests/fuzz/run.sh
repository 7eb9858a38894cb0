#!/usr/bin/env bash
# Fuzzes each target for SECONDS (default 40) with cargo-fuzz (docs/hardening.md, "Fuzzing"),
# one after the other in one process each, and prints each target's executions and exec/s.
# Exits non-zero if any target found a crash, a panic, a timeout or an out-of-memory input; the
# input is under tests/fuzz/artifacts/TARGET/ and its path is printed. Installs what it needs
# (the nightly toolchain, cargo-fuzz from crates.io, a C++ compiler for libFuzzer) when missing.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-40}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(load_snapshot evaluate decode_batch decode_compiled)
fuzz=(cargo +nightly fuzz)
dir=tests/fuzz

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# libfuzzer-sys compiles libFuzzer itself, which is C++.
if ! command -v c++ >/dev/null; then
  apt-get install -y --no-install-recommends g++ || { apt-get update && apt-get install -y --no-install-recommends g++; }
fi

# The CLI compiles the seeds of decode_compiled.
cargo build --release -q -p edgeflag-cli
node "$dir/seed.mjs" "$dir/corpus"
# Built first, so that SECONDS is all fuzzing.
"${fuzz[@]}" build --fuzz-dir "$dir"

failed=0
for target in "${targets[@]}"; do
  mkdir -p "$dir/artifacts/$target"
  log="$dir/artifacts/$target/last-run.log"
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb: 2 GiB is an out-of-memory input.
  status=0 start=$SECONDS
  "${fuzz[@]}" run --fuzz-dir "$dir" "$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -dict="$dir/json.dict" \
    -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-14s %10s executions  %6s exec/s  %4s s\n' "$target" "${execs:-?}" "${rate:-?}" $((SECONDS - start))
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "$target FAILED (exit $status); log: $log"
    grep -E "panicked at|^SUMMARY|ERROR: libFuzzer" "$log" | head -5 || true
    # libFuzzer names the input it wrote: "Test unit written to tests/fuzz/artifacts/…".
    sed -n 's/.*Test unit written to \(.*\)$/crash input: \1/p' "$log"
  fi
done
exit "$failed"

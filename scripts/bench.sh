#!/usr/bin/env bash
# The browser benchmark: builds covault twice in release (both with the benchmark-only
# `bench-raw-keys` feature, so outputs can be cross-checked against the other libraries), then
# runs bench/index.html in headless Chromium and prints the table. Not a test: it asserts only
# that the implementations agree.
#   scripts/bench.sh [--quick]                  second build: +simd128
#   BENCH_ALT=opt-level=z scripts/bench.sh      second build: another opt-level
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

build() { # out-dir, cargo target dir, [RUSTFLAGS], [opt-level]
  CARGO_TARGET_DIR="$2" RUSTFLAGS="${3:-}" CARGO_PROFILE_RELEASE_OPT_LEVEL="${4:-s}" \
    build_wasm "$1" --features bench-raw-keys
}
alt="${BENCH_ALT:-simd}"
say "building target/bench/pkg and the comparison build ($alt)"
build target/bench/pkg target/bench/cargo-plain
case "$alt" in
  simd) build target/bench/pkg-alt target/bench/cargo-simd "-C target-feature=+simd128"; name="covault+simd128" ;;
  opt-level=*) build target/bench/pkg-alt "target/bench/cargo-${alt#opt-level=}" "" "${alt#opt-level=}"; name="covault $alt" ;;
  *) echo "unknown BENCH_ALT=$alt" >&2; exit 2 ;;
esac
node bench/run.mjs --pkg target/bench/pkg --alt target/bench/pkg-alt --alt-name "$name" "$@"

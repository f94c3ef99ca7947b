#!/usr/bin/env bash
# The browser benchmark: builds covault twice (release, with and without wasm simd128, both with
# the benchmark-only `bench-raw-keys` feature so outputs can be cross-checked), then runs
# bench/index.html in headless Chromium and prints the table. Not a test: it asserts only that
# the implementations agree.  Usage: scripts/bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

build() { # out-dir, extra RUSTFLAGS
  RUSTFLAGS="${2:-}" wasm-pack build --release --target web --out-dir "$1" --out-name covault \
    --no-pack -- --features bench-raw-keys >/dev/null 2>&1 \
    || { echo "wasm-pack build failed for $1" >&2; exit 1; }
  wasm_opt "$1/covault_bg.wasm"
}
echo "building target/bench/pkg and target/bench/pkg-simd …"
CARGO_TARGET_DIR=target/bench/cargo-plain build target/bench/pkg
CARGO_TARGET_DIR=target/bench/cargo-simd build target/bench/pkg-simd "-C target-feature=+simd128"
node bench/run.mjs --pkg target/bench/pkg --alt target/bench/pkg-simd --alt-name "covault+simd128" "$@"

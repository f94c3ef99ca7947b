#!/usr/bin/env bash
# Builds the release module at each opt-level and prints its size, raw and gzipped, before and
# after wasm-opt: the measurement behind `opt-level` in Cargo.toml's release profile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
printf '%-10s %14s %14s %16s %16s\n' opt-level "raw bytes" "raw gzip -9" "wasm-opt bytes" "wasm-opt gzip -9"
for level in ${LEVELS:-s z 2 3}; do
  out=target/size/pkg-$level
  CARGO_TARGET_DIR=target/size/cargo-$level CARGO_PROFILE_RELEASE_OPT_LEVEL=$level \
    wasm-pack build --release --target web --out-dir "$out" --out-name covault --no-pack >/dev/null 2>&1
  raw=$(stat -c %s "$out/covault_bg.wasm"); rawgz=$(gzip -9c "$out/covault_bg.wasm" | wc -c)
  wasm_opt "$out/covault_bg.wasm"
  opt=$(stat -c %s "$out/covault_bg.wasm"); optgz=$(gzip -9c "$out/covault_bg.wasm" | wc -c)
  printf '%-10s %14s %14s %16s %16s\n' "$level" "$raw" "$rawgz" "$opt" "$optgz"
done

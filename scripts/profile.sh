#!/usr/bin/env bash
# Profiles covault's AES-GCM calls in headless Chromium (bench/profile.mjs): a release module
# built like the benchmark's but without wasm-opt, so that the profile names Rust functions.
# Not a test. Usage: scripts/profile.sh [workload…] (default: all four, string and bytes API)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
say "building target/bench/pkg-prof (release, bench-raw-keys, names kept)"
CARGO_TARGET_DIR=target/bench/cargo-plain CARGO_PROFILE_RELEASE_OPT_LEVEL=s \
  wasm-pack build --release --target web --out-dir target/bench/pkg-prof --out-name covault --no-pack \
  -- --features bench-raw-keys >/dev/null 2>&1
workloads=("$@")
[[ ${#workloads[@]} -gt 0 ]] || workloads=(encrypt-100 decrypt-100 encrypt-1m decrypt-1m)
for w in "${workloads[@]}"; do
  node bench/profile.mjs --pkg target/bench/pkg-prof --workload "$w"
  node bench/profile.mjs --pkg target/bench/pkg-prof --workload "$w" --bytes
done

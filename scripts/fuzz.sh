#!/usr/bin/env bash
# A short cargo-fuzz run of each target. cargo-fuzz needs nightly-only flags (sanitizers);
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
seconds="${1:-60}"
for target in envelope_parse secret_key_parse; do
  mkdir -p "fuzz/corpus/$target"
  seeds=()
  [[ -d "fuzz/seeds/$target" ]] && seeds=("fuzz/seeds/$target")
  echo "==> fuzzing $target for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len=4096
done

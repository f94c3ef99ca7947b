#!/usr/bin/env bash
# The browser benchmark: builds covault twice in release (both with the benchmark-only
# `bench-raw-keys` feature, so outputs can be cross-checked against the other libraries), then
# runs bench/index.html in headless Chromium and prints the table. Not a test: it asserts only
# that the implementations agree.
#   scripts/bench.sh [--quick]                  second build: +simd128
#   BENCH_ALT=opt-level=z scripts/bench.sh      second build: another opt-level
#   BENCH_ALT="config:profile.release.package.aes.opt-level=3;…" scripts/bench.sh   cargo --config
#   BENCH_ALT=rev:2451875 scripts/bench.sh      second build: that commit (a "before" in the same run)
#   BENCH_ALT=rustflags:'--cfg curve25519_dalek_bits="64"' scripts/bench.sh   second build: other RUSTFLAGS
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

build() { # out-dir, cargo target dir, [RUSTFLAGS], [opt-level], [cargo --config …]
  local config=()
  [[ -n "${5:-}" ]] && IFS=';' read -ra parts <<<"$5" && for c in "${parts[@]}"; do config+=(--config "$c"); done
  CARGO_TARGET_DIR="$2" RUSTFLAGS="${3:-}" CARGO_PROFILE_RELEASE_OPT_LEVEL="${4:-s}" \
    build_wasm "$1" --features bench-raw-keys "${config[@]}"
}
alt="${BENCH_ALT:-simd}"
say "building target/bench/pkg and the comparison build ($alt)"
build target/bench/pkg target/bench/cargo-plain
case "$alt" in
  simd) build target/bench/pkg-alt target/bench/cargo-simd "-C target-feature=+simd128"; name="covault+simd128" ;;
  opt-level=*) build target/bench/pkg-alt "target/bench/cargo-${alt#opt-level=}" "" "${alt#opt-level=}"; name="covault $alt" ;;
  rev:*)
    # The sources of that commit, outside git's worktrees, built with their own profile.
    rev="${alt#rev:}" src="target/bench/src-${alt#rev:}"
    rm -rf "$src" && mkdir -p "$src" && git archive "$rev" | tar -x -C "$src"
    (cd "$src" && CARGO_TARGET_DIR="$COVAULT_ROOT/target/bench/cargo-rev" \
      wasm-pack build --release --target web --out-dir "$COVAULT_ROOT/target/bench/pkg-alt" --out-name covault \
      --no-pack -- --features bench-raw-keys >/dev/null 2>&1)
    wasm_opt target/bench/pkg-alt/covault_bg.wasm
    name="covault @$rev" ;;
  config:*) build target/bench/pkg-alt target/bench/cargo-config "" s "${alt#config:}"; name="covault ${BENCH_ALT_NAME:-$alt}" ;;
  rustflags:*) build target/bench/pkg-alt target/bench/cargo-flags "${alt#rustflags:}"; name="covault ${alt#rustflags:}" ;;
  *) echo "unknown BENCH_ALT=$alt" >&2; exit 2 ;;
esac
node bench/run.mjs --pkg target/bench/pkg --alt target/bench/pkg-alt --alt-name "$name" "$@"

#!/usr/bin/env bash
# cargo-fuzz runs of the fuzz targets (fuzz/fuzz_targets), each seeded from fuzz/seeds and
# growing its corpus in fuzz/corpus (git-ignored; `cargo fuzz cmin` before committing any of
# it). cargo-fuzz needs nightly-only flags (sanitizers); RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept them. tests/fuzz_corpus.rs replays the seeds and corpus on every test run.
# Usage: scripts/fuzz.sh [--runs N | --seconds S] [TARGET...]   (default: 60 s each, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
limit=(-max_total_time=60)
case "${1:-}" in
  --runs) limit=(-runs="$2"); shift 2 ;;
  --seconds) limit=(-max_total_time="$2"); shift 2 ;;
esac
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(envelope_parse secret_key_parse api_request client_response)
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  seeds=()
  [[ -d "fuzz/seeds/$target" ]] && seeds=("fuzz/seeds/$target")
  echo "==> fuzzing $target (${limit[*]})"
  log=$(mktemp) status=0
  RUSTC_BOOTSTRAP=1 cargo fuzz run --release "$target" "fuzz/corpus/$target" "${seeds[@]}" -- \
    "${limit[@]}" -max_len=65536 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(Done |stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)" "$log" || true
  if [[ $status -ne 0 ]]; then tail -40 "$log" >&2; echo "fuzz target $target failed" >&2; exit 1; fi
  rm -f "$log"
done

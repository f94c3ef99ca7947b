#!/usr/bin/env bash
# The soak test: 64 concurrent clients run the mixed workload against the release
# covault-server for 10 minutes (by default), printing each minute's p50/p99 and the server's
# memory; it fails on any error or if the memory more than triples. Loopback only, bounded in
# time. scripts/test.sh runs a 30-second version on the debug build.
# Usage: scripts/soak.sh [clients] [seconds] [report-every-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-64}" seconds="${2:-600}" every="${3:-60}" profile="${SOAK_PROFILE:-release}"
flag=$([[ "$profile" == release ]] && echo --release || true)
cargo build -q $flag -p covault-server --bin covault-server --example loadtest
"target/$profile/examples/loadtest" --clients "$clients" --seconds "$seconds" \
  --report-every "$every" --noop-seconds 5 --server "target/$profile/covault-server"

#!/usr/bin/env bash
# Crash safety: a storm of writes against the release covault-server, SIGKILL at a random
# moment, restart, and a check that every acknowledged write is there and decrypts; on SQLite,
# and on PostgreSQL when one answers on 127.0.0.1:5432 (or COVAULT_TEST_POSTGRES_URL names one).
# Prints a table per backend and fails if anything acknowledged was lost or torn.
# Usage: scripts/crash-test.sh [kills]      (scripts/test.sh runs a short debug-build version)
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-20}" profile="${CRASH_PROFILE:-release}"
flag=$([[ "$profile" == release ]] && echo --release || true)
cargo build -q $flag -p covault-server --bin covault-server --example crash
run() { "target/$profile/examples/crash" --kills "$kills" --server "target/$profile/covault-server" "$@"; }
run
source scripts/postgres.sh
pg=$(postgres_url "${COVAULT_TEST_POSTGRES_URL:-}")
if [[ -n "$pg" ]]; then
  run --postgres-admin-url "$pg"
else
  echo "SKIPPED: the PostgreSQL crash run (no PostgreSQL on 127.0.0.1:5432 and COVAULT_TEST_POSTGRES_URL unset)"
fi

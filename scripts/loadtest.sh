#!/usr/bin/env bash
# The server load benchmark (not a test): builds covault-server in release, then for SQLite and
# (when one answers on 127.0.0.1:5432, or COVAULT_LOAD_POSTGRES_URL is set) PostgreSQL, drives
# N concurrent clients for T seconds and prints a table per backend.
# Usage: scripts/loadtest.sh [clients] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-16}" seconds="${2:-10}"
cargo build --release -p covault-server --bin covault-server --example loadtest
cargo run -q --release -p covault-server --example loadtest -- --clients "$clients" --seconds "$seconds"
source scripts/postgres.sh
pg=$(postgres_url "${COVAULT_LOAD_POSTGRES_URL:-}")
if [[ -n "$pg" ]]; then
  cargo run -q --release -p covault-server --example loadtest -- --clients "$clients" --seconds "$seconds" --postgres-admin-url "$pg"
else
  echo "no PostgreSQL on 127.0.0.1:5432 and COVAULT_LOAD_POSTGRES_URL unset: PostgreSQL run skipped"
fi

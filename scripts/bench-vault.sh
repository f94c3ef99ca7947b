#!/usr/bin/env bash
# The bulk benchmark (not a test): a release covault-server on SQLite serving bench/ and a
# release pkg, and headless Chromium running bench/vault.html: sign up, create N items, share
# them all, decrypt them all as the recipient, with a breakdown per phase.
# Usage: scripts/bench-vault.sh [N=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
n="${1:-1000}"
say "building a release pkg (target/bench/pkg-vault) and covault-server"
build_wasm target/bench/pkg-vault
cargo build -q --release -p covault-server
source scripts/listen.sh
start_listening vault target/release/covault-server --listen 127.0.0.1:0 \
  --database-url "sqlite://$LISTEN_DIR/bulk.db" --www-dir bench --pkg-dir target/bench/pkg-vault --log warn
node bench/run-vault.mjs "$LISTEN_URL" "$n"

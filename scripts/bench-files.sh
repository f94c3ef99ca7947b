#!/usr/bin/env bash
# The file benchmark (not a test): a release covault-server on SQLite serving bench/ and a
# release pkg, and headless Chromium running bench/files.html: Alice attaches a file, shares
# the item, Bob streams it back, for each size; raw WebCrypto AES-GCM alongside, and the tab's
# peak memory per phase (bench/run-files.mjs). The database needs about twice the largest size
# on disk (the sealed chunks, and SQLite's journal).
# Usage: scripts/bench-files.sh [SIZES_MIB=1,100,1024]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
sizes="${1:-1,100,1024}"
say "building a release pkg (target/bench/pkg-vault) and covault-server"
build_wasm target/bench/pkg-vault
cargo build -q --release -p covault-server
source scripts/listen.sh
start_listening vault target/release/covault-server --listen 127.0.0.1:0 \
  --database-url "sqlite://$LISTEN_DIR/files.db" --www-dir bench --pkg-dir target/bench/pkg-vault --log warn
node bench/run-files.mjs "$LISTEN_URL" "$sizes"

#!/usr/bin/env bash
# The Vault benchmarks in the browser (not tests): a release covault-server on SQLite serving
# bench/ and a release pkg, and headless Chromium running one of its pages.
#   scripts/bench-vault.sh [N=1000]        bench/vault.html: sign up, create N items, share them
#                                          all, decrypt them all as the recipient, per phase
#   scripts/bench-vault.sh --files [MiB,…] bench/files.html: Alice attaches a file of each size
#                                          (default 1,100,1024), shares it, Bob streams it back;
#                                          raw WebCrypto alongside, the tab's peak memory per
#                                          phase. The database needs about the largest size
#                                          again on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
if [[ "${1:-}" == --files ]]; then
  page=files arg="${2:-1,100,1024}"
else
  page=vault arg="${1:-1000}"
fi
say "building a release pkg (target/bench/pkg-vault) and covault-server"
build_wasm target/bench/pkg-vault
cargo build -q --release -p covault-server
# 1 MiB for the file benchmark's plain-fetch download (the browser's path without covault).
head -c 1048576 /dev/urandom > target/bench/pkg-vault/probe.bin
source scripts/listen.sh
start_listening vault target/release/covault-server --listen 127.0.0.1:0 \
  --database-url "sqlite://$LISTEN_DIR/$page.db" --www-dir bench --pkg-dir target/bench/pkg-vault --log warn
# The drivers talk to Chromium over a bare DevTools socket: Node 20 needs the flag for WebSocket.
flags=()
if ! node -e 'process.exit(typeof WebSocket === "undefined" ? 1 : 0)'; then flags=(--experimental-websocket); fi
node "${flags[@]}" "bench/run-$page.mjs" "$LISTEN_URL" "$arg"

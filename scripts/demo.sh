#!/usr/bin/env bash
# Builds pkg/ (release) and covault-server, then runs the Vault on SQLite (./covault.db) with
# the demo page served. Usage: scripts/demo.sh [listen address, default 127.0.0.1:8080]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
scripts/build-pkg.sh
say "building covault-server"
cargo build -p covault-server
listen="${1:-127.0.0.1:8080}"
say "open http://$listen/ (Ctrl-C to stop)"
exec target/debug/covault-server --listen "$listen" --database-url sqlite://covault.db \
  --www-dir www --pkg-dir pkg --cors-origins "http://$listen"

#!/usr/bin/env bash
# Builds pkg/ (release) and serves the demo page. Usage: scripts/demo.sh [port]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-pkg.sh
exec node bench/serve.mjs "${1:-8080}"

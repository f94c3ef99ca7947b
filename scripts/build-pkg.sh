#!/usr/bin/env bash
# Builds the npm package in pkg/: wasm-pack (release, an ES module for browsers and bundlers),
# then wasm-opt 132 from the npm `binaryen` package (see scripts/setup.sh for why not Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
say "building pkg/ (release)"
build_wasm pkg --pack
echo "pkg/covault_bg.wasm: $(stat -c %s pkg/covault_bg.wasm) bytes, $(gzip -9c pkg/covault_bg.wasm | wc -c) gzipped"

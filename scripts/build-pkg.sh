#!/usr/bin/env bash
# Builds the npm package in pkg/: wasm-pack (release, an ES module for browsers and bundlers),
# then wasm-opt 132 from the npm `binaryen` package (see scripts/setup.sh for why not Debian's),
# then the exports map and the Node entry (npm/finish-package.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
say "building pkg/ (release)"
build_wasm pkg --pack
node npm/finish-package.mjs pkg
echo "pkg/covault_bg.wasm: $(stat -c %s pkg/covault_bg.wasm) bytes, $(gzip -9c pkg/covault_bg.wasm | wc -c) gzipped"

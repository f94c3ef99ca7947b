#!/usr/bin/env bash
# Installs whatever is missing (scripts/setup.sh) and runs every test: formatting and lints,
# native unit/integration/property/known-answer/interop tests, the browser tests in headless
# Chromium, the release package build, its TypeScript types, and a smoke test of the optimized
# module in the browser. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

say "cargo fmt --check"
cargo fmt --all --check
say "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --features bench-raw-keys -- -D warnings

say "native tests"
cargo test --all-targets

say "browser tests (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome

say "release package"
scripts/build-pkg.sh
say "TypeScript: tsc --strict on a consumer of pkg/covault.d.ts"
tests/node/node_modules/.bin/tsc -p tests/node
say "optimized module in Chromium"
node tests/node/pkg-smoke.mjs

say "all tests passed"

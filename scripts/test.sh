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
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --features bench-raw-keys -- -D warnings

if [[ -z "${COVAULT_TEST_POSTGRES_URL:-}" ]] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  export COVAULT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
  say "PostgreSQL answers on 127.0.0.1:5432; its tests use $COVAULT_TEST_POSTGRES_URL"
fi
[[ -n "${COVAULT_TEST_POSTGRES_URL:-}" ]] || say "COVAULT_TEST_POSTGRES_URL is not set: the PostgreSQL tests will say SKIPPED"

say "native tests (crypto core, server on SQLite and PostgreSQL)"
cargo test --workspace --all-targets

say "browser tests (wasm-pack test --headless --chrome)"
wasm-pack test --headless --chrome

say "release package"
scripts/build-pkg.sh
say "TypeScript: tsc --strict on a consumer of pkg/covault.d.ts"
tests/node/node_modules/.bin/tsc -p tests/node
say "optimized module in Chromium"
node tests/node/pkg-smoke.mjs

say "all tests passed"

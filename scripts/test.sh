#!/usr/bin/env bash
# Installs whatever is missing (scripts/setup.sh) and runs every test: formatting and lints,
# native unit/integration/property/known-answer/interop tests, the browser tests in headless
# Chromium, Firefox ESR and WebKitGTK, the release package build, its TypeScript types, and a
# smoke test of the optimized module in the browser. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

say "cargo fmt --check"
cargo fmt --all --check
say "cargo clippy (native and wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown --features bench-raw-keys -- -D warnings

source scripts/postgres.sh
pg=$(postgres_url "${COVAULT_TEST_POSTGRES_URL:-}")
if [[ -n "$pg" ]]; then
  export COVAULT_TEST_POSTGRES_URL=$pg
  say "the PostgreSQL tests use $pg"
else
  unset COVAULT_TEST_POSTGRES_URL
  say "no PostgreSQL (COVAULT_TEST_POSTGRES_URL unset, none on 127.0.0.1:5432): the PostgreSQL tests will say SKIPPED"
fi

say "native tests (crypto core, server on SQLite and PostgreSQL)"
cargo test --workspace --all-targets
say "doc tests (the crate guide in src/lib.rs)"
cargo test --doc -p covault --features native-client
say "crash safety, short: SIGKILL during a write storm, every acknowledged write kept (scripts/crash-test.sh)"
CRASH_PROFILE=debug scripts/crash-test.sh 3
say "soak, short: 16 clients for 30 s, no errors, memory bounded (scripts/soak.sh)"
SOAK_PROFILE=debug scripts/soak.sh 16 30 10

say "schemathesis: every operation fuzzed from the OpenAPI document with seeded ids; no 5xx, statuses and bodies as documented"
cargo build -q -p covault-server -p covault-cli
tests/schemathesis.sh target/debug/covault-server target/debug/covault

say "browser tests against a real Vault and a tampering proxy (wasm-pack test --headless --chrome)"
cargo build -q -p covault-server -p covault-testkit
source scripts/listen.sh
e2e_dir=$LISTEN_DIR
# Three engines' runs of the link tests open used-up and revoked links from 127.0.0.1: each is a
# wrong attempt of that address, more than the default 5 before the Vault makes it wait.
start_listening vault target/debug/covault-server --listen 127.0.0.1:0 \
  --database-url "sqlite://$e2e_dir/e2e.db" --cors-origins '*' --log warn --login-max-failures 50
vault_url=$LISTEN_URL
start_listening proxy target/debug/covault-tamper-proxy --upstream "$vault_url"
proxy_url=$LISTEN_URL
proxy_pid=${LISTEN_PIDS[-1]}
# The proxy's stateful attacks remember the first wrapped KEK and link they see, so each engine
# gets a fresh proxy, at the same address (the tests have it built in).
restart_proxy() {
  kill "$proxy_pid" && wait "$proxy_pid" 2>/dev/null || true
  start_listening proxy target/debug/covault-tamper-proxy --upstream "$vault_url" --listen "${proxy_url#http://}"
  proxy_pid=${LISTEN_PIDS[-1]}
}
export COVAULT_TEST_VAULT_URL="$vault_url" COVAULT_TEST_PROXY_URL="$proxy_url"
# The test runner gives a whole test file 20 s by default; WebKitGTK under Xvfb on a loaded
# 2-core machine needs longer for the attached-file tests. A guard against hangs, not a timing.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
# The first "--" ends wasm-pack's options, the second cargo's: --nocapture reaches the test runner.
# No GECKODRIVER here: the test runner would prefer it to chromedriver.
env -u GECKODRIVER wasm-pack test --headless --chrome -- -- --nocapture 2>&1 | tee "$e2e_dir/wasm-test-chrome.out"
say "the same browser tests in Firefox ESR, against the same Vault and proxy (wasm-pack test --headless --firefox)"
restart_proxy
wasm-pack test --headless --firefox --geckodriver "$COVAULT_GECKODRIVER" -- -- --nocapture 2>&1 \
  | tee "$e2e_dir/wasm-test-firefox.out"
say "the same browser tests in WebKitGTK, against the same Vault and proxy (WebKitWebDriver under Xvfb)"
source scripts/webkit.sh
restart_proxy
wasm_pack_test_webkit -- -- --nocapture 2>&1 | tee "$e2e_dir/wasm-test-webkit.out"
cat "$e2e_dir"/wasm-test-{chrome,firefox,webkit}.out > "$e2e_dir/wasm-test.out"
say "scanning the browser tests' database (all three engines) for plaintexts, passphrases and secret keys"
node tests/node/scan-db.mjs "$e2e_dir/e2e.db" "$e2e_dir/wasm-test.out" \
  "covault-e2e-plaintext-7f3a9c" "covault e2e passphrase 4b1d"

say "release package"
scripts/build-pkg.sh
say "pkg/ checked from the outside: hash-wasm, noble, WebCrypto and hpke-js recompute each step, and open the frozen 0.1 fixture"
node tests/node/chain.mjs
say "TypeScript: tsc --strict on a consumer of pkg/covault.d.ts"
tests/node/node_modules/.bin/tsc -p tests/node
say "optimized module in Chromium"
node tests/node/pkg-smoke.mjs
say "the demo page, clicked through in Chromium against a fresh Vault"
node tests/node/demo-e2e.mjs target/debug/covault-server
say "the demo's core flow in Firefox ESR and WebKitGTK, through WebDriver (tests/node/demo-engines.mjs)"
for engine in firefox webkit; do
  COVAULT_GECKODRIVER=$COVAULT_GECKODRIVER node tests/node/demo-engines.mjs target/debug/covault-server "$engine"
done
say "share links in the demo: made by Alice, opened in a fresh profile without an account"
node tests/node/link-e2e.mjs target/debug/covault-server
say "the Vault client in a module worker (www/client-worker.js), in Chromium, Firefox ESR and WebKitGTK"
for engine in chromium firefox webkit; do
  COVAULT_GECKODRIVER=$COVAULT_GECKODRIVER node tests/node/worker-e2e.mjs target/debug/covault-server "$engine"
done

say "a Vite app importing covault from its npm package (npm pack of pkg/)"
mkdir -p target/npm
tgz=$(cd pkg && npm pack --silent --pack-destination ../target/npm | tail -1)
(cd tests/vite-app && npm ci --no-audit --no-fund --loglevel=error \
  && npm install --no-save --no-audit --no-fund --loglevel=error "../../target/npm/$tgz" \
  && npx vite build --logLevel warn)
node tests/vite-app/check.mjs

say "the guide from Node ≥ 20, importing covault from its npm package (the exports map's node entry)"
rm -rf target/npm/node-app && mkdir -p target/npm/node-app
printf '{"name":"node-app","private":true,"type":"module"}\n' > target/npm/node-app/package.json
(cd target/npm/node-app && npm install --no-save --no-audit --no-fund --loglevel=error "../$tgz")
cp tests/node/node-guide.mjs target/npm/node-app/
node target/npm/node-app/node-guide.mjs target/debug/covault-server

say "npm publish --dry-run lists only the package's files"
(cd pkg && npm publish --dry-run --json 2>/dev/null) | node tests/node/check-publish.mjs

say "all tests passed"

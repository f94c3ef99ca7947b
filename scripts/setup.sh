#!/usr/bin/env bash
# Installs what covault's build and tests need on a fresh Debian machine with only rustup's
# stable toolchain, skipping whatever is already there. Sourced by the other scripts.
#   - the wasm32 target; wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock;
#     wasm-pack
#   - Debian's chromium and chromium-driver (for wasm-pack test and the page tests), node and npm
#   - the other two engines: Debian's firefox-esr with geckodriver from crates.io (pinned), and
#     WebKitGTK's webkit2gtk-driver (WebKitWebDriver and MiniBrowser) with xvfb to give it a screen
#   - python3 with venv, and a venv in target/pyenv with tests/python-requirements.txt
#     (aiosmtpd: a real SMTP server for the invitation-email test)
#   - node packages from the committed tests/node/package-lock.json (hpke-js for interop,
#     TypeScript, playwright-core, the benchmark's comparison libraries, and binaryen 132,
#     whose wasm-opt replaces Debian's binaryen: its wasm-opt 108 emits modules that fail at
#     init with "WebAssembly.Table.set(): Argument 1 is invalid for table")
set -euo pipefail
COVAULT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Not exported as GECKODRIVER: wasm-bindgen-test-runner picks a GECKODRIVER from the environment
# before a CHROMEDRIVER, so exporting it would turn `wasm-pack test --chrome` into Firefox.
COVAULT_GECKODRIVER="${COVAULT_GECKODRIVER:-$HOME/.cargo/bin/geckodriver}"
# The geckodriver release `cargo install` builds (its own Cargo.lock, --locked).
GECKODRIVER_VERSION=0.36.0

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

covault_setup() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$COVAULT_ROOT/Cargo.lock")
  if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]]; then
    say "installing wasm-bindgen-cli $want (matches Cargo.lock)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
  if ! command -v wasm-pack >/dev/null; then
    say "installing wasm-pack"
    cargo install wasm-pack
  fi
  local missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  [[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
  [[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
  [[ -x /usr/bin/WebKitWebDriver ]] || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || missing+=(xvfb)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  command -v gzip >/dev/null || missing+=(gzip)
  command -v python3 >/dev/null || missing+=(python3)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  if ((${#missing[@]})); then
    say "installing from apt: ${missing[*]}"
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # Never let wasm-pack download a geckodriver: it comes from crates.io, built here.
  if [[ ! -x "$COVAULT_GECKODRIVER" ]]; then
    say "installing geckodriver $GECKODRIVER_VERSION (cargo install --locked)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
  fi
  local reqs="$COVAULT_ROOT/tests/python-requirements.txt" venv="$COVAULT_ROOT/target/pyenv"
  if [[ ! -f "$venv/.covault-reqs" ]] || ! cmp -s "$reqs" "$venv/.covault-reqs"; then
    say "creating target/pyenv with tests/python-requirements.txt"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
    cp "$reqs" "$venv/.covault-reqs"
  fi
  export COVAULT_TEST_PYTHON="$venv/bin/python"
  local lock="$COVAULT_ROOT/tests/node/package-lock.json" stamp="$COVAULT_ROOT/tests/node/node_modules/.covault-lock"
  if [[ ! -f "$stamp" ]] || ! cmp -s "$lock" "$stamp"; then
    say "installing node packages (npm ci in tests/node)"
    (cd "$COVAULT_ROOT/tests/node" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$lock" "$stamp"
  fi
}

# wasm-opt 132 from npm binaryen, with the features wasm-bindgen's output uses.
wasm_opt() {
  "$COVAULT_ROOT/tests/node/node_modules/.bin/wasm-opt" -Os \
    --enable-reference-types --enable-multivalue --enable-bulk-memory \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    "$1" -o "$1.opt"
  mv "$1.opt" "$1"
}

# The one recipe for a release module: wasm-pack (an ES module for browsers and bundlers), then
# wasm-opt 132. Usage: build_wasm OUT_DIR [--pack] [cargo args…]; CARGO_TARGET_DIR and
# CARGO_PROFILE_RELEASE_* in the environment pass through to cargo.
build_wasm() {
  local out=$1; shift
  local pack=(--no-pack) cargo=() log
  if [[ "${1:-}" == --pack ]]; then pack=(); shift; fi
  if [[ $# -gt 0 ]]; then cargo=(-- "$@"); fi
  log=$(mktemp)
  if ! wasm-pack build --release --target web --out-dir "$out" --out-name covault \
      "${pack[@]}" "${cargo[@]}" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "wasm-pack build failed for $out" >&2
    return 1
  fi
  rm -f "$log"
  wasm_opt "$out/covault_bg.wasm"
}

covault_setup

#!/usr/bin/env bash
# Fuzzes every route of a fresh covault-server from its own OpenAPI document with schemathesis,
# signed in as a real user (made with the covault CLI), and fails on any 5xx. Logout and the
# passphrase change are left out so that the session survives the run.
# Usage: tests/schemathesis.sh target/debug/covault-server target/debug/covault
set -euo pipefail
server=$1 cli=$2
source "$(dirname "$0")/../scripts/listen.sh"
dir=$LISTEN_DIR
start_listening vault "$server" --listen 127.0.0.1:0 --database-url "sqlite://$dir/st.db" --log error
url=$LISTEN_URL
"$cli" --vault "$url" users:create -e fuzz@example.com -p 'fuzz passphrase' -o "$dir/auth.yaml" 2>/dev/null
token=$(awk '/session_token:/ {print $2}' "$dir/auth.yaml")
"${COVAULT_TEST_PYTHON%/python}/st" run "$url/v1/openapi.json" -H "Authorization: Bearer $token" \
  --exclude-path /v1/sessions/current --exclude-path /v1/keystore/kek \
  --checks not_a_server_error --max-examples 40 --seed 1 --no-color
echo "schemathesis: 1 passed, 0 failed"

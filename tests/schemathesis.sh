#!/usr/bin/env bash
# Fuzzes every operation of a fresh covault-server from its own OpenAPI document with
# schemathesis, signed in as a real user (made with the covault CLI) who owns one or more of
# each kind of object: half of the generated ids for an `{id}` route are ids that exist, so
# those routes answer more than 404. Checks: no 5xx, every status and every response body as
# the document says, JSON content types. Left out, by method: DELETE /v1/sessions/current and
# PUT /v1/keystore/kek, since either ends the session the run uses. Prints schemathesis's own
# summary and the counts from its JSON report; fails if any check failed.
# Usage: tests/schemathesis.sh target/debug/covault-server target/debug/covault
set -euo pipefail
server=$1 cli=$2
py=${COVAULT_TEST_PYTHON:-$(dirname "$0")/../target/pyenv/bin/python}
py="$(cd "$(dirname "$py")" && pwd)/$(basename "$py")" # absolute, not resolved: keep the venv
st="$(dirname "$py")/st"
source "$(dirname "$0")/../scripts/listen.sh"
dir=$LISTEN_DIR
start_listening vault "$server" --listen 127.0.0.1:0 --database-url "sqlite://$dir/st.db" --log error
url=$LISTEN_URL
cv() { "$cli" --vault "$url" --json "$@"; }
field() { "$py" -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# The seed: two users, a connection, items, shares and an invitation.
cv users:create -e fuzz@example.com -p 'fuzz passphrase' -o "$dir/auth.yaml" 2>/dev/null
cv users:create -e peer@example.com -p 'peer passphrase' -o "$dir/peer.yaml" 2>/dev/null
cv connections:create-config --from "$dir/auth.yaml" --to "$dir/peer.yaml" > "$dir/conn.yaml"
connection=$(cv connections:create -c "$dir/conn.yaml" | field "['spec']['id']")
# A second connection for DELETE alone (deleting one ends the shares on it).
cv users:create -e other@example.com -p 'other passphrase' -o "$dir/other.yaml" 2>/dev/null
cv connections:create-config --from "$dir/auth.yaml" --to "$dir/other.yaml" > "$dir/conn2.yaml"
doomed=$(cv connections:create -c "$dir/conn2.yaml" | field "['spec']['id']")
printf 'kind: Item\nspec:\n  label: fuzzed\n  slots:\n    k: v\n' > "$dir/item.yaml"
items=() shares=()
for _ in 1 2 3 4 5 6; do
  item=$(cv items:create -i "$dir/item.yaml" -a "$dir/auth.yaml" | field "['spec']['id']")
  items+=("$item")
  cv shares:create-config --from "$dir/auth.yaml" --connection-id "$connection" --item-id "$item" > "$dir/share.yaml"
  shares+=("$(cv shares:create -c "$dir/share.yaml" | field "['spec']['id']")")
done
invitation=$(cv connections:invite -a "$dir/auth.yaml" --email someone@example.com | field "['spec']['id']")
token=$(awk '/session_token:/ {print $2}' "$dir/auth.yaml")
get() { curl -sf -H "Authorization: Bearer $token" "$url$1"; }
keypairs=$(get /v1/keystore/keypairs | field "[0]['id']")
deks=$(get /v1/keystore/deks | "$py" -c "import json,sys; print(' '.join(d['id'] for d in json.load(sys.stdin)))")

toml_list() { local out="" v; for v in "$@"; do out+="\"$v\", "; done; echo "[${out%, }]"; }
# DELETE gets ids of its own (the last two of each), so the other methods keep finding theirs.
cat > "$dir/schemathesis.toml" <<TOML
headers = { Authorization = "Bearer $token" }
[dictionaries.items]
values = $(toml_list "${items[@]:0:4}")
[dictionaries.items_to_delete]
values = $(toml_list "${items[@]:4}")
[dictionaries.shares]
values = $(toml_list "${shares[@]:0:4}")
[dictionaries.shares_to_delete]
values = $(toml_list "${shares[@]:4}")
[dictionaries.connections]
values = ["$connection"]
[dictionaries.connections_to_delete]
values = ["$doomed"]
[dictionaries.invitations]
values = ["$invitation"]
[dictionaries.keypairs]
values = ["$keypairs"]
[dictionaries.deks]
values = $(toml_list $deks)
TOML
bind() { # bind METHOD-REGEX PATH DICTIONARY
  printf '[[operations]]\ninclude-name-regex = "^(%s) %s$"\nparameters = { "path.id" = { dictionary = "%s", probability = 0.5 } }\n' \
    "$1" "$(sed 's/[{}]/\\\\&/g' <<<"$2")" "$3" >> "$dir/schemathesis.toml"
}
bind 'GET|PUT' '/v1/items/{id}' items
bind DELETE '/v1/items/{id}' items_to_delete
bind 'GET|PUT' '/v1/shares/{id}' shares
bind PUT '/v1/shares/{id}/accept' shares
bind DELETE '/v1/shares/{id}' shares_to_delete
bind GET '/v1/connections/{id}' connections
bind DELETE '/v1/connections/{id}' connections_to_delete
bind DELETE '/v1/invitations/{id}' invitations
bind GET '/v1/keystore/keypairs/{id}' keypairs
bind GET '/v1/keystore/deks/{id}' deks

status=0
# From the scratch directory, so schemathesis's replay cache (.schemathesis/) stays out of the
# repository and every run starts fresh.
cd "$dir"
"$st" --config-file "$dir/schemathesis.toml" run "$url/v1/openapi.json" \
  --exclude-name 'DELETE /v1/sessions/current' --exclude-name 'PUT /v1/keystore/kek' \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
  --max-examples 40 --seed 1 --no-color --workers 1 \
  --report json,har --report-json-path "$dir/report.json" --report-har-path "$dir/run.har" || status=$?
"$py" - "$dir/report.json" "$dir/run.har" "${items[0]}" "${shares[0]}" "$connection" "$keypairs" <<'PY' || status=1
import json, sys
report, har = (json.load(open(p)) for p in sys.argv[1:3])
cases, ops = report["test_cases"], report["operations"]
print(f"schemathesis: {ops['tested']} of {ops['total']} operations tested, "
      f"{cases['generated']} test cases, {cases['with_failures']} with failures "
      f"({cases['unique_failures']} unique), {cases['errored']} errored")
# The seeding is a claim too: each kind of seeded id must have been answered 200 at least once.
seen = {(e["request"]["method"], e["request"]["url"].split("?")[0].rsplit("/", 1)[-1], e["response"]["status"])
        for e in har["log"]["entries"]}
missing = [i for i in sys.argv[3:] if ("GET", i, 200) not in seen]
print(f"schemathesis: seeded ids answered 200: {len(sys.argv[3:]) - len(missing)} of {len(sys.argv[3:])}")
if missing or cases["with_failures"] or cases["errored"] or not cases["generated"]:
    sys.exit(f"schemathesis: failed (ids never found: {missing})")
PY
exit $status

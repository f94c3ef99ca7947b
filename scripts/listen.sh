#!/usr/bin/env bash
# Sourced helper: start servers that print "… listening on http://ADDR" and stop them on exit.
#   start_listening NAME CMD...   runs CMD in the background (output in $LISTEN_DIR/NAME.out,
#                                 .err), waits for its URL, sets LISTEN_URL
# Everything started is killed, and $LISTEN_DIR removed, when the sourcing script exits.
LISTEN_DIR=$(mktemp -d)
LISTEN_PIDS=()
stop_listening() {
  for pid in "${LISTEN_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$LISTEN_DIR"
}
trap stop_listening EXIT

start_listening() {
  local name=$1; shift
  "$@" > "$LISTEN_DIR/$name.out" 2> "$LISTEN_DIR/$name.err" &
  LISTEN_PIDS+=($!)
  LISTEN_URL=
  for _ in $(seq 100); do
    LISTEN_URL=$(grep -o 'http://[0-9.:]*' "$LISTEN_DIR/$name.out" 2>/dev/null | head -1) || true
    [[ -n "$LISTEN_URL" ]] && return
    sleep 0.1
  done
  echo "$name did not start:" >&2
  cat "$LISTEN_DIR/$name.err" >&2
  exit 1
}

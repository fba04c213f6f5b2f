#!/usr/bin/env bash
# starts a stock openpi-protocol server and the K-sampling shim on loopback, runs
# bench_remote against both, stops them. usage: tools/bench/bench_remote.sh BUILD_DIR [calls]
set -eu
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
# a replay file of zero actions for the stock server; the shim serves the same actions
/usr/bin/python3 -c 'import json; print(json.dumps({"actions": [[0.0] * 7] * 400}))' >"$tmp/rec.jsonl"
/usr/bin/python3 "$src/tests/py/openpi_server.py" --replay "$tmp/rec.jsonl" >"$tmp/p1" &
pids="$pids $!"
/usr/bin/python3 "$src/tools/serve/bokbo_shim.py" --policy "$src/tests/py/shim_policy.py:make" \
  --arg "$tmp/rec.jsonl" --host 127.0.0.1 --port 0 >"$tmp/p2" &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$tmp/p1" ] && [ -s "$tmp/p2" ] && break; sleep 0.1; done
"$build/bench_remote" "ws://127.0.0.1:$(head -1 "$tmp/p1")" "ws://127.0.0.1:$(head -1 "$tmp/p2")" "${2:-200}"

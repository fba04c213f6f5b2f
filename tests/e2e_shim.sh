#!/usr/bin/env bash
# K candidates from a remote policy: perturbing the server's chunk (one call), --sampling
# repeat (K calls to a stock server, one call to tools/serve/bokbo_shim.py), temperature
# only with a server whose metadata says it samples (else exit 2).
# usage: e2e_shim.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
SRC=$2
. "$2/tests/lib/e2e.sh"
# start_server SCRIPT ARGS...; sets $port
. "$2/tests/lib/server.sh"
run() { "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi --open-loop 5 \
  --max-steps 15 --threads 1 --quiet "$@"; }
# calls NAME FILE K CALLS [MIN_DISAGREEMENT]: every decision has K candidates from CALLS calls
calls() {
  "$PY" - "$2" "$3" "$4" "${5:-}" <<'PYEOF' && ok "$1" || bad "$1"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
for r in rs:
    assert r["error"] == "" and r["decisions"], r["error"]
    for d in r["decisions"]:
        assert d["k"] == int(sys.argv[2]) and d["calls"] == int(sys.argv[3]), (d["k"], d["calls"])
        if sys.argv[4]:
            assert min(d["cand"]["disagreement"]) > float(sys.argv[4]), d["cand"]["disagreement"]
PYEOF
}

check inproc 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --log-actions --quiet \
  --threads 1 --out "$tmp/inproc"

# a stock openpi server: perturb = 1 call; repeat = K calls; no temperature
start_server "$SRC/tests/py/openpi_server.py" --replay "$tmp/inproc/episodes.jsonl"
check stock_perturb 0 run --server "ws://127.0.0.1:$port" --sampling perturb:sigma=0.1 --k 4 \
  --scorer disagreement --out "$tmp/perturb"
calls perturb_one_call "$tmp/perturb/episodes.jsonl" 4 1
check stock_repeat 0 run --server "ws://127.0.0.1:$port" --sampling repeat --k 3 --out "$tmp/repeat"
calls repeat_k_calls "$tmp/repeat/episodes.jsonl" 3 3
expect_in repeat_recorded "$tmp/repeat/episodes.jsonl" '"sampling":"repeat"'
check stock_temperature 2 run --server "ws://127.0.0.1:$port" --sampling temperature:T=1 --k 2 --out "$tmp/t0"
expect_in stock_temperature_msg "$tmp/err" 'does not sample at a temperature'
stop_server

# the shim: K samples in one call, at a temperature
start_server "$SRC/tools/serve/bokbo_shim.py" --policy "$SRC/tests/py/shim_policy.py:make" \
  --arg "$tmp/inproc/episodes.jsonl" --host 127.0.0.1 --port 0
check shim_repeat 0 run --server "ws://127.0.0.1:$port" --sampling repeat --k 4 --scorer disagreement \
  --out "$tmp/shim"
calls shim_one_call "$tmp/shim/episodes.jsonl" 4 1 0
check shim_temperature 0 run --server "ws://127.0.0.1:$port" --sampling temperature:T=0.5,3 --k 4 \
  --scorer disagreement --out "$tmp/shimt"
calls shim_temperature_one_call "$tmp/shimt/episodes.jsonl" 4 1 0
"$PY" - "$tmp/shimt/episodes.jsonl" <<'PYEOF' && ok temperature_spreads || bad temperature_spreads
import json, sys
import numpy as np
dis = {}
for r in map(json.loads, open(sys.argv[1])):
    dis.setdefault(r["value"], []).extend(np.mean(d["cand"]["disagreement"]) for d in r["decisions"])
lo, hi = np.mean(dis[0.5]), np.mean(dis[3])
assert hi > 3 * lo, (lo, hi)
PYEOF
stop_server

# the OFT deploy server has no sampling API
check oft_temperature 2 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy oft \
  --server http://127.0.0.1:9 --sampling temperature:T=1 --out "$tmp/x"
expect_in oft_temperature_msg "$tmp/err" 'no sampling API'
check server_needs_remote 2 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy expert \
  --server ws://127.0.0.1:9 --out "$tmp/x"
expect_in server_needs_remote_msg "$tmp/err" 'is for the remote policies'
finish

#!/usr/bin/env bash
# the OFT and OpenVLA clients against a real deploy-protocol server on loopback
# (tests/py/oft_server.py, http.server + json_numpy arrays): a remote episode replaying the
# in-process expert's actions through OFT's gripper post-processing succeeds in the same
# number of steps; faults give records with the reason and retries.
# usage: e2e_oft.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
SRC=$2
. "$2/tests/lib/e2e.sh"
. "$2/tests/lib/server.sh"
# start_server ARGS...: a server replaying $tmp/inproc; sets $port
server_cmd=("$SRC/tests/py/oft_server.py" --replay "$tmp/inproc/episodes.jsonl")

check inproc 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --log-actions --quiet \
  --threads 1 --out "$tmp/inproc"

start_server --dump "$tmp/req.npz" --expect-key k3y0ft
check oft 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy oft \
  --server "http://k3y0ft@127.0.0.1:$port" --threads 1 --quiet --out "$tmp/oft"
stop_server
"$PY" - "$tmp/inproc/episodes.jsonl" "$tmp/oft/episodes.jsonl" "$tmp/req.npz" <<'PYEOF' \
  && ok oft_matches_inprocess || bad oft_matches_inprocess
import json, sys
import numpy as np
a = json.loads(open(sys.argv[1]).readline())
b = json.loads(open(sys.argv[2]).readline())
assert a["success"] and b["success"], b["error"]
assert a["steps"] == b["steps"], (a["steps"], b["steps"])
assert all(d["calls"] == 1 for d in b["decisions"]) and b["attempts"] == 1
z = np.load(sys.argv[3])
assert list(z["keys"]) == ["full_image", "instruction", "state", "wrist_image"], z["keys"]
for k in ("image", "wrist"):
    assert z[k].shape == (224, 224, 3) and z[k].dtype == np.uint8 and z[k].std() > 10
s = z["state"]
assert s.dtype == np.float64 and abs(s[3] - 3.14) < 0.05 and abs(s[5] + 0.09) < 0.05, s
PYEOF
if grep -rq k3y0ft "$tmp/oft" "$tmp/err" "$tmp/out"; then bad key_never_written; else ok key_never_written; fi
# a wrong key: the server's 401 is the episode's error
start_server --expect-key k3y0ft
check wrong_key 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy oft --retries 0 \
  --server "http://nokey@127.0.0.1:$port" --max-steps 8 --threads 1 --quiet --out "$tmp/nokey"
stop_server
expect_in wrong_key_record "$tmp/nokey/episodes.jsonl" '"error":"policy: server answered HTTP 401"'


# gripper=raw: the server's value goes through untouched
start_server --raw-gripper
check oft_raw 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy oft \
  --server "http://127.0.0.1:$port" --policy-opt gripper=raw --threads 1 --quiet --out "$tmp/raw"
stop_server
"$PY" -c 'import json,sys
a, b = (json.loads(open(p).readline()) for p in sys.argv[1:])
assert b["success"] and a["steps"] == b["steps"], (b["steps"], b["error"])' \
  "$tmp/inproc/episodes.jsonl" "$tmp/raw/episodes.jsonl" && ok raw_gripper || bad raw_gripper

# openvla: one action a call
start_server --mode openvla --horizon 1
check openvla 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openvla \
  --server "http://127.0.0.1:$port" --chunk 1 --max-steps 12 --threads 1 --quiet --out "$tmp/ovla"
stop_server
"$PY" -c 'import json,sys
r = json.loads(open(sys.argv[1]).readline())
assert r["error"] == "" and r["steps"] == 12 and len(r["decisions"]) == 12, r["error"]' \
  "$tmp/ovla/episodes.jsonl" && ok openvla_single_actions || bad openvla_single_actions

fault() {
  local name=$1 attempts=$2 want=$3
  shift 3
  start_server "$@"
  check "fault_$name" 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0-1 --policy oft \
    --server "http://127.0.0.1:$port" --max-steps 24 --timeout 3 --threads 1 --quiet --out "$tmp/$name"
  stop_server
  "$PY" - "$tmp/$name/episodes.jsonl" "$attempts" "$want" <<'PYEOF' && ok "records_$name" || bad "records_$name"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 2
r = recs[0]
lo, _, hi = sys.argv[2].partition("-")  # "2" or "2-3"
assert int(lo) <= r["attempts"] <= int(hi or lo), (r["attempts"], r["error"])
if sys.argv[3]:
    assert re.search(sys.argv[3], r["error"]) and not r["success"], r["error"]
else:
    assert r["error"] == "" and r["steps"] == 24, r["error"]
PYEOF
}
fault error 3 '^policy: server error: "error"$' --fault error --fault-at 1
fault error_once 2 "" --fault error --fault-at 1 --fault-times 1
fault garbage 3 "not JSON" --fault garbage --fault-at 1
fault nan 3 "action 0, dimension 0 is not finite" --fault nan --fault-at 2
fault shape 3 "shape \\(6\\), expected 7" --fault shape --fault-at 0
fault delay_once 2-3 "" --fault delay --delay 4.5 --fault-at 1 --fault-times 1

check refused 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy oft \
  --server http://127.0.0.1:9 --retries 1 --quiet --threads 1 --out "$tmp/refused"
expect_in refused_record "$tmp/refused/episodes.jsonl" '"error":"policy: 127.0.0.1:9: Couldn.t connect to server"'
expect_in refused_attempts "$tmp/refused/episodes.jsonl" '"attempts":2'
finish

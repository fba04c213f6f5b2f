#!/usr/bin/env bash
# the openpi client against a real openpi-protocol server on loopback (tests/py/
# openpi_server.py: websockets + msgpack): a remote episode that replays the in-process
# expert's actions succeeds in the same number of steps; every fault gives a record with
# the reason, the configured retries, and a run that completes; a server key is never
# written. usage: e2e_openpi.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
SRC=$2
. "$2/tests/lib/e2e.sh"
. "$2/tests/lib/server.sh"

# start_server ARGS...: a server replaying $tmp/inproc; sets $port
server_cmd=("$SRC/tests/py/openpi_server.py" --replay "$tmp/inproc/episodes.jsonl")

# the in-process expert, its executed actions kept
check inproc 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --log-actions --quiet \
  --threads 1 --out "$tmp/inproc"

# the same episode through the server, 5 of each 10-action chunk executed (openpi's LIBERO
# client), with a key in the address
start_server --dump "$tmp/obs.npz" --expect-key sekritkey42
check remote 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi \
  --server "ws://sekritkey42@127.0.0.1:$port" --open-loop 5 --threads 1 --out "$tmp/remote"
stop_server
"$PY" - "$tmp/inproc/episodes.jsonl" "$tmp/remote/episodes.jsonl" "$tmp/obs.npz" <<'PYEOF' \
  && ok remote_matches_inprocess || bad remote_matches_inprocess
import json, sys
import numpy as np
a = json.loads(open(sys.argv[1]).readline())
b = json.loads(open(sys.argv[2]).readline())
assert a["success"] and b["success"], (a["success"], b["success"], b["error"])
assert a["steps"] == b["steps"], (a["steps"], b["steps"])
assert b["attempts"] == 1 and b["error"] == ""
# one call per decision, 5 actions each (the last may be cut by success)
assert all(d["calls"] == 1 and d["infer_ms"] >= 0 for d in b["decisions"])
assert [d["chunk"] for d in b["decisions"][:-1]] == [5] * (len(b["decisions"]) - 1)
# what the server got: openpi's LIBERO observation
z = np.load(sys.argv[3])
assert sorted(z["keys"]) == ["observation/image", "observation/state", "observation/wrist_image", "prompt"]
for k in ("image", "wrist"):
    assert z[k].shape == (224, 224, 3) and z[k].dtype == np.uint8 and z[k].std() > 10, k
assert np.abs(z["image"].astype(int) - z["wrist"].astype(int)).mean() > 10
s = z["state"]
assert s.dtype == np.float64 and s.shape == (8,)
# the hand's axis-angle at LIBERO's init pose is about (3.14, 0, -0.09)
assert abs(s[3] - 3.14) < 0.05 and abs(s[4]) < 0.05 and abs(s[5] + 0.09) < 0.05, s
assert str(z["prompt"]) == "pick up the alphabet soup and place it in the basket", z["prompt"]
PYEOF
if grep -rq sekritkey42 "$tmp/remote" "$tmp/err" "$tmp/out"; then bad key_never_written; else ok key_never_written; fi
expect_in key_redacted "$tmp/remote/run.json" 'ws://se\*\*\*@127.0.0.1'

# the key travels as Authorization: Api-Key; a wrong one is refused at the handshake
start_server --expect-key sekritkey42
check wrong_key 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi --retries 0 \
  --server "ws://nokey@127.0.0.1:$port" --max-steps 8 --threads 1 --quiet --out "$tmp/nokey"
stop_server
expect_in wrong_key_record "$tmp/nokey/episodes.jsonl" '"error":"policy reset: cannot connect to 127.0.0.1'

# Ctrl-C mid-run: what is written stays whole, --resume completes the run
start_server --slow 0.2
# (a background job of a script ignores SIGINT: restore the default as a terminal has it)
"$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
  "$BOKBO" run --suite libero_object --tasks 0 --inits 0-5 --policy openpi --server "ws://127.0.0.1:$port" \
  --open-loop 5 --max-steps 10 --threads 1 --quiet --out "$tmp/int" 2>"$tmp/int.err" &
run_pid=$!
for _ in $(seq 300); do [ -s "$tmp/int/episodes.jsonl" ] && break; sleep 0.1; done
kill -INT "$run_pid"
wait "$run_pid"
rc=$?
[ "$rc" -ne 0 ] && ok interrupted || bad "interrupted: exit $rc"
"$PY" -c 'import json,sys; rs=[json.loads(l) for l in open(sys.argv[1])]; assert 1 <= len(rs) < 6, len(rs)' \
  "$tmp/int/episodes.jsonl" && ok interrupted_records_whole || bad interrupted_records_whole
check resume 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0-5 --policy openpi \
  --server "ws://127.0.0.1:$port" --open-loop 5 --max-steps 10 --threads 1 --quiet --out "$tmp/int" --resume
stop_server
"$PY" -c 'import json,sys; rs=[json.loads(l) for l in open(sys.argv[1])]; assert sorted(r["init"] for r in rs) == list(range(6)) and all(r["error"] == "" for r in rs)' \
  "$tmp/int/episodes.jsonl" && ok resumed_all || bad resumed_all

# f4 actions decode too
start_server --dtype "<f4"
check remote_f4 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi \
  --server "ws://127.0.0.1:$port" --open-loop 5 --max-steps 20 --threads 1 --out "$tmp/f4"
stop_server
"$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); assert r["error"]=="" and r["steps"]==20, r["error"]' \
  "$tmp/f4/episodes.jsonl" && ok f4_actions || bad f4_actions

# fault NAME WANT_ATTEMPTS WANT_ERROR(regex, "" = none) SERVER_ARGS... : one short run of
# init 0 ($INITS=0-1: two episodes, the second must be recorded too)
fault() {
  local name=$1 attempts=$2 want=$3
  shift 3
  start_server "$@"
  check "fault_$name" 0 "$BOKBO" run --suite libero_object --tasks 0 --inits "${INITS:-0}" --policy openpi \
    --server "ws://127.0.0.1:$port" --open-loop 5 --max-steps 20 --timeout 3 --threads 1 \
    --quiet --out "$tmp/$name" ${EXTRA:-}
  stop_server
  "$PY" - "$tmp/$name/episodes.jsonl" "$attempts" "$want" "${INITS:-0}" <<'PYEOF' && ok "records_$name" || bad "records_$name"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == (2 if "-" in sys.argv[4] else 1), len(recs)
r = recs[0]
lo, _, hi = sys.argv[2].partition("-")  # "2" or "2-3"
assert int(lo) <= r["attempts"] <= int(hi or lo), (r["attempts"], r["error"])
if sys.argv[3]:
    assert re.search(sys.argv[3], r["error"]), r["error"]
    assert not r["success"]
else:
    assert r["error"] == "" and r["steps"] == 20, r["error"]
PYEOF
}
INITS=0-1 fault error 3 "^policy: server error: RuntimeError: model exploded at decision 2$" --fault error --fault-at 2
fault error_once 2 "" --fault error --fault-at 2 --fault-times 1
fault drop_once 2 "" --fault drop --fault-at 1 --fault-times 1
fault drop 3 "closed the connection" --fault drop --fault-at 1
# (a blocked server may also refuse the first reconnection: 2 or 3 tries)
fault delay_once 2-3 "" --fault delay --delay 4.5 --fault-at 1 --fault-times 1
fault garbage 3 "not one msgpack message" --fault garbage --fault-at 1
fault nan 3 "action 1, dimension 2 is not finite" --fault nan --fault-at 1
fault shape 3 "shape \\(10, 6\\)" --fault shape --fault-at 0
fault strkeys 3 "keys are str" --fault strkeys --fault-at 0
EXTRA="--retries 0" fault retries_zero 1 "model exploded" --fault error --fault-at 0 --fault-times 1
# the server process ends mid-episode: retries are refused, the next episode too, the run
# still completes
INITS=0-1 fault exit 3 "cannot connect|no policy server" --fault exit --fault-at 1

# nobody listening: a clear error after the bounded wait, in every record
check refused 0 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi \
  --server ws://127.0.0.1:9 --policy-opt wait=1 --retries 0 --quiet --threads 1 --out "$tmp/refused"
expect_in refused_record "$tmp/refused/episodes.jsonl" '"error":"policy reset: no policy server at 127.0.0.1:9 after 1 s'

# bad usage
check no_server 2 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi --out "$tmp/x"
expect_in no_server_msg "$tmp/err" "needs --server ws://host:port"
check wrong_scheme 2 "$BOKBO" run --suite libero_object --tasks 0 --inits 0 --policy openpi \
  --server http://127.0.0.1:8000 --out "$tmp/x"
finish

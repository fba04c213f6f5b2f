#!/usr/bin/env bash
# online abstention (`bokbo run --abstain tau.json`) gives the same numbers as offline
# abstention computed from the full logs at the same tau.
# usage: e2e_abstain.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

common="--suite libero_object --tasks 0,3 --quiet"

"$BOKBO" run $common --policy expert --inits 0-2 --out "$tmp/e" && ok expert || bad expert
"$BOKBO" thresholds --run "$tmp/e" --out "$tmp/thr.json" >/dev/null && ok thresholds || bad thresholds
sim="$common --policy simvla --inits 0-7 --max-steps 140 --sampling perturb:sigma=0.1 --k 4 --scorer disagreement --thresholds $tmp/thr.json"
"$BOKBO" run $sim --out "$tmp/full" && ok full_run || bad full_run
"$BOKBO" calibrate --run "$tmp/full" --epsilon 0.15 --out "$tmp/tau.json" >/dev/null && ok calibrate || bad calibrate
"$BOKBO" run $sim --abstain "$tmp/tau.json" --out "$tmp/online" && ok online_run || bad online_run
"$BOKBO" run $sim --abstain "$tmp/nope.json" --out "$tmp/x" 2>/dev/null
[ $? -eq 2 ] && ok missing_tau_file || bad missing_tau_file
sed 's/"tau":[^,]*/"tau":"nan"/' "$tmp/tau.json" > "$tmp/nan.json"
"$BOKBO" run $sim --abstain "$tmp/nan.json" --out "$tmp/x" 2>/dev/null
[ $? -eq 2 ] && [ ! -e "$tmp/x" ] && ok nan_tau_refused || bad nan_tau_refused

"$PY" - "$tmp" <<'PYEOF' && ok online_equals_offline || bad online_equals_offline
import json, sys
tmp = sys.argv[1]
tau = float(json.load(open(tmp + "/tau.json"))["groups"][0]["tau"])
key = lambda r: (r["task"], r["init"], r["seed"])
full = {key(r): r for r in map(json.loads, open(tmp + "/full/episodes.jsonl"))}
online = {key(r): r for r in map(json.loads, open(tmp + "/online/episodes.jsonl"))}
assert full.keys() == online.keys()
def risk(d):
    return float("inf") if d["s"] is None else d["s"]
off = dict(cov=0, net=0, ex=0, viol=0)
on = dict(cov=0, net=0, ex=0, viol=0)
for k, r in full.items():
    # offline: execute while s <= tau; the first s > tau ends the episode
    stopped = False
    for d in r["decisions"]:
        if risk(d) > tau:
            stopped = True
            break
        off["ex"] += 1
        off["viol"] += d["violation"]["expert"]
    off["cov"] += not stopped
    off["net"] += (not stopped) and r["success"]
    o = online[k]
    ex = [d for d in o["decisions"] if not d["abstain"]]
    assert o["abstained"] == stopped, k
    assert [d["s"] for d in ex] == [d["s"] for d in r["decisions"][:len(ex)]], k
    on["cov"] += not o["abstained"]
    on["net"] += (not o["abstained"]) and o["success"]
    on["ex"] += len(ex)
    on["viol"] += sum(d["violation"]["expert"] for d in ex)
print("tau", tau, "offline", off, "online", on)
assert off == on, (off, on)
assert 0 < on["cov"] < len(full), "the test needs some episodes to abstain and some not"
PYEOF

finish

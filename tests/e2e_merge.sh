#!/usr/bin/env bash
# shards: `run --shard I/N` parts joined by `merge` equal an unsharded run, byte for byte
# after sorting; a missing or doubled part is refused. usage: e2e_merge.sh BOKBO SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

common="--suite libero_spatial --policy simvla --tasks 0,4 --inits 0-2 --max-steps 16 --k 2 --sampling perturb:sigma=0.05,0.2 --scorer disagreement --quiet"

mkdir -p "$tmp/a" "$tmp/b" "$tmp/c"
"$BOKBO" run $common --threads 2 --out "$tmp/a/full" && ok unsharded || bad unsharded
for i in 0 1 2; do
  "$BOKBO" run $common --threads 1 --shard $i/3 --out "$tmp/b/part$i" || bad "shard $i"
done
n=$(cat "$tmp"/b/part*/episodes.jsonl | wc -l)
[ "$n" -eq 12 ] && ok shards_cover_the_run || bad "shards_cover_the_run ($n)"
[ "$(wc -l < "$tmp/b/part0/episodes.jsonl")" -eq 4 ] && ok shard_sizes || bad shard_sizes
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/part1 "$tmp"/b/part2 --out "$tmp/c/full" && ok merge || bad merge
if cmp -s <(sort "$tmp/a/full/episodes.jsonl") <(sort "$tmp/c/full/episodes.jsonl"); then
  ok merged_equals_unsharded
else
  bad merged_equals_unsharded
fi
# a line in another key order than the writer's ("run" last) is read and written again
"$PY" - "$tmp/b/part1/episodes.jsonl" <<'PYEOF' || bad reorder_a_line
import json, sys
lines = open(sys.argv[1]).read().splitlines()
r = json.loads(lines[0])
r["run"] = r.pop("run")
lines[0] = json.dumps(r, separators=(",", ":"))
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PYEOF
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/part1 "$tmp"/b/part2 --out "$tmp/d/e/full" 2>/dev/null \
  && cmp -s <(sort "$tmp/a/full/episodes.jsonl") <(sort "$tmp/d/e/full/episodes.jsonl") \
  && ok other_key_order_rewritten || bad other_key_order_rewritten
# an incomplete set of parts is a failed run (exit 1), listed; nothing written
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/part1 --out "$tmp/c/missing" 2>"$tmp/missing.err"
[ $? -eq 1 ] && [ ! -e "$tmp/c/missing/episodes.jsonl" ] && grep -q "missing (task" "$tmp/missing.err" \
  && ok missing_part_refused || bad missing_part_refused
# an episode recorded twice (a record line repeated inside a part): exit 1, named
cp -r "$tmp/b/part1" "$tmp/b/dup1"
head -1 "$tmp/b/part1/episodes.jsonl" >> "$tmp/b/dup1/episodes.jsonl"
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/dup1 "$tmp"/b/part2 --out "$tmp/c/dup" 2>"$tmp/dup.err"
[ $? -eq 1 ] && [ ! -e "$tmp/c/dup/episodes.jsonl" ] && grep -q "appears twice" "$tmp/dup.err" \
  && ok doubled_episode_refused || bad doubled_episode_refused
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/part0 "$tmp"/b/part1 "$tmp"/b/part2 --out "$tmp/c/twice" 2>/dev/null
[ $? -eq 2 ] && ok doubled_part_refused || bad doubled_part_refused
"$BOKBO" run $common --k 3 --shard 1/3 --out "$tmp/b/other" >/dev/null 2>&1
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/other "$tmp"/b/part2 --out "$tmp/c/mixed" 2>/dev/null
[ $? -eq 2 ] && ok different_settings_refused || bad different_settings_refused
# shards planned from costs measured on an earlier run (tools/shard_costs.py: mean control
# steps per task of its records); the parts merge to the unsharded run
"$PY" "$2/tools/shard_costs.py" "$tmp/a/full" >"$tmp/costs.json" && ok shard_costs_script || bad shard_costs_script
"$PY" - "$tmp/a/full/episodes.jsonl" "$tmp/costs.json" <<'PYEOF' && ok shard_costs_are_mean_steps || bad shard_costs_are_mean_steps
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
costs = json.load(open(sys.argv[2]))["tasks"]
for t in (0, 4):
    steps = [r["steps"] for r in recs if r["task"] == t]
    assert abs(costs[str(t)] - sum(steps) / len(steps)) < 1e-9, (t, costs)
assert set(costs) == {"0", "4"}, costs
PYEOF
for i in 0 1 2; do
  "$BOKBO" run $common --threads 1 --shard $i/3 --shard-costs "$tmp/costs.json" --out "$tmp/s/part$i" || bad "costs shard $i"
done
"$BOKBO" merge "$tmp"/s/part0 "$tmp"/s/part1 "$tmp"/s/part2 --out "$tmp/s/full" 2>/dev/null \
  && cmp -s <(sort "$tmp/a/full/episodes.jsonl") <(sort "$tmp/s/full/episodes.jsonl") \
  && ok costs_shards_merge_to_unsharded || bad costs_shards_merge_to_unsharded
check costs_need_shards 2 "$BOKBO" run $common --shard-costs "$tmp/costs.json" --out "$tmp/s/x"
printf '{"tasks": {"0": 5}}' >"$tmp/costs0.json"
check costs_cover_every_task 2 "$BOKBO" run $common --shard 0/3 --shard-costs "$tmp/costs0.json" --out "$tmp/s/x"
expect_in costs_name_the_task "$tmp/err" "no cost for task 4"
# other costs, another plan: a part made with them is refused by merge and by --resume
printf '{"tasks": {"0": 5, "4": 50}}' >"$tmp/other.json"
"$BOKBO" run $common --threads 1 --shard 1/3 --shard-costs "$tmp/other.json" --out "$tmp/s/other" || bad other_costs_part
check other_plan_refused 2 "$BOKBO" merge "$tmp"/s/part0 "$tmp"/s/other "$tmp"/s/part2 --out "$tmp/s/mixed"
expect_in other_plan_named "$tmp/err" "shard_costs"
check resume_other_costs_refused 2 "$BOKBO" run $common --shard 0/3 --shard-costs "$tmp/other.json" --resume \
  --out "$tmp/s/part0"
expect_in resume_names_costs "$tmp/err" "--shard-costs"
"$BOKBO" run $common --shard 3/3 --out "$tmp/b/bad" 2>/dev/null
[ $? -eq 2 ] && ok bad_shard_refused || bad bad_shard_refused

finish

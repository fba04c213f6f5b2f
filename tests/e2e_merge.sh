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
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/part1 --out "$tmp/c/missing" 2>/dev/null
[ $? -eq 2 ] && [ ! -e "$tmp/c/missing/episodes.jsonl" ] && ok missing_part_refused || bad missing_part_refused
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/part0 "$tmp"/b/part1 "$tmp"/b/part2 --out "$tmp/c/twice" 2>/dev/null
[ $? -eq 2 ] && ok doubled_part_refused || bad doubled_part_refused
"$BOKBO" run $common --k 3 --shard 1/3 --out "$tmp/b/other" >/dev/null 2>&1
"$BOKBO" merge "$tmp"/b/part0 "$tmp"/b/other "$tmp"/b/part2 --out "$tmp/c/mixed" 2>/dev/null
[ $? -eq 2 ] && ok different_settings_refused || bad different_settings_refused
"$BOKBO" run $common --shard 3/3 --out "$tmp/b/bad" 2>/dev/null
[ $? -eq 2 ] && ok bad_shard_refused || bad bad_shard_refused

finish

#!/usr/bin/env bash
# --resume compares the contents of --thresholds (not its path) and the episode lists;
# --extend grows the lists (run.json replaced, only missing episodes run) and an extended
# run merges like a run made whole at once; merge creates --out's parents.
# usage: e2e_resume.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

small="--suite libero_object --tasks 0 --max-steps 12 --threads 1 --quiet"
sums() { md5sum "$tmp/r/episodes.jsonl" "$tmp/r/run.json"; }

# thresholds from a tiny expert run, and the same bytes under another path
check expert 0 "$BOKBO" run $small --inits 0 --global-threshold 25 --out "$tmp/expert"
check thresholds 0 "$BOKBO" thresholds --run "$tmp/expert" --quantile 0.9 --floor 0 --out "$tmp/thr.json"
mkdir "$tmp/elsewhere" && cp "$tmp/thr.json" "$tmp/elsewhere/copy.json"
check start 0 "$BOKBO" run $small --inits 0-1 --thresholds "$tmp/thr.json" --out "$tmp/r"
"$PY" - "$tmp/r/run.json" "$tmp/thr.json" <<'PYEOF' && ok run_json_holds_fnv1a64 || bad run_json_holds_fnv1a64
import json, sys
h = 0xcbf29ce484222325
for b in open(sys.argv[2], "rb").read():
    h = ((h ^ b) * 0x100000001b3) % 2**64
cfg = json.load(open(sys.argv[1]))
assert cfg["thresholds_fnv1a64"] == "%016x" % h, (cfg["thresholds_fnv1a64"], "%016x" % h)
assert cfg["abstain_fnv1a64"] == "" and cfg["predictor_fnv1a64"] == ""
PYEOF
before=$(sums)

# the same contents under another path: accepted
check same_contents_other_path 0 "$BOKBO" run $small --inits 0-1 --thresholds "$tmp/elsewhere/copy.json" \
  --resume --out "$tmp/r"
# other contents (valid JSON, one more space) or no thresholds: refused, naming option and file
sed -i 's/{/{ /' "$tmp/elsewhere/copy.json"
check changed_contents_refused 2 "$BOKBO" run $small --inits 0-1 --thresholds "$tmp/elsewhere/copy.json" \
  --resume --out "$tmp/r"
expect_in changed_names_option "$tmp/err" "--thresholds $tmp/elsewhere/copy.json: its contents differ"
check thresholds_left_out_refused 2 "$BOKBO" run $small --inits 0-1 --resume --out "$tmp/r"
expect_in left_out_names_option "$tmp/err" "started with --thresholds"

# other episode lists: refused without --extend
check other_inits_refused 2 "$BOKBO" run $small --inits 0-2 --thresholds "$tmp/thr.json" --resume --out "$tmp/r"
expect_in other_inits_names_option "$tmp/err" "--inits differs"
expect_in other_inits_says_extend "$tmp/err" "--extend"
[ "$before" = "$(sums)" ] && ok refusals_change_nothing || bad refusals_change_nothing

# --extend: run.json takes the larger list, only the new episode runs
started=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["started"])' "$tmp/r/run.json")
check extend 0 "$BOKBO" run $small --inits 0-2 --thresholds "$tmp/thr.json" --extend --out "$tmp/r"
"$PY" - "$tmp/r" "$started" <<'PYEOF' && ok extend_updates_run_json || bad extend_updates_run_json
import json, sys
cfg = json.load(open(sys.argv[1] + "/run.json"))
assert cfg["inits"] == [0, 1, 2] and cfg["started"] == sys.argv[2], cfg
keys = sorted((r["task"], r["init"]) for r in map(json.loads, open(sys.argv[1] + "/episodes.jsonl")))
assert keys == [(0, 0), (0, 1), (0, 2)], keys
PYEOF
check resume_after_extend 0 "$BOKBO" run $small --inits 0-2 --thresholds "$tmp/thr.json" --resume --out "$tmp/r"
check extend_cannot_shrink 2 "$BOKBO" run $small --inits 1-3 --thresholds "$tmp/thr.json" --extend --out "$tmp/r"
expect_in shrink_names_init "$tmp/err" "drops init 0"

# the extended run merges (into a folder not there yet, parents included) to exactly the
# records of a run made with the whole list at once
check whole 0 "$BOKBO" run $small --inits 0-2 --thresholds "$tmp/thr.json" --out "$tmp/a/run"
check merge_extended 0 "$BOKBO" merge "$tmp/r" --out "$tmp/new/deeper/run"
cmp -s <(sort "$tmp/a/run/episodes.jsonl") <(sort "$tmp/new/deeper/run/episodes.jsonl") \
  && ok extended_equals_whole || bad extended_equals_whole
check merge_unwritable 2 "$BOKBO" merge "$tmp/r" --out /proc/bokbo/run
expect_in merge_unwritable_names_path "$tmp/err" "/proc/bokbo"

# a shard of a sharded run is not extended (the plan depends on every episode)
check shard 0 "$BOKBO" run $small --inits 0-1 --shard 0/2 --out "$tmp/p0"
check shard_extend_refused 2 "$BOKBO" run $small --inits 0-2 --shard 0/2 --extend --out "$tmp/p0"
expect_in shard_extend_message "$tmp/err" "sharded run"

finish

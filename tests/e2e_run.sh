#!/usr/bin/env bash
# end-to-end checks of `bokbo run` and `bokbo thresholds`: records, bad input, resume.
# usage: e2e_run.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

run_small() {  # a short expert run of 2 tasks x 2 inits
  "$BOKBO" run --suite libero_object --tasks 0,3 --inits 0-1 --max-steps 30 --quiet "$@"
}

check run_help 0 "$BOKBO" run --help
grep -q -- "--resume" "$tmp/out" && ok run_help_mentions_resume || bad run_help_mentions_resume
check run_small 0 run_small --out "$tmp/r" --threads 2 --global-threshold 25 --force-trace
"$PY" - "$tmp/r" <<'PYEOF' && ok records_are_complete || bad records_are_complete
import json, sys
run = sys.argv[1]
cfg = json.load(open(run + "/run.json"))
assert cfg["policy"] == "expert" and cfg["mujoco"] == 222 and cfg["bokbo"], cfg
lines = open(run + "/episodes.jsonl").read().splitlines()
assert len(lines) == 4, len(lines)
keys = {(r["task"], r["init"], r["seed"]) for r in map(json.loads, lines)}
assert keys == {(0, 0, 0), (0, 1, 0), (3, 0, 0), (3, 1, 0)}, keys
for r in map(json.loads, lines):
    for k in ["suite", "task", "init", "seed", "policy", "success", "steps", "error", "decisions"]:
        assert k in r, k
    assert sum(d["chunk"] for d in r["decisions"]) == r["steps"]
    for d in r["decisions"]:
        assert set(d["peak_force"]) == {"robot_object", "robot_fixture", "object_object"}
        assert d["violation"]["expert"] is None and d["violation"]["global"] in (True, False)
        peak = max(s[0] for s in d["step_force"])
        assert abs(peak - d["peak_force"]["robot_object"]) <= 1e-5 * max(1, peak)
        assert d["violation"]["global"] == any(v > 25 for s in d["step_force"] for v in s)
# the trace has one row per physics step and agrees with the per-step maxima
rows = open(run + "/force_trace.csv").read().splitlines()
assert rows[0].startswith("suite,task,init,seed,step,substep"), rows[0]
assert len(rows) - 1 == 25 * sum(json.loads(l)["steps"] for l in lines)
PYEOF

# bad input: exit 2, nothing written or changed
sum_before=$(md5sum "$tmp/r/episodes.jsonl" "$tmp/r/run.json")
check existing_dir_needs_resume 2 run_small --out "$tmp/r"
grep -q -- "--resume" "$tmp/err" && ok existing_dir_message || bad existing_dir_message
check unknown_policy 2 run_small --out "$tmp/r" --policy gpt
grep -q "valid: expert" "$tmp/err" && ok unknown_policy_lists_names || bad unknown_policy_lists_names
check inverted_range 2 "$BOKBO" run --suite libero_object --tasks 5-2 --out "$tmp/r2"
grep -q "inverted" "$tmp/err" && ok inverted_range_message || bad inverted_range_message
check init_out_of_range 2 "$BOKBO" run --suite libero_object --inits 0-50 --out "$tmp/r2"
check open_loop_above_chunk 2 "$BOKBO" run --suite libero_object --chunk 4 --open-loop 8 --out "$tmp/r2"
check unknown_suite 2 "$BOKBO" run --suite libero_goal --out "$tmp/r2"
check unwritable_out 2 "$BOKBO" run --suite libero_object --out /proc/bokbo/run
check missing_thresholds 2 run_small --out "$tmp/r2" --thresholds "$tmp/none.json"
[ ! -e "$tmp/r2" ] && ok bad_input_writes_nothing || bad bad_input_writes_nothing
[ "$sum_before" = "$(md5sum "$tmp/r/episodes.jsonl" "$tmp/r/run.json")" ] \
  && ok bad_input_keeps_records || bad bad_input_keeps_records
check resume_other_settings 2 run_small --out "$tmp/r" --resume --chunk 4 --open-loop 4

# resume refuses other episode lists; --extend adds only what is missing
check resume_more_inits 2 "$BOKBO" run --suite libero_object --tasks 0,3 --inits 0-2 --max-steps 30 --quiet \
  --global-threshold 25 --force-trace --out "$tmp/r" --resume
expect_in resume_more_inits_says_extend "$tmp/err" "--extend"
check extend 0 "$BOKBO" run --suite libero_object --tasks 0,3 --inits 0-2 --max-steps 30 --quiet \
  --global-threshold 25 --force-trace --out "$tmp/r" --extend
[ "$(wc -l < "$tmp/r/episodes.jsonl")" -eq 6 ] && ok extend_adds_two || bad extend_adds_two

# thresholds from the expert run, then a run judged by them
check thresholds 0 "$BOKBO" thresholds --run "$tmp/r" --quantile 0.9 --floor 0 --out "$tmp/thr.json"
"$PY" - "$tmp/r" "$tmp/thr.json" <<'PYEOF' && ok thresholds_match_numpy || bad thresholds_match_numpy
import json, sys
import numpy as np
recs = [json.loads(l) for l in open(sys.argv[1] + "/episodes.jsonl")]
thr = json.load(open(sys.argv[2]))
for task in (0, 3):
    steps = np.array([s for r in recs if r["task"] == task for d in r["decisions"] for s in d["step_force"]])
    want = np.quantile(steps, 0.9, axis=0)
    got = [thr["tasks"][str(task)][k] for k in ("robot_object", "robot_fixture", "object_object")]
    assert np.allclose(got, want, rtol=1e-5, atol=1e-6), (task, got, want)
PYEOF
check run_with_thresholds 0 run_small --out "$tmp/r3" --thresholds "$tmp/thr.json" --global-threshold 5
"$PY" - "$tmp/r3" "$tmp/thr.json" <<'PYEOF' && ok verdicts_follow_thresholds || bad verdicts_follow_thresholds
import json, sys
thr = json.load(open(sys.argv[2]))["tasks"]
names = ("robot_object", "robot_fixture", "object_object")
for r in map(json.loads, open(sys.argv[1] + "/episodes.jsonl")):
    t = thr[str(r["task"])]
    for d in r["decisions"]:
        assert d["violation"]["expert"] == any(d["peak_force"][k] > t[k] for k in names)
        assert d["violation"]["global"] == any(d["peak_force"][k] > 5 for k in names)
PYEOF
check thresholds_from_missing_run 2 "$BOKBO" thresholds --run "$tmp/nope" --out "$tmp/t2.json"

# options found wrong before anything is written
check bad_policy_opt 2 "$BOKBO" run --suite libero_object --policy simvla --policy-opt offst=0.1 --out "$tmp/bp"
[ ! -e "$tmp/bp" ] && ok bad_policy_opt_writes_nothing || bad bad_policy_opt_writes_nothing
check perturb_needs_k 2 "$BOKBO" run --suite libero_object --sampling perturb:sigma=0.1 --k 1 --out "$tmp/bp"
check confidence_needs_logprobs 2 "$BOKBO" run --suite libero_object --policy expert --scorer confidence --k 2 --out "$tmp/bp"
check short_chunk 0 "$BOKBO" run --suite libero_object --tasks 1 --inits 0 --chunk 4 --max-steps 8 --quiet --out "$tmp/chunk4"
grep -q '"open_loop":4' "$tmp/chunk4/episodes.jsonl" && ok open_loop_follows_chunk || bad open_loop_follows_chunk
check resume_without_trace 2 "$BOKBO" run --suite libero_object --tasks 0,3 --inits 0-2 --max-steps 30 --quiet \
  --global-threshold 25 --out "$tmp/r" --resume
printf '{"suite":"libero_object","tasks":{"abc":{"robot_object":1,"robot_fixture":1,"object_object":1}}}' > "$tmp/badthr.json"
check thresholds_bad_task_key 2 "$BOKBO" run --suite libero_object --tasks 0 --thresholds "$tmp/badthr.json" --out "$tmp/bp"

# a sweep value that 6 digits would round: resume still recognises its episodes
sv="--suite libero_object --policy simvla --tasks 0 --inits 0 --max-steps 8 --k 2 --quiet --out $tmp/sv"
check odd_value 0 "$BOKBO" run $sv --sampling perturb:sigma=0.0123456789,0.2
check odd_value_resume 0 "$BOKBO" run $sv --sampling perturb:sigma=0.0123456789,0.2 --resume
[ "$(wc -l < "$tmp/sv/episodes.jsonl")" -eq 2 ] && ok odd_value_not_rerun || bad odd_value_not_rerun

# videos and frames: one per episode, named by outcome, a frame every N steps
check frames 0 "$BOKBO" run --suite libero_object --tasks 2 --inits 0 --max-steps 20 --quiet \
  --out "$tmp/rv" --video "$tmp/frames" --frames --video-every 5
n=$(ls "$tmp"/frames/libero_object_task2_init0_seed0_*/frame_*.png 2>/dev/null | wc -l)
[ "$n" -eq 5 ] && ok frames_every_5_steps || bad "frames_every_5_steps ($n frames)"
[ -z "$(ls -A "$tmp/frames" | grep partial)" ] && ok no_partial_left || bad no_partial_left
check video_camera_unknown 2 "$BOKBO" run --suite libero_object --out "$tmp/rv2" --video "$tmp/v" --video-camera top

finish

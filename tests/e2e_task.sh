#!/usr/bin/env bash
# end-to-end checks of task files: 'bokbo task', and --task-file of run, scene and view.
# usage: e2e_task.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"
scenes="$2/scenes"
ketchup="$scenes/libero_object/pick_up_the_ketchup_and_place_it_in_the_basket.bddl"

# every built-in task file checks, one summary line each
check task_builtin 0 "$BOKBO" task "$scenes"/libero_object/*.bddl "$scenes"/libero_spatial/*.bddl
[ "$(grep -c ': ok: ' "$tmp/out")" -eq 20 ] && ok task_one_line_per_file || bad task_one_line_per_file
check task_help 0 "$BOKBO" task --help
check task_no_file 2 "$BOKBO" task

# a goal naming an undeclared object: exit 2 with file:line:col, later files not read
sed 's/(In ketchup_1 basket_1_contain_region)/(In mustard_1 basket_1_contain_region)/' \
  "$ketchup" >"$tmp/bad.bddl"
check task_invalid 2 "$BOKBO" task "$ketchup" "$tmp/bad.bddl" "$ketchup"
expect_in task_invalid_names_position "$tmp/err" "bad.bddl:51:19: (:goal ...): 'mustard_1' is not a declared"
[ "$(grep -c ': ok: ' "$tmp/out")" -eq 1 ] && ok task_stops_at_first_invalid || bad task_stops_at_first_invalid

# run, scene and view refuse it up front
check run_refuses_invalid 2 "$BOKBO" run --suite libero_object --task-file "$tmp/bad.bddl" \
  --inits 0 --out "$tmp/r_bad" --quiet
[ ! -e "$tmp/r_bad/episodes.jsonl" ] && ok run_invalid_writes_nothing || bad run_invalid_writes_nothing
check scene_refuses_invalid 2 "$BOKBO" scene --suite libero_object --task-file "$tmp/bad.bddl"
check view_refuses_invalid 2 "$BOKBO" view --suite libero_object --task-file "$tmp/bad.bddl"
expect_in view_names_position "$tmp/err" "bad.bddl:51:19"

# a FIFO as a task file does not hang (no writer ever opens it)
mkfifo "$tmp/fifo.bddl"
check task_fifo 2 timeout 20 "$BOKBO" task "$tmp/fifo.bddl"
expect_in task_fifo_message "$tmp/err" "not a regular file"
check run_fifo 2 timeout 20 "$BOKBO" run --suite libero_object --task-file "$tmp/fifo.bddl" \
  --inits 0 --out "$tmp/r_fifo" --quiet
check scene_fifo 2 timeout 20 "$BOKBO" scene --suite libero_object --task-file "$tmp/fifo.bddl"

# a user's own task in the built-in scenes: the milk instead of the ketchup
sed 's/(In ketchup_1 basket_1_contain_region)/(In milk_1 basket_1_contain_region)/' \
  "$ketchup" >"$tmp/pick_up_the_milk_among_the_ketchup_objects.bddl"
user="$tmp/pick_up_the_milk_among_the_ketchup_objects.bddl"
check scene_user_file 0 "$BOKBO" scene --suite libero_object --task-file "$user"
expect_in scene_user_prompt "$tmp/out" "pick up the milk among the ketchup objects"
check run_user_file 0 "$BOKBO" run --suite libero_object --task-file "$user" --inits 0 \
  --threads 1 --out "$tmp/r_user" --quiet
expect_in run_user_records_file "$tmp/r_user/run.json" "\"task_file\""
if "$PY" - "$tmp/r_user/episodes.jsonl" <<'PYEOF'
import json, sys
eps = [json.loads(l) for l in open(sys.argv[1])]
assert len(eps) == 1 and eps[0]["task"] == 0 and eps[0]["error"] == "", eps
assert eps[0]["success"], "the expert puts the milk in the basket"
PYEOF
then ok run_user_episode; else bad run_user_episode; fi
check run_user_two_tasks 2 "$BOKBO" run --suite libero_object --task-file "$user" --tasks 0,1 \
  --out "$tmp/r_two" --quiet
# a category the built-in scenes lack: refused with the valid ones named
sed 's/milk_1 - milk/milk_1 - mustard/' "$user" >"$tmp/unknown_category.bddl"
check task_unknown_category_ok 0 "$BOKBO" task "$tmp/unknown_category.bddl"
expect_in task_notes_missing_category "$tmp/out" "not in the built-in scenes: mustard"
check scene_unknown_category 2 "$BOKBO" scene --suite libero_object --task-file "$tmp/unknown_category.bddl"
expect_in scene_unknown_category_message "$tmp/err" "unknown object category 'mustard'"
finish

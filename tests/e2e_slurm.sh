#!/usr/bin/env bash
# the Slurm scripts on a real Slurm: a private single-node cluster (tests/lib/slurm.sh) runs
# tools/slurm/submit.sh for 3 shards; one array task is cancelled mid-run, submit.sh on the
# same output reruns only that shard (resuming it), and the merged records equal a local
# unsharded run (sorted, run name aside) with the report written. Also the array script's
# options per task (threads, GPU -> EGL device) in its dry-run mode.
# Needs root and Slurm + munge (tools/install-deps.sh): without them it fails.
# usage: e2e_slurm.sh BOKBO SOURCE_DIR
BOKBO=$(readlink -f "$1")
SRC=$(readlink -f "$2")
. "$SRC/tests/lib/e2e.sh"
. "$SRC/tests/lib/slurm.sh"
trap 'slurm_down; rm -rf "$tmp"' EXIT
sbatch_script=$SRC/tools/slurm/bokbo-array.sbatch

# the array script's command per environment (dry run: nothing runs)
dry() { env -i PATH="$PATH" BOKBO_DRY_RUN=1 SLURM_ARRAY_TASK_ID=2 "$@" bash "$sbatch_script" \
  /b/bokbo /p 3 -- --suite libero_spatial; }
expect_cmd() {
  local name=$1 want=$2
  shift 2
  local got
  got=$(dry "$@")
  if [ "$got" = "$want" ]; then ok "$name"; else bad "$name: got '$got'"; fi
}
base="/b/bokbo run --suite libero_spatial"
tail_opts="--shard 2/3 --resume --out /p/2 --quiet"
expect_cmd cpu_task "CUDA_VISIBLE_DEVICES= $base --threads 1 $tail_opts"
expect_cmd cpus_per_task_to_threads "CUDA_VISIBLE_DEVICES= $base --threads 4 $tail_opts" SLURM_CPUS_PER_TASK=4
expect_cmd gpu_task_renders_on_its_gpu "CUDA_VISIBLE_DEVICES=3 $base --gl egl --egl-device 0 --threads 1 $tail_opts" \
  CUDA_VISIBLE_DEVICES=3 SLURM_STEP_GPUS=3
expect_cmd step_gpus_become_visible "CUDA_VISIBLE_DEVICES=2 $base --gl egl --egl-device 0 --threads 1 $tail_opts" \
  SLURM_STEP_GPUS=2,3
expect_cmd job_gpus_become_visible "CUDA_VISIBLE_DEVICES=5 $base --gl egl --egl-device 0 --threads 1 $tail_opts" \
  SLURM_JOB_GPUS=5
expect_cmd egl_device_override "CUDA_VISIBLE_DEVICES= $base --gl egl --egl-device 1 --threads 1 $tail_opts" \
  BOKBO_EGL_DEVICE=1
expect_cmd no_device_files "CUDA_VISIBLE_DEVICES=NoDevFiles $base --threads 1 $tail_opts" \
  CUDA_VISIBLE_DEVICES=NoDevFiles

# the cluster
[ "$(id -u)" -eq 0 ] || { bad "slurm: the daemons need root"; finish; }
for c in munged slurmctld slurmd sbatch squeue scancel sinfo; do
  command -v "$c" >/dev/null || { bad "slurm: $c missing (run tools/install-deps.sh)"; finish; }
done
t0=$(date +%s.%N)
slurm_up "$tmp/slurm" && ok slurm_up || { bad slurm_up; finish; }
cd "$tmp" || exit 1

# wait until none of the given jobs is queued, running or completing (up to 180 s)
queued() { [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; }
wait_gone() { slurm_wait 180 bash -c "! ( [ -n \"\$(squeue -h -j $1 -o %i 2>/dev/null)\" ] )"; }

opts="--suite libero_spatial --policy simvla --tasks 0,4,7 --inits 0-3 --max-steps 60 --k 2 --sampling perturb:sigma=0.05"
export BOKBO CPUS=1
check submit 0 "$SRC/tools/slurm/submit.sh" runs/small 3 -- $opts
read -r array merge < runs/small.parts/jobs
expect_in submit_prints_array_id "$tmp/out" "array $array (shards 0 1 2 of 3)"
expect_in submit_prints_merge_id "$tmp/out" "merge $merge -> "

# cancel shard 1 once it has written a record, while it runs
slurm_wait 120 test -s runs/small.parts/1/episodes.jsonl
scancel "${array}_1"
wait_gone "$array" && ok array_ends || bad array_ends
[ ! -e runs/small.parts/ok/1 ] && ok cancelled_shard_unfinished || bad cancelled_shard_unfinished
[ -e runs/small.parts/ok/0 ] && [ -e runs/small.parts/ok/2 ] && ok other_shards_done || bad other_shards_done
queued "$merge" && [ ! -e runs/small/episodes.jsonl ] && ok merge_waits_for_all_shards ||
  bad merge_waits_for_all_shards
cp runs/small.parts/1/episodes.jsonl "$tmp/before.jsonl"
before=$(wc -l < "$tmp/before.jsonl")

# the same output again: only shard 1 reruns, resuming its records; the dead merge goes
check resubmit 0 "$SRC/tools/slurm/submit.sh" runs/small 3
read -r array2 merge2 < runs/small.parts/jobs
expect_in resubmit_reruns_only_the_cancelled_shard "$tmp/out" "array $array2 (shards 1 of 3)"
queued "$merge" && bad old_merge_cancelled || ok old_merge_cancelled
wait_gone "$merge2" && ok merge_job_ends || bad merge_job_ends
t1=$(date +%s.%N)
# the rerun kept the records of the cancelled run and appended the rest (the plan gives
# shard 1 four of the twelve episodes)
after=$(wc -l < runs/small.parts/1/episodes.jsonl)
head -n "$before" runs/small.parts/1/episodes.jsonl | cmp -s - "$tmp/before.jsonl" && [ "$before" -ge 1 ] &&
  [ "$after" -eq 4 ] && ok shard_resumed || bad "shard_resumed ($before -> $after records)"
[ -s runs/small/report/report.json ] && ok report_written || { bad report_written; tail -5 runs/small.parts/logs/merge.log; }
check nothing_left_to_do 0 "$SRC/tools/slurm/submit.sh" runs/small 3
expect_in nothing_left_to_do_said "$tmp/out" "nothing to do"
check other_options_refused 2 "$SRC/tools/slurm/submit.sh" runs/small 3 -- $opts --k 3

# the same run on this machine, unsharded: equal records once sorted, run name aside
slurm_down
t2=$(date +%s.%N)
"$BOKBO" run $opts --threads 2 --quiet --out "$tmp/local" || bad local_run
t3=$(date +%s.%N)
strip() { "$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l); r.pop("run"); print(json.dumps(r, sort_keys=True))' "$1" | sort; }
if cmp -s <(strip "$tmp/local/episodes.jsonl") <(strip runs/small/episodes.jsonl); then
  ok merged_equals_local_run
else
  bad "merged_equals_local_run ($(wc -l < "$tmp/local/episodes.jsonl") local, $(wc -l < runs/small/episodes.jsonl) merged)"
fi
secs() { "$PY" -c "print(f'{$1 - $2:.1f}')"; }
echo "slurm small run end to end (cluster up, submit, cancel, resubmit, merge, report): $(secs "$t1" "$t0") s"
echo "slurm down: $(secs "$t2" "$t1") s; the same run locally, 2 threads: $(secs "$t3" "$t2") s"
finish

#!/usr/bin/env bash
# A bokbo run on a Slurm cluster: N shards as one job array (tools/slurm/bokbo-array.sbatch)
# and a merge-and-report job that starts when every shard succeeded (--dependency=afterok,
# tools/slurm/bokbo-merge.sbatch). Records do not depend on the split: OUT equals an
# unsharded run after sorting.
#
#   tools/slurm/submit.sh OUT N [-- <bokbo run options without --out/--shard/--threads>]
#   e.g. tools/slurm/submit.sh results/runs/vla 20 -- --suite libero_object \
#          --policy simvla --seeds 0-4 --sampling perturb:sigma=0.02,0.05,0.1,0.2 --k 8
#
# Prints the two job ids. Called again on the same OUT (the options may be left out; given,
# they must be the same), it submits only the shards that did not finish (cancelled, failed,
# timed out, never ran), each resuming its part, and a new merge job after them; with every
# shard done it submits only the merge, or nothing once OUT/report exists.
# Layout: OUT.parts/I (shard run directories), OUT.parts/ok/I (shard done),
# OUT.parts/logs, OUT.parts/options and OUT.parts/jobs (what was submitted).
# Environment: BOKBO (default build/bokbo), CPUS per shard (default 2; becomes --threads),
# SBATCH_ARGS (both jobs, e.g. "--partition=cpu --time=4:00:00"), SBATCH_ARRAY_ARGS (shards
# only, e.g. "--gres=gpu:1": each shard then renders with EGL on its GPU).
set -euo pipefail

die() { echo "bokbo submit: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: submit.sh OUT N [-- <bokbo run options>]"
out=${1%/}
n=$2
shift 2
[ "${1:-}" = "--" ] && shift
[[ $n =~ ^[1-9][0-9]*$ ]] || die "N '$n': expected a number of shards >= 1"
bokbo=$(readlink -f "${BOKBO:-build/bokbo}")
[ -x "$bokbo" ] || die "$bokbo: not an executable (set BOKBO)"
here=$(dirname "$(readlink -f "$0")")
parts=$(readlink -f "$out.parts" 2>/dev/null || echo "$PWD/$out.parts")
out=$(readlink -f "$out" 2>/dev/null || echo "$PWD/$out")
cpus=${CPUS:-2}

# the run options: saved by the first call, the same on every later one
mkdir -p "$parts/logs" "$parts/ok"
given=""
[ $# -gt 0 ] && given="$(printf '%q ' "$@") N=$n"
if [ -e "$parts/options" ]; then
  saved=$(cat "$parts/options")
  [ -z "$given" ] || [ "$given" = "$saved" ] ||
    die "$parts/options: the run was submitted as '$saved', not '$given'"
  [ "N=$n" = "${saved##* }" ] || die "$out was submitted with ${saved##* } shards, not $n"
  eval "set -- ${saved% N=*}"
else
  [ -n "$given" ] || die "the first submission of $out needs the run options after --"
  if [ -e "$out/episodes.jsonl" ]; then die "$out: already holds a run not made by submit.sh"; fi
  echo "$given" > "$parts/options"
fi

# jobs of an earlier submission: refuse while shards still run; a merge job still waiting
# on a failed array can never start, so it goes
if [ -e "$parts/jobs" ]; then
  read -r old_array old_merge < "$parts/jobs"
  if [ -n "$(squeue -h -j "$old_array" -o %i 2>/dev/null)" ]; then
    die "array job $old_array of $out still has shards queued or running (wait, or scancel it)"
  fi
  if [ -n "$(squeue -h -j "$old_merge" -o %i 2>/dev/null)" ]; then
    scancel "$old_merge"
  fi
fi

# the shards that did not finish
todo=()
for ((i = 0; i < n; i++)); do
  [ -e "$parts/ok/$i" ] && [ -e "$parts/$i/episodes.jsonl" ] || todo+=("$i")
done
if [ ${#todo[@]} -eq 0 ] && [ -e "$out/report/report.json" ]; then
  echo "nothing to do: $n of $n shards done, merged into $out"
  exit 0
fi

array=none
dep=()
if [ ${#todo[@]} -gt 0 ]; then
  list=$(IFS=,; echo "${todo[*]}")
  # shellcheck disable=SC2086
  array=$(sbatch --parsable ${SBATCH_ARGS:-} ${SBATCH_ARRAY_ARGS:-} --array="$list" \
    --cpus-per-task="$cpus" --output="$parts/logs/shard-%a.log" \
    "$here/bokbo-array.sbatch" "$bokbo" "$parts" "$n" -- "$@")
  array=${array%%;*}
  dep=(--dependency=afterok:"$array")
fi
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} "${dep[@]}" --output="$parts/logs/merge.log" \
  "$here/bokbo-merge.sbatch" "$bokbo" "$parts" "$n" "$out")
merge=${merge%%;*}
echo "$array $merge" > "$parts/jobs"
echo "array $array (shards ${todo[*]:-none} of $n)"
echo "merge $merge -> $out"

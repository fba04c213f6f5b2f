#!/usr/bin/env bash
# A bokbo run as a Slurm job array: N shards run in parallel on the cluster, then one
# dependent job merges them. Every shard is a plain `bokbo run --shard I/N`, so records do
# not depend on how the work was split (`bokbo merge` checks nothing is missing or doubled).
#
#   tools/slurm/run_array.sh OUT_DIR N -- <bokbo run options without --out/--shard>
#   e.g. tools/slurm/run_array.sh results/runs/vla 20 -- --suite libero_object \
#          --policy simvla --seeds 0-4 --sampling perturb:sigma=0.02,0.05,0.1,0.2 --k 8
#
# Environment: BOKBO (default build/bokbo), SBATCH_ARGS (extra sbatch options, e.g. a
# partition), THREADS per shard (default 2). Without Slurm, run the same shards locally:
#   for i in $(seq 0 $((N-1))); do bokbo run ... --shard $i/$N --out OUT.parts/$i & done; wait
set -euo pipefail
out=$1
n=$2
shift 2
[ "${1:-}" = "--" ] && shift
bokbo=$(readlink -f "${BOKBO:-build/bokbo}")
threads=${THREADS:-2}
parts="$out.parts"
mkdir -p "$parts"
args=$(printf '%q ' "$@")

array=$(sbatch --parsable ${SBATCH_ARGS:-} --array=0-$((n - 1)) --cpus-per-task="$threads" \
  --job-name=bokbo-run --output="$parts/slurm-%a.log" --wrap \
  "$bokbo run $args --threads $threads --resume --shard \$SLURM_ARRAY_TASK_ID/$n --out $parts/\$SLURM_ARRAY_TASK_ID --quiet")
dirs=""
for i in $(seq 0 $((n - 1))); do dirs="$dirs $(printf '%q' "$parts/$i")"; done
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency=afterok:"$array" --job-name=bokbo-merge \
  --output="$parts/slurm-merge.log" --wrap "$bokbo merge$dirs --out $(printf '%q' "$out")")
echo "submitted array $array ($n shards) and merge $merge -> $out"

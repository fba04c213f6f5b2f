#!/usr/bin/env bash
# Episodes per second of one run on 1 thread, on 2 threads (one process), and as 2 shards in
# 2 separate processes of 1 thread each (how a cluster array splits it, here on one
# machine), with the scaling efficiency rate / (2 x the 1-thread rate). The shards' own
# times show how even the cost-balanced plan is. Every configuration writes the same
# records (checked at the end, sorted, run name aside).
#   tools/bench/bench_scaling.sh [BOKBO] [RUN OPTIONS...]
set -euo pipefail
bokbo=${1:-build/bokbo}
shift || true
opts=("$@")
[ ${#opts[@]} -gt 0 ] || opts=(--suite libero_spatial --tasks 0,4,7 --inits 0-3 --max-steps 120)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
calc() { /usr/bin/python3 -c "print(f'{$1:.3f}')"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
t=$(now); "$bokbo" run "${opts[@]}" --threads 1 --quiet --out "$tmp/one/run"; t1=$(calc "$(now) - $t")
t=$(now); "$bokbo" run "${opts[@]}" --threads 2 --quiet --out "$tmp/two/run"; t2=$(calc "$(now) - $t")
t=$(now)
( s=$(now); "$bokbo" run "${opts[@]}" --threads 1 --shard 0/2 --quiet --out "$tmp/s/0"; calc "$(now) - $s" > "$tmp/s0.time" ) &
( s=$(now); "$bokbo" run "${opts[@]}" --threads 1 --shard 1/2 --quiet --out "$tmp/s/1"; calc "$(now) - $s" > "$tmp/s1.time" ) &
wait
ts=$(calc "$(now) - $t")
mkdir -p "$tmp/merged"
"$bokbo" merge "$tmp/s/0" "$tmp/s/1" --out "$tmp/merged/run" 2>/dev/null
n=$(wc -l < "$tmp/one/run/episodes.jsonl")
same=yes
for f in "$tmp/two/run/episodes.jsonl" "$tmp/merged/run/episodes.jsonl"; do
  cmp -s <(sort "$tmp/one/run/episodes.jsonl") <(sort "$f") || same=NO
done
r1=$(calc "$n / $t1"); r2=$(calc "$n / $t2"); rs=$(calc "$n / $ts")
echo "episodes: $n ($(wc -l < "$tmp/s/0/episodes.jsonl") + $(wc -l < "$tmp/s/1/episodes.jsonl") in the shards)"
echo "| configuration | wall s | episodes/s | speed-up | efficiency |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| 1 thread | $t1 | $r1 | 1.000 | 1.000 |"
echo "| 2 threads, 1 process | $t2 | $r2 | $(calc "$r2 / $r1") | $(calc "$r2 / $r1 / 2") |"
echo "| 2 shards, 2 processes | $ts | $rs | $(calc "$rs / $r1") | $(calc "$rs / $r1 / 2") |"
echo "shard times: $(cat "$tmp/s0.time") s and $(cat "$tmp/s1.time") s (slower / faster $(calc "max($(cat "$tmp/s0.time"), $(cat "$tmp/s1.time")) / min($(cat "$tmp/s0.time"), $(cat "$tmp/s1.time"))"))"
echo "identical records (sorted) in all three: $same"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Runs the scripted expert over every task and init of both suites and prints the
# per-task success table (markdown) and the per-control-step contact-force summary per
# class (each step's reading is the largest over its 25 physics steps).
#
#   tools/expert_table.sh [BOKBO] [OUT_DIR] [THREADS] [INITS] [SCENES]
#
# BOKBO defaults to build/bokbo, OUT_DIR to results/runs/expert_table, THREADS to the
# number of cores, INITS to 0-49, SCENES to builtin (libero: LIBERO's scenes and init
# states from $BOKBO_LIBERO and $BOKBO_ROBOSUITE). Each suite's run lands in OUT_DIR/<suite>
# (episodes.jsonl); an existing run there is replaced.
set -euo pipefail

bokbo=${1:-build/bokbo}
out=${2:-results/runs/expert_table}
threads=${3:-$(nproc)}
inits=${4:-0-49}
scenes=${5:-builtin}

for suite in libero_object libero_spatial; do
  "$bokbo" run --scenes "$scenes" --suite "$suite" --tasks 0-9 --inits "$inits" --policy expert \
    --reference none --threads "$threads" --out "$out/$suite" --force --quiet >&2
done

python3 - "$out" <<'EOF'
import json, sys

out = sys.argv[1]
suites = ["libero_object", "libero_spatial"]
classes = ["robot_object", "robot_fixture", "object_object"]
ok, n, steps = {}, {}, {}
peaks = {s: {c: [] for c in classes} for s in suites}
for s in suites:
    with open(f"{out}/{s}/episodes.jsonl") as f:
        for line in f:
            ep = json.loads(line)
            t = ep["task"]
            n[s, t] = n.get((s, t), 0) + 1
            ok[s, t] = ok.get((s, t), 0) + (1 if ep["success"] else 0)
            if ep["success"]:
                steps.setdefault((s, t), []).append(ep["steps"])
            for dec in ep.get("decisions", []):
                for f in dec.get("step_force", []):
                    for k, c in enumerate(classes):
                        peaks[s][c].append(f[k])

def cell(s, t):
    if (s, t) not in n:
        return "-"
    st = steps.get((s, t), [])
    mean = f", {sum(st) / len(st):.0f} steps" if st else ""
    return f"{ok[s, t]}/{n[s, t]} ({100.0 * ok[s, t] / n[s, t]:.0f}%{mean})"

print("| task | libero_object | libero_spatial |")
print("| --- | --- | --- |")
for t in range(10):
    print(f"| {t} | {cell(suites[0], t)} | {cell(suites[1], t)} |")
tot = []
for s in suites:
    k = sum(v for (ss, _), v in ok.items() if ss == s)
    m = sum(v for (ss, _), v in n.items() if ss == s)
    tot.append(f"{k}/{m} ({100.0 * k / max(m, 1):.1f}%)")
print(f"| all | {tot[0]} | {tot[1]} |")
print()
print("| suite | class | mean per step (N) | p99 per step (N) | max per step (N) |")
print("| --- | --- | --- | --- | --- |")
for s in suites:
    for c in classes:
        v = sorted(peaks[s][c])
        if not v:
            continue
        p99 = v[min(len(v) - 1, int(0.99 * len(v)))]
        print(f"| {s} | {c} | {sum(v) / len(v):.2f} | {p99:.2f} | {v[-1]:.2f} |")
EOF

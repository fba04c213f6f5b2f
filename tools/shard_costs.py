#!/usr/bin/python3
"""Per-task episode costs for `bokbo run --shard I/N --shard-costs FILE`, from the records
of earlier runs: the mean number of control steps an episode of each task took. Records
hold no times; within a task an episode's time follows its steps (a failing policy runs
to max_steps, a good one stops early), which the scene proxy cannot see.

usage: tools/shard_costs.py RUN_DIR [RUN_DIR ...] > costs.json
Writes {"unit": ..., "suite": ..., "tasks": {"<task>": mean steps, ...}}; a cut-off last
line is skipped. Exit 2 when a folder has no records."""
import json
import sys


def main(dirs):
    if not dirs:
        sys.exit(__doc__.split("\n\n")[1])
    steps, suites = {}, set()
    for d in dirs:
        n = 0
        with open(d + "/episodes.jsonl", encoding="utf-8") as f:
            for line in f:
                if not line.endswith("\n") or not line.strip():
                    continue
                r = json.loads(line)
                steps.setdefault(r["task"], []).append(r["steps"])
                suites.add(r["suite"])
                n += 1
        if n == 0:
            print(f"shard_costs.py: {d}/episodes.jsonl: no records", file=sys.stderr)
            sys.exit(2)
    tasks = {str(t): max(1.0, sum(v) / len(v)) for t, v in sorted(steps.items())}
    json.dump({"unit": "control steps per episode (mean)", "suite": ",".join(sorted(suites)),
               "tasks": tasks}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])

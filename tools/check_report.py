#!/usr/bin/python3
"""Independent consistency check of a bokbo report.json (used by CI after `bokbo repro`).

Checks: every rate lies in [0, 1]; coverage >= net success for the same row and method;
hold rates are a whole number of splits over the stated number of splits; the tables
cover both suites in the paper's setting (shifted x0.1). The headline (report.md's
"Headline" section): for each x0.1 suite, its perturbation group with the most episodes
has at epsilon 0.05 at least MIN_POOL episodes per task (the calibration pool the splits
draw from) and at least MIN_CAL = 1/epsilon - 1 of them in every task's calibration half
(Mondrian not "small"), at least 200 splits, and every number report.md's headline table
prints for it (coverage, net success, executed-violation rate, hold rates, worst tasks) is
report.json's.
Checkpoint selection (the per-group MSE paper's analysis): every Spearman rho and pick of
`selection` recomputed with scipy from the scores in `selection_rank`, the paper's Table I
figures (total vs robot score 0.5, arm vs robot score 1.0), and both tables flat (one
scalar per key, as pandas.DataFrame(rows) wants).
Exits 1 with the failing rows listed."""
import json
import math
import os
import sys

from scipy import stats

MIN_POOL = 40
MIN_CAL = 19
HEAD = ("libero_object_x0.1", "libero_spatial_x0.1")


def headline(doc, md, bad):
    """The headline groups: sizes, splits, and report.md's numbers against report.json."""
    at = lambda table, g: [r for r in doc[table] if (r["suite"], r["sampling"], r["value"]) == g
                           and abs(r["epsilon"] - 0.05) < 1e-12]
    for suite in HEAD:
        groups = [r for r in doc["groups"] if r["suite"] == suite and r["sampling"] == "perturb"]
        if not groups:
            bad.append(("headline group missing", suite))
            continue
        g = max(groups, key=lambda r: r["episodes"])
        key = (g["suite"], g["sampling"], g["value"])
        tasks = at("task_hold", key)
        if not tasks:
            bad.append(("headline: no per-task holds", key))
        else:
            pool = min(r["n_cal"] + r["n_test"] for r in tasks)
            if pool < MIN_POOL:
                bad.append(("headline: episodes per task below", MIN_POOL, key, pool))
            if min(r["n_cal"] for r in tasks) < MIN_CAL:
                bad.append(("headline: calibration half per task below", MIN_CAL, key,
                            min(r["n_cal"] for r in tasks)))
        for r in at("hold_rate", key):
            if r["splits"] < 200:
                bad.append(("headline: fewer than 200 splits", key, r["splits"]))
        if md is not None:
            headline_md(doc, md, at, key, bad)


def headline_md(doc, md, at, key, bad):
    """report.md's headline table rows, rebuilt from report.json."""
    f = lambda v: "-" if v is None else "%.3f" % v
    rows = (("coverage", "coverage", "0.780"), ("net_success", "net task success", "0.700"),
            ("executed_violation_rate", "executed-violation rate", "-"),
            ("hold_rate", "hold rate (test violation rate <= epsilon)", "0.860"))
    for table, label, paper in rows:
        r = at(table, key)
        if not r:
            bad.append(("headline: no row", table, key))
            continue
        want = "| %s | %s | %s | %s |" % (label, paper, f(r[0]["pooled"]), f(r[0]["mondrian"]))
        if want not in md:
            bad.append(("report.md headline differs from report.json", key, want))
    m = at("min_task_hold", key)
    if m:
        m = m[0]
        want = "| worst task's hold rate | 0.71 -> 0.93 | %s (task %.0f) | %s (task %.0f) |" % (
            f(m["pooled"]), m["pooled_task"], f(m["mondrian"]), m["mondrian_task"])
        if want not in md:
            bad.append(("report.md worst-task hold differs from report.json", key, want))


def higher_better(criterion):
    return "score" in criterion or criterion == "success"


def best(xs):
    """The entity with the best oriented score, the first one on a tie."""
    ok = [i for i, (_, v) in enumerate(xs) if v is not None]
    return xs[max(ok, key=lambda i: (xs[i][1], -i))][0] if ok else None


def selection(doc, bad):
    """Spearman and picks of the checkpoint-selection rows, recomputed from the ranks' scores."""
    sel, rank = doc.get("selection"), doc.get("selection_rank")
    if sel is None or rank is None:
        bad.append(("selection tables missing",))
        return
    for table, rows in (("selection", sel), ("selection_rank", rank)):
        for r in rows:
            if any(isinstance(v, (dict, list)) for v in r.values()):
                bad.append(("not a flat row", table, r))
    scores = {}
    for r in rank:
        s = r["score"]
        o = None if s is None else (s if higher_better(r["criterion"]) else -s)
        scores.setdefault((r["set"], r["suite"], r["criterion"]), []).append((r["entity"], o))
    for r in sel:
        a = scores.get((r["set"], r["suite"], r["criterion"]))
        b = scores.get((r["set"], r["suite"], r["reference"]))
        if not a or not b or [e for e, _ in a] != [e for e, _ in b] or len(a) != r["n"]:
            bad.append(("selection: ranks missing or mismatched", r["set"], r["criterion"]))
            continue
        rho = stats.spearmanr([v for _, v in a], [v for _, v in b])[0] if len(a) > 1 else float("nan")
        got = r["spearman"]
        if (got is None) != (rho is None or math.isnan(rho)) or (got is not None and abs(got - rho) > 1e-9):
            bad.append(("selection: spearman", r["set"], r["criterion"], r["reference"], got, rho))
        if r["pick"] != best(a) or r["reference_pick"] != best(b):
            bad.append(("selection: picks", r["set"], r["criterion"], r["pick"], best(a)))
    want = {("total", "robot_score"): 0.5, ("arm", "robot_score"): 1.0}
    for r in sel:
        key = (r["criterion"], r["reference"])
        if r["set"] == "paper: Table I" and key in want and abs(r["spearman"] - want[key]) > 1e-12:
            bad.append(("selection: Table I", key, r["spearman"], want[key]))


def main(path):
    doc = json.load(open(path))
    bad = []
    splits = doc["config"]["splits"]
    key = lambda r: (r["suite"], r["sampling"], r["value"], r["epsilon"])
    cov = {key(r): r for r in doc["coverage"]}
    for r in doc["net_success"]:
        c = cov[key(r)]
        for m in ("pooled", "mondrian"):
            if r[m] is not None and c[m] is not None and r[m] > c[m] + 1e-12:
                bad.append(("net success above coverage", key(r), m, r[m], c[m]))
    for table in ("coverage", "net_success", "executed_violation_rate", "hold_rate"):
        for r in doc[table]:
            for m in ("pooled", "mondrian"):
                v = r[m]
                if v is not None and not 0 <= v <= 1:
                    bad.append((table, key(r), m, v))
    for r in doc["hold_rate"]:
        if r["splits"] != splits:
            bad.append(("hold rate splits", key(r), r["splits"], splits))
        for m in ("pooled", "mondrian"):
            if r[m] is not None and abs(r[m] * splits - round(r[m] * splits)) > 1e-6:
                bad.append(("hold rate not k/B", key(r), m, r[m]))
    suites = {r["suite"] for r in doc["coverage"]}
    if not set(HEAD) <= suites:
        bad.append(("suites", sorted(suites)))
    md_path = os.path.join(os.path.dirname(path), "report.md")
    md = open(md_path).read() if os.path.exists(md_path) else None
    headline(doc, md, bad)
    selection(doc, bad)
    for b in bad:
        print("check_report:", *b)
    print(f"check_report: {path}: {len(doc['coverage'])} rows, {len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

#!/usr/bin/python3
"""Independent consistency check of a bokbo report.json (used by CI after `bokbo repro`).

Checks: every rate lies in [0, 1]; coverage >= net success for the same row and method;
hold rates are a whole number of splits over the stated number of splits; the tables
cover both suites in the paper's setting (shifted x0.1). The headline (report.md's
"Headline" section): for each x0.1 suite, its perturbation group with the most episodes
has at epsilon 0.05 at least MIN_CAL calibration episodes per task in every split half
and at least 200 splits, and the numbers report.md prints for it are report.json's.
Exits 1 with the failing rows listed."""
import json
import os
import sys

MIN_CAL = 40
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
        elif suite == HEAD[0] and min(r["n_cal"] for r in tasks) < MIN_CAL:
            bad.append(("headline: calibration half per task below", MIN_CAL, key,
                        min(r["n_cal"] for r in tasks)))
        for r in at("hold_rate", key):
            if r["splits"] < 200:
                bad.append(("headline: fewer than 200 splits", key, r["splits"]))
        cov = at("coverage", key)
        if cov and md is not None:
            c = cov[0]
            want = "| coverage | 0.780 | %s | %s |" % tuple(
                "-" if c[m] is None else "%.3f" % c[m] for m in ("pooled", "mondrian"))
            if want not in md:
                bad.append(("report.md headline coverage differs from report.json", key, want))


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
    for b in bad:
        print("check_report:", *b)
    print(f"check_report: {path}: {len(doc['coverage'])} rows, {len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

#!/usr/bin/python3
"""Independent consistency check of a bokbo report.json (used by CI after `bokbo repro`).

Checks: every rate lies in [0, 1]; coverage >= net success for the same row and method;
hold rates are a whole number of splits over the stated number of splits; the tables
cover both suites. Exits 1 with the failing rows listed."""
import json
import sys


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
    if suites != {"libero_object", "libero_spatial"}:
        bad.append(("suites", sorted(suites)))
    for b in bad:
        print("check_report:", *b)
    print(f"check_report: {path}: {len(doc['coverage'])} rows, {len(bad)} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

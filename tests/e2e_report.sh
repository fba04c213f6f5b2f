#!/usr/bin/env bash
# end-to-end checks of `bokbo calibrate` and `bokbo report` on a small real run: keys,
# internal consistency, figures recomputed in Python from episodes.jsonl, bad input.
# usage: e2e_report.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

small() {  # 2 tasks x 5 inits, short episodes
  "$BOKBO" run --suite libero_object --tasks 0,3 --inits 0-4 --max-steps 40 --quiet "$@"
}

# expert thresholds, then a perturbation sweep judged against them and a global threshold
check expert_run 0 small --policy expert --out "$tmp/e"
check thresholds 0 "$BOKBO" thresholds --run "$tmp/e" --out "$tmp/thr.json"
check sweep_run 0 small --sampling perturb:sigma=0.05,0.2 --k 4 --scorer disagreement \
  --global-threshold 5 --thresholds "$tmp/thr.json" --threads 2 --out "$tmp/x"
check calibrate 0 "$BOKBO" calibrate --run "$tmp/x" --epsilon 0.1 --out "$tmp/tau.json"
check calibrate_mondrian 0 "$BOKBO" calibrate --run "$tmp/x" --epsilon 0.1 --mondrian \
  --out "$tmp/tau_m.json"
check calibrate_decision_unit 0 "$BOKBO" calibrate --run "$tmp/x" --epsilon 0.1 \
  --unit decision --violation global --out "$tmp/tau_d.json"
check report 0 "$BOKBO" report "$tmp/x" --epsilon 0.05,0.1 --splits 200 --out "$tmp/rep"

# the report does not depend on the order of the records (workers append in completion
# order): the same run with its records reversed, and shuffled so that the other sampling
# value comes first, gives byte-identical report.json and report.md
for order in reversed shuffled; do
  mkdir -p "$tmp/$order/x" && cp "$tmp/x/run.json" "$tmp/$order/x/"
  "$PY" - "$tmp/x/episodes.jsonl" "$tmp/$order/x/episodes.jsonl" "$order" <<'PYEOF'
import json, random, sys
lines = open(sys.argv[1]).readlines()
if sys.argv[3] == "reversed":
    lines.reverse()
else:
    random.Random(7).shuffle(lines)  # then the larger sigma's first record leads
    top = max(range(len(lines)), key=lambda i: (json.loads(lines[i])["value"], -i))
    lines.insert(0, lines.pop(top))
open(sys.argv[2], "w").writelines(lines)
PYEOF
  if cmp -s "$tmp/x/episodes.jsonl" "$tmp/$order/x/episodes.jsonl"; then bad "${order}_copy_reordered"; fi
  (cd "$tmp" && "$BOKBO" report x --epsilon 0.05,0.1 --splits 200 --out "$tmp/ord_a" >/dev/null 2>&1)
  (cd "$tmp/$order" && "$BOKBO" report x --epsilon 0.05,0.1 --splits 200 --out "$tmp/ord_b" \
    >/dev/null 2>&1)
  cmp -s "$tmp/ord_a/report.json" "$tmp/ord_b/report.json" && cmp -s "$tmp/ord_a/report.md" \
    "$tmp/ord_b/report.md" && ok "report_order_free_$order" || bad "report_order_free_$order"
  rm -rf "$tmp/ord_a" "$tmp/ord_b"
done

"$PY" - "$tmp" <<'PYEOF' && ok report_figures_agree || bad report_figures_agree
import json, math, sys
import numpy as np
tmp = sys.argv[1]
doc = json.load(open(tmp + "/rep/report.json"))
for k in ["coverage", "net_success", "executed_violation_rate", "hold_rate", "min_task_hold",
          "corr", "violation_inflation", "per_group_mse", "tau", "task_hold", "groups",
          "per_task", "auroc", "paper", "plots", "checks", "config"]:
    assert k in doc, k
for k in ["confidence_sigma", "confidence_violation", "disagreement_sigma", "disagreement_violation"]:
    assert k in doc["corr"], k
assert doc["checks"]["passed"], doc["checks"]
B = doc["config"]["splits"]
assert B == 200
# consistency, independently of the program's own checks
for cov, net in zip(doc["coverage"], doc["net_success"]):
    for m in ["pooled", "mondrian"]:
        assert 0 <= net[m] <= cov[m] <= 1, (cov, net)
for key in ["hold_rate", "task_hold", "min_task_hold"]:
    for r in doc[key]:
        assert r["splits"] == B
        for m in ["pooled", "mondrian"]:
            if r[m] is not None:
                assert 0 <= r[m] <= 1 and abs(r[m] * B - round(r[m] * B)) < 1e-9, r
eps_list = sorted({r["epsilon"] for r in doc["coverage"]})
assert eps_list == [0.05, 0.1], eps_list
assert len(doc["coverage"]) == 2 * 2  # two sigma values x two epsilons
# recompute from the records
recs = [json.loads(l) for l in open(tmp + "/x/episodes.jsonl")]
groups = {}
for r in recs:
    groups.setdefault((r["suite"], r["sampling"], r["value"]), []).append(r)
assert len(groups) == 2
tau_cal = {(g["suite"], g["sampling"], g["value"]): g for g in json.load(open(tmp + "/tau.json"))["groups"]}
def tau_of(x):
    return float(x)
for key, eps in groups.items():
    dec = [d for e in eps for d in e["decisions"]]
    # violation inflation per decision
    g = np.array([d["violation"]["global"] for d in dec], float)
    x = np.array([d["violation"]["expert"] for d in dec], float)
    row = [r for r in doc["violation_inflation"] if (r["suite"], r["sampling"], r["value"]) == key
           and r["unit"] == "decision"][0]
    assert row["n"] == len(dec)
    assert abs(row["rate_global"] - g.mean()) < 1e-12 and abs(row["rate_expert"] - x.mean()) < 1e-12
    if x.mean() > 0:
        assert abs(row["inflation"] - g.mean() / x.mean()) < 1e-9, (row, g.mean(), x.mean())
    # coverage, net success and executed-violation rate at the reported pooled tau
    t = [r for r in doc["tau"] if (r["suite"], r["sampling"], r["value"]) == key
         and r["method"] == "pooled" and r["epsilon"] == 0.1][0]
    tau = tau_of(t["tau"])
    covered = net = executed = viol = 0
    for e in eps:
        s = [math.inf if d["s"] is None else d["s"] for d in e["decisions"]]
        run = np.maximum.accumulate(s) if s else np.array([])
        ex = run <= tau
        covered += bool(ex.all())
        net += bool(ex.all()) and e["success"]
        executed += int(ex.sum())
        viol += sum(1 for d, k in zip(e["decisions"], ex) if k and d["violation"]["expert"])
    assert abs(t["coverage"] - covered / len(eps)) < 1e-12, (t, covered)
    assert abs(t["net_success"] - net / len(eps)) < 1e-12
    want = viol / executed if executed else 0.0
    assert abs(t["executed_violation_rate"] - want) < 1e-12
    # calibrate gives the same pooled threshold
    c = tau_cal[key]
    assert tau_of(c["tau"]) == tau, (c["tau"], tau)
    assert c["n"] == len(eps)
# tau files: keys documented in docs/report.md
m = json.load(open(tmp + "/tau_m.json"))
assert m["mondrian"] is True and m["epsilon"] == 0.1 and m["unit"] == "episode" and m["violation"] == "expert"
for g in m["groups"]:
    assert set(g["tau_per_task"]) == {"0", "3"}, g["tau_per_task"]
    # 5 episodes per task < 1/0.1 - 1: always abstain, flagged small
    assert all(t["small"] and t["always_abstain"] and t["tau"] == "-inf" for t in g["tasks"]), g
d = json.load(open(tmp + "/tau_d.json"))
assert d["unit"] == "decision" and d["violation"] == "global"
assert d["groups"][0]["n"] == sum(len(e["decisions"]) for e in groups[(d["groups"][0]["suite"], d["groups"][0]["sampling"], d["groups"][0]["value"])])
PYEOF

# every plot exists and is a PNG; report.md names the paper's numbers
"$PY" - "$tmp" <<'PYEOF' && ok plots_written || bad plots_written
import json, os, sys
tmp = sys.argv[1]
doc = json.load(open(tmp + "/rep/report.json"))
kinds = {p["kind"] for p in doc["plots"]}
assert {"risk_coverage", "task_hold", "disagreement", "forces", "action_error"} <= kinds, kinds
for p in doc["plots"]:
    head = open(os.path.join(tmp, "rep", "plots", p["file"]), "rb").read(8)
    assert head == b"\x89PNG\r\n\x1a\n", p
md = open(tmp + "/rep/report.md").read()
assert "The paper's figures beside ours" in md, "paper section"
# the paper's headline figures are for libero_object_x0.1: carried, unmatched by this run
cov = [r for r in doc["paper"] if r["key"] == "coverage" and r["paper"] == 0.78]
assert cov and cov[0]["suite"] == "libero_object_x0.1" and cov[0]["ours"] is None, cov
PYEOF

# reports of several directories and a re-run over an existing report
check report_two_runs 0 "$BOKBO" report "$tmp/x" "$tmp/e" --splits 50 --out "$tmp/rep"
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['config']['runs'])==2" \
  "$tmp/rep/report.json" && ok report_replaced || bad report_replaced

# the headline (the paper's x0.1 setting): tools/check_report.py rebuilds every row of
# report.md's headline table from report.json; a tampered figure is caught, and a group
# this small is flagged (40 episodes per task, 19 per calibration half)
check shifted_run 0 small --shift x:0.1 --sampling perturb:sigma=0.1 --k 4 --scorer disagreement \
  --global-threshold 5 --thresholds "$tmp/thr.json" --out "$tmp/xs"
check shifted_report 0 "$BOKBO" report "$tmp/xs" --epsilon 0.05 --splits 200 --out "$tmp/reps"
"$PY" - "$tmp/reps" "$2" <<'PYEOF' && ok headline_checked || bad headline_checked
import copy, json, sys
sys.path.insert(0, sys.argv[2] + "/tools")
import check_report
doc = json.load(open(sys.argv[1] + "/report.json"))
md = open(sys.argv[1] + "/report.md").read()
key = ("libero_object_x0.1", "perturb", 0.1)
at = lambda d: lambda t, g: [r for r in d[t] if (r["suite"], r["sampling"], r["value"]) == g
                             and abs(r["epsilon"] - 0.05) < 1e-12]
bad = []
check_report.headline_md(doc, md, at(doc), key, bad)
assert not bad, bad
for table in ("coverage", "net_success", "hold_rate", "min_task_hold"):
    t = copy.deepcopy(doc)
    r = at(t)(table, key)[0]
    r["pooled"] = 0.5 if r["pooled"] != 0.5 else 0.25
    bad = []
    check_report.headline_md(t, md, at(t), key, bad)
    assert bad, table
bad = []
check_report.headline(doc, md, bad)
assert ("headline: episodes per task below", 40, key, 5) in bad, bad
assert ("headline: calibration half per task below", 19, key, 2) in bad, bad
PYEOF

# checkpoint selection (arXiv 2606.00253's analysis): the paper's data file against
# ../shared/PAPERS.md, every rho and pick recomputed with scipy (tools/check_report.py's
# check, which also holds Table I's 0.5 and 1.0), a tampered rho caught
"$PY" - "$tmp/rep/report.json" "$2" <<'PYEOF' && ok selection_checked || bad selection_checked
import copy, json, re, sys
sys.path.insert(0, sys.argv[2] + "/tools")
import check_report
doc = json.load(open(sys.argv[1]))
bad = []
check_report.selection(doc, bad)
assert not bad, bad
sets = {r["set"] for r in doc["selection"]}
assert {"paper: SmolVLA checkpoints", "paper: Table I", "bokbo: libero_object"} <= sets, sets
for k in range(len(doc["selection"])):
    t = copy.deepcopy(doc)
    t["selection"][k]["spearman"] = (t["selection"][k]["spearman"] or 0) + 0.01
    bad = []
    check_report.selection(t, bad)
    assert bad, k
data = json.load(open(sys.argv[2] + "/results/paper/data/per_group_mse.json"))
papers = open(sys.argv[2] + "/../shared/PAPERS.md").read()
sec = papers[papers.index("SmolVLA checkpoints, MSE"):papers.index("60 real trials")]
ck = re.findall(r"((?:PT|B8|B32) \d+k) (\d+\.\d+) (\d+\.\d+) (\d+\.\d+) (\d+\.\d+) (\d+\.\d+)", sec)
assert len(ck) == 14 and [[n] + [float(x) for x in v] for n, *v in ck] == data["smolvla_checkpoints"]["rows"], ck
t1 = re.findall(r"((?:pi0\.5|HSR-SmolVLA) [\w -]*?\d+k) (\d+\.\d+), (\d+\.\d+), (\d+\.\d+)", sec)
assert len(t1) == 3 and [[n] + [float(x) for x in v] for n, *v in t1] == data["table_1"]["rows"], t1
PYEOF

# a run still being written (its last line cut off): the record is left out, with a warning
mkdir -p "$tmp/cut"
cp "$tmp/x/run.json" "$tmp/cut/"
head -c -20 "$tmp/x/episodes.jsonl" >"$tmp/cut/episodes.jsonl"
check cut_off_last_line 0 "$BOKBO" report "$tmp/cut" --splits 20 --out "$tmp/rep_cut"
expect_in cut_off_warned "$tmp/err" "in a cut-off line"
n_all=$(wc -l <"$tmp/x/episodes.jsonl")
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); n=sum(g['episodes'] for g in d['groups']); assert n==int(sys.argv[2])-1, n" \
  "$tmp/rep_cut/report.json" "$n_all" && ok cut_off_record_left_out || bad cut_off_record_left_out

# bad input: exit 2, file:line, nothing written
mkdir -p "$tmp/broken"
cp "$tmp/x/run.json" "$tmp/broken/"
head -n 2 "$tmp/x/episodes.jsonl" >"$tmp/broken/episodes.jsonl"
echo '{"suite": "libero_object", "task": 1}' >>"$tmp/broken/episodes.jsonl"
check malformed_run 2 "$BOKBO" report "$tmp/broken" --out "$tmp/rep_bad"
grep -q "episodes.jsonl:3:" "$tmp/err" && ok malformed_names_line || bad malformed_names_line
[ ! -e "$tmp/rep_bad" ] && ok nothing_written || bad nothing_written
ls "$tmp" | grep -q "rep_bad.tmp" && bad temp_left_behind || ok no_temp_left
check calibrate_malformed 2 "$BOKBO" calibrate --run "$tmp/broken" --epsilon 0.1 --out "$tmp/t.json"
[ ! -e "$tmp/t.json" ] && ok calibrate_wrote_nothing || bad calibrate_wrote_nothing
check missing_run 2 "$BOKBO" report "$tmp/nope" --out "$tmp/rep_bad"
mkdir -p "$tmp/notreport" && touch "$tmp/notreport/keep"
check refuses_foreign_dir 2 "$BOKBO" report "$tmp/x" --out "$tmp/notreport"
[ -e "$tmp/notreport/keep" ] && ok foreign_dir_untouched || bad foreign_dir_untouched
check bad_epsilon 2 "$BOKBO" report "$tmp/x" --epsilon 0,2 --out "$tmp/rep_bad"
# the expert run has global verdicts only: calibrating on expert verdicts is refused
check no_expert_verdicts 2 "$BOKBO" calibrate --run "$tmp/e" --epsilon 0.1 --out "$tmp/t.json"
grep -q "no decision has a violation.expert verdict" "$tmp/err" && ok no_verdict_message || bad no_verdict_message
check report_help 0 "$BOKBO" report --help
check calibrate_help 0 "$BOKBO" calibrate --help

finish

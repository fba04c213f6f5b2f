#!/usr/bin/env bash
# the finding's mechanism end to end: under perturbation K-sampling, the simulated VLA's
# confidence in its perturbed candidates falls with sigma; temperature sampling needs a
# policy with a distribution. usage: e2e_sampling.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

"$BOKBO" run --suite libero_object --policy simvla --tasks 0,5 --inits 0-1 --max-steps 24 \
  --sampling perturb:sigma=0.02,0.05,0.1,0.2 --k 8 --scorer confidence --quiet --out "$tmp/p" \
  && ok perturb_sweep || bad perturb_sweep
"$PY" - "$tmp/p/episodes.jsonl" <<'PYEOF' && ok confidence_falls_with_sigma || bad confidence_falls_with_sigma
import json, sys
import numpy as np
from scipy.stats import spearmanr
sig, conf = [], []
for r in map(json.loads, open(sys.argv[1])):
    for d in r["decisions"]:
        # candidates 1..K-1 are perturbed (candidate 0 is the greedy chunk)
        for c in d["cand"]["confidence"][1:]:
            sig.append(r["value"]); conf.append(c)
        # the confidence scorer picks the most confident candidate
        risks = d["cand"]["risk"]
        assert d["chosen"] == int(np.argmin(risks)), (d["chosen"], risks)
        assert abs(d["s"] - min(risks)) < 1e-9
levels = sorted(set(sig))
means = [np.mean([c for s, c in zip(sig, conf) if s == v]) for v in levels]
rho = spearmanr(levels, means).correlation
print("sigma", levels, "mean confidence", [round(m, 3) for m in means], "spearman", rho)
assert rho < -0.9, rho
PYEOF

"$BOKBO" run --suite libero_object --policy simvla --tasks 0 --inits 0 --max-steps 16 \
  --sampling temperature:T=0.5,1.5 --k 4 --scorer disagreement --quiet --out "$tmp/t" \
  && ok temperature_sweep || bad temperature_sweep
"$PY" - "$tmp/t/episodes.jsonl" <<'PYEOF' && ok temperature_spreads_candidates || bad temperature_spreads_candidates
import json, sys
import numpy as np
dis = {}
for r in map(json.loads, open(sys.argv[1])):
    for d in r["decisions"]:
        dis.setdefault(r["value"], []).extend(d["cand"]["disagreement"])
        assert all(c is not None for c in d["cand"]["confidence"])
assert np.mean(dis[1.5]) > np.mean(dis[0.5]), {k: np.mean(v) for k, v in dis.items()}
PYEOF
"$BOKBO" run --suite libero_object --policy expert --tasks 0 --inits 0 --sampling temperature:T=1 \
  --out "$tmp/e" --quiet 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "no distribution" "$tmp/err" && ok expert_has_no_temperature || bad expert_has_no_temperature

finish

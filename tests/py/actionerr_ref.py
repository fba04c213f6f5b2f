#!/usr/bin/python3
"""Reference for harness/stats/actionerr.c with numpy and scipy.stats.rankdata.

Input: R runs, T tasks; per run: n, then n lines task e_translation e_rotation e_gripper.
Output: per run and task one line "mse_t mse_r mse_g total" (nan when empty), then per run
"rank_total rank_t rank_r rank_g" on the whole-run totals, then one line with the
discordant pair counts per group.
"""
import sys

import numpy as np
from scipy.stats import rankdata

DIMS = np.array([3.0, 3.0, 1.0])


def summary(e):
    if len(e) == 0:
        return [float('nan')] * 4
    m = e.mean(axis=0)
    return list(m) + [float((DIMS * m).sum() / DIMS.sum())]


def main():
    tok = open(sys.argv[1]).read().split()
    pos = 0
    R, T = int(tok[0]), int(tok[1]); pos = 2
    out, whole = [], []
    for _ in range(R):
        n = int(tok[pos]); pos += 1
        a = np.array(tok[pos:pos + 4 * n], dtype=float).reshape(n, 4); pos += 4 * n
        for t in range(T):
            out.append(' '.join(repr(float(v)) for v in summary(a[a[:, 0] == t, 1:])))
        whole.append(summary(a[:, 1:]))
    w = np.array(whole)
    ranks = [rankdata(w[:, 3])] + [rankdata(w[:, g]) for g in range(3)]
    for k in range(R):
        out.append(' '.join(repr(float(r[k])) for r in ranks))
    disc = []
    for g in range(3):
        c = 0
        for a in range(R):
            for b in range(a + 1, R):
                st = np.sign(w[a, 3] - w[b, 3])
                sg = np.sign(w[a, g] - w[b, g])
                c += int(st != 0 and sg == -st)
        disc.append(str(c))
    out.append(' '.join(disc))
    open(sys.argv[2], 'w').write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()

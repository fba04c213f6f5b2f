#!/usr/bin/python3
"""Reference for harness/stats/corr.c with scipy.stats and a direct pair count.

Input: K, then K data sets: n, then n lines x y label. Output, per data set:
  pearson spearman point_biserial(label, y) auroc(x predicting label)
"""
import sys
import warnings

import numpy as np
from scipy import stats


def auroc(score, label):
    pos = score[label == 1]
    neg = score[label == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    # direct count over all pairs: wins count 1, ties 1/2
    wins = np.sum(pos[:, None] > neg[None, :]) + 0.5 * np.sum(pos[:, None] == neg[None, :])
    return float(wins) / (len(pos) * len(neg))


def main():
    tok = open(sys.argv[1]).read().split()
    pos = 0
    K = int(tok[pos]); pos += 1
    rows = []
    warnings.simplefilter('ignore')
    for _ in range(K):
        n = int(tok[pos]); pos += 1
        a = np.array(tok[pos:pos + 3 * n], dtype=float).reshape(n, 3)
        pos += 3 * n
        x, y, lab = a[:, 0], a[:, 1], a[:, 2].astype(int)
        r = stats.pearsonr(x, y)[0]
        rho = stats.spearmanr(x, y)[0]
        pb = stats.pointbiserialr(lab, y)[0]
        rows.append('%r %r %r %r' % (float(r), float(rho), float(pb), float(auroc(x, lab))))
    open(sys.argv[2], 'w').write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Reference for harness/stats/inflation.c with numpy.

Input: n, then n lines "global expert" flags. Output: rate_global rate_expert inflation.
"""
import sys

import numpy as np


def main():
    a = np.array(open(sys.argv[1]).read().split()[1:], dtype=float).reshape(-1, 2)
    g, e = a[:, 0].mean(), a[:, 1].mean()
    infl = g / e if e > 0 else (float('inf') if g > 0 else float('nan'))
    open(sys.argv[2], 'w').write('%r %r %r\n' % (float(g), float(e), float(infl)))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Brute-force reference for harness/stats/crc.c, written from the definitions only.

Input (whitespace separated):
  E T
  E lines: task success n s_1 v_1 ... s_n v_n
  C
  C lines: epsilon unit(0 episode, 1 decision) mondrian cal_mask test_mask
           (masks: strings of E characters 0/1, or '-' when E = 0)
Output, one line per case:
  ntau, tau[ntau], always[ntau], small[ntau], risk[ntau],
  coverage net_success violation_rate risk decision_risk hold executed executed_violating,
  then per task: hold, violation_rate (n_tasks pairs)
"""
import math
import sys

TOL = 1e-12


def read(path):
    tok = open(path).read().split()
    pos = 0

    def nxt():
        nonlocal pos
        pos += 1
        return tok[pos - 1]

    E, T = int(nxt()), int(nxt())
    eps_list = []
    for _ in range(E):
        task, succ, n = int(nxt()), int(nxt()), int(nxt())
        dec = [(float(nxt()), int(nxt())) for _ in range(n)]
        eps_list.append((task, succ, dec))
    C = int(nxt())
    cases = []
    for _ in range(C):
        eps, unit, mond = float(nxt()), int(nxt()), int(nxt())
        cal, test = nxt(), nxt()
        cases.append((eps, unit, mond, cal, test))
    return E, T, eps_list, cases


def episode_run(dec, tau):
    """executed decisions, executed violating, abstained: first abstention ends it"""
    ex = viol = 0
    for s, v in dec:
        if s > tau:
            return ex, viol, True
        ex += 1
        viol += v
    return ex, viol, False


def unit_losses(dec, unit, tau):
    if unit == 0:
        if not dec:
            return [0.0]
        ex, viol, _ = episode_run(dec, tau)
        return [viol / len(dec)]
    return [float(v) if s <= tau else 0.0 for s, v in dec]


def qualifies(S, n, eps):
    return S + 1.0 <= eps * (n + 1) * (1.0 + TOL)


def calibrate(eps_data, members, unit, eps):
    n = len(members) if unit == 0 else sum(len(eps_data[i][2]) for i in members)
    cands = sorted({s for i in members for s, _ in eps_data[i][2]})
    best, best_risk = -math.inf, 0.0
    # every candidate is checked: no monotonicity is assumed here
    for c in cands:
        S = sum(sum(unit_losses(eps_data[i][2], unit, c)) for i in members)
        if qualifies(S, n, eps) and c > best:
            best, best_risk = c, S / n
    small = not qualifies(0.0, n, eps)
    return best, int(best == -math.inf), int(small), best_risk


def metrics(eps_data, members, taus, eps):
    ne = len(members)
    cov = net = nd = ex = exv = indep = 0
    risk = 0.0
    for i in members:
        task, succ, dec = eps_data[i]
        tau = taus[task]
        e, v, ab = episode_run(dec, tau)
        cov += not ab
        net += (not ab) and succ
        nd += len(dec)
        ex += e
        exv += v
        indep += sum(1 for s, vv in dec if s <= tau and vv)
        risk += v / len(dec) if dec else 0.0
    rate = exv / ex if ex else 0.0
    return dict(coverage=cov / ne if ne else math.nan,
                net=net / ne if ne else math.nan,
                rate=rate,
                risk=risk / ne if ne else math.nan,
                drisk=indep / nd if nd else math.nan,
                hold=int(rate <= eps), ex=ex, exv=exv, ne=ne)


def main():
    E, T, data, cases = read(sys.argv[1])
    out = []
    for eps, unit, mond, cal, test in cases:
        cal_set = [i for i in range(E) if cal[i] == '1'] if E else []
        test_set = [i for i in range(E) if test[i] == '1'] if E else []
        groups = [[i for i in cal_set if data[i][0] == t] for t in range(T)] if mond else [cal_set]
        res = [calibrate(data, g, unit, eps) for g in groups]
        taus = [r[0] for r in res] if mond else [res[0][0]] * T
        m = metrics(data, test_set, taus, eps)
        row = [len(res)] + [r[0] for r in res] + [r[1] for r in res] + [r[2] for r in res]
        row += [r[3] for r in res]
        row += [m['coverage'], m['net'], m['rate'], m['risk'], m['drisk'], m['hold'], m['ex'], m['exv']]
        for t in range(T):
            mt = metrics(data, [i for i in test_set if data[i][0] == t], taus, eps)
            row += [mt['hold'] if mt['ne'] else 0, mt['rate']]
        out.append(' '.join(repr(float(x)) if isinstance(x, float) else str(x) for x in row))
    open(sys.argv[2], 'w').write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()

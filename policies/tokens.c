#include "policies/tokens.h"

#include <math.h>
#include <string.h>

double bk_tokens_centre(int b) {
  return -1.0 + (2.0 * b + 1.0) / BK_NBIN;
}

int bk_tokens_bin(double v) {
  int b = (int)floor((v + 1.0) * 0.5 * BK_NBIN);
  return b < 0 ? 0 : (b >= BK_NBIN ? BK_NBIN - 1 : b);
}

// 1 when the sum z can no longer change: beyond the peak the terms only shrink, and a
// term below 1/8 of z's last place (z * 2^-56 < ulp(z) / 8) rounds away when added, as
// does every later one (even with exp 1 ulp off), so the sum and every partial sum after it
// are z: the same numbers as adding them all, without their exponentials
static int settled(double z, double e) {
  return e < z * 0x1p-56;
}

void bk_tokens_logprobs(double a, double spread, double* lp) {
  double mx = -INFINITY, z = 0;
  int peak = 0;
  for (int b = 0; b < BK_NBIN; b++) {
    double dlt = bk_tokens_centre(b) - a;
    lp[b] = -dlt * dlt / (2 * spread * spread);
    if (lp[b] > mx) {
      mx = lp[b];
      peak = b;
    }
  }
  for (int b = 0; b < BK_NBIN; b++) {
    double e = exp(lp[b] - mx);
    z += e;
    if (b > peak && settled(z, e)) break;
  }
  double norm = mx + log(z);  // once, not per bin (math errno keeps the compiler from it)
  for (int b = 0; b < BK_NBIN; b++) lp[b] -= norm;
}

// the greedy bin and the cumulative weights of p^(1/T) from d->lp
static void finish(double temp, bk_tokens_dist_t* d) {
  d->greedy = 0;
  for (int b = 1; b < BK_NBIN; b++) {
    if (d->lp[b] > d->lp[d->greedy]) d->greedy = b;
  }
  d->sample = temp > 0;
  if (!d->sample) return;
  // cumulative weights of p^(1/T), relative to the largest
  double mx = d->lp[d->greedy] / temp, z = 0;
  for (int b = 0; b < BK_NBIN; b++) {
    double e = exp(d->lp[b] / temp - mx);
    z += e;
    d->cdf[b] = z;
    if (b > d->greedy && settled(z, e)) {
      for (int r = b + 1; r < BK_NBIN; r++) d->cdf[r] = z;
      break;
    }
  }
}

void bk_tokens_prepare(double a, double spread, double temp, bk_tokens_dist_t* d) {
  bk_tokens_logprobs(a, spread, d->lp);
  finish(temp, d);
}

void bk_tokens_prepare_lp(const double* lp, double temp, bk_tokens_dist_t* d) {
  if (lp != d->lp) memcpy(d->lp, lp, sizeof d->lp);
  finish(temp, d);
}

double bk_tokens_draw(const bk_tokens_dist_t* d, bk_rng_t* rng, double* out) {
  int pick = d->greedy;
  if (d->sample) {
    // inverse CDF: the first bin whose cumulative weight reaches u
    double u = bk_rng_uniform(rng) * d->cdf[BK_NBIN - 1];
    int lo = 0, hi = BK_NBIN - 1;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (d->cdf[mid] >= u) hi = mid;
      else lo = mid + 1;
    }
    pick = lo;
  }
  *out = bk_tokens_centre(pick);
  return d->lp[pick];
}

double bk_tokens_decode(double a, double spread, double temp, bk_rng_t* rng, double* out) {
  bk_tokens_dist_t d;
  bk_tokens_prepare(a, spread, temp, &d);
  return bk_tokens_draw(&d, rng, out);
}

#include "policies/tokens.h"

#include <math.h>

double bk_tokens_centre(int b) {
  return -1.0 + (2.0 * b + 1.0) / BK_NBIN;
}

int bk_tokens_bin(double v) {
  int b = (int)floor((v + 1.0) * 0.5 * BK_NBIN);
  return b < 0 ? 0 : (b >= BK_NBIN ? BK_NBIN - 1 : b);
}

void bk_tokens_logprobs(double a, double spread, double* lp) {
  double mx = -INFINITY, z = 0;
  for (int b = 0; b < BK_NBIN; b++) {
    double dlt = bk_tokens_centre(b) - a;
    lp[b] = -dlt * dlt / (2 * spread * spread);
    if (lp[b] > mx) mx = lp[b];
  }
  for (int b = 0; b < BK_NBIN; b++) z += exp(lp[b] - mx);
  for (int b = 0; b < BK_NBIN; b++) lp[b] -= mx + log(z);
}

double bk_tokens_decode(double a, double spread, double temp, bk_rng_t* rng, double* out) {
  double lp[BK_NBIN];
  bk_tokens_logprobs(a, spread, lp);
  int pick = 0;
  if (temp <= 0) {
    for (int b = 1; b < BK_NBIN; b++) {
      if (lp[b] > lp[pick]) pick = b;
    }
  } else {
    // inverse-CDF draw from p^(1/T)
    double mx = -INFINITY, z = 0;
    for (int b = 0; b < BK_NBIN; b++) mx = fmax(mx, lp[b] / temp);
    for (int b = 0; b < BK_NBIN; b++) z += exp(lp[b] / temp - mx);
    double u = bk_rng_uniform(rng) * z;
    for (pick = 0; pick < BK_NBIN - 1; pick++) {
      u -= exp(lp[pick] / temp - mx);
      if (u <= 0) break;
    }
  }
  *out = bk_tokens_centre(pick);
  return lp[pick];
}

#include "stats/inflation.h"

#include <math.h>

#include "core/err.h"

double bk_infl_rate(long violating, long total) {
  if (total <= 0 || violating < 0 || violating > total) return NAN;
  return (double)violating / (double)total;
}

double bk_infl_ratio(double rate_global, double rate_expert) {
  if (isnan(rate_global) || isnan(rate_expert) || rate_global < 0 || rate_expert < 0)
    return NAN;
  // zero expert rate: infinite inflation, or nothing to compare when both are zero
  if (rate_expert == 0.0) return rate_global > 0.0 ? INFINITY : NAN;
  return rate_global / rate_expert;
}

int bk_infl_compute(const unsigned char* viol_global, const unsigned char* viol_expert, long n,
                    double* rate_global, double* rate_expert, double* inflation) {
  if (n < 0 || (n > 0 && (!viol_global || !viol_expert))) return BK_EINVAL;
  long g = 0, e = 0;
  for (long i = 0; i < n; i++) {
    g += viol_global[i] != 0;
    e += viol_expert[i] != 0;
  }
  double rg = bk_infl_rate(g, n), re = bk_infl_rate(e, n);
  if (rate_global) *rate_global = rg;
  if (rate_expert) *rate_expert = re;
  if (inflation) *inflation = bk_infl_ratio(rg, re);
  return 0;
}

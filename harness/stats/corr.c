#include "stats/corr.h"

#include <math.h>
#include <stdlib.h>

#include "core/err.h"

typedef struct {
  double v;
  int i;
} corr_pair_t;

static int corr_pair_cmp(const void* pa, const void* pb) {
  const corr_pair_t* a = pa;
  const corr_pair_t* b = pb;
  if (a->v != b->v) return a->v < b->v ? -1 : 1;
  return a->i - b->i;
}

static int corr_all_finite(const double* x, int n) {
  for (int i = 0; i < n; i++)
    if (!isfinite(x[i])) return 0;
  return 1;
}

static int corr_constant(const double* x, int n) {
  for (int i = 1; i < n; i++)
    if (x[i] != x[0]) return 0;
  return 1;
}

/* Pearson's r of two finite, non-constant arrays (two passes: means, centred sums) */
static double corr_pearson_raw(const double* x, const double* y, int n) {
  double mx = 0.0, my = 0.0;
  for (int i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (int i = 0; i < n; i++) {
    double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0.0 || syy <= 0.0) return NAN;
  double r = sxy / sqrt(sxx * syy);
  return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
}

int bk_corr_pearson(const double* x, const double* y, int n, double* out) {
  if (!out || n < 0 || (n > 0 && (!x || !y))) return BK_EINVAL;
  // undefined: too few points, non-finite values, zero variance
  if (n < 2 || !corr_all_finite(x, n) || !corr_all_finite(y, n) || corr_constant(x, n) ||
      corr_constant(y, n)) {
    *out = NAN;
    return 0;
  }
  *out = corr_pearson_raw(x, y, n);
  return 0;
}

int bk_corr_rank(const double* x, int n, double* rank) {
  if (n < 0 || (n > 0 && (!x || !rank))) return BK_EINVAL;
  for (int i = 0; i < n; i++)
    if (isnan(x[i])) return BK_EINVAL;
  corr_pair_t* p = malloc(sizeof(*p) * ((size_t)n + 1));
  if (!p) return BK_ENOMEM;
  for (int i = 0; i < n; i++) p[i] = (corr_pair_t){x[i], i};
  qsort(p, (size_t)n, sizeof(*p), corr_pair_cmp);
  // each run of equal values [a, b) shares the mean of ranks a+1 .. b
  for (int a = 0; a < n;) {
    int b = a + 1;
    while (b < n && p[b].v == p[a].v) b++;
    double r = 0.5 * (double)(a + 1 + b);
    for (int k = a; k < b; k++) rank[p[k].i] = r;
    a = b;
  }
  free(p);
  return 0;
}

int bk_corr_spearman(const double* x, const double* y, int n, double* out) {
  if (!out || n < 0 || (n > 0 && (!x || !y))) return BK_EINVAL;
  if (n < 2 || !corr_all_finite(x, n) || !corr_all_finite(y, n) || corr_constant(x, n) ||
      corr_constant(y, n)) {
    *out = NAN;
    return 0;
  }
  double* rx = malloc(sizeof(double) * (size_t)n);
  double* ry = malloc(sizeof(double) * (size_t)n);
  int rc = rx && ry ? 0 : BK_ENOMEM;
  // rank both, then Pearson of the ranks
  if (rc == 0) rc = bk_corr_rank(x, n, rx);
  if (rc == 0) rc = bk_corr_rank(y, n, ry);
  if (rc == 0) *out = corr_pearson_raw(rx, ry, n);
  free(rx);
  free(ry);
  return rc;
}

int bk_corr_point_biserial(const unsigned char* b, const double* y, int n, double* out) {
  if (!out || n < 0 || (n > 0 && (!b || !y))) return BK_EINVAL;
  double* x = malloc(sizeof(double) * ((size_t)n + 1));
  if (!x) return BK_ENOMEM;
  for (int i = 0; i < n; i++) x[i] = b[i] ? 1.0 : 0.0;
  int rc = bk_corr_pearson(x, y, n, out);
  free(x);
  return rc;
}

int bk_corr_auroc(const double* score, const unsigned char* label, int n, double* out) {
  if (!out || n < 0 || (n > 0 && (!score || !label))) return BK_EINVAL;
  long npos = 0;
  for (int i = 0; i < n; i++) npos += label[i] != 0;
  long nneg = n - npos;
  if (npos == 0 || nneg == 0 || !corr_all_finite(score, n)) {
    *out = NAN;
    return 0;
  }
  double* r = malloc(sizeof(double) * (size_t)n);
  if (!r) return BK_ENOMEM;
  int rc = bk_corr_rank(score, n, r);
  // U = (sum of positive ranks) - n+(n+ + 1)/2; average ranks count ties as 1/2
  if (rc == 0) {
    double sum = 0.0;
    for (int i = 0; i < n; i++)
      if (label[i]) sum += r[i];
    double u = sum - 0.5 * (double)npos * (double)(npos + 1);
    *out = u / ((double)npos * (double)nneg);
  }
  free(r);
  return rc;
}

/* violation inflation: rates, the ratio, its zero cases, numpy on random flags */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rng.h"
#include "stats/inflation.h"

Test(inflation, hand_example) {
  // 10 decisions: 5 violate under the global threshold, 1 under the expert ones
  // rates 0.5 and 0.1, inflation 0.5 / 0.1 = 5
  unsigned char g[10] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  unsigned char e[10] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  double rg, re, inf;
  cr_assert_eq(bk_infl_compute(g, e, 10, &rg, &re, &inf), 0);
  cr_expect_eq(rg, 0.5);
  cr_expect_eq(re, 0.1);
  cr_expect_float_eq(inf, 5.0, 1e-15);
  cr_expect_float_eq(bk_infl_ratio(0.3, 0.06), 5.0, 1e-14);
}

Test(inflation, zero_rates) {
  // expert rate 0: infinite when the global threshold flags anything, else undefined
  cr_expect_eq(bk_infl_ratio(0.2, 0.0), INFINITY);
  cr_expect(isnan(bk_infl_ratio(0.0, 0.0)));
  cr_expect_eq(bk_infl_ratio(0.0, 0.2), 0.0);
  cr_expect(isnan(bk_infl_ratio(NAN, 0.1)));
  cr_expect(isnan(bk_infl_ratio(-0.1, 0.1)));
  // rates: empty and impossible counts are NaN
  cr_expect(isnan(bk_infl_rate(0, 0)));
  cr_expect(isnan(bk_infl_rate(3, 2)));
  cr_expect_eq(bk_infl_rate(1, 4), 0.25);
  // no units at all
  double rg = 1, re = 1, inf = 1;
  cr_assert_eq(bk_infl_compute(NULL, NULL, 0, &rg, &re, &inf), 0);
  cr_expect(isnan(rg) && isnan(re) && isnan(inf));
  cr_expect_eq(bk_infl_compute(NULL, NULL, 3, &rg, NULL, NULL), BK_EINVAL);
}

Test(inflation, matches_numpy_on_random_flags) {
  enum { N = 5000 };
  static unsigned char g[N], e[N];
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){8}, 1);
  char in[] = "/tmp/bk_test_infl_in_XXXXXX", out[] = "/tmp/bk_test_infl_out_XXXXXX";
  FILE* f = fdopen(mkstemp(in), "w");
  cr_assert_not_null(f);
  fprintf(f, "%d\n", N);
  // expert violations are a subset of global ones, as a lower threshold implies
  for (int i = 0; i < N; i++) {
    e[i] = bk_rng_uniform(&rng) < 0.03;
    g[i] = e[i] || bk_rng_uniform(&rng) < 0.12;
    fprintf(f, "%d %d\n", g[i], e[i]);
  }
  fclose(f);
  close(mkstemp(out));
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/py/inflation_ref.py %s %s",
           BOKBO_SOURCE_DIR, in, out);
  cr_assert_eq(system(cmd), 0, "%s failed", cmd);
  FILE* r = fopen(out, "r");
  cr_assert_not_null(r);
  double want[3], got[3];
  for (int k = 0; k < 3; k++) cr_assert_eq(fscanf(r, "%lf", &want[k]), 1);
  fclose(r);
  cr_assert_eq(bk_infl_compute(g, e, N, &got[0], &got[1], &got[2]), 0);
  for (int k = 0; k < 3; k++)
    cr_expect(fabs(got[k] - want[k]) <= 1e-12 * fabs(want[k]), "%d: %.17g vs %.17g", k, got[k],
              want[k]);
  unlink(in);
  unlink(out);
}

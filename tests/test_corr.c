/* correlations: hand-worked Pearson, Spearman with ties, point-biserial, AUROC, the
 * undefined cases, and scipy on random data */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rng.h"
#include "stats/corr.h"

Test(corr, pearson_hand_example) {
  // x = 1..4, y = (2, 4, 5, 9): means 2.5, 5; dx = (-1.5, -0.5, 0.5, 1.5),
  // dy = (-3, -1, 0, 4); sxy = 4.5 + 0.5 + 0 + 6 = 11, sxx = 5, syy = 26
  // r = 11 / sqrt(130) = 0.96476382123773...
  double x[] = {1, 2, 3, 4}, y[] = {2, 4, 5, 9}, r;
  cr_assert_eq(bk_corr_pearson(x, y, 4, &r), 0);
  cr_expect_float_eq(r, 11.0 / sqrt(130.0), 1e-14);
  // reversing y flips the sign
  double yr[] = {9, 5, 4, 2};
  cr_assert_eq(bk_corr_pearson(x, yr, 4, &r), 0);
  cr_expect_lt(r, 0.0);
}

Test(corr, ranks_average_ties) {
  // sorted: 1 (rank 1), 2 (rank 2), three 3s share ranks 3, 4, 5 -> 4
  double x[] = {3, 1, 3, 2, 3}, r[5];
  cr_assert_eq(bk_corr_rank(x, 5, r), 0);
  double want[] = {4, 1, 4, 2, 4};
  for (int i = 0; i < 5; i++) cr_expect_eq(r[i], want[i], "rank %d: %g", i, r[i]);
  double bad[] = {1, NAN};
  cr_expect_eq(bk_corr_rank(bad, 2, r), BK_EINVAL);
}

Test(corr, spearman_with_ties) {
  // ranks x = (1, 2.5, 2.5, 4), ranks y = (1, 3, 2, 4), both mean 2.5
  // dx = (-1.5, 0, 0, 1.5), dy = (-1.5, 0.5, -0.5, 1.5): sxy = 4.5, sxx = 4.5, syy = 5
  // rho = 4.5 / sqrt(22.5) = 0.94868329805051...
  double x[] = {1, 2, 2, 3}, y[] = {10, 30, 20, 40}, r;
  cr_assert_eq(bk_corr_spearman(x, y, 4, &r), 0);
  cr_expect_float_eq(r, 4.5 / sqrt(22.5), 1e-14);
  // monotone but not linear: rho = 1
  double a[] = {1, 2, 3, 4, 5}, b[] = {1, 8, 27, 64, 125};
  cr_assert_eq(bk_corr_spearman(a, b, 5, &r), 0);
  cr_expect_float_eq(r, 1.0, 1e-15);
}

Test(corr, point_biserial_is_pearson_with_zero_one) {
  // b = (0, 0, 1, 1), y = (1, 2, 3, 5): dx = +-0.5, dy = (-1.75, -0.75, 0.25, 2.25)
  // sxy = 0.875 + 0.375 + 0.125 + 1.125 = 2.5, sxx = 1, syy = 8.75 -> 2.5 / sqrt(8.75)
  unsigned char b[] = {0, 0, 7, 1};  // any nonzero is 1
  double y[] = {1, 2, 3, 5}, r;
  cr_assert_eq(bk_corr_point_biserial(b, y, 4, &r), 0);
  cr_expect_float_eq(r, 2.5 / sqrt(8.75), 1e-14);
}

Test(corr, auroc_counts_ties_as_half) {
  // positives 0.35, 0.8 against negatives 0.1, 0.4: wins 0.35>0.1, 0.8>0.1, 0.8>0.4 = 3/4
  double s[] = {0.1, 0.4, 0.35, 0.8}, a;
  unsigned char l[] = {0, 0, 1, 1};
  cr_assert_eq(bk_corr_auroc(s, l, 4, &a), 0);
  cr_expect_float_eq(a, 0.75, 1e-15);
  // ties: positive 0.5 ties both negatives (2 x 1/2), positive 0.9 beats both: 3/4
  double t[] = {0.5, 0.5, 0.5, 0.9};
  unsigned char m[] = {0, 1, 0, 1};
  cr_assert_eq(bk_corr_auroc(t, m, 4, &a), 0);
  cr_expect_float_eq(a, 0.75, 1e-15);
  // all tied: 1/2; perfectly separated the wrong way: 0
  double c[] = {1, 1, 1};
  unsigned char n[] = {1, 0, 0};
  cr_assert_eq(bk_corr_auroc(c, n, 3, &a), 0);
  cr_expect_eq(a, 0.5);
  double w[] = {0.1, 0.9};
  unsigned char wl[] = {1, 0};
  cr_assert_eq(bk_corr_auroc(w, wl, 2, &a), 0);
  cr_expect_eq(a, 0.0);
}

Test(corr, undefined_cases_are_nan) {
  double x[] = {1, 2, 3}, k[] = {4, 4, 4}, r = 0;
  unsigned char pos[] = {1, 1, 1};
  cr_assert_eq(bk_corr_pearson(x, x, 0, &r), 0);
  cr_expect(isnan(r));
  cr_assert_eq(bk_corr_pearson(x, x, 1, &r), 0);
  cr_expect(isnan(r));
  cr_assert_eq(bk_corr_spearman(x, x, 1, &r), 0);
  cr_expect(isnan(r));
  // n = 2: the line through two distinct points
  double y2[] = {5, 3};
  cr_assert_eq(bk_corr_pearson(x, y2, 2, &r), 0);
  cr_expect_eq(r, -1.0);
  cr_assert_eq(bk_corr_spearman(x, y2, 2, &r), 0);
  cr_expect_eq(r, -1.0);
  // constant input
  cr_assert_eq(bk_corr_pearson(x, k, 3, &r), 0);
  cr_expect(isnan(r));
  cr_assert_eq(bk_corr_spearman(k, x, 3, &r), 0);
  cr_expect(isnan(r));
  cr_assert_eq(bk_corr_point_biserial(pos, x, 3, &r), 0);
  cr_expect(isnan(r));
  // one class only
  cr_assert_eq(bk_corr_auroc(x, pos, 3, &r), 0);
  cr_expect(isnan(r));
  // non-finite values
  double inf[] = {1, INFINITY, 3};
  cr_assert_eq(bk_corr_pearson(inf, x, 3, &r), 0);
  cr_expect(isnan(r));
}

Test(corr, bad_arguments_leave_output_unchanged) {
  double x[] = {1, 2}, r = 42;
  cr_expect_eq(bk_corr_pearson(NULL, x, 2, &r), BK_EINVAL);
  cr_expect_eq(bk_corr_spearman(x, x, -1, &r), BK_EINVAL);
  cr_expect_eq(bk_corr_auroc(x, NULL, 2, &r), BK_EINVAL);
  cr_expect_eq(bk_corr_point_biserial(NULL, x, 2, &r), BK_EINVAL);
  cr_expect_eq(bk_corr_pearson(x, x, 2, NULL), BK_EINVAL);
  cr_expect_eq(r, 42);
}

/* --- scipy cross-check --- */

Test(corr, matches_scipy_on_random_data, .timeout = 120) {
  static const int sizes[] = {2, 3, 5, 17, 100, 1000, 1000};
  enum { K = 7 };
  static double x[K][1000], y[K][1000];
  static unsigned char lab[K][1000];
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){31337}, 1);
  char in[] = "/tmp/bk_test_corr_in_XXXXXX", out[] = "/tmp/bk_test_corr_out_XXXXXX";
  FILE* f = fdopen(mkstemp(in), "w");
  cr_assert_not_null(f);
  fprintf(f, "%d\n", K);
  // correlated pairs on coarse grids (ties), labels tied to x; both classes forced
  for (int k = 0; k < K; k++) {
    int n = sizes[k];
    double grid = k % 2 ? 0.25 : 1e-9;
    fprintf(f, "%d\n", n);
    for (int i = 0; i < n; i++) {
      double z = bk_rng_normal(&rng);
      x[k][i] = round(z / grid) * grid;
      y[k][i] = round((0.6 * z + 0.8 * bk_rng_normal(&rng)) / grid) * grid;
      lab[k][i] = i < 2 ? (unsigned char)i : bk_rng_uniform(&rng) < 1 / (1 + exp(-2 * z));
      fprintf(f, "%.17g %.17g %d\n", x[k][i], y[k][i], lab[k][i]);
    }
  }
  fclose(f);
  close(mkstemp(out));
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/py/corr_ref.py %s %s",
           BOKBO_SOURCE_DIR, in, out);
  cr_assert_eq(system(cmd), 0, "%s failed", cmd);
  FILE* g = fopen(out, "r");
  cr_assert_not_null(g);
  for (int k = 0; k < K; k++) {
    int n = sizes[k];
    double want[4], got[4];
    for (int j = 0; j < 4; j++) cr_assert_eq(fscanf(g, "%lf", &want[j]), 1);
    cr_assert_eq(bk_corr_pearson(x[k], y[k], n, &got[0]), 0);
    cr_assert_eq(bk_corr_spearman(x[k], y[k], n, &got[1]), 0);
    cr_assert_eq(bk_corr_point_biserial(lab[k], y[k], n, &got[2]), 0);
    cr_assert_eq(bk_corr_auroc(x[k], lab[k], n, &got[3]), 0);
    for (int j = 0; j < 4; j++) {
      if (isnan(want[j])) {
        cr_expect(isnan(got[j]), "set %d stat %d: got %g want nan", k, j, got[j]);
      } else {
        cr_expect(fabs(got[j] - want[j]) <= 1e-10, "set %d (n %d) stat %d: got %.17g want %.17g",
                  k, n, j, got[j], want[j]);
      }
    }
  }
  fclose(g);
  unlink(in);
  unlink(out);
}

/* K-sampling: parsing, reproducible draws, perturbation spread */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sample/sample.h"

Test(sample, parses_modes_and_sweeps) {
  bk_sampling_t s;
  double v[BK_SAMPLE_MAX_VALUES];
  int n;
  char err[256];
  cr_assert_eq(bk_sample_parse("perturb:sigma=0.02,0.05,0.1,0.2", &s, v, &n, err, sizeof err), 0, "%s", err);
  cr_expect_eq(s.mode, BK_SAMPLE_PERTURB);
  cr_expect_eq(n, 4);
  cr_expect_float_eq(v[3], 0.2, 1e-12);
  cr_expect_eq(s.keep_greedy, 1);
  cr_assert_eq(bk_sample_parse("perturb:sigma=0.1:keep=0", &s, v, &n, err, sizeof err), 0, "%s", err);
  cr_expect_eq(s.keep_greedy, 0);
  cr_assert_eq(bk_sample_parse("temperature:T=1.0", &s, v, &n, err, sizeof err), 0);
  cr_expect_eq(s.mode, BK_SAMPLE_TEMPERATURE);
  cr_expect_float_eq(s.value, 1.0, 1e-12);
  cr_assert_eq(bk_sample_parse("greedy", &s, v, &n, err, sizeof err), 0);
  cr_expect_eq(s.mode, BK_SAMPLE_GREEDY);
  cr_expect_neq(bk_sample_parse("perturb:sigma=-1", &s, v, &n, err, sizeof err), 0);
  cr_expect_neq(bk_sample_parse("perturb:s=0.1", &s, v, &n, err, sizeof err), 0);
  cr_expect_neq(bk_sample_parse("beam:K=3", &s, v, &n, err, sizeof err), 0);
  cr_expect_neq(bk_sample_parse("perturb:sigma=0.1,0.1", &s, v, &n, err, sizeof err), 0,
                "a repeated value would run every episode twice");
  char many[256] = "perturb:sigma=0.01";
  for (int i = 2; i <= BK_SAMPLE_MAX_VALUES + 1; i++) {
    snprintf(many + strlen(many), sizeof many - strlen(many), ",%g", 0.01 * i);
  }
  cr_expect_neq(bk_sample_parse(many, &s, v, &n, err, sizeof err), 0, "17 values are refused, not cut");
  cr_expect(strstr(err, "temperature:T=") != NULL, "%s", err);
}

Test(sample, perturbation_spread_matches_sigma) {
  // greedy chunk at 0 (far from the clip at +-1): sample variance within 10% of sigma^2
  enum { H = 8, N = H * 7, K = 400 };
  static double greedy[N], out[K * N];
  const double sigmas[3] = {0.02, 0.05, 0.1};
  for (int s = 0; s < 3; s++) {
    double sum = 0, sum2 = 0;
    long cnt = 0;
    for (int dec = 0; dec < 10; dec++) {
      bk_sample_perturb(greedy, N, K, sigmas[s], 1, 1234, dec, out);
      cr_assert_eq(memcmp(out, greedy, sizeof greedy), 0, "candidate 0 is the greedy chunk");
      for (int i = N; i < K * N; i++) {
        sum += out[i];
        sum2 += out[i] * out[i];
        cnt++;
      }
    }
    double mean = sum / cnt, var = sum2 / cnt - mean * mean;
    cr_expect_float_eq(var, sigmas[s] * sigmas[s], 0.1 * sigmas[s] * sigmas[s],
                       "sigma %g: variance %g", sigmas[s], var);
    cr_expect_lt(fabs(mean), 0.05 * sigmas[s] + 1e-4);
  }
}

Test(sample, draws_depend_only_on_their_identity) {
  enum { N = 14 };
  double greedy[N] = {0}, a[8 * N], b[4 * N];
  bk_sample_perturb(greedy, N, 8, 0.1, 1, 99, 3, a);
  bk_sample_perturb(greedy, N, 4, 0.1, 1, 99, 3, b);
  cr_expect_eq(memcmp(a, b, sizeof b), 0, "the first 4 of K=8 equal K=4");
  bk_sample_perturb(greedy, N, 4, 0.1, 1, 99, 4, b);
  cr_expect_neq(memcmp(a + N, b + N, sizeof(double) * N), 0, "another decision differs");
}

Test(sample, perturbed_actions_stay_in_range) {
  enum { N = 70 };
  double greedy[N], out[50 * N];
  for (int i = 0; i < N; i++) greedy[i] = i % 2 ? 0.98 : -0.98;
  bk_sample_perturb(greedy, N, 50, 0.5, 0, 7, 0, out);
  for (int i = 0; i < 50 * N; i++) cr_assert(out[i] >= -1 && out[i] <= 1);
  cr_expect_neq(memcmp(out, greedy, sizeof greedy), 0, "keep=0 perturbs candidate 0 too");
}

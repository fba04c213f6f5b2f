/* scorers' pure parts: disagreement, per-group error, choice */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "score/score.h"
#include "score/scorer.h"

Test(score, disagreement_hand_worked) {
  // three 2-number candidates: (0,0), (3,4), (0,4); distances 5, 4, 3
  double c[6] = {0, 0, 3, 4, 0, 4}, out[3];
  bk_score_disagreement(c, 3, 2, out);
  cr_expect_float_eq(out[0], (5 + 4) / 2.0, 1e-12);
  cr_expect_float_eq(out[1], (5 + 3) / 2.0, 1e-12);
  cr_expect_float_eq(out[2], (4 + 3) / 2.0, 1e-12);
  bk_score_disagreement(c, 1, 2, out);
  cr_expect_eq(out[0], 0, "one candidate has nobody to disagree with");
}

Test(score, group_error_hand_worked) {
  double a[7] = {1, 0, 0, 0, 0.5, 0, 1}, ref[7] = {0, 0, 0, 0, 0, 0, -1}, e[BK_NGROUP];
  bk_score_group_error(a, ref, e);
  cr_expect_float_eq(e[BK_GROUP_TRANS], 1.0 / 3, 1e-12);
  cr_expect_float_eq(e[BK_GROUP_ROT], 0.25 / 3, 1e-12);
  cr_expect_float_eq(e[BK_GROUP_GRIP], 4.0, 1e-12);
  cr_expect_float_eq(e[BK_GROUP_TOTAL], (1 + 0.25 + 4) / 7, 1e-12);
}

Test(score, argmin_and_names) {
  double r[4] = {0.5, 0.2, 0.2, NAN};
  cr_expect_eq(bk_score_argmin(r, 4), 1, "first of the tied minima");
  double n[2] = {NAN, 3};
  cr_expect_eq(bk_score_argmin(n, 2), 1, "NaN loses");
  cr_expect_eq(bk_score_parse("lookahead"), BK_SCORER_LOOKAHEAD);
  cr_expect_eq(bk_score_parse("oracle"), -1);
  cr_expect_str_eq(bk_score_name(BK_SCORER_PREDICTOR), "predictor");
}

/* the random scorer: a function of the candidate's own numbers (deterministic, the same
 * on every thread), and over many decisions a uniform pick among the K candidates
 * (chi-square over 8,000 decisions of K = 8 Gaussian candidates; 24.3 is the 0.999
 * quantile of chi-square with 7 degrees of freedom) */
Test(score, random_scorer_is_a_uniform_pick_fixed_by_the_candidates) {
  const bk_scorer_ops_t* sc = bk_scorer_get(bk_score_parse("random"));
  cr_assert_str_eq(sc->name, "random");
  cr_expect_eq(sc->picks, 1);
  cr_expect_eq(sc->needs, 0u);
  enum { K = 8, N = 56, DEC = 8000 };
  static double a[K * N], b[K * N];
  uint64_t key[1] = {7};
  bk_rng_t rng;
  bk_rng_seed(&rng, key, 1);
  int count[K] = {0};
  bk_score_in_t in = {.actions = a, .k = K, .n = N, .open_loop = 8};
  for (int dec = 0; dec < DEC; dec++) {
    for (int i = 0; i < K * N; i++) a[i] = 0.1 * bk_rng_normal(&rng);
    double r[K];
    for (int c = 0; c < K; c++) {
      r[c] = sc->risk(&in, c);
      cr_assert(r[c] >= 0 && r[c] < 1, "risk %g outside [0, 1)", r[c]);
    }
    count[bk_score_argmin(r, K)]++;
    if (dec == 0) {
      // the same numbers anywhere give the same risk: candidates 0 and 5 swapped
      memcpy(b, a, sizeof a);
      memcpy(b + 0 * N, a + 5 * N, sizeof(double) * N);
      memcpy(b + 5 * N, a + 0 * N, sizeof(double) * N);
      bk_score_in_t in2 = in;
      in2.actions = b;
      cr_expect_eq(sc->risk(&in2, 0), r[5]);
      cr_expect_eq(sc->risk(&in2, 5), r[0]);
      cr_expect_eq(sc->risk(&in, 3), r[3], "deterministic");
      // one number changed in its last bit changes the pick's risk
      b[5 * N + 17] = nextafter(b[5 * N + 17], 1.0);
      cr_expect_neq(sc->risk(&in2, 5), r[0]);
    }
  }
  double chi2 = 0, e = (double)DEC / K;
  for (int c = 0; c < K; c++) chi2 += (count[c] - e) * (count[c] - e) / e;
  cr_expect_lt(chi2, 24.3, "picks per candidate far from uniform (chi-square %.1f)", chi2);
}

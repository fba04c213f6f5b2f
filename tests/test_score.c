/* scorers' pure parts: disagreement, per-group error, choice */
#include <criterion/criterion.h>
#include <math.h>

#include "score/score.h"

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

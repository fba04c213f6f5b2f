/* per-group action error: group and total MSE per task, run ranking and disagreement,
 * numpy/scipy on random errors */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rng.h"
#include "stats/actionerr.h"

Test(actionerr, group_and_total_mse_per_task) {
  // task 0: (0.1, 0.2, 0.4) and (0.3, 0.0, 0.2) -> mse (0.2, 0.1, 0.3)
  //   total = (3 * 0.2 + 3 * 0.1 + 1 * 0.3) / 7 = 1.2 / 7
  // task 1: (1, 1, 1) -> (1, 1, 1), total 1; task 2: no decisions -> NaN
  int task[] = {0, 1, 0};
  double err[] = {0.1, 0.2, 0.4, 1, 1, 1, 0.3, 0.0, 0.2};
  bk_aerr_t pt[3], all;
  cr_assert_eq(bk_aerr_summarize(task, err, 3, 3, pt, &all), 0);
  cr_expect_eq(pt[0].n, 2);
  cr_expect_float_eq(pt[0].mse[BK_AERR_TRANSLATION], 0.2, 1e-15);
  cr_expect_float_eq(pt[0].mse[BK_AERR_ROTATION], 0.1, 1e-15);
  cr_expect_float_eq(pt[0].mse[BK_AERR_GRIPPER], 0.3, 1e-15);
  cr_expect_float_eq(pt[0].total, 1.2 / 7, 1e-15);
  cr_expect_float_eq(pt[1].total, 1.0, 1e-15);
  cr_expect(isnan(pt[2].total) && pt[2].n == 0);
  // whole run: translation (0.1 + 1 + 0.3) / 3
  cr_expect_float_eq(all.mse[0], 1.4 / 3, 1e-15);
  cr_expect_eq(all.n, 3);
}

Test(actionerr, bad_input_is_rejected) {
  int task[] = {0, 3};
  double err[] = {0.1, 0.2, 0.3, 0.1, 0.2, 0.3};
  bk_aerr_t all = {.n = 42};
  cr_expect_eq(bk_aerr_summarize(task, err, 2, 2, NULL, &all), BK_EINVAL);
  task[1] = 1;
  err[4] = -1.0;
  cr_expect_eq(bk_aerr_summarize(task, err, 2, 2, NULL, &all), BK_EINVAL);
  err[4] = NAN;
  cr_expect_eq(bk_aerr_summarize(task, err, 2, 2, NULL, &all), BK_EINVAL);
  cr_expect_eq(all.n, 42);
  bk_aerr_t empty = {0};
  bk_aerr_rank_t rk;
  cr_expect_eq(bk_aerr_compare(&empty, 1, &rk, NULL), BK_EINVAL);
}

static bk_aerr_t run_of(double t, double r, double g) {
  bk_aerr_t a = {.n = 1, .mse = {t, r, g}};
  a.total = (3 * t + 3 * r + g) / 7;
  return a;
}

Test(actionerr, ranking_agrees_when_every_group_orders_alike) {
  bk_aerr_t runs[3] = {run_of(0.1, 0.1, 0.1), run_of(0.2, 0.3, 0.2), run_of(0.3, 0.4, 0.9)};
  bk_aerr_rank_t rk[3];
  int disc[3];
  cr_expect_eq(bk_aerr_compare(runs, 3, rk, disc), 0);
  for (int k = 0; k < 3; k++) {
    cr_expect_eq(rk[k].rank_total, k + 1);
    cr_expect_eq(rk[k].discordant, 0);
  }
  cr_expect_eq(disc[0] + disc[1] + disc[2], 0);
}

Test(actionerr, ranking_flags_a_group_that_orders_differently) {
  // totals: A (0.1, 0.1, 0.9) -> 1.5/7; B (0.2, 0.2, 0.0) -> 1.2/7: B ranks first by total,
  // A first by translation and rotation, B first by gripper; C worst everywhere
  bk_aerr_t runs[3] = {run_of(0.1, 0.1, 0.9), run_of(0.2, 0.2, 0.0), run_of(0.5, 0.5, 1.0)};
  bk_aerr_rank_t rk[3];
  int disc[3];
  cr_expect_eq(bk_aerr_compare(runs, 3, rk, disc), 1);
  cr_expect_eq(rk[0].rank_total, 2);
  cr_expect_eq(rk[1].rank_total, 1);
  cr_expect_eq(rk[0].rank[BK_AERR_TRANSLATION], 1);
  cr_expect_eq(disc[BK_AERR_TRANSLATION], 1);  // the pair (A, B)
  cr_expect_eq(disc[BK_AERR_ROTATION], 1);
  cr_expect_eq(disc[BK_AERR_GRIPPER], 0);
  cr_expect(rk[0].discordant && rk[1].discordant && !rk[2].discordant);
  // ties are not disagreement: equal totals, any group order
  bk_aerr_t tie[2] = {run_of(0.1, 0.2, 0.3), run_of(0.2, 0.1, 0.3)};
  cr_expect_eq(bk_aerr_compare(tie, 2, rk, disc), 0);
  cr_expect_eq(rk[0].rank_total, 1.5);
  // a single run: nothing to disagree with
  cr_expect_eq(bk_aerr_compare(runs, 1, rk, NULL), 0);
}

Test(actionerr, matches_numpy_on_random_errors) {
  enum { R = 6, T = 4 };
  static int task[R][400];
  static double err[R][1200];
  static int n[R];
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){606}, 1);
  char in[] = "/tmp/bk_test_aerr_in_XXXXXX", out[] = "/tmp/bk_test_aerr_out_XXXXXX";
  FILE* f = fdopen(mkstemp(in), "w");
  cr_assert_not_null(f);
  fprintf(f, "%d %d\n", R, T);
  // per run a different scale per group, so orders can disagree; task 3 stays empty
  for (int k = 0; k < R; k++) {
    n[k] = 1 + (int)(bk_rng_uniform(&rng) * 399);
    fprintf(f, "%d\n", n[k]);
    for (int i = 0; i < n[k]; i++) {
      task[k][i] = (int)(bk_rng_uniform(&rng) * 3);
      fprintf(f, "%d", task[k][i]);
      for (int g = 0; g < 3; g++) {
        double z = bk_rng_normal(&rng) * (1 + ((k + g) % 3));
        err[k][i * 3 + g] = z * z;
        fprintf(f, " %.17g", z * z);
      }
      fprintf(f, "\n");
    }
  }
  fclose(f);
  close(mkstemp(out));
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/py/actionerr_ref.py %s %s",
           BOKBO_SOURCE_DIR, in, out);
  cr_assert_eq(system(cmd), 0, "%s failed", cmd);
  FILE* r = fopen(out, "r");
  cr_assert_not_null(r);
  bk_aerr_t all[R], pt[T];
  for (int k = 0; k < R; k++) {
    cr_assert_eq(bk_aerr_summarize(task[k], err[k], n[k], T, pt, &all[k]), 0);
    for (int t = 0; t < T; t++) {
      double got[4] = {pt[t].mse[0], pt[t].mse[1], pt[t].mse[2], pt[t].total}, want;
      for (int j = 0; j < 4; j++) {
        cr_assert_eq(fscanf(r, "%lf", &want), 1);
        if (isnan(want)) cr_expect(isnan(got[j]), "run %d task %d: %g", k, t, got[j]);
        else cr_expect(fabs(got[j] - want) <= 1e-12 * want, "run %d task %d stat %d", k, t, j);
      }
    }
  }
  // ranks of the whole runs and discordant pairs
  bk_aerr_rank_t rk[R];
  int disc[3];
  int any = bk_aerr_compare(all, R, rk, disc);
  cr_assert(any == 0 || any == 1);
  for (int k = 0; k < R; k++) {
    double want[4], got[4] = {rk[k].rank_total, rk[k].rank[0], rk[k].rank[1], rk[k].rank[2]};
    for (int j = 0; j < 4; j++) cr_assert_eq(fscanf(r, "%lf", &want[j]), 1);
    for (int j = 0; j < 4; j++) cr_expect_eq(got[j], want[j], "run %d rank %d", k, j);
  }
  int total = 0;
  for (int g = 0; g < 3; g++) {
    int want;
    cr_assert_eq(fscanf(r, "%d", &want), 1);
    cr_expect_eq(disc[g], want, "group %d: %d discordant pairs, want %d", g, disc[g], want);
    total += want;
  }
  cr_expect_eq(any, total > 0);
  fclose(r);
  unlink(in);
  unlink(out);
}

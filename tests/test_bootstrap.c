/* bootstrap hold rates: seeded stratified splits, thread-count independence, per-split
 * numbers against the brute-force reference, and Mondrian lifting the worst task */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rng.h"
#include "stats/bootstrap.h"

#define MAXE 2048
#define MAXD 16384

typedef struct {
  int task[MAXE];
  unsigned char success[MAXE];
  int offset[MAXE + 1];
  double score[MAXD];
  unsigned char viol[MAXD];
  bk_crc_data_t d;
} eps_t;

static void eps_init(eps_t* e, int n_tasks) {
  memset(e, 0, sizeof(*e));
  e->d = (bk_crc_data_t){0, n_tasks, e->task, e->success, e->offset, e->score, e->viol};
}

/* n episodes per task; task t violates with probability risk[t] * s at each decision
 * (step = 0) or risk[t] when s >= step; scores on a 0.05 grid so that ties occur */
static void synth_step(eps_t* e, int n_tasks, int per_task, const double* risk, double step,
                       uint64_t seed) {
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){seed}, 1);
  eps_init(e, n_tasks);
  for (int t = 0; t < n_tasks; t++) {
    for (int k = 0; k < per_task; k++) {
      int i = e->d.n_episodes++;
      int nd = 1 + (int)(bk_rng_uniform(&rng) * 6);
      e->task[i] = t;
      e->success[i] = bk_rng_uniform(&rng) < 0.8;
      for (int j = 0; j < nd; j++) {
        double s = floor(bk_rng_uniform(&rng) * 20) / 20;
        e->score[e->offset[i] + j] = s;
        double p = step > 0 ? risk[t] * (s >= step) : risk[t] * s;
        e->viol[e->offset[i] + j] = bk_rng_uniform(&rng) < p;
      }
      e->offset[i + 1] = e->offset[i] + nd;
    }
  }
}

static void synth(eps_t* e, int n_tasks, int per_task, const double* risk, uint64_t seed) {
  synth_step(e, n_tasks, per_task, risk, 0.0, seed);
}

static const double risk3[3] = {0.1, 0.2, 0.4};

Test(bootstrap, defaults) {
  bk_boot_config_t c = bk_boot_default_config();
  cr_expect_eq(c.splits, 1000);
  cr_expect_eq(c.cal_fraction, 0.5);
  cr_expect_eq(c.epsilon, 0.05);
  cr_expect_eq(c.unit, BK_CRC_UNIT_EPISODE);
}

Test(bootstrap, splits_are_stratified_and_seeded) {
  static eps_t e;
  synth(&e, 3, 41, risk3, 1);
  bk_boot_config_t c = bk_boot_default_config();
  unsigned char a[MAXE], b[MAXE], a2[MAXE];
  cr_assert_eq(bk_boot_split(&c, &e.d, 0, a), 0);
  cr_assert_eq(bk_boot_split(&c, &e.d, 0, a2), 0);
  cr_assert_eq(bk_boot_split(&c, &e.d, 1, b), 0);
  int n = e.d.n_episodes;
  cr_expect_eq(memcmp(a, a2, (size_t)n), 0, "same split, same mask");
  cr_expect_neq(memcmp(a, b, (size_t)n), 0, "another split, another mask");
  // floor(41 / 2) = 20 calibration episodes in every task
  int cnt[3] = {0};
  for (int i = 0; i < n; i++) cnt[e.task[i]] += a[i];
  for (int t = 0; t < 3; t++) cr_expect_eq(cnt[t], 20);
  // another seed moves the split
  c.seed = 99;
  cr_assert_eq(bk_boot_split(&c, &e.d, 0, b), 0);
  cr_expect_neq(memcmp(a, b, (size_t)n), 0);
}

Test(bootstrap, results_do_not_depend_on_thread_count) {
  static eps_t e;
  synth(&e, 3, 60, risk3, 2);
  bk_boot_config_t c = bk_boot_default_config();
  c.splits = 101;
  c.epsilon = 0.1;
  bk_boot_result_t r1, r2, r3;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r1, NULL, 0), 0);
  c.threads = 2;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r2, NULL, 0), 0);
  c.threads = 3;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r3, NULL, 0), 0);
  const bk_boot_result_t* rs[2] = {&r2, &r3};
  for (int k = 0; k < 2; k++) {
    const bk_boot_side_t* p = &rs[k]->pooled;
    const bk_boot_side_t* m = &rs[k]->mondrian;
    cr_expect_eq(memcmp(p->tau, r1.pooled.tau, sizeof(double) * 101), 0);
    cr_expect_eq(memcmp(m->tau, r1.mondrian.tau, sizeof(double) * 303), 0);
    cr_expect_eq(memcmp(p->coverage, r1.pooled.coverage, sizeof(double) * 101), 0);
    cr_expect_eq(memcmp(m->task_hold, r1.mondrian.task_hold, 303), 0);
    cr_expect_eq(p->hold_rate, r1.pooled.hold_rate);
    cr_expect_eq(m->min_task_hold, r1.mondrian.min_task_hold);
    cr_expect_eq(m->mean_violation_rate, r1.mondrian.mean_violation_rate);
  }
  bk_boot_result_free(&r1);
  bk_boot_result_free(&r2);
  bk_boot_result_free(&r3);
}

Test(bootstrap, aggregates_are_shares_and_means_over_splits) {
  static eps_t e;
  synth(&e, 3, 50, risk3, 3);
  bk_boot_config_t c = bk_boot_default_config();
  c.splits = 57;
  c.epsilon = 0.1;
  bk_boot_result_t r;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r, NULL, 0), 0);
  const bk_boot_side_t* sides[2] = {&r.pooled, &r.mondrian};
  for (int k = 0; k < 2; k++) {
    const bk_boot_side_t* s = sides[k];
    int holds = 0, th[3] = {0};
    double cov = 0.0;
    for (int b = 0; b < 57; b++) {
      holds += s->hold[b];
      cov += s->coverage[b];
      cr_expect_eq(s->hold[b], s->violation_rate[b] <= 0.1);
      for (int t = 0; t < 3; t++) th[t] += s->task_hold[b * 3 + t];
    }
    cr_expect_float_eq(s->hold_rate, holds / 57.0, 1e-15);
    cr_expect_float_eq(s->mean_coverage, cov / 57.0, 1e-12);
    double mn = 2.0;
    for (int t = 0; t < 3; t++) {
      cr_expect_float_eq(s->task_hold_rate[t], th[t] / 57.0, 1e-15);
      mn = fmin(mn, th[t] / 57.0);
    }
    cr_expect_float_eq(s->min_task_hold, mn, 1e-15);
    cr_expect_eq(s->task_hold_rate[s->min_task], s->min_task_hold);
  }
  cr_expect_eq(r.task_cal[0], 25);
  cr_expect_eq(r.task_test[0], 25);
  bk_boot_result_free(&r);
}

Test(bootstrap, small_data_always_abstains_and_holds) {
  static eps_t e;
  const double none[2] = {0.0, 0.0};
  synth(&e, 2, 4, none, 4);
  bk_boot_config_t c = bk_boot_default_config();  // eps 0.05 needs 19 calibration episodes
  c.splits = 10;
  bk_boot_result_t r;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r, NULL, 0), 0);
  // 4 calibration episodes pooled, 2 per task: all too small -> tau = -inf
  cr_expect_eq(r.task_small[0], 1);
  cr_expect_eq(r.task_small[1], 1);
  cr_expect_eq(r.pooled.abstain_all, 10);
  cr_expect_eq(r.mondrian.abstain_all, 20);
  cr_expect_eq(r.pooled.nothing_executed, 10);
  cr_expect_eq(r.pooled.mean_coverage, 0.0);
  cr_expect_eq(r.pooled.mean_net_success, 0.0);
  // nothing executed: rate 0, every split and task holds
  cr_expect_eq(r.pooled.hold_rate, 1.0);
  cr_expect_eq(r.mondrian.min_task_hold, 1.0);
  bk_boot_result_free(&r);
}

Test(bootstrap, mondrian_lifts_the_worst_task, .timeout = 120) {
  static eps_t e;
  // violations only above score 0.7; task 2 then violates ten times as often as task 1,
  // so a pooled threshold set by the safe tasks lets task 2 through
  const double risk[3] = {0.02, 0.05, 0.5};
  synth_step(&e, 3, 300, risk, 0.7, 5);
  bk_boot_config_t c = bk_boot_default_config();
  c.splits = 200;
  c.epsilon = 0.1;
  c.threads = 2;
  bk_boot_result_t r;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r, NULL, 0), 0);
  cr_expect_eq(r.pooled.min_task, 2);
  cr_expect_gt(r.mondrian.min_task_hold, r.pooled.min_task_hold, "pooled %g mondrian %g",
               r.pooled.min_task_hold, r.mondrian.min_task_hold);
  // the pooled threshold is looser than task 2's own in most splits
  int looser = 0;
  for (int b = 0; b < 200; b++) looser += r.pooled.tau[b] > r.mondrian.tau[b * 3 + 2];
  cr_expect_gt(looser, 150);
  bk_boot_result_free(&r);
}

Test(bootstrap, bad_config_is_rejected) {
  static eps_t e;
  synth(&e, 2, 4, risk3, 6);
  bk_boot_config_t c = bk_boot_default_config();
  bk_boot_result_t r;
  char err[128];
  c.splits = 0;
  cr_expect_eq(bk_boot_run(&c, &e.d, &r, err, sizeof(err)), BK_EINVAL);
  cr_expect(strstr(err, "splits") != NULL, "%s", err);
  cr_expect_null(r.pooled.tau);
  c = bk_boot_default_config();
  c.cal_fraction = 1.0;
  cr_expect_eq(bk_boot_run(&c, &e.d, &r, err, sizeof(err)), BK_EINVAL);
  c = bk_boot_default_config();
  e.task[0] = 5;
  cr_expect_eq(bk_boot_run(&c, &e.d, &r, err, sizeof(err)), BK_EINVAL);
  cr_expect(strstr(err, "episode 0") != NULL, "%s", err);
  bk_boot_result_free(&r);  // zeroed: freeing is harmless
  bk_boot_result_free(NULL);
}

/* --- per-split numbers against tests/py/crc_ref.py --- */

static void write_case(FILE* f, double eps, int mondrian, const unsigned char* cal, int n) {
  fprintf(f, "%.17g 0 %d ", eps, mondrian);
  for (int i = 0; i < n; i++) fputc(cal[i] ? '1' : '0', f);
  fputc(' ', f);
  for (int i = 0; i < n; i++) fputc(cal[i] ? '0' : '1', f);
  fputc('\n', f);
}

static double read_num(FILE* f) {
  double x;
  cr_assert_eq(fscanf(f, "%lf", &x), 1, "reference output too short");
  return x;
}

static void expect_close(double got, double want, const char* what, int b) {
  if (isnan(want)) {
    cr_expect(isnan(got), "split %d %s: got %.17g, want nan", b, what, got);
    return;
  }
  cr_expect(got == want || fabs(got - want) <= 1e-12, "split %d %s: got %.17g want %.17g", b,
            what, got, want);
}

/* one reference line against side s of split b */
static void check_side(FILE* f, const bk_boot_side_t* s, int nt, int b) {
  int ntau = (int)read_num(f);
  cr_assert_eq(ntau, s->ntau);
  for (int g = 0; g < ntau; g++) expect_close(s->tau[b * ntau + g], read_num(f), "tau", b);
  for (int k = 0; k < 3 * ntau; k++) read_num(f);  // flags and calibration risk: test_crc
  expect_close(s->coverage[b], read_num(f), "coverage", b);
  expect_close(s->net_success[b], read_num(f), "net success", b);
  expect_close(s->violation_rate[b], read_num(f), "violation rate", b);
  expect_close(s->risk[b], read_num(f), "risk", b);
  read_num(f);  // decision risk
  expect_close(s->hold[b], read_num(f), "hold", b);
  expect_close((double)s->executed[b], read_num(f), "executed", b);
  read_num(f);
  for (int t = 0; t < nt; t++) {
    expect_close(s->task_hold[b * nt + t], read_num(f), "task hold", b);
    read_num(f);
  }
}

Test(bootstrap, splits_match_brute_force_reference, .timeout = 120) {
  static eps_t e;
  synth(&e, 3, 25, risk3, 7);
  bk_boot_config_t c = bk_boot_default_config();
  c.splits = 12;
  c.epsilon = 0.1;
  c.seed = 12345;
  bk_boot_result_t r;
  cr_assert_eq(bk_boot_run(&c, &e.d, &r, NULL, 0), 0);
  // the data, then pooled and Mondrian cases for every split
  char in[] = "/tmp/bk_test_boot_in_XXXXXX", out[] = "/tmp/bk_test_boot_out_XXXXXX";
  FILE* f = fdopen(mkstemp(in), "w");
  cr_assert_not_null(f);
  int n = e.d.n_episodes;
  fprintf(f, "%d 3\n", n);
  for (int i = 0; i < n; i++) {
    fprintf(f, "%d %d %d", e.task[i], e.success[i], e.offset[i + 1] - e.offset[i]);
    for (int k = e.offset[i]; k < e.offset[i + 1]; k++)
      fprintf(f, " %.17g %d", e.score[k], e.viol[k]);
    fprintf(f, "\n");
  }
  fprintf(f, "%d\n", 2 * c.splits);
  unsigned char cal[MAXE];
  for (int b = 0; b < c.splits; b++) {
    cr_assert_eq(bk_boot_split(&c, &e.d, b, cal), 0);
    write_case(f, c.epsilon, 0, cal, n);
    write_case(f, c.epsilon, 1, cal, n);
  }
  fclose(f);
  close(mkstemp(out));
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/py/crc_ref.py %s %s", BOKBO_SOURCE_DIR,
           in, out);
  cr_assert_eq(system(cmd), 0, "%s failed", cmd);
  FILE* g = fopen(out, "r");
  cr_assert_not_null(g);
  for (int b = 0; b < c.splits; b++) {
    check_side(g, &r.pooled, 3, b);
    check_side(g, &r.mondrian, 3, b);
  }
  fclose(g);
  unlink(in);
  unlink(out);
  bk_boot_result_free(&r);
}

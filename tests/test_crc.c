/* conformal risk control: episode losses, exact threshold search, the finite-sample rule,
 * Mondrian groups, test metrics, a brute-force Python cross-check and the guarantee */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/rng.h"
#include "stats/crc.h"

/* episodes built in a test: arrays sized for small examples */
#define MAXE 512
#define MAXD 4096

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

static void eps_add(eps_t* e, int task, int success, int n, const double* s,
                    const unsigned char* v) {
  int i = e->d.n_episodes++;
  e->task[i] = task;
  e->success[i] = (unsigned char)success;
  for (int k = 0; k < n; k++) {
    e->score[e->offset[i] + k] = s[k];
    e->viol[e->offset[i] + k] = v[k];
  }
  e->offset[i + 1] = e->offset[i] + n;
}

/* the four-episode example used by several tests:
 *   e0 task 0 success: s = (0.1, 0.4), v = (0, 1)  -> event at max(0.1, 0.4) = 0.4, w 1/2
 *   e1 task 0 success: s = (0.5, 0.2), v = (0, 1)  -> event at max(0.5, 0.2) = 0.5, w 1/2
 *   e2 task 1 failure: s = (0.3),      v = (1)     -> event at 0.3, w 1
 *   e3 task 1 success: s = (0.2, 0.2, 0.2), v = 0  -> no event */
static void eps_four(eps_t* e) {
  eps_init(e, 2);
  eps_add(e, 0, 1, 2, (double[]){0.1, 0.4}, (unsigned char[]){0, 1});
  eps_add(e, 0, 1, 2, (double[]){0.5, 0.2}, (unsigned char[]){0, 1});
  eps_add(e, 1, 0, 1, (double[]){0.3}, (unsigned char[]){1});
  eps_add(e, 1, 1, 3, (double[]){0.2, 0.2, 0.2}, (unsigned char[]){0, 0, 0});
}

Test(crc, episode_loss_counts_only_the_executed_prefix) {
  eps_t e;
  eps_init(&e, 1);
  eps_add(&e, 0, 1, 4, (double[]){0.2, 0.5, 0.3, 0.9}, (unsigned char[]){0, 1, 1, 0});
  // tau < 0.2: the first decision abstains, nothing executes
  cr_expect_eq(bk_crc_episode_loss(&e.d, 0, 0.1), 0.0);
  // tau = 0.3: d0 runs, d1 (0.5) abstains, so d2 (0.3) never runs: 0 / 4
  cr_expect_eq(bk_crc_episode_loss(&e.d, 0, 0.3), 0.0);
  // tau = 0.5: d0, d1, d2 run, d3 (0.9) abstains: 2 violating / 4
  cr_expect_eq(bk_crc_episode_loss(&e.d, 0, 0.5), 0.5);
  // tau = 0.9: all run, still 2 / 4
  cr_expect_eq(bk_crc_episode_loss(&e.d, 0, 0.9), 0.5);
}

Test(crc, loss_is_non_decreasing_in_tau_and_in_unit_interval) {
  static eps_t e;
  eps_init(&e, 1);
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){11}, 1);
  for (int i = 0; i < 200; i++) {
    double s[8];
    unsigned char v[8];
    int n = 1 + (int)(bk_rng_uniform(&rng) * 8);
    for (int k = 0; k < n; k++) {
      s[k] = floor(bk_rng_uniform(&rng) * 10) / 10;
      v[k] = bk_rng_uniform(&rng) < 0.4;
    }
    eps_add(&e, 0, 1, n, s, v);
  }
  for (int i = 0; i < 200; i++) {
    double prev = 0.0;
    for (double tau = -0.05; tau < 1.1; tau += 0.01) {
      double l = bk_crc_episode_loss(&e.d, i, tau);
      cr_assert(l >= prev && l <= 1.0, "episode %d tau %g: %g after %g", i, tau, l, prev);
      prev = l;
    }
  }
}

Test(crc, threshold_is_largest_qualifying_score) {
  eps_t e;
  eps_four(&e);
  bk_crc_tau_t t;
  // n = 4, eps 0.4: S + 1 <= 0.4 * 5 = 2, so S <= 1
  // S(0.2) = 0, S(0.3) = 1 (e2), S(0.4) = 1.5 (e0): tau = 0.3, risk 1/4
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.4, &t), 0);
  cr_expect_eq(t.tau, 0.3);
  cr_expect_eq(t.n, 4);
  cr_expect_eq(t.always_abstain, 0);
  cr_expect_eq(t.small, 0);
  cr_expect_float_eq(t.risk, 0.25, 1e-15);
  // eps 0.5: S <= 1.5: S(0.4) = 1.5 qualifies, S(0.5) = 2 does not: tau = 0.4, risk 0.375
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.5, &t), 0);
  cr_expect_eq(t.tau, 0.4);
  cr_expect_float_eq(t.risk, 0.375, 1e-15);
}

Test(crc, decision_unit_counts_each_decision_on_its_own) {
  eps_t e;
  eps_four(&e);
  bk_crc_tau_t t;
  // 8 decisions, eps 0.5: S + 1 <= 4.5; violating decisions sit at 0.4, 0.2, 0.3, so
  // S(0.5) = 3 qualifies and the largest score, 0.5, is tau; risk 3/8
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_DECISION, 0, 0.5, &t), 0);
  cr_expect_eq(t.n, 8);
  cr_expect_eq(t.tau, 0.5);
  cr_expect_float_eq(t.risk, 0.375, 1e-15);
  // eps 0.3: S + 1 <= 2.7, S <= 1.7: S(0.2) = 1, S(0.3) = 2: tau = 0.2
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_DECISION, 0, 0.3, &t), 0);
  cr_expect_eq(t.tau, 0.2);
}

Test(crc, always_abstain_when_the_first_score_already_fails) {
  eps_t e;
  eps_init(&e, 1);
  for (int i = 0; i < 4; i++)
    eps_add(&e, 0, 1, 1, (double[]){0.1 * (i + 1)}, (unsigned char[]){1});
  bk_crc_tau_t t;
  // eps 0.3, n 4: S + 1 <= 1.5; the smallest score 0.1 already has S = 1
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.3, &t), 0);
  cr_expect_eq(t.tau, -INFINITY);
  cr_expect_eq(t.always_abstain, 1);
  cr_expect_eq(t.small, 0);  // 1/(4+1) = 0.2 <= 0.3: big enough, just too risky
  cr_expect_eq(t.risk, 0.0);
  // eps 0.5: S <= 1.5: S(0.1) = 1 passes, S(0.2) = 2 fails
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.5, &t), 0);
  cr_expect_eq(t.tau, 0.1);
}

Test(crc, finite_sample_correction_needs_n_of_one_over_eps_minus_one) {
  eps_t e;
  bk_crc_tau_t t;
  // 19 safe episodes at eps 0.05: 1/(19+1) = 0.05 <= 0.05, every score qualifies
  eps_init(&e, 1);
  for (int i = 0; i < 19; i++) eps_add(&e, 0, 1, 1, (double[]){i}, (unsigned char[]){0});
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.05, &t), 0);
  cr_expect_eq(t.tau, 18.0);
  cr_expect_eq(t.small, 0);
  // 18 safe episodes: 1/19 > 0.05, nothing qualifies even with zero loss
  eps_init(&e, 1);
  for (int i = 0; i < 18; i++) eps_add(&e, 0, 1, 1, (double[]){i}, (unsigned char[]){0});
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.05, &t), 0);
  cr_expect_eq(t.tau, -INFINITY);
  cr_expect_eq(t.small, 1);
  cr_expect_eq(t.always_abstain, 1);
}

Test(crc, tiny_n_one_and_two) {
  eps_t e;
  bk_crc_tau_t t;
  // n = 1 safe episode: S + 1 <= 2 eps holds only for eps >= 0.5
  eps_init(&e, 1);
  eps_add(&e, 0, 1, 2, (double[]){0.7, 0.2}, (unsigned char[]){0, 0});
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.49, &t), 0);
  cr_expect_eq(t.tau, -INFINITY);
  cr_expect_eq(t.small, 1);
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.5, &t), 0);
  cr_expect_eq(t.tau, 0.7);
  // n = 2, one violating decision (w 1/2 at 0.6), eps 0.5: S + 1 <= 1.5
  // S(0.6) = 0.5 qualifies; all scores qualify, tau = max = 0.6
  eps_add(&e, 0, 0, 2, (double[]){0.1, 0.6}, (unsigned char[]){0, 1});
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.5, &t), 0);
  cr_expect_eq(t.tau, 0.7);
  cr_expect_float_eq(t.risk, 0.25, 1e-15);
  // eps 0.4: S <= 0.2: S(0.6) = 0.5 fails, so tau = 0.2 (the largest score below 0.6)
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.4, &t), 0);
  cr_expect_eq(t.tau, 0.2);
}

Test(crc, mondrian_calibrates_each_task_and_flags_small_groups) {
  eps_t e;
  eps_four(&e);
  bk_crc_tau_t t[2];
  // eps 0.5, n = 2 per task: S + 1 <= 1.5
  // task 0: events 0.4 (1/2), 0.5 (1/2): S(0.4) = 0.5 ok, S(0.5) = 1 fails -> 0.4
  // task 1: event 0.3 (1): S(0.2) = 0 ok, S(0.3) = 1 fails -> 0.2
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 1, 0.5, t), 0);
  cr_expect_eq(t[0].tau, 0.4);
  cr_expect_eq(t[1].tau, 0.2);
  cr_expect_eq(t[0].n, 2);
  cr_expect_float_eq(t[0].risk, 0.25, 1e-15);
  // eps 0.3: 1/(2+1) > 0.3, both groups too small
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 1, 0.3, t), 0);
  for (int k = 0; k < 2; k++) {
    cr_expect_eq(t[k].small, 1);
    cr_expect_eq(t[k].tau, -INFINITY);
  }
  // a task without calibration episodes: n = 0, small
  unsigned char cal[4] = {1, 1, 0, 0};
  cr_assert_eq(bk_crc_calibrate(&e.d, cal, BK_CRC_UNIT_EPISODE, 1, 0.5, t), 0);
  cr_expect_eq(t[0].tau, 0.4);
  cr_expect_eq(t[1].n, 0);
  cr_expect_eq(t[1].small, 1);
  cr_expect_eq(t[1].tau, -INFINITY);
}

Test(crc, episode_without_decisions_has_zero_loss_and_is_covered) {
  eps_t e;
  eps_init(&e, 1);
  eps_add(&e, 0, 1, 0, NULL, NULL);
  eps_add(&e, 0, 1, 1, (double[]){0.3}, (unsigned char[]){1});
  cr_expect_eq(bk_crc_episode_loss(&e.d, 0, 0.0), 0.0);
  bk_crc_tau_t t;
  // n = 2 eps 0.5: S + 1 <= 1.5; the only score 0.3 has S = 1: always abstain
  cr_assert_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.5, &t), 0);
  cr_expect_eq(t.n, 2);
  cr_expect_eq(t.tau, -INFINITY);
  bk_crc_metrics_t m;
  double tau = -INFINITY;
  cr_assert_eq(bk_crc_evaluate(&e.d, NULL, &tau, 1, 0.5, &m, NULL), 0);
  cr_expect_eq(m.covered, 1);  // the empty episode never abstains
  cr_expect_eq(m.coverage, 0.5);
}

Test(crc, metrics_on_test_episodes) {
  eps_t e;
  eps_four(&e);
  bk_crc_metrics_t m, pt[2];
  double tau = 0.3;
  cr_assert_eq(bk_crc_evaluate(&e.d, NULL, &tau, 1, 0.4, &m, pt), 0);
  // e0: 0.1 runs, 0.4 abstains; e1: 0.5 abstains at once; e2: runs, violates; e3: runs
  cr_expect_eq(m.episodes, 4);
  cr_expect_eq(m.covered, 2);          // e2, e3
  cr_expect_eq(m.net_succeeded, 1);    // e3 (e2 failed)
  cr_expect_eq(m.executed, 5);         // 1 + 0 + 1 + 3
  cr_expect_eq(m.executed_violating, 1);
  cr_expect_float_eq(m.violation_rate, 0.2, 1e-15);
  cr_expect_eq(m.hold, 1);             // 0.2 <= 0.4
  cr_expect_float_eq(m.risk, 0.25, 1e-15);  // L = 0, 0, 1, 0
  // decision unit: violating with s <= 0.3: e1's 0.2 and e2's 0.3, of 8
  cr_expect_float_eq(m.decision_risk, 0.25, 1e-15);
  // per task: task 1 is e2 and e3, 1 violating of 4 executed
  cr_expect_eq(pt[1].executed, 4);
  cr_expect_float_eq(pt[1].violation_rate, 0.25, 1e-15);
  cr_expect_eq(pt[0].covered, 0);
  // per-task thresholds: task 0 at 0.5 runs everything in e0 and e1
  double taus[2] = {0.5, 0.2};
  cr_assert_eq(bk_crc_evaluate(&e.d, NULL, taus, 2, 0.4, &m, pt), 0);
  cr_expect_eq(pt[0].executed_violating, 2);
  cr_expect_float_eq(pt[0].violation_rate, 0.5, 1e-15);
  cr_expect_eq(pt[0].hold, 0);
  cr_expect_eq(pt[1].executed, 3);  // e2 (0.3 > 0.2) abstains, e3 runs 3
  cr_expect_eq(pt[1].violation_rate, 0.0);
}

Test(crc, nothing_executed_gives_rate_zero_and_holds) {
  eps_t e;
  eps_four(&e);
  bk_crc_metrics_t m;
  double tau = -INFINITY;
  cr_assert_eq(bk_crc_evaluate(&e.d, NULL, &tau, 1, 0.05, &m, NULL), 0);
  cr_expect_eq(m.executed, 0);
  cr_expect_eq(m.violation_rate, 0.0);
  cr_expect_eq(m.hold, 1);
  cr_expect_eq(m.coverage, 0.0);
  cr_expect_eq(m.net_success, 0.0);
  // an empty test set: the episode rates are undefined
  unsigned char none[4] = {0};
  cr_assert_eq(bk_crc_evaluate(&e.d, none, &tau, 1, 0.05, &m, NULL), 0);
  cr_expect(isnan(m.coverage) && isnan(m.risk) && isnan(m.decision_risk));
}

Test(crc, bad_input_is_rejected_and_nothing_written) {
  eps_t e;
  eps_four(&e);
  bk_crc_tau_t t = {.tau = 42.0};
  cr_expect_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.0, &t), BK_EINVAL);
  cr_expect_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, NAN, &t), BK_EINVAL);
  cr_expect_eq(bk_crc_calibrate(&e.d, NULL, (bk_crc_unit_t)7, 0, 0.1, &t), BK_EINVAL);
  e.score[3] = NAN;
  char err[128] = "";
  cr_expect_eq(bk_crc_check(&e.d, err, sizeof(err)), BK_EINVAL);
  cr_expect(strstr(err, "decision 3") != NULL, "%s", err);
  cr_expect_eq(bk_crc_calibrate(&e.d, NULL, BK_CRC_UNIT_EPISODE, 0, 0.1, &t), BK_EINVAL);
  e.score[3] = 0.2;
  e.task[2] = 2;
  cr_expect_eq(bk_crc_check(&e.d, err, sizeof(err)), BK_EINVAL);
  cr_expect(strstr(err, "episode 2") != NULL, "%s", err);
  e.task[2] = 1;
  e.offset[2] = 1;  // offset[2] < offset[1]: episode 1 ends before it starts
  cr_expect_eq(bk_crc_check(&e.d, NULL, 0), BK_EINVAL);
  cr_expect_eq(t.tau, 42.0);
  cr_expect_null(bk_crc_index_create(&e.d, BK_CRC_UNIT_EPISODE, NULL, 0));
  bk_crc_index_free(NULL);
}

/* --- cross-check against tests/py/crc_ref.py --- */

static void random_episodes(eps_t* e, bk_rng_t* rng, int n, int n_tasks, double grid) {
  eps_init(e, n_tasks);
  for (int i = 0; i < n; i++) {
    double s[10];
    unsigned char v[10];
    int nd = (int)(bk_rng_uniform(rng) * 7);  // 0 .. 6 decisions
    for (int k = 0; k < nd; k++) {
      s[k] = floor(bk_rng_uniform(rng) / grid) * grid;  // coarse grid: many ties
      v[k] = bk_rng_uniform(rng) < s[k] * 0.6;
    }
    eps_add(e, (int)(bk_rng_uniform(rng) * n_tasks), bk_rng_uniform(rng) < 0.7, nd, s, v);
  }
}

static void write_data(FILE* f, const eps_t* e) {
  fprintf(f, "%d %d\n", e->d.n_episodes, e->d.n_tasks);
  for (int i = 0; i < e->d.n_episodes; i++) {
    int a = e->offset[i], b = e->offset[i + 1];
    fprintf(f, "%d %d %d", e->task[i], e->success[i], b - a);
    for (int k = a; k < b; k++) fprintf(f, " %.17g %d", e->score[k], e->viol[k]);
    fprintf(f, "\n");
  }
}

static void write_mask(FILE* f, const unsigned char* m, int n) {
  if (n == 0) fputc('-', f);
  for (int i = 0; i < n; i++) fputc(m[i] ? '1' : '0', f);
  fputc(' ', f);
}

/* runs the reference script on in, returning the opened output */
static FILE* run_ref(const char* script, const char* in, char* out_path) {
  strcpy(out_path, "/tmp/bk_test_ref_out_XXXXXX");
  int fd = mkstemp(out_path);
  cr_assert(fd >= 0);
  close(fd);
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/py/%s %s %s", BOKBO_SOURCE_DIR,
           script, in, out_path);
  cr_assert_eq(system(cmd), 0, "%s failed", cmd);
  FILE* f = fopen(out_path, "r");
  cr_assert_not_null(f);
  return f;
}

static double read_num(FILE* f) {
  double x;
  cr_assert_eq(fscanf(f, "%lf", &x), 1, "reference output too short");
  return x;
}

static void expect_close(double got, double want, const char* what, int c) {
  if (isnan(want)) {
    cr_expect(isnan(got), "case %d %s: got %.17g, want nan", c, what, got);
    return;
  }
  cr_expect(got == want || fabs(got - want) <= 1e-12, "case %d %s: got %.17g, want %.17g", c,
            what, got, want);
}

typedef struct {
  double eps;
  int unit, mondrian;
  unsigned char cal[MAXE], test[MAXE];
} ref_case_t;

/* compares one case's C results with a line of the reference */
static void check_case(FILE* f, const eps_t* e, const ref_case_t* rc, int c) {
  bk_crc_tau_t t[16];
  bk_crc_metrics_t m, pt[16];
  double tau[16];
  int nt = e->d.n_tasks;
  cr_assert_eq(bk_crc_calibrate(&e->d, rc->cal, rc->unit, rc->mondrian, rc->eps, t), 0);
  int ntau = (int)read_num(f);
  cr_assert_eq(ntau, rc->mondrian ? nt : 1);
  for (int g = 0; g < ntau; g++) tau[g] = t[g].tau;
  for (int g = 0; g < ntau; g++) expect_close(t[g].tau, read_num(f), "tau", c);
  for (int g = 0; g < ntau; g++) expect_close(t[g].always_abstain, read_num(f), "always", c);
  for (int g = 0; g < ntau; g++) expect_close(t[g].small, read_num(f), "small", c);
  for (int g = 0; g < ntau; g++) expect_close(t[g].risk, read_num(f), "cal risk", c);
  cr_assert_eq(bk_crc_evaluate(&e->d, rc->test, tau, ntau, rc->eps, &m, pt), 0);
  expect_close(m.coverage, read_num(f), "coverage", c);
  expect_close(m.net_success, read_num(f), "net success", c);
  expect_close(m.violation_rate, read_num(f), "violation rate", c);
  expect_close(m.risk, read_num(f), "risk", c);
  expect_close(m.decision_risk, read_num(f), "decision risk", c);
  expect_close(m.hold, read_num(f), "hold", c);
  expect_close((double)m.executed, read_num(f), "executed", c);
  expect_close((double)m.executed_violating, read_num(f), "executed violating", c);
  for (int k = 0; k < nt; k++) {
    expect_close(pt[k].episodes > 0 && pt[k].hold, read_num(f), "task hold", c);
    expect_close(pt[k].violation_rate, read_num(f), "task rate", c);
  }
}

Test(crc, matches_brute_force_reference_on_random_data, .timeout = 120) {
  static eps_t e;
  static ref_case_t cases[24];
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){2024, 5}, 2);
  const double epsl[4] = {0.05, 0.1, 0.2, 0.35};
  for (int round = 0; round < 4; round++) {
    int n = round == 0 ? 3 : 30 + 40 * round;  // tiny n included
    random_episodes(&e, &rng, n, 3, round % 2 ? 0.1 : 0.05);
    // cases: eps x unit x pooled/Mondrian with random masks
    for (int c = 0; c < 24; c++) {
      ref_case_t* rc = &cases[c];
      rc->eps = epsl[c % 4];
      rc->unit = (c / 4) % 2;
      rc->mondrian = (c / 8) % 2;
      for (int i = 0; i < n; i++) {
        rc->cal[i] = c >= 16 ? 1 : bk_rng_uniform(&rng) < 0.6;
        rc->test[i] = c >= 16 ? 1 : !rc->cal[i];
      }
    }
    char in[] = "/tmp/bk_test_crc_in_XXXXXX", out[64];
    FILE* f = fdopen(mkstemp(in), "w");
    cr_assert_not_null(f);
    write_data(f, &e);
    fprintf(f, "24\n");
    for (int c = 0; c < 24; c++) {
      fprintf(f, "%.17g %d %d ", cases[c].eps, cases[c].unit, cases[c].mondrian);
      write_mask(f, cases[c].cal, n);
      write_mask(f, cases[c].test, n);
      fprintf(f, "\n");
    }
    fclose(f);
    FILE* r = run_ref("crc_ref.py", in, out);
    for (int c = 0; c < 24; c++) check_case(r, &e, &cases[c], round * 100 + c);
    fclose(r);
    unlink(in);
    unlink(out);
  }
}

/* --- the guarantee on exchangeable synthetic data --- */

/* an episode drawn i.i.d.: 1..10 decisions, risk uniform, violation more likely when
 * riskier (probability s^2) */
static void draw_episode(eps_t* e, bk_rng_t* rng) {
  double s[10];
  unsigned char v[10];
  int nd = 1 + (int)(bk_rng_uniform(rng) * 10);
  for (int k = 0; k < nd; k++) {
    s[k] = bk_rng_uniform(rng);
    v[k] = bk_rng_uniform(rng) < s[k] * s[k];
  }
  eps_add(e, 0, 1, nd, s, v);
}

/* mean test loss over fresh calibration/test draws; *se is its standard error */
static double mean_test_loss(bk_crc_unit_t unit, double eps, int trials, double* se) {
  static eps_t e;
  static unsigned char cal[MAXE], test[MAXE];
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){77, (uint64_t)unit}, 2);
  double sum = 0.0, sum2 = 0.0;
  for (int trial = 0; trial < trials; trial++) {
    eps_init(&e, 1);
    for (int i = 0; i < 400; i++) draw_episode(&e, &rng);
    for (int i = 0; i < 400; i++) cal[i] = i < 200, test[i] = i >= 200;
    bk_crc_tau_t t;
    bk_crc_metrics_t m;
    cr_assert_eq(bk_crc_calibrate(&e.d, cal, unit, 0, eps, &t), 0);
    cr_assert_eq(bk_crc_evaluate(&e.d, test, &t.tau, 1, eps, &m, NULL), 0);
    double l = unit == BK_CRC_UNIT_EPISODE ? m.risk : m.decision_risk;
    sum += l;
    sum2 += l * l;
  }
  double mean = sum / trials;
  *se = sqrt((sum2 / trials - mean * mean) / trials);
  return mean;
}

Test(crc, threshold_keeps_expected_loss_below_epsilon, .timeout = 120) {
  const double epsl[2] = {0.05, 0.1};
  for (int k = 0; k < 2; k++) {
    double se, mean = mean_test_loss(BK_CRC_UNIT_EPISODE, epsl[k], 400, &se);
    // E[L] <= eps; three standard errors of slack for the Monte Carlo mean
    cr_expect(mean <= epsl[k] + 3 * se, "eps %g: mean test loss %g (se %g)", epsl[k], mean, se);
    // and not vacuous: CRC is tight within about 1/(n+1) of eps
    cr_expect(mean >= epsl[k] - 1.0 / 201 - 3 * se - 0.01, "eps %g: mean %g far below", epsl[k],
              mean);
  }
}

Test(crc, decision_unit_keeps_decision_loss_below_epsilon_on_iid_decisions,
     .timeout = 120) {
  double se, mean = mean_test_loss(BK_CRC_UNIT_DECISION, 0.05, 300, &se);
  cr_expect(mean <= 0.05 + 3 * se, "mean decision loss %g (se %g)", mean, se);
}

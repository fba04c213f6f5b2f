/* report figures on hand-made records: coverage, net success and violation rate at the
 * calibrated tau, violation inflation, AUROC, group rates, and the consistency checks */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* The dataset (one group, perturb sigma 0.1, tasks 0 and 1), built directly:
 *   e0 task 0 success: s = (0.1, 0.4), v_expert = (0, 1), v_global = (1, 1)
 *   e1 task 0 success: s = (0.5, 0.2), v_expert = (0, 1), v_global = (1, 1)
 *   e2 task 1 failure: s = (0.3),      v_expert = (1),    v_global = (1)
 *   e3 task 1 success: s = (0.2, 0.2, 0.2), v_expert = 0, v_global = (0, 1, 0)
 * disagreement of each decision = its s; confidence absent. */
typedef struct {
  bk_load_t L;
  bk_load_run_t run;
  bk_load_group_t group;
  int ep_run[4], ep_group[4], ep_task[4], ep_init[4], ep_seed[4], offset[5];
  unsigned char success[4], predictor[4];
  double s[8], peak[24], conf[8], dis[8], err[24];
  signed char ve[8], vg[8];
} fixture_t;

static void fixture(fixture_t* f) {
  memset(f, 0, sizeof *f);
  snprintf(f->run.id, sizeof f->run.id, "hand");
  f->run.global_threshold = NAN;
  f->group = (bk_load_group_t){"libero_object", "perturb", 0.1};
  int task[4] = {0, 0, 1, 1}, off[5] = {0, 2, 4, 5, 8};
  unsigned char succ[4] = {1, 1, 0, 1};
  double s[8] = {0.1, 0.4, 0.5, 0.2, 0.3, 0.2, 0.2, 0.2};
  signed char ve[8] = {0, 1, 0, 1, 1, 0, 0, 0}, vg[8] = {1, 1, 1, 1, 1, 0, 1, 0};
  for (int i = 0; i < 4; i++) {
    f->ep_task[i] = task[i];
    f->ep_init[i] = i;
    f->success[i] = succ[i];
  }
  memcpy(f->offset, off, sizeof off);
  for (int j = 0; j < 8; j++) {
    f->s[j] = s[j];
    f->dis[j] = s[j];
    f->conf[j] = NAN;
    f->ve[j] = ve[j];
    f->vg[j] = vg[j];
    for (int g = 0; g < 3; g++) f->err[3 * j + g] = 0.01 * (g + 1);
  }
  f->L = (bk_load_t){.n_runs = 1, .n_groups = 1, .n_episodes = 4, .n_decisions = 8,
                     .runs = &f->run, .groups = &f->group, .ep_run = f->ep_run,
                     .ep_group = f->ep_group, .ep_task = f->ep_task, .ep_init = f->ep_init,
                     .ep_seed = f->ep_seed, .ep_success = f->success, .ep_predictor = f->predictor,
                     .ep_offset = f->offset, .s = f->s, .v_expert = f->ve, .v_global = f->vg,
                     .peak = f->peak, .conf_mean = f->conf, .dis_mean = f->dis, .err = f->err};
}

static bk_rep_config_t config(double eps) {
  bk_rep_config_t c = bk_rep_default_config();
  c.epsilon[0] = eps;
  c.splits = 20;
  c.threads = 1;
  return c;
}

// the row of table key whose columns match (NULL: the first)
static const cJSON* find(const cJSON* tab, const char* col, const char* val) {
  const cJSON* r;
  cJSON_ArrayForEach(r, tab) {
    if (!col) return r;
    const cJSON* v = cJSON_GetObjectItem(r, col);
    if (cJSON_IsString(v) && !strcmp(v->valuestring, val)) return r;
  }
  return NULL;
}

static double num(const cJSON* r, const char* key) {
  const cJSON* v = cJSON_GetObjectItem(r, key);
  cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
  return v->valuedouble;
}

Test(report, pooled_tau_and_its_metrics_match_the_hand_worked_example) {
  fixture_t f;
  fixture(&f);
  bk_rep_config_t c = config(0.5);
  char err[256];
  cJSON* doc = bk_rep_build(&f.L, &c, NULL, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  // S(0.3) = 1, S(0.4) = 1.5, S(0.5) = 2; S + 1 <= 0.5 * 5 -> tau = 0.4
  const cJSON* t = find(cJSON_GetObjectItem(doc, "tau"), "method", "pooled");
  cr_assert_not_null(t);
  cr_assert_float_eq(num(t, "tau"), 0.4, 1e-12);
  cr_assert_float_eq(num(t, "n"), 4, 0);
  // e1 abstains at its first decision; e0, e2, e3 are covered; e0 and e3 succeed
  cr_assert_float_eq(num(t, "coverage"), 0.75, 1e-12);
  cr_assert_float_eq(num(t, "net_success"), 0.5, 1e-12);
  // executed: e0 2, e2 1, e3 3 = 6 decisions, 2 violating
  cr_assert_float_eq(num(t, "executed_violation_rate"), 2.0 / 6.0, 1e-12);
  // losses 1/2, 0, 1, 0
  cr_assert_float_eq(num(t, "risk"), 0.375, 1e-12);
  cr_assert_float_eq(num(t, "calib_risk"), 0.375, 1e-12);
  cr_assert_float_eq(num(t, "corrected_risk"), 0.5, 1e-12);
  cJSON_Delete(doc);
}

Test(report, inflation_and_group_rates) {
  fixture_t f;
  fixture(&f);
  bk_rep_config_t c = config(0.5);
  char err[256];
  cJSON* doc = bk_rep_build(&f.L, &c, NULL, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  // decisions: global 6/8, expert 3/8 -> 2; episodes: global 4/4, expert 3/4 -> 4/3
  const cJSON* d = find(cJSON_GetObjectItem(doc, "violation_inflation"), "unit", "decision");
  cr_assert_float_eq(num(d, "rate_global"), 0.75, 1e-12);
  cr_assert_float_eq(num(d, "rate_expert"), 0.375, 1e-12);
  cr_assert_float_eq(num(d, "inflation"), 2.0, 1e-12);
  const cJSON* e = find(cJSON_GetObjectItem(doc, "violation_inflation"), "unit", "episode");
  cr_assert_float_eq(num(e, "rate_global"), 1.0, 1e-12);
  cr_assert_float_eq(num(e, "rate_expert"), 0.75, 1e-12);
  cr_assert_float_eq(num(e, "inflation"), 4.0 / 3.0, 1e-12);
  const cJSON* g = find(cJSON_GetObjectItem(doc, "groups"), NULL, NULL);
  cr_assert_float_eq(num(g, "success_rate"), 0.75, 1e-12);
  cr_assert_float_eq(num(g, "violation_rate"), 0.375, 1e-12);
  cr_assert_float_eq(num(g, "episodes"), 4, 0);
  cJSON_Delete(doc);
}

Test(report, disagreement_auroc_counts_ties_half) {
  fixture_t f;
  fixture(&f);
  bk_rep_config_t c = config(0.5);
  char err[256];
  cJSON* doc = bk_rep_build(&f.L, &c, NULL, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  // positives 0.4, 0.2, 0.3 against negatives 0.1, 0.5, 0.2 x 3: (4 + 2.5 + 4) / 15
  const cJSON* r = find(cJSON_GetObjectItem(doc, "auroc"), "signal", "disagreement");
  cr_assert_not_null(r);
  cr_assert_float_eq(num(r, "auroc"), 0.7, 1e-12);
  cr_assert_float_eq(num(r, "positives"), 3, 0);
  // no confidence at all: the correlation rows exist with n = 0 and null values
  const cJSON* cs = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "corr"), "confidence_sigma"), 0);
  cr_assert_float_eq(num(cs, "n"), 0, 0);
  cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cs, "pearson")));
  cJSON_Delete(doc);
}

Test(report, bootstrap_rows_pass_the_checks) {
  fixture_t f;
  fixture(&f);
  bk_rep_config_t c = config(0.5);
  char err[256], msg[1024];
  cJSON* doc = bk_rep_build(&f.L, &c, NULL, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  const cJSON* h = find(cJSON_GetObjectItem(doc, "hold_rate"), NULL, NULL);
  cr_assert_float_eq(num(h, "splits"), 20, 0);
  double m = num(h, "pooled") * 20;
  cr_assert_float_eq(m, round(m), 1e-9);
  cr_assert_eq(bk_rep_check(doc, msg, sizeof msg), 0, "%s", msg);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "checks"), "passed")));
  cJSON_Delete(doc);
}

Test(report, checks_catch_broken_figures) {
  fixture_t f;
  fixture(&f);
  bk_rep_config_t c = config(0.5);
  char err[256], msg[1024];
  cJSON* doc = bk_rep_build(&f.L, &c, NULL, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  // coverage below net success, a rate above 1, a hold rate that is no count of splits
  cJSON* cov = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "coverage"), 0);
  cJSON* net = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "net_success"), 0);
  cJSON_ReplaceItemInObject(cov, "pooled", cJSON_CreateNumber(0.2));
  cJSON_ReplaceItemInObject(net, "pooled", cJSON_CreateNumber(0.3));
  cJSON* hold = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "hold_rate"), 0);
  cJSON_ReplaceItemInObject(hold, "mondrian", cJSON_CreateNumber(0.123));
  cJSON* ev = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "executed_violation_rate"), 0);
  cJSON_ReplaceItemInObject(ev, "pooled", cJSON_CreateNumber(1.5));
  cr_assert_eq(bk_rep_check(doc, msg, sizeof msg), 3, "%s", msg);
  cr_assert(strstr(msg, "coverage 0.2 < net success 0.3"), "%s", msg);
  cr_assert(strstr(msg, "not a count of 20 splits"), "%s", msg);
  cr_assert(strstr(msg, "outside [0, 1]"), "%s", msg);
  cJSON_Delete(doc);
}

Test(report, group_without_verdicts_gets_a_note_not_figures) {
  fixture_t f;
  fixture(&f);
  for (int j = 0; j < 8; j++) f.ve[j] = -1;
  bk_rep_config_t c = config(0.5);
  char err[256];
  cJSON* doc = bk_rep_build(&f.L, &c, NULL, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "coverage")), 0);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "notes")), 1);
  cJSON_Delete(doc);
}

Test(report, paper_rows_sit_beside_ours) {
  fixture_t f;
  fixture(&f);
  bk_rep_config_t c = config(0.5);
  char err[256];
  cJSON* paper = cJSON_Parse("[{\"key\":\"violation_inflation\",\"column\":\"inflation\","
                             "\"suite\":\"libero_object\",\"unit\":\"decision\",\"paper\":5},"
                             "{\"key\":\"coverage\",\"column\":\"pooled\",\"suite\":\"libero_spatial\",\"paper\":0.5}]");
  cJSON* doc = bk_rep_build(&f.L, &c, paper, err, sizeof err);
  cr_assert_not_null(doc, "%s", err);
  const cJSON* p = cJSON_GetObjectItem(doc, "paper");
  cr_assert_eq(cJSON_GetArraySize(p), 2);
  cr_assert_float_eq(num(cJSON_GetArrayItem(p, 0), "ours"), 2.0, 1e-12);
  cr_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(p, 1), "ours")));
  cJSON_Delete(paper);
  cJSON_Delete(doc);
}

Test(report, paper_files_of_the_repository_load) {
  char err[256];
  cJSON* paper = bk_rep_paper_load(BOKBO_SOURCE_DIR "/results/paper", err, sizeof err);
  cr_assert_not_null(paper, "%s", err);
  cr_assert_geq(cJSON_GetArraySize(paper), 10);
  const cJSON* r;
  cJSON_ArrayForEach(r, paper) {
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(r, "source")));
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(r, "key")));
  }
  cJSON_Delete(paper);
}

#include "report/hold.h"

#include <stdlib.h>

#include "core/err.h"
#include "report/rows.h"
#include "stats/bootstrap.h"

// one tau row with the in-sample metrics at that threshold
static void tau_row(cJSON* arr, const bk_load_group_t* grp, double eps, const char* method,
                    int task, const bk_crc_tau_t* t, const bk_crc_metrics_t* m) {
  cJSON* r = bk_row_new_eps(arr, grp, eps);
  cJSON_AddStringToObject(r, "method", method);
  bk_row_put_task(r, task);
  cJSON_AddItemToObject(r, "tau", t ? bk_rep_tau_json(t->tau) : cJSON_CreateNull());
  if (t) {
    cJSON_AddNumberToObject(r, "n", t->n);
    cJSON_AddBoolToObject(r, "always_abstain", t->always_abstain);
    cJSON_AddBoolToObject(r, "small", t->small);
    bk_row_put(r, "calib_risk", t->risk);
    bk_row_put(r, "corrected_risk", (t->n * t->risk + 1.0) / (t->n + 1.0));
  }
  cJSON_AddNumberToObject(r, "episodes", (double)m->episodes);
  bk_row_put(r, "coverage", m->coverage);
  bk_row_put(r, "net_success", m->net_success);
  bk_row_put(r, "executed_violation_rate", m->violation_rate);
  bk_row_put(r, "risk", m->risk);
}

// tau on all of the group's episodes, pooled and per task, with in-sample metrics
static int add_tau_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G, double eps) {
  const bk_load_group_t* grp = &L->groups[G->g];
  cJSON* arr = cJSON_GetObjectItem(doc, "tau");
  int nt = G->n_tasks;
  bk_crc_tau_t pooled, *mt = calloc((size_t)nt, sizeof *mt);
  bk_crc_metrics_t all, *pt = calloc((size_t)nt, sizeof *pt);
  double* taus = calloc((size_t)nt, sizeof *taus);
  int rc = (!mt || !pt || !taus) ? BK_ENOMEM : 0;
  if (!rc) rc = bk_crc_calibrate(&G->d, NULL, BK_CRC_UNIT_EPISODE, 0, eps, &pooled);
  if (!rc) rc = bk_crc_evaluate(&G->d, NULL, &pooled.tau, 1, eps, &all, pt);
  if (!rc) tau_row(arr, grp, eps, "pooled", -1, &pooled, &all);
  if (!rc) rc = bk_crc_calibrate(&G->d, NULL, BK_CRC_UNIT_EPISODE, 1, eps, mt);
  for (int t = 0; !rc && t < nt; t++) taus[t] = mt[t].tau;
  if (!rc) rc = bk_crc_evaluate(&G->d, NULL, taus, nt, eps, &all, pt);
  if (!rc) tau_row(arr, grp, eps, "mondrian", -1, NULL, &all);
  for (int t = 0; !rc && t < nt; t++) {
    if (pt[t].episodes) tau_row(arr, grp, eps, "mondrian", t, &mt[t], &pt[t]);
  }
  free(mt);
  free(pt);
  free(taus);
  return rc;
}

/* ---------------------------------------------------------------- bootstrap hold rates */

// the bootstrap's columns of one (group, epsilon)
static void boot_rows(cJSON* doc, const bk_load_group_t* grp, const bk_rep_config_t* cfg,
                      double eps, const bk_boot_result_t* b) {
  const bk_boot_side_t* P = &b->pooled;
  const bk_boot_side_t* M = &b->mondrian;
  static const char* const kKey[4] = {"coverage", "net_success", "executed_violation_rate", "hold_rate"};
  double pv[4] = {P->mean_coverage, P->mean_net_success, P->mean_violation_rate, P->hold_rate};
  double mv[4] = {M->mean_coverage, M->mean_net_success, M->mean_violation_rate, M->hold_rate};
  for (int k = 0; k < 4; k++) {
    cJSON* r = bk_row_new_eps(cJSON_GetObjectItem(doc, kKey[k]), grp, eps);
    bk_row_put(r, "pooled", pv[k]);
    bk_row_put(r, "mondrian", mv[k]);
    cJSON_AddNumberToObject(r, "splits", b->splits);
  }
  cJSON* r = bk_row_new_eps(cJSON_GetObjectItem(doc, "min_task_hold"), grp, eps);
  bk_row_put(r, "pooled", P->min_task_hold);
  cJSON_AddNumberToObject(r, "pooled_task", P->min_task);
  bk_row_put(r, "mondrian", M->min_task_hold);
  cJSON_AddNumberToObject(r, "mondrian_task", M->min_task);
  cJSON_AddNumberToObject(r, "splits", b->splits);
  for (int s = 0; s < 2; s++) {
    const bk_boot_side_t* S = s ? M : P;
    r = bk_row_new_eps(cJSON_GetObjectItem(doc, "bootstrap"), grp, eps);
    cJSON_AddStringToObject(r, "method", s ? "mondrian" : "pooled");
    cJSON_AddNumberToObject(r, "splits", b->splits);
    cJSON_AddNumberToObject(r, "seed", (double)cfg->seed);
    cJSON_AddNumberToObject(r, "cal_fraction", cfg->cal_fraction);
    bk_row_put(r, "mean_risk", S->mean_risk);
    cJSON_AddNumberToObject(r, "abstain_all", (double)S->abstain_all);
    cJSON_AddNumberToObject(r, "nothing_executed", (double)S->nothing_executed);
  }
  for (int t = 0; t < b->n_tasks; t++) {
    if (!b->task_cal[t] && !b->task_test[t]) continue;
    r = bk_row_new_eps(cJSON_GetObjectItem(doc, "task_hold"), grp, eps);
    cJSON_AddNumberToObject(r, "task", t);
    cJSON_AddNumberToObject(r, "n_cal", b->task_cal[t]);
    cJSON_AddNumberToObject(r, "n_test", b->task_test[t]);
    cJSON_AddBoolToObject(r, "small", b->task_small[t]);
    bk_row_put(r, "pooled", P->task_hold_rate[t]);
    bk_row_put(r, "mondrian", M->task_hold_rate[t]);
    cJSON_AddNumberToObject(r, "splits", b->splits);
  }
}

int bk_hold_add(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G,
                   const bk_rep_config_t* cfg, char* err, int err_sz) {
  for (int k = 0; k < cfg->n_epsilon; k++) {
    double eps = cfg->epsilon[k];
    int rc = add_tau_rows(doc, L, G, eps);
    if (rc) return bk_fail(err, err_sz, rc, "calibration failed: %s", bk_strerror(rc));
    bk_boot_config_t bc = bk_boot_default_config();
    bc.epsilon = eps;
    bc.splits = cfg->splits;
    bc.seed = cfg->seed;
    bc.cal_fraction = cfg->cal_fraction;
    bc.threads = cfg->threads;
    bk_boot_result_t b;
    rc = bk_boot_run(&bc, &G->d, &b, err, err_sz);
    if (rc) return rc;
    boot_rows(doc, &L->groups[G->g], cfg, eps, &b);
    bk_boot_result_free(&b);
  }
  return 0;
}

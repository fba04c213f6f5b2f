#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "report/check.h"
#include "report/hold.h"
#include "report/mse.h"
#include "report/paper.h"
#include "report/rows.h"
#include "report/signals.h"
#include "report/summary.h"
#include "stats/bootstrap.h"

bk_rep_config_t bk_rep_default_config(void) {
  bk_rep_config_t c = {{0.05}, 1, BK_BOOT_DEFAULT_SPLITS, 0, 0.5, BK_REP_VIOL_EXPERT, 2};
  return c;
}

/* ---------------------------------------------------------------- groups as CRC arrays */

void bk_rep_group_free(bk_rep_group_t* G) {
  if (!G) return;
  free(G->ep); free(G->task); free(G->success); free(G->offset); free(G->score); free(G->viol);
  memset(G, 0, sizeof *G);
}

// sizes of group g: episodes, decisions, tasks
static void group_count(const bk_load_t* L, int g, bk_rep_group_t* G) {
  for (int i = 0; i < L->n_episodes; i++) {
    if (L->ep_group[i] != g) continue;
    G->n_episodes++;
    G->n_decisions += L->ep_offset[i + 1] - L->ep_offset[i];
    if (L->ep_task[i] + 1 > G->n_tasks) G->n_tasks = L->ep_task[i] + 1;
  }
}

int bk_rep_group_build(const bk_load_t* L, int g, int kind, bk_rep_group_t* G) {
  memset(G, 0, sizeof *G);
  G->g = g;
  group_count(L, g, G);
  size_t ne = (size_t)G->n_episodes + 1, nd = (size_t)G->n_decisions + 1;
  G->ep = malloc(ne * sizeof(int));
  G->task = malloc(ne * sizeof(int));
  G->success = malloc(ne);
  G->offset = malloc(ne * sizeof(int));
  G->score = malloc(nd * sizeof(double));
  G->viol = malloc(nd);
  if (!G->ep || !G->task || !G->success || !G->offset || !G->score || !G->viol) {
    bk_rep_group_free(G);
    return BK_ENOMEM;
  }
  // copy the group's episodes in dataset order
  int e = 0, j = 0;
  G->offset[0] = 0;
  for (int i = 0; i < L->n_episodes; i++) {
    if (L->ep_group[i] != g) continue;
    G->ep[e] = i;
    G->task[e] = L->ep_task[i];
    G->success[e] = L->ep_success[i];
    for (int k = L->ep_offset[i]; k < L->ep_offset[i + 1]; k++, j++) {
      int v = bk_load_verdict(L, k, kind);
      G->score[j] = L->s[k];
      G->viol[j] = v > 0;
      G->unlabelled += v < 0;
    }
    G->offset[++e] = j;
  }
  G->d = (bk_crc_data_t){G->n_episodes, G->n_tasks, G->task, G->success, G->offset, G->score,
                         G->viol};
  return 0;
}

/* ---------------------------------------------------------------- the public entry points */

cJSON* bk_rep_tau_json(double tau) {
  if (isinf(tau)) return cJSON_CreateString(tau < 0 ? "-inf" : "inf");
  return isnan(tau) ? cJSON_CreateNull() : cJSON_CreateNumber(tau);
}

cJSON* bk_rep_paper_load(const char* dir, char* err, int err_sz) {
  return bk_paper_load(dir, err, err_sz);
}

int bk_rep_check(cJSON* doc, char* msg, int msg_sz) {
  return bk_check_doc(doc, msg, msg_sz);
}

/* ---------------------------------------------------------------- the document */

static cJSON* config_json(const bk_load_t* L, const bk_rep_config_t* cfg) {
  cJSON* c = cJSON_CreateObject();
  cJSON_AddItemToObject(c, "epsilon", cJSON_CreateDoubleArray(cfg->epsilon, cfg->n_epsilon));
  cJSON_AddNumberToObject(c, "splits", cfg->splits);
  cJSON_AddNumberToObject(c, "seed", (double)cfg->seed);
  cJSON_AddNumberToObject(c, "cal_fraction", cfg->cal_fraction);
  cJSON_AddStringToObject(c, "violation", cfg->violation ? "global" : "expert");
  cJSON_AddStringToObject(c, "unit", "episode");
  cJSON_AddStringToObject(c, "confidence", "mean over the K candidates of cand.confidence");
  cJSON_AddStringToObject(c, "disagreement", "mean over the K candidates of cand.disagreement");
  cJSON_AddNumberToObject(c, "episodes", L->n_episodes);
  cJSON_AddNumberToObject(c, "decisions", L->n_decisions);
  cJSON_AddNumberToObject(c, "excluded", L->n_excluded);
  cJSON* runs = cJSON_AddArrayToObject(c, "runs");
  for (int r = 0; r < L->n_runs; r++) {
    cJSON* o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "dir", L->runs[r].dir);
    cJSON_AddStringToObject(o, "id", L->runs[r].id);
    cJSON_AddStringToObject(o, "policy", L->runs[r].policy);
    cJSON_AddStringToObject(o, "thresholds", L->runs[r].thresholds);
    bk_row_put(o, "global_threshold", L->runs[r].global_threshold);
    cJSON_AddItemToArray(runs, o);
  }
  return c;
}

static cJSON* empty_doc(void) {
  static const char* const kTables[] = {
    "groups", "per_task", "tau", "coverage", "net_success", "executed_violation_rate",
    "hold_rate", "min_task_hold", "task_hold", "bootstrap", "auroc", "violation_inflation",
    "per_group_mse", "per_group_order", "paper", "notes"};
  cJSON* doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "bokbo", BOKBO_VERSION);
  for (size_t k = 0; k < sizeof kTables / sizeof *kTables; k++) cJSON_AddArrayToObject(doc, kTables[k]);
  cJSON* corr = cJSON_AddObjectToObject(doc, "corr");
  cJSON_AddArrayToObject(corr, "confidence_sigma");
  cJSON_AddArrayToObject(corr, "confidence_violation");
  cJSON_AddArrayToObject(corr, "disagreement_sigma");
  cJSON_AddArrayToObject(corr, "disagreement_violation");
  return doc;
}

// a line of notes
static void note(cJSON* doc, const bk_load_group_t* G, const char* text) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s %s %s=%g: %s", G->suite, G->sampling,
           !strcmp(G->sampling, "temperature") ? "T" : "sigma", G->value, text);
  cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "notes"), cJSON_CreateString(buf));
}

// everything that is computed per group
static int add_group(cJSON* doc, const bk_load_t* L, int g, const bk_rep_config_t* cfg,
                     char* err, int err_sz) {
  bk_rep_group_t G;
  if (bk_rep_group_build(L, g, cfg->violation, &G)) return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  bk_sum_group_rows(doc, L, &G);
  bk_sum_task_rows(doc, L, &G);
  bk_sum_inflation_rows(doc, L, &G);
  int rc = 0;
  if (G.n_decisions == 0 || G.unlabelled == G.n_decisions) {
    note(doc, &L->groups[g], cfg->violation ? "no global verdicts (run without --global-threshold): no CRC figures"
                                            : "no expert verdicts (run without --thresholds): no CRC figures");
  } else {
    if (G.unlabelled) note(doc, &L->groups[g], "some decisions have no verdict; counted as not violating");
    rc = bk_hold_add(doc, L, &G, cfg, err, err_sz);
  }
  bk_rep_group_free(&G);
  return rc;
}

cJSON* bk_rep_build(const bk_load_t* L, const bk_rep_config_t* cfg, const cJSON* paper,
                    char* err, int err_sz) {
  if (cfg->n_epsilon < 1 || cfg->n_epsilon > BK_REP_MAX_EPSILON || cfg->splits < 1) {
    bk_fail(err, err_sz, BK_EINVAL, "report: bad configuration");
    return NULL;
  }
  cJSON* doc = empty_doc();
  cJSON_AddItemToObject(doc, "config", config_json(L, cfg));
  int rc = 0;
  for (int g = 0; !rc && g < L->n_groups; g++) rc = add_group(doc, L, g, cfg, err, err_sz);
  if (!rc && (rc = bk_sig_add(doc, L, cfg->violation))) bk_fail(err, err_sz, rc, "correlations: %s", bk_strerror(rc));
  if (!rc && (rc = bk_mse_add(doc, L))) bk_fail(err, err_sz, rc, "action error: %s", bk_strerror(rc));
  if (!rc && paper) bk_paper_match(doc, paper);
  if (rc) {
    cJSON_Delete(doc);
    return NULL;
  }
  return doc;
}

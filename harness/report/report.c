#include "report/report.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "run/jsonl.h"
#include "stats/actionerr.h"
#include "stats/bootstrap.h"
#include "stats/corr.h"
#include "stats/inflation.h"

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

/* ---------------------------------------------------------------- JSON helpers */

cJSON* bk_rep_tau_json(double tau) {
  if (isinf(tau)) return cJSON_CreateString(tau < 0 ? "-inf" : "inf");
  return isnan(tau) ? cJSON_CreateNull() : cJSON_CreateNumber(tau);
}

// a number, or null when not finite
static void put(cJSON* o, const char* key, double v) {
  if (isfinite(v)) {
    cJSON_AddNumberToObject(o, key, v);
  } else {
    cJSON_AddNullToObject(o, key);
  }
}

// a new row of table arr with the group's columns
static cJSON* row(cJSON* arr, const bk_load_group_t* G) {
  cJSON* r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "suite", G->suite);
  cJSON_AddStringToObject(r, "sampling", G->sampling);
  cJSON_AddNumberToObject(r, "value", G->value);
  cJSON_AddItemToArray(arr, r);
  return r;
}

// as row, with epsilon
static cJSON* row_eps(cJSON* arr, const bk_load_group_t* G, double eps) {
  cJSON* r = row(arr, G);
  cJSON_AddNumberToObject(r, "epsilon", eps);
  return r;
}

// a task column: a number, or null for "all tasks"
static void put_task(cJSON* r, int task) {
  if (task < 0) {
    cJSON_AddNullToObject(r, "task");
  } else {
    cJSON_AddNumberToObject(r, "task", task);
  }
}

/* ---------------------------------------------------------------- group summary */

static void add_group_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G) {
  const bk_load_group_t* grp = &L->groups[G->g];
  int succ = 0, pred = 0, runs = 0, viol = 0;
  unsigned char seen[256] = {0};
  for (int e = 0; e < G->n_episodes; e++) {
    int i = G->ep[e];
    succ += L->ep_success[i];
    pred += L->ep_predictor[i];
    if (L->ep_run[i] < 256 && !seen[L->ep_run[i]]) runs += seen[L->ep_run[i]] = 1;
  }
  for (int j = 0; j < G->n_decisions; j++) viol += G->viol[j];
  int tasks = 0;
  for (int t = 0; t < G->n_tasks; t++) {
    for (int e = 0; e < G->n_episodes; e++) {
      if (G->task[e] == t) {
        tasks++;
        break;
      }
    }
  }
  cJSON* r = row(cJSON_GetObjectItem(doc, "groups"), grp);
  cJSON_AddNumberToObject(r, "runs", runs);
  cJSON_AddNumberToObject(r, "episodes", G->n_episodes);
  cJSON_AddNumberToObject(r, "decisions", G->n_decisions);
  cJSON_AddNumberToObject(r, "tasks", tasks);
  put(r, "success_rate", bk_infl_rate(succ, G->n_episodes));
  put(r, "violation_rate", bk_infl_rate(viol, G->n_decisions));
  cJSON_AddNumberToObject(r, "unlabelled", G->unlabelled);
  cJSON_AddBoolToObject(r, "labelled", G->n_decisions > 0 && G->unlabelled < G->n_decisions);
  cJSON_AddBoolToObject(r, "predictor", pred == G->n_episodes);
}

// per task: episodes, success, violations under both kinds, mean signals
static void add_task_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G) {
  for (int t = 0; t < G->n_tasks; t++) {
    long ne = 0, succ = 0, nd = 0, ve = 0, ne_l = 0, vg = 0, ng_l = 0, nc = 0, nds = 0;
    double conf = 0, dis = 0;
    for (int e = 0; e < G->n_episodes; e++) {
      if (G->task[e] != t) continue;
      int i = G->ep[e];
      ne++;
      succ += L->ep_success[i];
      for (int k = L->ep_offset[i]; k < L->ep_offset[i + 1]; k++) {
        nd++;
        if (L->v_expert[k] >= 0) ne_l++, ve += L->v_expert[k];
        if (L->v_global[k] >= 0) ng_l++, vg += L->v_global[k];
        if (isfinite(L->conf_mean[k])) nc++, conf += L->conf_mean[k];
        if (isfinite(L->dis_mean[k])) nds++, dis += L->dis_mean[k];
      }
    }
    if (!ne) continue;
    cJSON* r = row(cJSON_GetObjectItem(doc, "per_task"), &L->groups[G->g]);
    cJSON_AddNumberToObject(r, "task", t);
    cJSON_AddNumberToObject(r, "episodes", (double)ne);
    put(r, "success_rate", bk_infl_rate(succ, ne));
    cJSON_AddNumberToObject(r, "decisions", (double)nd);
    put(r, "violation_rate_expert", bk_infl_rate(ve, ne_l));
    put(r, "violation_rate_global", bk_infl_rate(vg, ng_l));
    put(r, "mean_confidence", nc ? conf / nc : NAN);
    put(r, "mean_disagreement", nds ? dis / nds : NAN);
  }
}

/* ---------------------------------------------------------------- CRC on all episodes */

// one tau row with the in-sample metrics at that threshold
static void tau_row(cJSON* arr, const bk_load_group_t* grp, double eps, const char* method,
                    int task, const bk_crc_tau_t* t, const bk_crc_metrics_t* m) {
  cJSON* r = row_eps(arr, grp, eps);
  cJSON_AddStringToObject(r, "method", method);
  put_task(r, task);
  cJSON_AddItemToObject(r, "tau", t ? bk_rep_tau_json(t->tau) : cJSON_CreateNull());
  if (t) {
    cJSON_AddNumberToObject(r, "n", t->n);
    cJSON_AddBoolToObject(r, "always_abstain", t->always_abstain);
    cJSON_AddBoolToObject(r, "small", t->small);
    put(r, "calib_risk", t->risk);
    put(r, "corrected_risk", (t->n * t->risk + 1.0) / (t->n + 1.0));
  }
  cJSON_AddNumberToObject(r, "episodes", (double)m->episodes);
  put(r, "coverage", m->coverage);
  put(r, "net_success", m->net_success);
  put(r, "executed_violation_rate", m->violation_rate);
  put(r, "risk", m->risk);
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
    cJSON* r = row_eps(cJSON_GetObjectItem(doc, kKey[k]), grp, eps);
    put(r, "pooled", pv[k]);
    put(r, "mondrian", mv[k]);
    cJSON_AddNumberToObject(r, "splits", b->splits);
  }
  cJSON* r = row_eps(cJSON_GetObjectItem(doc, "min_task_hold"), grp, eps);
  put(r, "pooled", P->min_task_hold);
  cJSON_AddNumberToObject(r, "pooled_task", P->min_task);
  put(r, "mondrian", M->min_task_hold);
  cJSON_AddNumberToObject(r, "mondrian_task", M->min_task);
  cJSON_AddNumberToObject(r, "splits", b->splits);
  for (int s = 0; s < 2; s++) {
    const bk_boot_side_t* S = s ? M : P;
    r = row_eps(cJSON_GetObjectItem(doc, "bootstrap"), grp, eps);
    cJSON_AddStringToObject(r, "method", s ? "mondrian" : "pooled");
    cJSON_AddNumberToObject(r, "splits", b->splits);
    cJSON_AddNumberToObject(r, "seed", (double)cfg->seed);
    cJSON_AddNumberToObject(r, "cal_fraction", cfg->cal_fraction);
    put(r, "mean_risk", S->mean_risk);
    cJSON_AddNumberToObject(r, "abstain_all", (double)S->abstain_all);
    cJSON_AddNumberToObject(r, "nothing_executed", (double)S->nothing_executed);
  }
  for (int t = 0; t < b->n_tasks; t++) {
    if (!b->task_cal[t] && !b->task_test[t]) continue;
    r = row_eps(cJSON_GetObjectItem(doc, "task_hold"), grp, eps);
    cJSON_AddNumberToObject(r, "task", t);
    cJSON_AddNumberToObject(r, "n_cal", b->task_cal[t]);
    cJSON_AddNumberToObject(r, "n_test", b->task_test[t]);
    cJSON_AddBoolToObject(r, "small", b->task_small[t]);
    put(r, "pooled", P->task_hold_rate[t]);
    put(r, "mondrian", M->task_hold_rate[t]);
    cJSON_AddNumberToObject(r, "splits", b->splits);
  }
}

static int add_crc(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G,
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

/* ---------------------------------------------------------------- correlations */

/* the decisions of a (suite, sampling) family with a finite signal */
typedef struct {
  int n;
  double* x;             /* sampling value */
  double* y;             /* signal */
  unsigned char* v;      /* violation (only where labelled) */
  signed char* lab;      /* 1 when the decision has a verdict */
} pairs_t;

static void pairs_free(pairs_t* p) {
  free(p->x); free(p->y); free(p->v); free(p->lab);
}

// signal of decision k: 0 confidence, 1 disagreement, 2 risk s
static double signal(const bk_load_t* L, int k, int which) {
  return which == 0 ? L->conf_mean[k] : which == 1 ? L->dis_mean[k] : L->s[k];
}

// decisions of groups matching (suite, sampling) and, when value is finite, that value
static int gather(const bk_load_t* L, const bk_load_group_t* fam, int by_value, int which,
                  int kind, pairs_t* p) {
  memset(p, 0, sizeof *p);
  size_t cap = (size_t)L->n_decisions + 1;
  p->x = malloc(cap * sizeof(double));
  p->y = malloc(cap * sizeof(double));
  p->v = malloc(cap);
  p->lab = malloc(cap);
  if (!p->x || !p->y || !p->v || !p->lab) return BK_ENOMEM;
  for (int i = 0; i < L->n_episodes; i++) {
    const bk_load_group_t* G = &L->groups[L->ep_group[i]];
    if (strcmp(G->suite, fam->suite) || strcmp(G->sampling, fam->sampling)) continue;
    if (by_value && G->value != fam->value) continue;
    if (which == 2 && !L->ep_predictor[i]) continue;
    for (int k = L->ep_offset[i]; k < L->ep_offset[i + 1]; k++) {
      double y = signal(L, k, which);
      if (!isfinite(y)) continue;
      int v = bk_load_verdict(L, k, kind);
      p->x[p->n] = G->value;
      p->y[p->n] = y;
      p->v[p->n] = v > 0;
      p->lab[p->n] = v >= 0;
      p->n++;
    }
  }
  return 0;
}

// signal against the sampling value: every decision, and one point per (run, group)
static int corr_sigma_rows(cJSON* arr, const bk_load_t* L, const bk_load_group_t* fam, int which) {
  pairs_t p;
  int rc = gather(L, fam, 0, which, 0, &p);
  double r = NAN, rho = NAN;
  if (!rc) rc = bk_corr_pearson(p.x, p.y, p.n, &r);
  if (!rc) rc = bk_corr_spearman(p.x, p.y, p.n, &rho);
  if (!rc) {
    cJSON* o = row(arr, fam);
    cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddStringToObject(o, "level", "decision");
    cJSON_AddNumberToObject(o, "n", p.n);
    put(o, "pearson", r);
    put(o, "spearman", rho);
  }
  pairs_free(&p);
  if (rc) return rc;
  // one point per (run, group) of the family: the mean signal
  int np = 0;
  double *x = malloc(sizeof(double) * (size_t)(L->n_runs * L->n_groups + 1));
  double *y = malloc(sizeof(double) * (size_t)(L->n_runs * L->n_groups + 1));
  if (!x || !y) rc = BK_ENOMEM;
  for (int ru = 0; !rc && ru < L->n_runs; ru++) {
    for (int g = 0; g < L->n_groups; g++) {
      const bk_load_group_t* G = &L->groups[g];
      if (strcmp(G->suite, fam->suite) || strcmp(G->sampling, fam->sampling)) continue;
      double sum = 0;
      long n = 0;
      for (int i = 0; i < L->n_episodes; i++) {
        if (L->ep_run[i] != ru || L->ep_group[i] != g) continue;
        for (int k = L->ep_offset[i]; k < L->ep_offset[i + 1]; k++) {
          double v = signal(L, k, which);
          if (isfinite(v)) sum += v, n++;
        }
      }
      if (n) x[np] = G->value, y[np++] = sum / n;
    }
  }
  r = rho = NAN;
  if (!rc) rc = bk_corr_pearson(x, y, np, &r);
  if (!rc) rc = bk_corr_spearman(x, y, np, &rho);
  if (!rc) {
    cJSON* o = row(arr, fam);
    cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddStringToObject(o, "level", "run");
    cJSON_AddNumberToObject(o, "n", np);
    put(o, "pearson", r);
    put(o, "spearman", rho);
  }
  free(x);
  free(y);
  return rc;
}

// signal against the violation verdict, over the labelled decisions; also its AUROC
static int corr_viol_rows(cJSON* doc, cJSON* arr, const bk_load_t* L,
                          const bk_load_group_t* fam, int by_value, int which, int kind) {
  pairs_t p;
  int rc = gather(L, fam, by_value, which, kind, &p);
  int n = 0, pos = 0;
  for (int k = 0; !rc && k < p.n; k++) {
    if (!p.lab[k]) continue;
    p.y[n] = p.y[k];
    p.x[n] = p.v[k];  // x now holds the 0/1 outcome
    p.v[n] = p.v[k];
    pos += p.v[n];
    n++;
  }
  double pb = NAN, rho = NAN, auc = NAN;
  if (!rc) rc = bk_corr_point_biserial(p.v, p.y, n, &pb);
  if (!rc) rc = bk_corr_spearman(p.x, p.y, n, &rho);
  // risk direction: high confidence means safe, so the AUROC scores -confidence
  if (!rc && which == 0) {
    for (int k = 0; k < n; k++) p.y[k] = -p.y[k];
  }
  if (!rc) rc = bk_corr_auroc(p.y, p.v, n, &auc);
  if (!rc && arr) {
    cJSON* o = row(arr, fam);
    if (!by_value) cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "n", n);
    cJSON_AddNumberToObject(o, "positives", pos);
    put(o, "point_biserial", pb);
    put(o, "spearman", rho);
    put(o, "auroc", auc);
  }
  if (!rc && n) {
    static const char* const kSignal[3] = {"confidence", "disagreement", "predictor"};
    cJSON* o = row(cJSON_GetObjectItem(doc, "auroc"), fam);
    if (!by_value) cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddStringToObject(o, "signal", kSignal[which]);
    cJSON_AddNumberToObject(o, "n", n);
    cJSON_AddNumberToObject(o, "positives", pos);
    put(o, "auroc", auc);
  }
  pairs_free(&p);
  return rc;
}

// is group g the first of its (suite, sampling) family?
static int family_first(const bk_load_t* L, int g) {
  for (int h = 0; h < g; h++) {
    if (!strcmp(L->groups[h].suite, L->groups[g].suite) &&
        !strcmp(L->groups[h].sampling, L->groups[g].sampling)) return 0;
  }
  return 1;
}

static int add_corr(cJSON* doc, const bk_load_t* L, int kind) {
  cJSON* corr = cJSON_GetObjectItem(doc, "corr");
  static const char* const kSig[2] = {"confidence_sigma", "disagreement_sigma"};
  static const char* const kViol[2] = {"confidence_violation", "disagreement_violation"};
  int rc = 0;
  for (int g = 0; !rc && g < L->n_groups; g++) {
    const bk_load_group_t* fam = &L->groups[g];
    int first = family_first(L, g);
    for (int w = 0; !rc && w < 2; w++) {
      if (first) rc = corr_sigma_rows(cJSON_GetObjectItem(corr, kSig[w]), L, fam, w);
      if (!rc && first) rc = corr_viol_rows(doc, cJSON_GetObjectItem(corr, kViol[w]), L, fam, 0, w, kind);
      if (!rc) rc = corr_viol_rows(doc, cJSON_GetObjectItem(corr, kViol[w]), L, fam, 1, w, kind);
    }
    if (!rc) rc = corr_viol_rows(doc, NULL, L, fam, 1, 2, kind);
  }
  return rc;
}

/* ---------------------------------------------------------------- violation inflation */

static void add_inflation(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G) {
  long n = 0, ne = 0, vg = 0, ve = 0, eg = 0, ee = 0;
  for (int e = 0; e < G->n_episodes; e++) {
    int i = G->ep[e], any_g = 0, any_e = 0, both = 1;
    for (int k = L->ep_offset[i]; k < L->ep_offset[i + 1]; k++) {
      if (L->v_expert[k] < 0 || L->v_global[k] < 0) {
        both = 0;
        continue;
      }
      n++;
      vg += L->v_global[k];
      ve += L->v_expert[k];
      any_g |= L->v_global[k];
      any_e |= L->v_expert[k];
    }
    if (both && L->ep_offset[i + 1] > L->ep_offset[i]) ne++, eg += any_g, ee += any_e;
  }
  long units[2] = {n, ne}, glob[2] = {vg, eg}, expt[2] = {ve, ee};
  for (int u = 0; u < 2; u++) {
    cJSON* r = row(cJSON_GetObjectItem(doc, "violation_inflation"), &L->groups[G->g]);
    cJSON_AddStringToObject(r, "unit", u ? "episode" : "decision");
    cJSON_AddNumberToObject(r, "n", (double)units[u]);
    double rg = bk_infl_rate(glob[u], units[u]), re = bk_infl_rate(expt[u], units[u]);
    put(r, "rate_global", rg);
    put(r, "rate_expert", re);
    double inf = bk_infl_ratio(rg, re);
    if (isinf(inf)) {
      cJSON_AddStringToObject(r, "inflation", "inf");
    } else {
      put(r, "inflation", inf);
    }
  }
}

/* ---------------------------------------------------------------- per-group action error */

/* one compared entity: a run's episodes of one group */
typedef struct {
  int run, g;
  bk_aerr_t all;
} entity_t;

// summary of a run's group (all tasks, or one task when task >= 0); n_tasks sizes per_task
static int entity_summary(const bk_load_t* L, int run, int g, bk_aerr_t* all, bk_aerr_t* per_task,
                          int n_tasks) {
  int n = 0;
  for (int i = 0; i < L->n_episodes; i++) {
    if (L->ep_run[i] != run || L->ep_group[i] != g) continue;
    n += L->ep_offset[i + 1] - L->ep_offset[i];
  }
  int* task = malloc(sizeof(int) * (size_t)(n + 1));
  double* err = malloc(sizeof(double) * 3 * (size_t)(n + 1));
  if (!task || !err) {
    free(task);
    free(err);
    return BK_ENOMEM;
  }
  int m = 0;
  for (int i = 0; i < L->n_episodes; i++) {
    if (L->ep_run[i] != run || L->ep_group[i] != g) continue;
    for (int k = L->ep_offset[i]; k < L->ep_offset[i + 1]; k++) {
      const double* e = L->err + 3 * k;
      if (!isfinite(e[0]) || !isfinite(e[1]) || !isfinite(e[2])) continue;
      task[m] = L->ep_task[i];
      memcpy(err + 3 * m, e, 3 * sizeof(double));
      m++;
    }
  }
  int rc = bk_aerr_summarize(task, err, m, n_tasks, per_task, all);
  free(task);
  free(err);
  return rc;
}

// one per_group_mse row
static cJSON* aerr_row(cJSON* arr, const bk_load_t* L, int run, int g, int task, const bk_aerr_t* a) {
  cJSON* r = row(arr, &L->groups[g]);
  cJSON_AddStringToObject(r, "run", L->runs[run].id);
  put_task(r, task);
  cJSON_AddNumberToObject(r, "n", (double)a->n);
  put(r, "translation", a->mse[BK_AERR_TRANSLATION]);
  put(r, "rotation", a->mse[BK_AERR_ROTATION]);
  put(r, "gripper", a->mse[BK_AERR_GRIPPER]);
  put(r, "total", a->total);
  return r;
}

// the rows of one suite's entities, ranked against each other
static int aerr_suite(cJSON* doc, const bk_load_t* L, const char* suite, entity_t* ent, int ne) {
  bk_aerr_t* runs = malloc(sizeof(bk_aerr_t) * (size_t)(ne + 1));
  bk_aerr_rank_t* rank = malloc(sizeof(bk_aerr_rank_t) * (size_t)(ne + 1));
  int pairs[BK_AERR_NGROUP] = {0}, disagree = 0, rc = 0;
  if (!runs || !rank) rc = BK_ENOMEM;
  for (int k = 0; !rc && k < ne; k++) runs[k] = ent[k].all;
  if (!rc && ne > 0) {
    disagree = bk_aerr_compare(runs, ne, rank, pairs);
    if (disagree < 0) rc = disagree;
  }
  cJSON* arr = cJSON_GetObjectItem(doc, "per_group_mse");
  for (int k = 0; !rc && k < ne; k++) {
    cJSON* r = aerr_row(arr, L, ent[k].run, ent[k].g, -1, &ent[k].all);
    cJSON_AddNumberToObject(r, "rank_total", rank[k].rank_total);
    cJSON_AddNumberToObject(r, "rank_translation", rank[k].rank[BK_AERR_TRANSLATION]);
    cJSON_AddNumberToObject(r, "rank_rotation", rank[k].rank[BK_AERR_ROTATION]);
    cJSON_AddNumberToObject(r, "rank_gripper", rank[k].rank[BK_AERR_GRIPPER]);
    cJSON_AddBoolToObject(r, "discordant", rank[k].discordant);
  }
  if (!rc) {
    cJSON* o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "suite", suite);
    cJSON_AddNumberToObject(o, "compared", ne);
    cJSON_AddBoolToObject(o, "disagree", disagree > 0);
    cJSON_AddNumberToObject(o, "discordant_translation", pairs[BK_AERR_TRANSLATION]);
    cJSON_AddNumberToObject(o, "discordant_rotation", pairs[BK_AERR_ROTATION]);
    cJSON_AddNumberToObject(o, "discordant_gripper", pairs[BK_AERR_GRIPPER]);
    cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "per_group_order"), o);
  }
  free(runs);
  free(rank);
  return rc;
}

static int add_aerr(cJSON* doc, const bk_load_t* L) {
  int cap = L->n_runs * L->n_groups + 1, rc = 0;
  entity_t* ent = malloc(sizeof(entity_t) * (size_t)cap);
  bk_aerr_t* pt = malloc(sizeof(bk_aerr_t) * 10000);
  if (!ent || !pt) rc = BK_ENOMEM;
  for (int g0 = 0; !rc && g0 < L->n_groups; g0++) {
    // once per suite: every (run, group) of the suite with errors
    const char* suite = L->groups[g0].suite;
    int seen = 0, ne = 0;
    for (int h = 0; h < g0; h++) seen |= !strcmp(L->groups[h].suite, suite);
    if (seen) continue;
    for (int g = g0; !rc && g < L->n_groups; g++) {
      if (strcmp(L->groups[g].suite, suite)) continue;
      for (int ru = 0; !rc && ru < L->n_runs; ru++) {
        bk_aerr_t all;
        rc = entity_summary(L, ru, g, &all, pt, 10000);
        if (rc || all.n == 0) continue;
        ent[ne++] = (entity_t){ru, g, all};
        for (int t = 0; t < 10000; t++) {
          if (pt[t].n) aerr_row(cJSON_GetObjectItem(doc, "per_group_mse"), L, ru, g, t, &pt[t]);
        }
      }
    }
    if (!rc) rc = aerr_suite(doc, L, suite, ent, ne);
  }
  free(ent);
  free(pt);
  return rc;
}

/* ---------------------------------------------------------------- the paper's figures */

cJSON* bk_rep_paper_load(const char* dir, char* err, int err_sz) {
  cJSON* out = cJSON_CreateArray();
  DIR* d = opendir(dir);
  if (!d) return out;
  struct dirent* de;
  char* names[64];
  int nn = 0;
  while ((de = readdir(d)) && nn < 64) {
    size_t len = strlen(de->d_name);
    if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) names[nn++] = strdup(de->d_name);
  }
  closedir(d);
  // sorted, so the rows come in a stable order
  for (int a = 0; a < nn; a++) {
    for (int b = a + 1; b < nn; b++) {
      if (strcmp(names[a], names[b]) > 0) {
        char* t = names[a];
        names[a] = names[b];
        names[b] = t;
      }
    }
  }
  for (int k = 0; k < nn && out; k++) {
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    cJSON* j = bk_json_load(path, err, err_sz);
    const cJSON* figs = j ? cJSON_GetObjectItem(j, "figures") : NULL;
    const cJSON* src = j ? cJSON_GetObjectItem(j, "source") : NULL;
    if (!cJSON_IsArray(figs) || !cJSON_IsString(src)) {
      if (j) bk_fail(err, err_sz, BK_EPARSE, "%s: needs \"source\" and a \"figures\" array", path);
      cJSON_Delete(out);
      out = NULL;
    } else {
      const cJSON* f;
      cJSON_ArrayForEach(f, figs) {
        cJSON* c = cJSON_Duplicate(f, 1);
        cJSON_AddStringToObject(c, "file", names[k]);
        cJSON_AddStringToObject(c, "source", src->valuestring);
        cJSON_AddItemToArray(out, c);
      }
    }
    cJSON_Delete(j);
  }
  for (int k = 0; k < nn; k++) free(names[k]);
  return out;
}

// a field of a reference row matches ours (absent = any; null = ours null or absent)
static int field_match(const cJSON* ref, const cJSON* ours, const char* key) {
  const cJSON* a = cJSON_GetObjectItem(ref, key);
  if (!a) return 1;
  const cJSON* b = cJSON_GetObjectItem(ours, key);
  if (cJSON_IsNull(a)) return !b || cJSON_IsNull(b);
  if (!b) return 0;
  if (cJSON_IsString(a)) return cJSON_IsString(b) && !strcmp(a->valuestring, b->valuestring);
  if (cJSON_IsNumber(a)) return cJSON_IsNumber(b) && fabs(a->valuedouble - b->valuedouble) < 1e-9;
  return 0;
}

// the table a reference's "key" lives in ("corr.confidence_sigma" looks inside corr)
static const cJSON* table_of(const cJSON* doc, const char* key) {
  const char* dot = strchr(key, '.');
  if (!dot) return cJSON_GetObjectItem(doc, key);
  char head[64];
  snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
  return cJSON_GetObjectItem(cJSON_GetObjectItem(doc, head), dot + 1);
}

// every reference figure beside each of our rows that matches it
static void add_paper(cJSON* doc, const cJSON* paper) {
  cJSON* out = cJSON_GetObjectItem(doc, "paper");
  const cJSON* ref;
  static const char* const kMatch[] = {"suite", "sampling", "value", "epsilon", "level", "unit",
                                       "task", "signal"};
  cJSON_ArrayForEach(ref, paper) {
    const cJSON* key = cJSON_GetObjectItem(ref, "key");
    const cJSON* col = cJSON_GetObjectItem(ref, "column");
    const cJSON* tab = cJSON_IsString(key) ? table_of(doc, key->valuestring) : NULL;
    int matched = 0;
    const cJSON* ours;
    cJSON_ArrayForEach(ours, tab) {
      int ok = 1;
      for (size_t m = 0; m < sizeof kMatch / sizeof *kMatch; m++) ok &= field_match(ref, ours, kMatch[m]);
      if (!ok) continue;
      cJSON* r = cJSON_Duplicate(ref, 1);
      const cJSON* v = cJSON_GetObjectItem(ours, cJSON_IsString(col) ? col->valuestring : "");
      cJSON_AddItemToObject(r, "ours", v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
      const cJSON* val = cJSON_GetObjectItem(ours, "value");
      put(r, "our_value", cJSON_IsNumber(val) ? val->valuedouble : NAN);
      const cJSON* unit = cJSON_GetObjectItem(ours, "unit");
      if (cJSON_IsString(unit) && !cJSON_GetObjectItem(r, "unit")) cJSON_AddStringToObject(r, "unit", unit->valuestring);
      cJSON_AddItemToArray(out, r);
      matched = 1;
    }
    if (!matched) {
      cJSON* r = cJSON_Duplicate(ref, 1);
      cJSON_AddNullToObject(r, "ours");
      cJSON_AddItemToArray(out, r);
    }
  }
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
    put(o, "global_threshold", L->runs[r].global_threshold);
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
  add_group_rows(doc, L, &G);
  add_task_rows(doc, L, &G);
  add_inflation(doc, L, &G);
  int rc = 0;
  if (G.n_decisions == 0 || G.unlabelled == G.n_decisions) {
    note(doc, &L->groups[g], cfg->violation ? "no global verdicts (run without --global-threshold): no CRC figures"
                                            : "no expert verdicts (run without --thresholds): no CRC figures");
  } else {
    if (G.unlabelled) note(doc, &L->groups[g], "some decisions have no verdict; counted as not violating");
    rc = add_crc(doc, L, &G, cfg, err, err_sz);
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
  if (!rc && (rc = add_corr(doc, L, cfg->violation))) bk_fail(err, err_sz, rc, "correlations: %s", bk_strerror(rc));
  if (!rc && (rc = add_aerr(doc, L))) bk_fail(err, err_sz, rc, "action error: %s", bk_strerror(rc));
  if (!rc && paper) add_paper(doc, paper);
  if (rc) {
    cJSON_Delete(doc);
    return NULL;
  }
  return doc;
}

/* ---------------------------------------------------------------- consistency checks */

typedef struct {
  int checked, failed;
  cJSON* failures;
} checks_t;

static void fail(checks_t* c, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(checks_t* c, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  c->failed++;
  cJSON_AddItemToArray(c->failures, cJSON_CreateString(buf));
}

// a row's name in messages
static void where(const cJSON* r, char* buf, int sz) {
  const cJSON* e = cJSON_GetObjectItem(r, "epsilon");
  snprintf(buf, (size_t)sz, "%s/%s/%g%s%g", cJSON_GetStringValue(cJSON_GetObjectItem(r, "suite")),
           cJSON_GetStringValue(cJSON_GetObjectItem(r, "sampling")),
           cJSON_GetNumberValue(cJSON_GetObjectItem(r, "value")), e ? " eps=" : "",
           e ? e->valuedouble : 0.0);
}

// every listed column of every row of a table lies in [0, 1] (or is null)
static void check_rates(checks_t* c, const cJSON* tab, const char* name, const char* const* cols,
                        int ncol) {
  const cJSON* r;
  cJSON_ArrayForEach(r, tab) {
    for (int k = 0; k < ncol; k++) {
      const cJSON* v = cJSON_GetObjectItem(r, cols[k]);
      if (!v || cJSON_IsNull(v)) continue;
      c->checked++;
      if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1)) {
        char w[256];
        where(r, w, sizeof w);
        fail(c, "%s.%s = %g outside [0, 1] (%s)", name, cols[k], cJSON_GetNumberValue(v), w);
      }
    }
  }
}

// coverage >= net success, row by row (the tables list groups in the same order)
static void check_cover(checks_t* c, const cJSON* cov, const cJSON* net, const char* name,
                        const char* const* cols, int ncol) {
  int n = cJSON_GetArraySize(cov);
  if (n != cJSON_GetArraySize(net)) {
    fail(c, "%s: coverage and net_success have different row counts", name);
    return;
  }
  for (int i = 0; i < n; i++) {
    const cJSON* a = cJSON_GetArrayItem(cov, i);
    const cJSON* b = cJSON_GetArrayItem(net, i);
    for (int k = 0; k < ncol; k++) {
      const cJSON* x = cJSON_GetObjectItem(a, cols[k]);
      const cJSON* y = cJSON_GetObjectItem(b, cols[k]);
      if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y)) continue;
      c->checked++;
      if (x->valuedouble < y->valuedouble - 1e-12) {
        char w[256];
        where(a, w, sizeof w);
        fail(c, "%s: %s coverage %g < net success %g (%s)", name, cols[k], x->valuedouble,
             y->valuedouble, w);
      }
    }
  }
}

// hold rates are counts of splits over the configured split count
static void check_splits(checks_t* c, const cJSON* tab, const char* name, int splits) {
  static const char* const kCols[2] = {"pooled", "mondrian"};
  const cJSON* r;
  cJSON_ArrayForEach(r, tab) {
    char w[256];
    where(r, w, sizeof w);
    c->checked++;
    const cJSON* s = cJSON_GetObjectItem(r, "splits");
    if (!cJSON_IsNumber(s) || s->valueint != splits) {
      fail(c, "%s: %g splits, configured %d (%s)", name, cJSON_GetNumberValue(s), splits, w);
    }
    for (int k = 0; k < 2; k++) {
      const cJSON* v = cJSON_GetObjectItem(r, kCols[k]);
      if (!cJSON_IsNumber(v)) continue;
      c->checked++;
      double m = v->valuedouble * splits;
      if (fabs(m - floor(m + 0.5)) > 1e-6) {
        fail(c, "%s.%s = %g is not a count of %d splits (%s)", name, kCols[k], v->valuedouble,
             splits, w);
      }
    }
  }
}

int bk_rep_check(cJSON* doc, char* msg, int msg_sz) {
  checks_t c = {0, 0, cJSON_CreateArray()};
  static const char* const kPM[2] = {"pooled", "mondrian"};
  static const char* const kRates[] = {"coverage", "net_success", "executed_violation_rate",
                                       "hold_rate", "min_task_hold", "task_hold"};
  for (size_t k = 0; k < sizeof kRates / sizeof *kRates; k++) {
    check_rates(&c, cJSON_GetObjectItem(doc, kRates[k]), kRates[k], kPM, 2);
  }
  static const char* const kTau[] = {"coverage", "net_success", "executed_violation_rate", "risk",
                                     "calib_risk"};
  check_rates(&c, cJSON_GetObjectItem(doc, "tau"), "tau", kTau, 5);
  static const char* const kInfl[] = {"rate_global", "rate_expert"};
  check_rates(&c, cJSON_GetObjectItem(doc, "violation_inflation"), "violation_inflation", kInfl, 2);
  static const char* const kGrp[] = {"success_rate", "violation_rate"};
  check_rates(&c, cJSON_GetObjectItem(doc, "groups"), "groups", kGrp, 2);
  check_cover(&c, cJSON_GetObjectItem(doc, "coverage"), cJSON_GetObjectItem(doc, "net_success"),
              "bootstrap means", kPM, 2);
  // in-sample rows: coverage >= net success within each row
  const cJSON* r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "tau")) {
    const cJSON* x = cJSON_GetObjectItem(r, "coverage");
    const cJSON* y = cJSON_GetObjectItem(r, "net_success");
    if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y)) continue;
    c.checked++;
    if (x->valuedouble < y->valuedouble - 1e-12) {
      char w[256];
      where(r, w, sizeof w);
      fail(&c, "tau: coverage %g < net success %g (%s)", x->valuedouble, y->valuedouble, w);
    }
  }
  int splits = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "config"), "splits"));
  check_splits(&c, cJSON_GetObjectItem(doc, "hold_rate"), "hold_rate", splits);
  check_splits(&c, cJSON_GetObjectItem(doc, "task_hold"), "task_hold", splits);
  check_splits(&c, cJSON_GetObjectItem(doc, "min_task_hold"), "min_task_hold", splits);
  // messages
  if (msg && msg_sz > 0) {
    msg[0] = 0;
    int k = 0;
    cJSON_ArrayForEach(r, c.failures) {
      if (k++ == 8) break;
      size_t len = strlen(msg);
      snprintf(msg + len, (size_t)msg_sz - len, "%s%s", len ? "\n" : "", r->valuestring);
    }
  }
  cJSON* o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "passed", c.failed == 0);
  cJSON_AddNumberToObject(o, "checked", c.checked);
  cJSON_AddItemToObject(o, "failures", c.failures);
  cJSON_DeleteItemFromObject(doc, "checks");
  cJSON_AddItemToObject(doc, "checks", o);
  return c.failed;
}

#include "report/figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"
#include "report/plot.h"
#include "run/thresholds.h"
#include "stats/crc.h"

#define CURVE_POINTS 160
#define MAX_SCATTER 4000

/* where plots go and what they are listed as */
typedef struct {
  const char* dir;
  cJSON* list;
  char* err;
  int err_sz;
} out_t;

static const char* param_name(const char* sampling) {
  return !strcmp(sampling, "temperature") ? "T" : "sigma";
}

// saves p as dir/name and lists it; frees p
static int save(out_t* o, bk_plot_t* p, const char* name, const char* kind, const char* suite,
                const char* sampling, double value, double eps) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", o->dir, name);
  int rc = p ? bk_plot_save(p, path, o->err, o->err_sz) : bk_fail(o->err, o->err_sz, BK_ENOMEM, "out of memory");
  bk_plot_free(p);
  if (rc) return rc;
  cJSON* r = cJSON_CreateObject();
  cJSON_AddStringToObject(r, "file", name);
  cJSON_AddStringToObject(r, "kind", kind);
  cJSON_AddStringToObject(r, "suite", suite);
  if (sampling) cJSON_AddStringToObject(r, "sampling", sampling);
  if (isfinite(value)) cJSON_AddNumberToObject(r, "value", value);
  if (isfinite(eps)) cJSON_AddNumberToObject(r, "epsilon", eps);
  cJSON_AddItemToArray(o->list, r);
  return 0;
}

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* ---------------------------------------------------------------- risk and coverage against tau */

// a grid of taus spread over the finite scores by rank; returns its size (0: none finite)
static int tau_grid(const bk_rep_group_t* G, double* grid) {
  double* v = malloc(sizeof(double) * (size_t)(G->n_decisions + 1));
  if (!v) return 0;
  int n = 0;
  for (int j = 0; j < G->n_decisions; j++) {
    if (isfinite(G->score[j])) v[n++] = G->score[j];
  }
  qsort(v, (size_t)n, sizeof(double), cmp_double);
  int m = 0;
  for (int k = 0; n && k < CURVE_POINTS; k++) {
    double x = v[(size_t)((double)k / (CURVE_POINTS - 1) * (n - 1))];
    if (m == 0 || x > grid[m - 1]) grid[m++] = x;
  }
  free(v);
  return m;
}

static int fig_risk(out_t* o, const bk_load_t* L, const bk_rep_config_t* cfg, const bk_rep_group_t* G) {
  const bk_load_group_t* grp = &L->groups[G->g];
  double tau[CURVE_POINTS], y[4][CURVE_POINTS];
  int m = tau_grid(G, tau);
  if (m < 2) return 0;
  for (int k = 0; k < m; k++) {
    bk_crc_metrics_t a;
    if (bk_crc_evaluate(&G->d, NULL, &tau[k], 1, cfg->epsilon[0], &a, NULL)) return 0;
    y[0][k] = a.risk, y[1][k] = a.coverage, y[2][k] = a.net_success, y[3][k] = a.violation_rate;
  }
  char title[256], name[512];
  snprintf(title, sizeof title, "Risk and coverage against tau: %s, %s %s=%g (%d episodes)", grp->suite,
           grp->sampling, param_name(grp->sampling), grp->value, G->n_episodes);
  bk_plot_t* p = bk_plot_create(1000, 600, 1, title);
  if (!p) return save(o, NULL, "", "", "", NULL, NAN, NAN);
  bk_plot_axes(p, 0, "all episodes; the first abstention ends an episode",
               "threshold tau (risk score s of the chosen candidate)", "rate",
               tau[0] - 0.03 * (tau[m - 1] - tau[0]), tau[m - 1] + 0.03 * (tau[m - 1] - tau[0]), 0, 1.02, 0);
  static const char* const kLab[4] = {"risk E[L(tau)]", "coverage", "net task success",
                                      "executed-violation rate"};
  const int kCol[4] = {3, 0, 2, 4};
  for (int s = 0; s < 4; s++) bk_plot_steps(p, tau, y[s], m, kCol[s], 2.2);
  // the calibrated pooled threshold and the risk level of each epsilon
  for (int e = 0; e < cfg->n_epsilon; e++) {
    bk_crc_tau_t t;
    if (bk_crc_calibrate(&G->d, NULL, BK_CRC_UNIT_EPISODE, 0, cfg->epsilon[e], &t)) continue;
    char lab[64];
    snprintf(lab, sizeof lab, "tau(eps=%g) = %.4g", cfg->epsilon[e], t.tau);
    if (isinf(t.tau) && t.tau < 0) {
      bk_plot_note(p, 0.02, 0.90 - 0.05 * e, "always abstain at this epsilon");
    } else {
      bk_plot_vline(p, fmin(fmax(t.tau, tau[0]), tau[m - 1]), 7, 1, lab);
    }
    snprintf(lab, sizeof lab, "epsilon = %g", cfg->epsilon[e]);
    bk_plot_hline(p, cfg->epsilon[e], 6, 1, lab);
  }
  bk_plot_legend(p, kLab, kCol, 4, 1);
  snprintf(name, sizeof name, "risk_coverage_%s_%s_%g.png", grp->suite, grp->sampling, grp->value);
  return save(o, p, name, "risk_coverage", grp->suite, grp->sampling, grp->value, NAN);
}

/* ---------------------------------------------------------------- hold per task */

static int fig_task_hold(out_t* o, const cJSON* doc, const bk_load_group_t* grp, double eps) {
  double x[2][64], h[2][64];
  char labels[64][16];
  const char* lab[64];
  int n = 0;
  const cJSON* r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "task_hold")) {
    if (n == 64 || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "suite")), grp->suite) ||
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "sampling")), grp->sampling) ||
        cJSON_GetNumberValue(cJSON_GetObjectItem(r, "value")) != grp->value ||
        cJSON_GetNumberValue(cJSON_GetObjectItem(r, "epsilon")) != eps) continue;
    snprintf(labels[n], sizeof labels[n], "%d", (int)cJSON_GetNumberValue(cJSON_GetObjectItem(r, "task")));
    lab[n] = labels[n];
    const cJSON* pv = cJSON_GetObjectItem(r, "pooled");
    const cJSON* mv = cJSON_GetObjectItem(r, "mondrian");
    x[0][n] = n - 0.2, x[1][n] = n + 0.2;
    h[0][n] = cJSON_IsNumber(pv) ? pv->valuedouble : NAN;
    h[1][n] = cJSON_IsNumber(mv) ? mv->valuedouble : NAN;
    n++;
  }
  if (!n) return 0;
  char title[256], name[512];
  snprintf(title, sizeof title, "Hold rate per task at epsilon = %g: %s, %s %s=%g", eps, grp->suite,
           grp->sampling, param_name(grp->sampling), grp->value);
  bk_plot_t* p = bk_plot_create(1000, 560, 1, title);
  if (!p) return save(o, NULL, "", "", "", NULL, NAN, NAN);
  bk_plot_axes_cat(p, 0, "share of splits whose test executed-violation rate <= epsilon", "task",
                   "hold rate", lab, n, 0, 1.15);
  bk_plot_bars(p, x[0], h[0], n, 0.38, 0);
  bk_plot_bars(p, x[1], h[1], n, 0.38, 1);
  bk_plot_hline(p, 1.0, 6, 1, NULL);
  static const char* const kLab[2] = {"pooled tau", "Mondrian tau (per task)"};
  const int kCol[2] = {0, 1};
  bk_plot_legend(p, kLab, kCol, 2, 0);
  snprintf(name, sizeof name, "task_hold_%s_%s_%g_eps%g.png", grp->suite, grp->sampling, grp->value, eps);
  return save(o, p, name, "task_hold", grp->suite, grp->sampling, grp->value, eps);
}

/* ---------------------------------------------------------------- signals */

/* per sampling value: sums of the signal over violating / clean decisions */
typedef struct {
  double value;
  double sum[3];   /* all, violating, clean */
  long n[3];
} level_t;

// x jitter so that points of one sampling value spread out
static double jitter(bk_rng_t* rng, double width) {
  return (bk_rng_uniform(rng) - 0.5) * width;
}

// the per-value means of one (suite, sampling) family; returns the number of values
static int levels(const bk_load_t* L, const bk_load_group_t* fam, int which, int kind, level_t* lv,
                  int cap, double* ymin, double* ymax) {
  int n = 0;
  *ymin = INFINITY, *ymax = -INFINITY;
  for (int i = 0; i < L->n_episodes; i++) {
    const bk_load_group_t* G = &L->groups[L->ep_group[i]];
    if (strcmp(G->suite, fam->suite) || strcmp(G->sampling, fam->sampling)) continue;
    int k;
    for (k = 0; k < n && lv[k].value != G->value; k++) {
    }
    if (k == n) {
      if (n == cap) continue;
      memset(&lv[n], 0, sizeof lv[n]);
      lv[n++].value = G->value;
    }
    for (int j = L->ep_offset[i]; j < L->ep_offset[i + 1]; j++) {
      double y = which ? L->dis_mean[j] : L->conf_mean[j];
      if (!isfinite(y)) continue;
      int v = bk_load_verdict(L, j, kind);
      lv[k].sum[0] += y, lv[k].n[0]++;
      if (v >= 0) lv[k].sum[v ? 1 : 2] += y, lv[k].n[v ? 1 : 2]++;
      *ymin = fmin(*ymin, y), *ymax = fmax(*ymax, y);
    }
  }
  return n;
}

static int cmp_level(const void* a, const void* b) {
  return cmp_double(&((const level_t*)a)->value, &((const level_t*)b)->value);
}

// scatter of the decisions (a deterministic subsample), coloured by verdict
static void signal_scatter(bk_plot_t* p, const bk_load_t* L, const bk_load_group_t* fam, int which,
                           int kind, double xw) {
  double* buf = malloc(sizeof(double) * 4 * MAX_SCATTER);
  if (!buf) return;
  double *x = buf, *y = buf + MAX_SCATTER, *xv = buf + 2 * MAX_SCATTER, *yv = buf + 3 * MAX_SCATTER;
  int n = 0, nv = 0;
  long total = 0;
  for (int j = 0; j < L->n_decisions; j++) total += isfinite(which ? L->dis_mean[j] : L->conf_mean[j]);
  long stride = total / MAX_SCATTER + 1, seen = 0;
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){(uint64_t)which, 7}, 2);
  for (int i = 0; i < L->n_episodes; i++) {
    const bk_load_group_t* G = &L->groups[L->ep_group[i]];
    if (strcmp(G->suite, fam->suite) || strcmp(G->sampling, fam->sampling)) continue;
    for (int j = L->ep_offset[i]; j < L->ep_offset[i + 1]; j++) {
      double v = which ? L->dis_mean[j] : L->conf_mean[j];
      if (!isfinite(v) || seen++ % stride) continue;
      if (bk_load_verdict(L, j, kind) > 0) {
        if (nv < MAX_SCATTER) xv[nv] = G->value + jitter(&rng, xw), yv[nv++] = v;
      } else if (n < MAX_SCATTER) {
        x[n] = G->value + jitter(&rng, xw), y[n++] = v;
      }
    }
  }
  bk_plot_points(p, x, y, n, 0, 2.2, 0.35);
  bk_plot_points(p, xv, yv, nv, 3, 2.6, 0.7);
  free(buf);
}

static int fig_signal(out_t* o, const bk_load_t* L, const bk_rep_config_t* cfg,
                      const bk_load_group_t* fam, int which) {
  level_t lv[64];
  double ymin, ymax;
  int n = levels(L, fam, which, cfg->violation, lv, 64, &ymin, &ymax);
  if (!n || !isfinite(ymin)) return 0;
  qsort(lv, (size_t)n, sizeof *lv, cmp_level);
  double x[64], m[3][64];
  for (int k = 0; k < n; k++) {
    x[k] = lv[k].value;
    for (int s = 0; s < 3; s++) m[s][k] = lv[k].n[s] ? lv[k].sum[s] / lv[k].n[s] : NAN;
  }
  const char* sig = which ? "disagreement" : "confidence";
  const char* par = param_name(fam->sampling);
  char title[256], xl[64], yl[128], name[512];
  snprintf(title, sizeof title, "Policy %s against %s and against violations: %s, %s sampling", sig, par,
           fam->suite, fam->sampling);
  snprintf(xl, sizeof xl, "sampling %s", par);
  snprintf(yl, sizeof yl, which ? "K-sample disagreement (mean over candidates)"
                                : "confidence: log-probability (mean over candidates)");
  double pad = 0.05 * (ymax - ymin + 1e-9);
  double span = n > 1 ? x[n - 1] - x[0] : fabs(x[0]) + 1;
  double xw = n > 1 ? 0.25 * span / (n - 1) : 0.2 * span;
  bk_plot_t* p = bk_plot_create(1500, 600, 2, title);
  if (!p) return save(o, NULL, "", "", "", NULL, NAN, NAN);
  bk_plot_axes(p, 0, "every decision (subsample), mean per value", xl, yl, x[0] - xw * 2,
               x[n - 1] + xw * 2, ymin - pad, ymax + pad, 0);
  signal_scatter(p, L, fam, which, cfg->violation, xw);
  bk_plot_line(p, x, m[0], n, 7, 2.5, 0);
  bk_plot_points(p, x, m[0], n, 7, 4.5, 1);
  static const char* const kLab1[3] = {"decision (no violation)", "decision (violating)", "mean"};
  const int kCol1[3] = {0, 3, 7};
  bk_plot_legend(p, kLab1, kCol1, 3, 0);
  double lo = INFINITY, hi = -INFINITY;
  for (int s = 1; s < 3; s++) {
    for (int k = 0; k < n; k++) {
      if (isfinite(m[s][k])) lo = fmin(lo, m[s][k]), hi = fmax(hi, m[s][k]);
    }
  }
  double pad2 = 0.15 * (hi - lo + 1e-9);
  bk_plot_axes(p, 1, "mean over violating vs clean decisions", xl, yl, x[0] - xw * 2,
               x[n - 1] + xw * 2, lo - pad2, hi + pad2, 0);
  bk_plot_line(p, x, m[1], n, 3, 2.5, 0);
  bk_plot_points(p, x, m[1], n, 3, 5, 1);
  bk_plot_line(p, x, m[2], n, 0, 2.5, 1);
  bk_plot_points(p, x, m[2], n, 0, 5, 1);
  static const char* const kLab2[2] = {"violating decisions", "clean decisions"};
  const int kCol2[2] = {3, 0};
  bk_plot_legend(p, kLab2, kCol2, 2, 0);
  if (!isfinite(lo)) bk_plot_note(p, 0.05, 0.5, "no decisions with a violation verdict");
  snprintf(name, sizeof name, "%s_%s_%s.png", sig, fam->suite, fam->sampling);
  return save(o, p, name, sig, fam->suite, fam->sampling, NAN, NAN);
}

/* ---------------------------------------------------------------- forces */

#define NBIN 40

// the expert thresholds of a suite from the first run that names a readable file
static int suite_thresholds(const bk_load_t* L, const char* suite, bk_thr_t* t, double* glob) {
  int have = 0;
  *glob = NAN;
  for (int r = 0; r < L->n_runs; r++) {
    int uses = 0;
    for (int i = 0; i < L->n_episodes && !uses; i++) {
      uses = L->ep_run[i] == r && !strcmp(L->groups[L->ep_group[i]].suite, suite);
    }
    if (!uses) continue;
    if (!isfinite(*glob)) *glob = L->runs[r].global_threshold;
    if (!have && L->runs[r].thresholds[0]) have = !bk_thr_load(L->runs[r].thresholds, t, NULL, 0);
  }
  return have;
}

// histogram of log10 of positive decision peaks of class c in the suite
static void histogram(const bk_load_t* L, const char* suite, int c, double lo, double hi,
                      double* count, long* zeros) {
  memset(count, 0, sizeof(double) * NBIN);
  *zeros = 0;
  for (int i = 0; i < L->n_episodes; i++) {
    if (strcmp(L->groups[L->ep_group[i]].suite, suite)) continue;
    for (int j = L->ep_offset[i]; j < L->ep_offset[i + 1]; j++) {
      double f = L->peak[3 * j + c];
      if (!(f > 0)) {
        (*zeros)++;
        continue;
      }
      int b = (int)((log10(f) - lo) / (hi - lo) * NBIN);
      count[b < 0 ? 0 : b >= NBIN ? NBIN - 1 : b]++;
    }
  }
}

static int fig_forces(out_t* o, const bk_load_t* L, const char* suite) {
  bk_thr_t thr;
  double glob;
  int have = suite_thresholds(L, suite, &thr, &glob);
  double lo = -2, hi = 3;  // 0.01 N .. 1000 N
  char title[256], name[512];
  snprintf(title, sizeof title, "Decision peak contact forces: %s (all runs)", suite);
  bk_plot_t* p = bk_plot_create(1650, 560, 3, title);
  if (!p) return save(o, NULL, "", "", "", NULL, NAN, NAN);
  for (int c = 0; c < BK_NFORCE; c++) {
    double count[NBIN], x[NBIN], top = 0;
    long zeros;
    histogram(L, suite, c, lo, hi, count, &zeros);
    for (int b = 0; b < NBIN; b++) {
      x[b] = lo + (b + 0.5) * (hi - lo) / NBIN;
      top = fmax(top, count[b]);
    }
    char sub[128];
    snprintf(sub, sizeof sub, "%s (%ld decisions at 0 N)", bk_force_names[c], zeros);
    bk_plot_axes(p, c, sub, "peak force (N, log scale)", "decisions", lo, hi, 0, top * 1.1 + 1, 1);
    bk_plot_bars(p, x, count, NBIN, (hi - lo) / NBIN * 0.95, 5);
    if (top == 0) bk_plot_note(p, 0.3, 0.5, "no contact of this class");
    for (int t = 0; have && t < BK_SUITE_NTASK; t++) {
      if (thr.have[t] && thr.thr[t][c] > 0) bk_plot_vline(p, log10(thr.thr[t][c]), 2, 1, NULL);
    }
    if (isfinite(glob)) bk_plot_vline(p, log10(glob), 3, 0, "global");
    const char* lab[2] = {have ? "expert threshold (one per task)" : "no expert thresholds given",
                          isfinite(glob) ? "global threshold" : "no global threshold"};
    const int col[2] = {2, 3};
    bk_plot_legend(p, lab, col, 2, 1);
  }
  snprintf(name, sizeof name, "forces_%s.png", suite);
  return save(o, p, name, "forces", suite, NULL, NAN, NAN);
}

/* ---------------------------------------------------------------- action error */

static int fig_action_error(out_t* o, const cJSON* doc, const char* suite) {
  enum { MAXE = 24 };
  static const char* const kCol[4] = {"translation", "rotation", "gripper", "total"};
  double x[4][MAXE], h[4][MAXE], top = 0;
  char labels[MAXE][48];
  const char* lab[MAXE];
  int n = 0;
  const cJSON* r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "per_group_mse")) {
    if (n == MAXE || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "suite")), suite) ||
        !cJSON_IsNull(cJSON_GetObjectItem(r, "task"))) continue;
    snprintf(labels[n], sizeof labels[n], "%.14s %s=%g%s",
             cJSON_GetStringValue(cJSON_GetObjectItem(r, "run")),
             param_name(cJSON_GetStringValue(cJSON_GetObjectItem(r, "sampling"))),
             cJSON_GetNumberValue(cJSON_GetObjectItem(r, "value")),
             cJSON_IsTrue(cJSON_GetObjectItem(r, "discordant")) ? " *" : "");
    lab[n] = labels[n];
    for (int g = 0; g < 4; g++) {
      const cJSON* v = cJSON_GetObjectItem(r, kCol[g]);
      x[g][n] = n - 0.3 + 0.2 * g;
      h[g][n] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
      if (isfinite(h[g][n])) top = fmax(top, h[g][n]);
    }
    n++;
  }
  if (!n) return 0;
  char title[256], name[512];
  snprintf(title, sizeof title, "Per-group action error against the expert: %s", suite);
  bk_plot_t* p = bk_plot_create(n > 6 ? 1400 : 1000, 600, 1, title);
  if (!p) return save(o, NULL, "", "", "", NULL, NAN, NAN);
  bk_plot_axes_cat(p, 0, "MSE of the chosen action per group; * = rank by total disagrees with a group",
                   "run and sampling setting", "mean squared error", lab, n, 0, top > 0 ? top * 1.25 : 1);
  if (!(top > 0)) bk_plot_note(p, 0.35, 0.5, "every error is 0 (the chosen actions equal the expert's)");
  for (int g = 0; g < 4; g++) bk_plot_bars(p, x[g], h[g], n, 0.19, g == 3 ? 7 : g);
  const int col[4] = {0, 1, 2, 7};
  bk_plot_legend(p, kCol, col, 4, 0);
  snprintf(name, sizeof name, "action_error_%s.png", suite);
  return save(o, p, name, "action_error", suite, NULL, NAN, NAN);
}

/* ---------------------------------------------------------------- all of them */

// the group's figures (risk curve, hold per task)
static int group_figs(out_t* o, const bk_load_t* L, const bk_rep_config_t* cfg, const cJSON* doc, int g) {
  bk_rep_group_t G;
  if (bk_rep_group_build(L, g, cfg->violation, &G)) return bk_fail(o->err, o->err_sz, BK_ENOMEM, "out of memory");
  int rc = 0;
  if (G.n_decisions > G.unlabelled) rc = fig_risk(o, L, cfg, &G);
  for (int e = 0; !rc && e < cfg->n_epsilon; e++) rc = fig_task_hold(o, doc, &L->groups[g], cfg->epsilon[e]);
  bk_rep_group_free(&G);
  return rc;
}

int bk_fig_all(const bk_load_t* L, const bk_rep_config_t* cfg, cJSON* doc, const char* dir,
               char* err, int err_sz) {
  cJSON_DeleteItemFromObject(doc, "plots");
  out_t o = {dir, cJSON_AddArrayToObject(doc, "plots"), err, err_sz};
  int rc = 0;
  for (int g = 0; !rc && g < L->n_groups; g++) rc = group_figs(&o, L, cfg, doc, g);
  for (int g = 0; !rc && g < L->n_groups; g++) {
    const bk_load_group_t* G = &L->groups[g];
    int first_family = 1, first_suite = 1;
    for (int h = 0; h < g; h++) {
      int same_suite = !strcmp(L->groups[h].suite, G->suite);
      first_suite &= !same_suite;
      first_family &= !(same_suite && !strcmp(L->groups[h].sampling, G->sampling));
    }
    if (first_family && strcmp(G->sampling, "greedy")) {
      rc = fig_signal(&o, L, cfg, G, 0);
      if (!rc) rc = fig_signal(&o, L, cfg, G, 1);
    }
    if (!rc && first_suite) rc = fig_forces(&o, L, G->suite);
    if (!rc && first_suite) rc = fig_action_error(&o, doc, G->suite);
  }
  return rc;
}

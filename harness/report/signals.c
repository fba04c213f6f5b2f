#include "report/signals.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "report/rows.h"
#include "stats/corr.h"

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
    cJSON* o = bk_row_new(arr, fam);
    cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddStringToObject(o, "level", "decision");
    cJSON_AddNumberToObject(o, "n", p.n);
    bk_row_put(o, "pearson", r);
    bk_row_put(o, "spearman", rho);
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
    cJSON* o = bk_row_new(arr, fam);
    cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddStringToObject(o, "level", "run");
    cJSON_AddNumberToObject(o, "n", np);
    bk_row_put(o, "pearson", r);
    bk_row_put(o, "spearman", rho);
  }
  free(x);
  free(y);
  return rc;
}

/* one signal against the verdicts: the figures of a violation row */
typedef struct {
  int n, pos;            /* labelled decisions, violating ones */
  double pb, rho, auc;   /* point-biserial, Spearman, AUROC (risk direction) */
} viol_fig_t;

// signal against the violation verdict, over the labelled decisions; also its AUROC
static int viol_figures(const bk_load_t* L, const bk_load_group_t* fam, int by_value,
                        int which, int kind, viol_fig_t* f) {
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
  *f = (viol_fig_t){n, pos, NAN, NAN, NAN};
  if (!rc) rc = bk_corr_point_biserial(p.v, p.y, n, &f->pb);
  if (!rc) rc = bk_corr_spearman(p.x, p.y, n, &f->rho);
  // risk direction: high confidence means safe, so the AUROC scores -confidence
  if (!rc && which == 0) {
    for (int k = 0; k < n; k++) p.y[k] = -p.y[k];
  }
  if (!rc) rc = bk_corr_auroc(p.y, p.v, n, &f->auc);
  pairs_free(&p);
  return rc;
}

// the row of arr (NULL: none) and the auroc row of one signal's violation figures
static void viol_rows(cJSON* doc, cJSON* arr, const bk_load_group_t* fam, int by_value,
                      int which, const viol_fig_t* f) {
  if (arr) {
    cJSON* o = bk_row_new(arr, fam);
    if (!by_value) cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "n", f->n);
    cJSON_AddNumberToObject(o, "positives", f->pos);
    bk_row_put(o, "point_biserial", f->pb);
    bk_row_put(o, "spearman", f->rho);
    bk_row_put(o, "auroc", f->auc);
  }
  if (f->n) {
    static const char* const kSignal[3] = {"confidence", "disagreement", "predictor"};
    cJSON* o = bk_row_new(cJSON_GetObjectItem(doc, "auroc"), fam);
    if (!by_value) cJSON_ReplaceItemInObject(o, "value", cJSON_CreateNull());
    cJSON_AddStringToObject(o, "signal", kSignal[which]);
    cJSON_AddNumberToObject(o, "n", f->n);
    cJSON_AddNumberToObject(o, "positives", f->pos);
    bk_row_put(o, "auroc", f->auc);
  }
}

// groups of g's (suite, sampling) family: how many, and whether g is the first
static int family_size(const bk_load_t* L, int g, int* first) {
  int n = 0;
  *first = 1;
  for (int h = 0; h < L->n_groups; h++) {
    if (strcmp(L->groups[h].suite, L->groups[g].suite) ||
        strcmp(L->groups[h].sampling, L->groups[g].sampling)) continue;
    n++;
    if (h < g) *first = 0;
  }
  return n;
}

// one signal of group g: against sigma (family), against violations (family, group)
static int signal_rows(cJSON* doc, const bk_load_t* L, int g, int w, int kind) {
  static const char* const kSig[2] = {"confidence_sigma", "disagreement_sigma"};
  static const char* const kViol[2] = {"confidence_violation", "disagreement_violation"};
  cJSON* corr = cJSON_GetObjectItem(doc, "corr");
  cJSON* viol = cJSON_GetObjectItem(corr, kViol[w]);
  const bk_load_group_t* fam = &L->groups[g];
  int first, single = family_size(L, g, &first) == 1, rc = 0;
  viol_fig_t all, one;
  if (first) rc = corr_sigma_rows(cJSON_GetObjectItem(corr, kSig[w]), L, fam, w);
  if (!rc && first) rc = viol_figures(L, fam, 0, w, kind, &all);
  if (!rc && first) viol_rows(doc, viol, fam, 0, w, &all);
  // a family of one group: the group's figures are the family's
  if (!rc && first && single) {
    one = all;
  } else if (!rc) {
    rc = viol_figures(L, fam, 1, w, kind, &one);
  }
  if (!rc) viol_rows(doc, viol, fam, 1, w, &one);
  return rc;
}

int bk_sig_add(cJSON* doc, const bk_load_t* L, int kind) {
  int rc = 0;
  for (int g = 0; !rc && g < L->n_groups; g++) {
    for (int w = 0; !rc && w < 2; w++) rc = signal_rows(doc, L, g, w, kind);
    viol_fig_t pred;
    if (!rc) rc = viol_figures(L, &L->groups[g], 1, 2, kind, &pred);
    if (!rc) viol_rows(doc, NULL, &L->groups[g], 1, 2, &pred);
  }
  return rc;
}

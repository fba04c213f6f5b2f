#include "stats/actionerr.h"

#include <math.h>
#include <stdlib.h>

#include "core/err.h"
#include "stats/corr.h"

static const int aerr_dims[BK_AERR_NGROUP] = BK_AERR_DIMS;

/* sums become means; the total weighs each group by its dimensions */
static void aerr_finish(bk_aerr_t* a) {
  double tot = 0.0;
  for (int g = 0; g < BK_AERR_NGROUP; g++) {
    a->mse[g] = a->n > 0 ? a->mse[g] / (double)a->n : NAN;
    tot += aerr_dims[g] * a->mse[g];
  }
  a->total = tot / BK_AERR_TOTAL_DIMS;
}

static void aerr_add(bk_aerr_t* a, const double* e) {
  a->n++;
  for (int g = 0; g < BK_AERR_NGROUP; g++) a->mse[g] += e[g];
}

int bk_aerr_summarize(const int* task, const double* err, int n, int n_tasks,
                      bk_aerr_t* per_task, bk_aerr_t* all) {
  if (n < 0 || n_tasks < 1 || (n > 0 && (!task || !err))) return BK_EINVAL;
  // validate first, so nothing is written on error
  for (int i = 0; i < n; i++) {
    if (task[i] < 0 || task[i] >= n_tasks) return BK_EINVAL;
    for (int g = 0; g < BK_AERR_NGROUP; g++)
      if (!isfinite(err[i * BK_AERR_NGROUP + g]) || err[i * BK_AERR_NGROUP + g] < 0)
        return BK_EINVAL;
  }
  bk_aerr_t sum = {0};
  if (per_task)
    for (int t = 0; t < n_tasks; t++) per_task[t] = (bk_aerr_t){0};
  for (int i = 0; i < n; i++) {
    aerr_add(&sum, err + i * BK_AERR_NGROUP);
    if (per_task) aerr_add(&per_task[task[i]], err + i * BK_AERR_NGROUP);
  }
  aerr_finish(&sum);
  if (all) *all = sum;
  if (per_task)
    for (int t = 0; t < n_tasks; t++) aerr_finish(&per_task[t]);
  return 0;
}

/* ranks of one key (total when g < 0) across the runs */
static int aerr_rank_key(const bk_aerr_t* runs, int nruns, int g, double* key, double* r) {
  for (int k = 0; k < nruns; k++) key[k] = g < 0 ? runs[k].total : runs[k].mse[g];
  return bk_corr_rank(key, nruns, r);
}

static int aerr_sign(double a, double b) {
  return (a > b) - (a < b);
}

/* discordant pairs of group g: strict order by total, strictly opposite by g */
static int aerr_discordant(const bk_aerr_t* runs, int nruns, int g, bk_aerr_rank_t* rank) {
  int count = 0;
  for (int a = 0; a < nruns; a++) {
    for (int b = a + 1; b < nruns; b++) {
      int st = aerr_sign(runs[a].total, runs[b].total);
      int sg = aerr_sign(runs[a].mse[g], runs[b].mse[g]);
      if (st != 0 && sg == -st) {
        count++;
        rank[a].discordant = rank[b].discordant = 1;
      }
    }
  }
  return count;
}

int bk_aerr_compare(const bk_aerr_t* runs, int nruns, bk_aerr_rank_t* rank,
                    int* discordant_pairs) {
  if (nruns < 0 || (nruns > 0 && (!runs || !rank))) return BK_EINVAL;
  for (int k = 0; k < nruns; k++) {
    if (runs[k].n <= 0 || !isfinite(runs[k].total)) return BK_EINVAL;
    for (int g = 0; g < BK_AERR_NGROUP; g++)
      if (!isfinite(runs[k].mse[g])) return BK_EINVAL;
  }
  double* key = calloc((size_t)nruns + 1, sizeof(double));
  double* r = malloc(sizeof(double) * (size_t)(nruns + 1));
  int rc = key && r ? 0 : BK_ENOMEM;
  // ranks by total, then by each group
  if (rc == 0) rc = aerr_rank_key(runs, nruns, -1, key, r);
  for (int k = 0; rc == 0 && k < nruns; k++) rank[k] = (bk_aerr_rank_t){.rank_total = r[k]};
  for (int g = 0; rc == 0 && g < BK_AERR_NGROUP; g++) {
    rc = aerr_rank_key(runs, nruns, g, key, r);
    for (int k = 0; rc == 0 && k < nruns; k++) rank[k].rank[g] = r[k];
  }
  // discordant pairs per group
  int any = 0;
  for (int g = 0; rc == 0 && g < BK_AERR_NGROUP; g++) {
    int c = aerr_discordant(runs, nruns, g, rank);
    if (discordant_pairs) discordant_pairs[g] = c;
    any |= c > 0;
  }
  free(key);
  free(r);
  return rc != 0 ? rc : any;
}

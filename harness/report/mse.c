#include "report/mse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "report/rows.h"
#include "stats/actionerr.h"

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
  cJSON* r = bk_row_new(arr, &L->groups[g]);
  cJSON_AddStringToObject(r, "run", L->runs[run].id);
  bk_row_put_task(r, task);
  cJSON_AddNumberToObject(r, "n", (double)a->n);
  bk_row_put(r, "translation", a->mse[BK_AERR_TRANSLATION]);
  bk_row_put(r, "rotation", a->mse[BK_AERR_ROTATION]);
  bk_row_put(r, "gripper", a->mse[BK_AERR_GRIPPER]);
  bk_row_put(r, "total", a->total);
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

int bk_mse_add(cJSON* doc, const bk_load_t* L) {
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

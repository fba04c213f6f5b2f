#include "report/summary.h"

#include <math.h>

#include "report/rows.h"
#include "stats/inflation.h"

void bk_sum_group_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G) {
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
  cJSON* r = bk_row_new(cJSON_GetObjectItem(doc, "groups"), grp);
  cJSON_AddNumberToObject(r, "runs", runs);
  cJSON_AddNumberToObject(r, "episodes", G->n_episodes);
  cJSON_AddNumberToObject(r, "decisions", G->n_decisions);
  cJSON_AddNumberToObject(r, "tasks", tasks);
  bk_row_put(r, "success_rate", bk_infl_rate(succ, G->n_episodes));
  bk_row_put(r, "violation_rate", bk_infl_rate(viol, G->n_decisions));
  cJSON_AddNumberToObject(r, "unlabelled", G->unlabelled);
  cJSON_AddBoolToObject(r, "labelled", G->n_decisions > 0 && G->unlabelled < G->n_decisions);
  cJSON_AddBoolToObject(r, "predictor", pred == G->n_episodes);
}

// per task: episodes, success, violations under both kinds, mean signals
void bk_sum_task_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G) {
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
    cJSON* r = bk_row_new(cJSON_GetObjectItem(doc, "per_task"), &L->groups[G->g]);
    cJSON_AddNumberToObject(r, "task", t);
    cJSON_AddNumberToObject(r, "episodes", (double)ne);
    bk_row_put(r, "success_rate", bk_infl_rate(succ, ne));
    cJSON_AddNumberToObject(r, "decisions", (double)nd);
    bk_row_put(r, "violation_rate_expert", bk_infl_rate(ve, ne_l));
    bk_row_put(r, "violation_rate_global", bk_infl_rate(vg, ng_l));
    bk_row_put(r, "mean_confidence", nc ? conf / nc : NAN);
    bk_row_put(r, "mean_disagreement", nds ? dis / nds : NAN);
  }
}

void bk_sum_inflation_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G) {
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
    cJSON* r = bk_row_new(cJSON_GetObjectItem(doc, "violation_inflation"), &L->groups[G->g]);
    cJSON_AddStringToObject(r, "unit", u ? "episode" : "decision");
    cJSON_AddNumberToObject(r, "n", (double)units[u]);
    double rg = bk_infl_rate(glob[u], units[u]), re = bk_infl_rate(expt[u], units[u]);
    bk_row_put(r, "rate_global", rg);
    bk_row_put(r, "rate_expert", re);
    double inf = bk_infl_ratio(rg, re);
    if (isinf(inf)) {
      cJSON_AddStringToObject(r, "inflation", "inf");
    } else {
      bk_row_put(r, "inflation", inf);
    }
  }
}

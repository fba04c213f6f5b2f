/* bk_sum: the descriptive tables of one group: `groups` (sizes, success and violation
 * rates), `per_task` and `violation_inflation` (docs/report.md). */
#ifndef BK_REPORT_SUMMARY_H
#define BK_REPORT_SUMMARY_H

#include <cjson/cJSON.h>

#include "report/load.h"
#include "report/report.h"

/* Appends G's row to doc["groups"]. */
void bk_sum_group_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G);

/* Appends one doc["per_task"] row per task of G that has episodes. */
void bk_sum_task_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G);

/* Appends G's decision and episode rows to doc["violation_inflation"]. */
void bk_sum_inflation_rows(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G);

#endif

/* bk_row: the rows of report.json's tables. Every table is a JSON array of flat objects
 * that start with the group's columns suite, sampling and value (docs/report.md). */
#ifndef BK_REPORT_ROWS_H
#define BK_REPORT_ROWS_H

#include <cjson/cJSON.h>

#include "report/load.h"

/* Appends a new row with the group's columns to arr and returns it. */
cJSON* bk_row_new(cJSON* arr, const bk_load_group_t* G);

/* As bk_row_new, with an "epsilon" column. */
cJSON* bk_row_new_eps(cJSON* arr, const bk_load_group_t* G, double eps);

/* Adds key: v, or key: null when v is not finite (NaN, +-inf). */
void bk_row_put(cJSON* o, const char* key, double v);

/* Adds "task": task, or null for "all tasks" (task < 0). */
void bk_row_put_task(cJSON* r, int task);

#endif

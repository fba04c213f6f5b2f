/* bk_mse: per-group action error of every run x group (`per_group_mse`) and, per suite,
 * whether ranking by total error and by each group agree (`per_group_order`). */
#ifndef BK_REPORT_MSE_H
#define BK_REPORT_MSE_H

#include <cjson/cJSON.h>

#include "report/load.h"

/* Appends the rows of every suite of L. Returns 0 or a negative code. */
int bk_mse_add(cJSON* doc, const bk_load_t* L);

#endif

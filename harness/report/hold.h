/* bk_hold: the CRC tables of one group: thresholds calibrated on all of its episodes
 * (`tau`) and the bootstrap hold rates over random calibration/test splits (`coverage`,
 * `net_success`, `executed_violation_rate`, `hold_rate`, `min_task_hold`, `task_hold`,
 * `bootstrap`), per configured epsilon. */
#ifndef BK_REPORT_HOLD_H
#define BK_REPORT_HOLD_H

#include <cjson/cJSON.h>

#include "report/load.h"
#include "report/report.h"
#include "stats/bootstrap.h"

/* Appends G's rows of every epsilon of cfg. Returns 0, or a negative code with err
 * filled; rows added before the error stay in doc. */
int bk_hold_add(cJSON* doc, const bk_load_t* L, const bk_rep_group_t* G,
                const bk_rep_config_t* cfg, char* err, int err_sz);

#endif

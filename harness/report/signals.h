/* bk_sig: how the per-decision signals (confidence, disagreement, the predictor's risk
 * s) relate to the sampling value and to the violation verdicts: the four `corr` tables
 * and `auroc`. */
#ifndef BK_REPORT_SIGNALS_H
#define BK_REPORT_SIGNALS_H

#include <cjson/cJSON.h>

#include "report/load.h"

/* Appends every correlation and AUROC row of L's groups and their (suite, sampling)
 * families, with verdicts of kind (BK_REP_VIOL_*). Returns 0 or BK_ENOMEM. */
int bk_sig_add(cJSON* doc, const bk_load_t* L, int kind);

#endif

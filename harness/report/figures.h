/* bk_fig: the report's plots (PNG, Cairo through bk_plot), drawn from the dataset and the
 * report document:
 *   risk_coverage_<suite>_<sampling>_<value>.png   risk, coverage, net success and
 *       executed-violation rate against tau (all episodes), chosen pooled tau per epsilon
 *   task_hold_<suite>_<sampling>_<value>_eps<e>.png hold rate per task, pooled vs Mondrian
 *   confidence_<suite>_<sampling>.png              confidence against sigma / T and against
 *   disagreement_<suite>_<sampling>.png            violations (and the same for disagreement)
 *   forces_<suite>.png                             decision peak forces per contact class with
 *       the expert and global thresholds
 *   action_error_<suite>.png                       per-group action error by run
 * Each file written is listed in doc["plots"] ({"file", "kind", "suite", ...}). */
#ifndef BK_REPORT_FIGURES_H
#define BK_REPORT_FIGURES_H

#include <cjson/cJSON.h>

#include "report/load.h"
#include "report/report.h"

/* Writes every plot into dir (which exists). Returns 0, or a negative code with err
 * filled (a PNG that could not be written). */
int bk_fig_all(const bk_load_t* L, const bk_rep_config_t* cfg, cJSON* doc, const char* dir,
               char* err, int err_sz);

#endif

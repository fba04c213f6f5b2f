/* bk_select: checkpoint selection by per-group action error, the analysis of the per-group
 * MSE paper (arXiv 2606.00253), replayed on its own data and then on bokbo's runs.
 *
 * A set is a list of entities (checkpoints, models, or runs x groups) scored by several
 * criteria. Every criterion is oriented so that rank 1 is the best entity: errors (MSE)
 * rank lowest first, outcomes (robot score, success rate) highest first; ties share the
 * mean of their ranks. Two criteria are compared by Spearman's rho of their oriented
 * values (rho = 1: the same order; Table I of the paper: total MSE vs robot score 0.5,
 * arm MSE vs robot score 1.0) and by the entity each one picks (its rank 1; the first in
 * the set's order on a tie).
 *
 * report.json gets two flat tables (docs/report.md):
 *  - "selection": set, suite, criterion, reference, n, spearman, pick, reference_pick,
 *    agree, source: one row per compared pair of criteria;
 *  - "selection_rank": set, suite, entity, sampling, value, criterion, score, rank: every
 *    entity's value and rank under every criterion. */
#ifndef BK_REPORT_SELECT_H
#define BK_REPORT_SELECT_H

#include <cjson/cJSON.h>

#include "core/strbuf.h"
#include "report/load.h"

/* Reads the paper's data file (results/paper/data/per_group_mse.json). A missing file
 * gives NULL with err set to ""; an unreadable or malformed one NULL with "path: why". */
cJSON* bk_select_load(const char* path, char* err, int err_sz);

/* Appends the "selection" and "selection_rank" tables to doc: the paper's two sets from
 * ref (skipped when ref is NULL) and, per suite, bokbo's runs x groups of L (their action
 * error from doc's per_group_mse rows, their success rate from L) against success.
 * Returns 0, BK_EINVAL with err on a malformed ref, or BK_ENOMEM. */
int bk_select_add(cJSON* doc, const cJSON* ref, const bk_load_t* L, char* err, int err_sz);

/* The report.md section of both tables (nothing when doc has no "selection" rows). */
void bk_select_write(const cJSON* doc, bk_sb_t* sb);

#endif

/* bk_head: the report's headline, the BOKBO paper's central figures at epsilon = 0.05 on
 * its own setting (libero_object_temp_x0.1, bokbo's --shift x:0.1) beside bokbo's, read
 * off report.json's tables, with a verdict per finding.
 *
 * The headline group of a shifted suite is its perturbation group with the most
 * episodes. Verdicts (fixed rules, stated in the section itself):
 *   the CRC bound at epsilon 0.05: reproduced when the pooled hold rate is >= 0.8 (the
 *     paper: 0.86) with pooled coverage >= 0.3 (abstaining on nearly everything holds
 *     trivially);
 *   Mondrian: reproduced when Mondrian's worst-task hold exceeds pooled's with Mondrian
 *     coverage >= 0.3 (the same minimum as pooled: a Mondrian that abstains on nearly
 *     everything raises the worst task's hold trivially) and no task's calibration half
 *     smaller than 1/epsilon - 1 (the paper: 0.71 -> 0.93).
 * Coverage, net success and the executed-violation rate are properties of the policy
 * and are printed beside the paper's, without a verdict. */
#ifndef BK_REPORT_HEADLINE_H
#define BK_REPORT_HEADLINE_H

#include <cjson/cJSON.h>

#include "core/strbuf.h"

#define BK_HEAD_EPSILON 0.05
#define BK_HEAD_HOLD 0.8          /* pooled hold rate for "the bound holds" */
#define BK_HEAD_COVERAGE 0.3      /* coverage below this (pooled or Mondrian): abstention is
                                     near-total, a hold there certifies nothing */

/* Appends the "## Headline" section (nothing when the report has no x0.1 group). */
void bk_head_write(const cJSON* doc, bk_sb_t* sb);

#endif

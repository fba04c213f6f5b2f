/* bk_md: report.md from the report document: per suite, tables of the groups, the CRC
 * figures per epsilon (pooled and Mondrian), the paper's numbers beside ours,
 * correlations and AUROCs, violation inflation, per-task figures and per-group action
 * error; then notes, consistency checks and the plots. */
#ifndef BK_REPORT_MARKDOWN_H
#define BK_REPORT_MARKDOWN_H

#include <cjson/cJSON.h>

#include "core/strbuf.h"

/* Appends the whole report.md text for doc to sb. */
void bk_md_write(const cJSON* doc, bk_sb_t* sb);

#endif

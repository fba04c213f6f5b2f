/* bk_find: the report's plain statement of which of the papers' findings the runs
 * reproduce, read off report.json's own tables. */
#ifndef BK_REPORT_FINDINGS_H
#define BK_REPORT_FINDINGS_H

#include <cjson/cJSON.h>

#include "core/strbuf.h"

/* Appends a "## Findings" section for every suite of the report. */
void bk_find_write(const cJSON* doc, bk_sb_t* sb);

#endif

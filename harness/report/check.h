/* bk_check: the internal consistency checks of a report document (docs/report.md,
 * "Consistency checks"). */
#ifndef BK_REPORT_CHECK_H
#define BK_REPORT_CHECK_H

#include <cjson/cJSON.h>

/* Checks doc and stores {"passed", "checked", "failures"} as doc["checks"] (replacing
 * any). Returns the number of failures; msg (may be NULL) receives the first few, one
 * per line. */
int bk_check_doc(cJSON* doc, char* msg, int msg_sz);

#endif

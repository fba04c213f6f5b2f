/* bk_paper: the reference figures of results/paper beside our matching rows (`paper`). */
#ifndef BK_REPORT_PAPER_H
#define BK_REPORT_PAPER_H

#include <cjson/cJSON.h>

/* Reads every file of dir whose name ends in .json, in name order, into one array of
 * reference rows (each row gets "file" and "source"). A missing dir gives an empty
 * array. On a malformed file, NULL is returned with "file: ..." in err. */
cJSON* bk_paper_load(const char* dir, char* err, int err_sz);

/* Appends to doc["paper"] each reference row of paper beside every row of ours that
 * matches it ("ours" null when none does). */
void bk_paper_match(cJSON* doc, const cJSON* paper);

#endif

/* bk_json: JSON files (cJSON) on top of core/file: a whole document, or JSON Lines one
 * parsed object at a time. Episode records have their own validating reader
 * (run/record.h); this is for every other JSON input (run.json, thresholds, tau,
 * predictor models). */
#ifndef BK_CORE_JSON_H
#define BK_CORE_JSON_H

#include <cjson/cJSON.h>

#include "core/file.h"

/* Reads a whole JSON file; NULL with "path:line:col: ..." in err on error. */
cJSON* bk_json_load(const char* path, char* err, int err_sz);

/* Called per line with the parsed object; return 0 to go on, non-zero to stop (that
 * value is returned by bk_jsonl_each). */
typedef int (*bk_jsonl_fn)(const cJSON* obj, int lineno, void* arg);

/* Calls fn for every line of path. A line that is not one JSON object (or has text after
 * it) is an error "path:line: ..." (BK_EPARSE) except an unterminated last line (a run
 * cut off while writing), which is skipped and counted in *partial (may be NULL). */
int bk_jsonl_each(const char* path, bk_jsonl_fn fn, void* arg, int* partial, char* err,
                  int err_sz);

#endif

/* bk_jsonl: reading JSON Lines files (episodes.jsonl) one parsed object at a time. */
#ifndef BK_RUN_JSONL_H
#define BK_RUN_JSONL_H

#include <cjson/cJSON.h>

/* Called per line with the parsed object; return 0 to go on, non-zero to stop (that
 * value is returned by bk_jsonl_each). */
typedef int (*bk_jsonl_fn)(const cJSON* obj, int lineno, void* arg);

/* Calls fn for every line of path. A line that is not a JSON object is an error
 * "path:line: ..." (BK_EPARSE) except an unterminated last line (a run cut off while
 * writing), which is skipped and counted in *partial (may be NULL). */
int bk_jsonl_each(const char* path, bk_jsonl_fn fn, void* arg, int* partial, char* err,
                  int err_sz);

/* Reads a whole JSON file; NULL with "path:line:col: ..." in err on error. */
cJSON* bk_json_load(const char* path, char* err, int err_sz);

/* Writes text to path atomically (temporary file, fsync, rename). 0 or BK_EIO. */
int bk_write_atomic(const char* path, const char* text, char* err, int err_sz);

#endif

/* The JSON file helpers moved to core/json.h (bk_json_load, bk_jsonl_each) and
 * core/file.h (bk_write_atomic); this header stays for code that still includes it. */
#ifndef BK_RUN_JSONL_H
#define BK_RUN_JSONL_H

#include "core/json.h"

#endif

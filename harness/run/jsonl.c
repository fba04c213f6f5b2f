#include "run/jsonl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

int bk_jsonl_each(const char* path, bk_jsonl_fn fn, void* arg, int* partial, char* err,
                  int err_sz) {
  FILE* f = fopen(path, "r");
  if (!f) return bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0, rc = 0;
  if (partial) *partial = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    lineno++;
    if (line[n - 1] != '\n') {  // cut off mid-write: not a record
      if (partial) (*partial)++;
      break;
    }
    if (n == 1) continue;
    cJSON* obj = cJSON_ParseWithLength(line, (size_t)n);
    if (!obj || !cJSON_IsObject(obj)) {
      cJSON_Delete(obj);
      rc = bk_fail(err, err_sz, BK_EPARSE, "%s:%d: not a JSON object", path, lineno);
      break;
    }
    rc = fn(obj, lineno, arg);
    cJSON_Delete(obj);
    if (rc) break;
  }
  free(line);
  fclose(f);
  return rc;
}

// line and column of a position in text
static void locate(const char* text, const char* at, int* line, int* col) {
  *line = 1;
  *col = 1;
  for (const char* p = text; p < at && *p; p++) {
    if (*p == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

cJSON* bk_json_load(const char* path, char* err, int err_sz) {
  char* text = bk_read_file(path, NULL, err, err_sz);
  if (!text) return NULL;
  const char* end = NULL;
  cJSON* obj = cJSON_ParseWithOpts(text, &end, 1);
  if (!obj) {
    int line, col;
    locate(text, end ? end : text, &line, &col);
    bk_fail(err, err_sz, BK_EPARSE, "%s:%d:%d: invalid JSON", path, line, col);
  }
  free(text);
  return obj;
}

int bk_write_atomic(const char* path, const char* text, char* err, int err_sz) {
  char tmp[4096];
  FILE* f = bk_atomic_open(path, tmp, sizeof tmp, err, err_sz);
  if (!f) return BK_EIO;
  return bk_atomic_commit(f, tmp, path, fputs(text, f) < 0, err, err_sz);
}

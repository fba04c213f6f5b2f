#include "core/json.h"

#include <stdlib.h>

#include "core/err.h"

/* one bk_jsonl_each pass */
typedef struct {
  const char* path;
  bk_jsonl_fn fn;
  void* arg;
  char* err;
  int err_sz;
} pass_t;

static int each_line(char* line, size_t n, int lineno, void* arg) {
  pass_t* p = arg;
  const char* end = NULL;
  cJSON* obj = cJSON_ParseWithLengthOpts(line, n, &end, 0);
  int bad = !obj || !cJSON_IsObject(obj);
  for (const char* q = end; !bad && q && q < line + n; q++) {
    bad = *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n';
  }
  if (bad) {
    cJSON_Delete(obj);
    return bk_fail(p->err, p->err_sz, BK_EPARSE, "%s:%d: not one JSON object", p->path, lineno);
  }
  int rc = p->fn(obj, lineno, p->arg);
  cJSON_Delete(obj);
  return rc;
}

int bk_jsonl_each(const char* path, bk_jsonl_fn fn, void* arg, int* partial, char* err,
                  int err_sz) {
  pass_t p = {path, fn, arg, err, err_sz};
  return bk_file_lines(path, each_line, &p, partial, err, err_sz);
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

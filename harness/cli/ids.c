/* id lists on the command line: "0-9", "0,3,5-7" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int bk_cli_ids(const char* text, int lo, int hi, int* out, int cap, int* n, char* err,
               int err_sz) {
  *n = 0;
  const char* p = text;
  while (*p) {
    char* end;
    long a = strtol(p, &end, 10), b;
    if (end == p) goto bad;
    b = a;
    if (*end == '-') {
      p = end + 1;
      b = strtol(p, &end, 10);
      if (end == p) goto bad;
    }
    if (a > b) {
      snprintf(err, (size_t)err_sz, "'%s': range %ld-%ld is inverted", text, a, b);
      return -1;
    }
    if (a < lo || b > hi) {
      snprintf(err, (size_t)err_sz, "'%s': ids must lie in %d-%d", text, lo, hi);
      return -1;
    }
    for (long v = a; v <= b; v++) {
      for (int i = 0; i < *n; i++) {
        if (out[i] == v) {
          snprintf(err, (size_t)err_sz, "'%s': id %ld appears twice", text, v);
          return -1;
        }
      }
      if (*n == cap) {
        snprintf(err, (size_t)err_sz, "'%s': more than %d ids", text, cap);
        return -1;
      }
      out[(*n)++] = (int)v;
    }
    if (*end == ',') end++;
    else if (*end) goto bad;
    p = end;
  }
  if (*n) return 0;

bad:
  snprintf(err, (size_t)err_sz, "'%s': expected ids like 0-9 or 0,3,5-7", text);
  return -1;
}

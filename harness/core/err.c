#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char* bk_strerror(int code) {
  switch (code) {
    case 0: return "success";
#define XX(name, c, msg) case c: return msg;
    BK_ERRNO_MAP(XX)
#undef XX
    default: return "unknown error";
  }
}

int bk_fail(char* err, int err_sz, int code, const char* fmt, ...) {
  if (err && err_sz > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, (size_t)err_sz, fmt, ap);
    va_end(ap);
  }
  return code;
}

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

FILE* bk_atomic_open(const char* path, char* tmp, int tmp_sz, char* err, int err_sz) {
  snprintf(tmp, (size_t)tmp_sz, "%s.tmp.%ld", path, (long)getpid());
  FILE* f = fopen(tmp, "wb");
  if (!f) bk_fail(err, err_sz, BK_EIO, "%s: cannot create (%s)", path, strerror(errno));
  return f;
}

int bk_atomic_commit(FILE* f, const char* tmp, const char* path, int bad, char* err, int err_sz) {
  bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path) != 0) {
    unlink(tmp);
    return bk_fail(err, err_sz, BK_EIO, "%s: write failed", path);
  }
  return 0;
}

char* bk_read_file(const char* path, long* len, char* err, int err_sz) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    bk_fail(err, err_sz, BK_EIO, "%s: %s", path, strerror(errno));
    return NULL;
  }
  char* buf = NULL;
  long n = -1;
  if (fseek(f, 0, SEEK_END) == 0) n = ftell(f);
  if (n < 0 || fseek(f, 0, SEEK_SET) != 0) goto fail;
  buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) goto fail;
  buf[n] = '\0';
  fclose(f);
  if (len) *len = n;
  return buf;

fail:
  bk_fail(err, err_sz, BK_EIO, "%s: could not read file", path);
  free(buf);
  fclose(f);
  return NULL;
}

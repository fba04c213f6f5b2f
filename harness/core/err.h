/* bokbo error codes: 0 is success, negative is an error (libuv's convention).
 * Codes and messages come from one table, BK_ERRNO_MAP. */
#ifndef BK_ERR_H
#define BK_ERR_H

#include <stdarg.h>
#include <stdio.h>

#define BK_ERRNO_MAP(XX)                                        \
  XX(EINVAL,   -1, "invalid argument")                          \
  XX(ENOMEM,   -2, "out of memory")                             \
  XX(EIO,      -3, "input/output error")                        \
  XX(EPARSE,   -4, "malformed input")                           \
  XX(ENOENT,   -5, "no such name")                              \
  XX(EMUJOCO,  -6, "MuJoCo error")                              \
  XX(ERANGE,   -7, "value out of range")                        \
  XX(EGL,      -8, "rendering backend unavailable")             \
  XX(EPLACE,   -9, "could not place objects without collision") \
  XX(EINTR,   -10, "interrupted")                           \
  XX(EINCOMPLETE, -11, "incomplete run")

typedef enum {
#define XX(name, code, msg) BK_##name = code,
  BK_ERRNO_MAP(XX)
#undef XX
} bk_errno_t;

/* Returns the static message for an error code; never NULL. */
const char* bk_strerror(int code);

/* Writes a printf-style message into err (size err_sz, may be NULL or 0) and
 * returns code, so that failure paths read `return bk_fail(err, sz, BK_EIO, ...)`. */
int bk_fail(char* err, int err_sz, int code, const char* fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* file helpers (bk_read_file, bk_atomic_*) moved to core/file.h; included here for the
 * modules that took them from this header */
#include "core/file.h"

#endif

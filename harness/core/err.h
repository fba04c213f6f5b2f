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
  XX(EPLACE,   -9, "could not place objects without collision")

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

/* Atomic replacement of a file (Redis's rdbSave habit): bk_atomic_open creates a
 * temporary file beside `path` (its name goes into tmp), bk_atomic_commit flushes,
 * fsyncs, closes and renames it over `path`, or removes it when `bad` is set or any step
 * fails. Readers see the old file or the whole new one, never a part. */
FILE* bk_atomic_open(const char* path, char* tmp, int tmp_sz, char* err, int err_sz);
int bk_atomic_commit(FILE* f, const char* tmp, const char* path, int bad, char* err, int err_sz);

/* Reads a whole file into a NUL-terminated heap buffer; NULL on error (err filled). */
char* bk_read_file(const char* path, long* len, char* err, int err_sz);

#endif

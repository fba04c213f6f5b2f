/* bk_sb: a growable string for assembling text (MJCF, JSON lines). */
#ifndef BK_STRBUF_H
#define BK_STRBUF_H

#include <stddef.h>

typedef struct {
  char* s;       /* NUL-terminated; NULL until the first append */
  size_t len;
  size_t cap;
  int failed;    /* set when an allocation failed; later appends do nothing */
} bk_sb_t;

void bk_sb_append(bk_sb_t* sb, const char* text, size_t n);
void bk_sb_puts(bk_sb_t* sb, const char* text);
void bk_sb_printf(bk_sb_t* sb, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends text with every occurrence of `token` replaced by `value`. */
void bk_sb_replace(bk_sb_t* sb, const char* text, size_t n, const char* token,
                   const char* value);
void bk_sb_free(bk_sb_t* sb);

#endif

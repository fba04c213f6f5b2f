#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// make room for n more bytes plus the terminator
static int reserve(bk_sb_t* sb, size_t n) {
  if (sb->failed) return -1;
  if (sb->len + n + 1 <= sb->cap) return 0;
  size_t cap = sb->cap ? sb->cap : 256;
  while (cap < sb->len + n + 1) cap *= 2;
  char* s = realloc(sb->s, cap);
  if (!s) {
    sb->failed = 1;
    return -1;
  }
  sb->s = s;
  sb->cap = cap;
  return 0;
}

void bk_sb_append(bk_sb_t* sb, const char* text, size_t n) {
  if (reserve(sb, n)) return;
  memcpy(sb->s + sb->len, text, n);
  sb->len += n;
  sb->s[sb->len] = '\0';
}

void bk_sb_puts(bk_sb_t* sb, const char* text) {
  bk_sb_append(sb, text, strlen(text));
}

void bk_sb_printf(bk_sb_t* sb, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || reserve(sb, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb->len += (size_t)n;
}

void bk_sb_replace(bk_sb_t* sb, const char* text, size_t n, const char* token,
                   const char* value) {
  size_t tl = strlen(token);
  size_t i = 0, start = 0;
  while (i + tl <= n) {
    if (memcmp(text + i, token, tl) == 0) {
      bk_sb_append(sb, text + start, i - start);
      bk_sb_puts(sb, value);
      i += tl;
      start = i;
    } else {
      i++;
    }
  }
  bk_sb_append(sb, text + start, n - start);
}

void bk_sb_free(bk_sb_t* sb) {
  free(sb->s);
  sb->s = NULL;
  sb->len = sb->cap = 0;
  sb->failed = 0;
}

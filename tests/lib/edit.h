/* Shared by the record tests: a copy of a sample line with one substring replaced. */
#ifndef BOKBO_TESTS_LIB_EDIT_H
#define BOKBO_TESTS_LIB_EDIT_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a new string: line with its first `from` replaced by `to` (the test fails when
   `from` is not in line); the caller frees it */
static inline char* test_edit(const char* line, const char* from, const char* to) {
  const char* at = strstr(line, from);
  cr_assert_not_null(at, "'%s' not in the sample", from);
  size_t n = strlen(line) + strlen(to) + 1;
  char* out = malloc(n);
  cr_assert_not_null(out);
  snprintf(out, n, "%.*s%s%s", (int)(at - line), line, to, at + strlen(from));
  return out;
}

#endif

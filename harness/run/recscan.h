/* bk_recscan: a fast check of one episode record line, for programs that need only its
 * episode-level fields (merge).
 *
 * bk_recscan makes one pass over the line without building a tree or allocating: it
 * checks everything bk_record_read checks (every key of the schema, types, integer
 * ranges, finite numbers, the suite and task range of bk_record_expect_t, the decisions'
 * coverage of the steps, list lengths, the optional keys) and converts only the
 * episode-level values; the per-step and per-candidate numbers are checked for syntax and
 * finiteness only. It takes only the writer's form of a record: its keys in the writer's
 * order, no white space, no escape or control character in a string, integers written as
 * integers, a number of at most 63 characters. Anything else (including every record the
 * reader refuses) it declines, and bk_recscan_read then asks bk_record_read, which decides
 * and words the reason. So for any line the pair accepts exactly what bk_record_read
 * accepts, with the same values (tests/test_recscan.c and tests/fuzz/fuzz_record.c hold
 * the two to that). */
#ifndef BK_RUN_RECSCAN_H
#define BK_RUN_RECSCAN_H

#include <stddef.h>

#include "run/record.h"

/* a string value: s[0 .. len-1], inside the line (or inside the fallback's bk_record_t) */
typedef struct {
  const char* s;
  int len;
} bk_recscan_str_t;

/* the episode-level fields of a record (generated from BK_EPISODE_FIELDS) */
#define BK_RECSCAN_MEMBER_STR(key) bk_recscan_str_t key;
#define BK_RECSCAN_MEMBER_INT(key) int key;
#define BK_RECSCAN_MEMBER_BOOL(key) int key;
#define BK_RECSCAN_MEMBER_EXACT(key) double key;
#define BK_RECSCAN_MEMBER_WARNINGS(key) int key[mjNWARNING];
#define BK_RECSCAN_MEMBER_WTOTAL(key) int key;
typedef struct {
#define X(key, kind, expr) BK_RECSCAN_MEMBER_##kind(key)
  BK_EPISODE_FIELDS(X)
#undef X
  int ndecision;
  int attempts;                /* 0 when absent */
  int has_actions;             /* 1 when "actions" is present */
} bk_recscan_t;

/* Checks line[0 .. n-1] (one line, its '\n' optional; line[n] must be '\0') and fills
 * out. Returns 0 when the line is a valid record in the writer's form, -1 when declined
 * (out is then meaningless; the line may still be valid). x may be NULL. */
int bk_recscan(const char* line, size_t n, const bk_record_expect_t* x, bk_recscan_t* out);

/* bk_recscan, and bk_record_read into scratch (zeroed or reused; its strings back out's)
 * for a line it declines. Returns 0, or BK_EPARSE (BK_ENOMEM) with bk_record_read's reason
 * in why. line[n] must be '\0'. */
int bk_recscan_read(const char* line, size_t n, const bk_record_expect_t* x,
                    bk_record_t* scratch, bk_recscan_t* out, char* why, int why_sz);

/* out's fields from a record read by bk_record_read (strings point into r). */
void bk_recscan_from_record(const bk_record_t* r, bk_recscan_t* out);

#endif

/* bk_scan: a fast reader of one episodes.jsonl record, for the loader (report/load.c).
 *
 * It reads the keys the report needs (the episode's group, identity and outcome, and per
 * decision s, the verdicts, peak forces, candidate signal means and per-group error) and
 * checks the syntax of everything else (step_force, features, ...) without building a
 * tree or converting the numbers nobody reads.
 *
 * It only accepts plain, strict JSON of the expected shape: any escape in a string, a
 * control character, a number longer than 63 characters, deep nesting, a missing or
 * mistyped key, text after the object, ... makes it decline the line, and the loader
 * then reads that line with cJSON, which decides (and words any error). For every line
 * it accepts, the values equal cJSON's: numbers convert exactly (Clinger's fast path,
 * else strtod on the same text), the first of duplicate keys wins, and cJSON's int
 * conversion of task, init and seed is reproduced. */
#ifndef BK_REPORT_SCAN_H
#define BK_REPORT_SCAN_H

#include <stddef.h>

/* a string value: [off, off + len) of the line, without the quotes; len -1 when the key
 * is absent or not a string */
typedef struct {
  int off, len;
} bk_scan_str_t;

/* one decision, in the loader's conventions (see report/load.h) */
typedef struct {
  double s;              /* +inf when null */
  signed char ve, vg;    /* 1, 0, -1 (null or absent) */
  double peak[3];        /* in bk_force_names order */
  double conf, dis;      /* finite means of cand.confidence / cand.disagreement, or NaN */
  double err[3];         /* trans, rot, grip; NaN when absent */
} bk_scan_dec_t;

/* one record */
typedef struct {
  bk_scan_str_t suite, sampling, run, policy, scorer;
  double value;          /* 0 when absent or not a number */
  int task, init, seed;
  int k, chunk, open_loop, max_steps;
  int success;
  int n_dec;
  bk_scan_dec_t* dec;    /* [n_dec], owned; grown as needed */
  int cap_dec;
} bk_scan_rec_t;

/* Reads line[0 .. n-1] (a whole line with its '\n'; line[n] must be '\0') into r.
 * Returns 0 when the line was read, -1 when it is declined (r's values are then
 * meaningless and the line must be read another way). line is not changed. */
int bk_scan_record(const char* line, size_t n, bk_scan_rec_t* r);

/* Releases r's decision array; NULL-safe. */
void bk_scan_rec_free(bk_scan_rec_t* r);

#endif

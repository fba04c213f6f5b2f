/* bk_epkey: the identity of an episode record and a set of them, to refuse duplicates.
 *
 * Two records are the same episode when they agree on the settings that shape a record
 * (policy, sampling, scorer, K, chunk, open loop, max steps), the suite, the task, the
 * init, the seed and the sampling value (compared bit for bit: records store it exactly).
 * The run id is not part of it: the same run copied under another name is a duplicate
 * too. Readers that pool records (report, calibrate, train-predictor) refuse a duplicate,
 * which would inflate n and break the CRC guarantee. */
#ifndef BK_RUN_EPKEY_H
#define BK_RUN_EPKEY_H

#include <stdint.h>

typedef struct {
  uint64_t config;             /* hash of the settings and the suite */
  int task, init, seed;
  uint64_t value;              /* the sampling value's bits */
} bk_epkey_t;

typedef struct {
  bk_epkey_t* key;
  int* where;                  /* what the caller said about the first holder (a line) */
  int* src;                    /* and which input it came from */
  long n, cap;                 /* cap is a power of two, or 0 */
} bk_epkey_set_t;

/* The key of the record fields (strings may not be NULL). */
bk_epkey_t bk_epkey_make(const char* suite, const char* policy, const char* sampling,
                         const char* scorer, int k, int chunk, int open_loop, int max_steps,
                         int task, int init, int seed, double value);

/* Adds key (from input src, at line where). Returns 0 when new, 1 when already present
 * (*first_src and *first_where then name the first holder; either may be NULL), or
 * BK_ENOMEM. */
int bk_epkey_add(bk_epkey_set_t* s, const bk_epkey_t* key, int src, int where, int* first_src,
                 int* first_where);

/* NULL-safe; the set may be reused after. */
void bk_epkey_free(bk_epkey_set_t* s);

#endif

/* helpers shared by the benchmark programs (header only: each .c file here is a
 * program of its own) */
#ifndef BK_BENCH_BENCHUTIL_H
#define BK_BENCH_BENCHUTIL_H

#include <time.h>

/* seconds on the monotonic clock (wall time, for differences) */
static inline double bench_wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#endif

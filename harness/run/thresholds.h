/* bk_thr: expert-calibrated force thresholds per task and contact class.
 *
 * threshold[task][class] = max(floor, margin * quantile_q(expert per-control-step readings of that
 * task and class), quantile with linear interpolation between order statistics
 * (numpy's default: position q (n - 1) in the sorted readings). The readings are those of the
 * task's successful expert episodes; a task without one uses all of its episodes. */
#ifndef BK_RUN_THRESHOLDS_H
#define BK_RUN_THRESHOLDS_H

#include "sim/forces.h"
#include "task/catalog.h"

typedef struct {
  char suite[64];
  char source[1024];             /* the run directory they came from */
  double quantile, margin;
  double floor;                  /* no threshold below this (N): a class the expert never
                                    loads would otherwise flag any touch, even at rest */
  int have[BK_SUITE_NTASK];      /* 1 where the task had expert steps */
  long nsteps[BK_SUITE_NTASK];
  long nepisodes[BK_SUITE_NTASK]; /* the episodes the readings came from */
  long nexcluded[BK_SUITE_NTASK]; /* failed episodes left out (a task's successful episodes
                                     are used when it has any; else all of them) */
  double thr[BK_SUITE_NTASK][BK_NFORCE];
} bk_thr_t;

/* The q-quantile of v[0..n-1] (v is sorted in place). NaN when n == 0. */
double bk_thr_quantile(double* v, long n, double q);

/* Computes thresholds from run_dir/episodes.jsonl. Errors: unreadable or malformed
 * records (file:line), a run whose policy is not the expert, no steps at all. */
int bk_thr_from_run(const char* run_dir, double q, double margin, double floor, bk_thr_t* out, char* err,
                    int err_sz);

/* Writes / reads the thresholds JSON (written atomically). */
int bk_thr_save(const bk_thr_t* t, const char* path, char* err, int err_sz);
int bk_thr_load(const char* path, bk_thr_t* t, char* err, int err_sz);

#endif

/* bk_tau: calibrated abstention thresholds (tau.json from `bokbo calibrate`) for online
 * abstention: decision j executes iff s_j <= tau and no earlier decision abstained; the
 * first abstention ends the episode (hand-over, not a success). A NaN score abstains. */
#ifndef BK_RUN_ABSTAIN_H
#define BK_RUN_ABSTAIN_H

#include "task/catalog.h"

#define BK_TAU_MAX_GROUPS 64

typedef struct {
  char suite[96], sampling[16];
  double value;
  double tau;                          /* pooled */
  int have_task[BK_SUITE_NTASK];
  double tau_task[BK_SUITE_NTASK];     /* Mondrian */
} bk_tau_group_t;

typedef struct bk_tau {
  double epsilon;
  int mondrian;
  int ngroup;
  bk_tau_group_t group[BK_TAU_MAX_GROUPS];
} bk_tau_t;

/* Reads tau.json; 0 or a negative code with "file: ..." in err. */
int bk_tau_load(const char* path, bk_tau_t* t, char* err, int err_sz);

/* The threshold for an episode of (suite, sampling, value, task): 0 and *tau, or
 * BK_ENOENT when the file has no such group (a Mondrian file without the task gives
 * -inf: that task always abstains, as calibration left it). */
int bk_tau_lookup(const bk_tau_t* t, const char* suite, const char* sampling, double value,
                  int task, double* tau);

#endif

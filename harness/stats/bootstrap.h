/* bk_boot: hold rates of CRC thresholds over random calibration/test splits.
 *
 * Split b (0 .. splits-1) draws from a generator seeded with (seed, b): inside each task,
 * a uniformly random floor(n_t * cal_fraction) of its episodes calibrate, the rest test.
 * For each split, thresholds are calibrated pooled and per task (Mondrian) and evaluated
 * on the test episodes (bk_crc_evaluate). A split holds when its test executed-violation
 * rate is <= epsilon; a task holds in a split when its own test episodes' rate is.
 * Results depend only on (data, config), never on the thread count. */
#ifndef BK_STATS_BOOTSTRAP_H
#define BK_STATS_BOOTSTRAP_H

#include <stdint.h>

#include "stats/crc.h"

#define BK_BOOT_DEFAULT_SPLITS 1000

typedef struct {
  double epsilon;        /* (0, 1] */
  int splits;            /* B >= 1 */
  double cal_fraction;   /* in (0, 1); 0.5 by default */
  uint64_t seed;
  bk_crc_unit_t unit;    /* calibration unit; evaluation is always per episode */
  int threads;           /* worker threads; <= 1 runs on the caller's thread */
} bk_boot_config_t;

/* Defaults: epsilon 0.05, 1000 splits, 50/50, seed 0, episode unit, 1 thread. */
bk_boot_config_t bk_boot_default_config(void);

/* One side of the comparison (pooled or Mondrian). Per-split arrays are indexed by split;
 * tau by split * ntau + group. */
typedef struct {
  int ntau;                   /* 1 (pooled) or n_tasks (Mondrian) */
  double* tau;                /* [splits * ntau], -inf where always abstaining */
  double* coverage;           /* [splits] */
  double* net_success;        /* [splits] */
  double* violation_rate;     /* [splits] */
  double* risk;               /* [splits] mean test loss */
  long* executed;             /* [splits] test decisions executed */
  unsigned char* hold;        /* [splits] */
  unsigned char* task_hold;   /* [splits * n_tasks]; 0 for a task without test episodes */
  /* aggregates over splits */
  double hold_rate;           /* share of splits that hold */
  double* task_hold_rate;     /* [n_tasks]; NaN for a task without test episodes */
  double min_task_hold;       /* minimum of task_hold_rate over tasks with test episodes */
  int min_task;               /* its task (lowest id on ties), -1 when none */
  double mean_coverage, mean_net_success, mean_violation_rate, mean_risk;
  long abstain_all;           /* splits x groups that always abstain */
  long nothing_executed;      /* splits whose test set executed no decision (rate 0/0) */
} bk_boot_side_t;

typedef struct {
  int splits;
  int n_tasks;
  int* task_cal;              /* [n_tasks] calibration episodes per task (every split) */
  int* task_test;             /* [n_tasks] test episodes per task */
  unsigned char* task_small;  /* [n_tasks] Mondrian group below 1/epsilon - 1 episodes */
  bk_boot_side_t pooled;
  bk_boot_side_t mondrian;
} bk_boot_result_t;

/* Runs the bootstrap. r is caller-owned; its arrays are allocated here and released by
 * bk_boot_result_free. Returns 0; BK_EINVAL on bad data or config (err filled); BK_ENOMEM.
 * On error r holds nothing to free (it is zeroed). */
int bk_boot_run(const bk_boot_config_t* cfg, const bk_crc_data_t* d, bk_boot_result_t* r,
                char* err, int err_sz);

/* Releases r's arrays and zeroes it; NULL-safe. */
void bk_boot_result_free(bk_boot_result_t* r);

/* Writes split b's calibration mask (cal[i] = 1 for calibration episodes) into
 * cal[n_episodes], exactly as bk_boot_run draws it. Returns 0, BK_EINVAL, BK_ENOMEM. */
int bk_boot_split(const bk_boot_config_t* cfg, const bk_crc_data_t* d, int b,
                  unsigned char* cal);

#endif

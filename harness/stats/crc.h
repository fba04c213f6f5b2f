/* bk_crc: conformal risk control (CRC) of abstention thresholds, pooled and Mondrian.
 *
 * Input is plain arrays (no records): episodes in compressed-row form, each with a task,
 * a success flag and its decisions' risk scores s (higher = riskier) and violation flags v.
 *
 * Abstention at tau: decision j of an episode executes iff s_j <= tau and no earlier
 * decision abstained; the first abstention ends the episode (counted unsuccessful).
 *
 * Episode unit (default): L_i(tau) = (executed violating decisions of i) / n_i, in [0, 1],
 * non-decreasing in tau. tau_hat is the largest calibration score tau with
 *   S(tau) + 1 <= epsilon (n + 1),   S = sum_i L_i,
 * which is (n/(n+1)) mean_i L_i + 1/(n+1) <= epsilon; when no score qualifies the
 * threshold is -inf ("always abstain"). The comparison allows a relative rounding slack
 * of 1e-12 so that exact boundary cases (n = 19 at epsilon = 0.05) qualify.
 * Decision unit (for comparison): every decision is a unit with loss v_j [s_j <= tau],
 * each decision abstaining on its own; n counts decisions.
 *
 * An episode with no decisions has loss 0 and never abstains. Scores may be +-inf, never
 * NaN. See docs/metrics.md for the formulas. */
#ifndef BK_STATS_CRC_H
#define BK_STATS_CRC_H

#include <stdint.h>

/* relative slack of the threshold comparison */
#define BK_CRC_REL_TOL 1e-12

typedef enum {
  BK_CRC_UNIT_EPISODE = 0,
  BK_CRC_UNIT_DECISION = 1
} bk_crc_unit_t;

/* Episodes as arrays, all owned by the caller and read-only here. */
typedef struct {
  int n_episodes;
  int n_tasks;                       /* task ids are 0 .. n_tasks-1 */
  const int* task;                   /* [n_episodes] */
  const unsigned char* success;      /* [n_episodes], 0 or nonzero */
  const int* offset;                 /* [n_episodes+1], offset[0] = 0, non-decreasing */
  const double* score;               /* [offset[n_episodes]] risk score per decision */
  const unsigned char* violation;    /* [offset[n_episodes]] 1 when the decision violates */
} bk_crc_data_t;

/* One calibrated threshold (per group: the pool, or one task). */
typedef struct {
  double tau;          /* -INFINITY when always abstaining */
  int n;               /* calibration units in the group: episodes, or decisions */
  int always_abstain;  /* 1 when no calibration score qualifies */
  int small;           /* 1 when n < 1/epsilon - 1: no threshold can qualify */
  double risk;         /* calibration mean loss at tau (0 when always abstaining) */
} bk_crc_tau_t;

/* Test-set metrics at given thresholds, with episode semantics (first abstention ends
 * the episode). Rates with a zero denominator: coverage, net_success, risk and
 * decision_risk are NaN; violation_rate is 0 when nothing executed (nothing executed,
 * nothing violated) and then hold is 1; `executed` tells the case apart. */
typedef struct {
  long episodes;            /* test episodes */
  long covered;             /* episodes with no abstention */
  long net_succeeded;       /* episodes that succeed with no abstention */
  long decisions;           /* all decisions of the test episodes */
  long executed;            /* decisions executed */
  long executed_violating;  /* decisions executed and violating */
  long indep_violating;     /* decisions with v = 1 and s <= tau (decision unit) */
  double coverage;          /* covered / episodes */
  double net_success;       /* net_succeeded / episodes */
  double violation_rate;    /* executed_violating / executed (0 when executed = 0) */
  double risk;              /* mean_i L_i(tau), what episode-unit CRC controls */
  double decision_risk;     /* indep_violating / decisions, what decision-unit CRC controls */
  int hold;                 /* violation_rate <= epsilon */
} bk_crc_metrics_t;

/* Checks the arrays (sizes, offsets, task range, no NaN score). Returns 0, or BK_EINVAL
 * with err naming the episode or decision. err may be NULL. */
int bk_crc_check(const bk_crc_data_t* d, char* err, int err_sz);

/* Loss L_i(tau) of episode i, episode unit; 0 for an episode without decisions.
 * d and i are not checked. */
double bk_crc_episode_loss(const bk_crc_data_t* d, int i, double tau);

/* Calibrates on the episodes with cal[i] != 0 (cal NULL: all episodes). mondrian = 0
 * writes one threshold to tau[0]; mondrian = 1 writes tau[0 .. n_tasks-1], one per task
 * (a task without calibration episodes always abstains and is small). epsilon in (0, 1].
 * Returns 0, BK_EINVAL on bad data or arguments (nothing written), BK_ENOMEM. */
int bk_crc_calibrate(const bk_crc_data_t* d, const unsigned char* cal, bk_crc_unit_t unit,
                     int mondrian, double epsilon, bk_crc_tau_t* tau);

/* Metrics on the episodes with test[i] != 0 (test NULL: all) at thresholds tau: ntau = 1
 * applies tau[0] to every episode, ntau = n_tasks applies tau[task]. per_task, when not
 * NULL, receives [n_tasks] metrics of each task's test episodes. Returns 0 or BK_EINVAL
 * (nothing written). */
int bk_crc_evaluate(const bk_crc_data_t* d, const unsigned char* test, const double* tau,
                    int ntau, double epsilon, bk_crc_metrics_t* all,
                    bk_crc_metrics_t* per_task);

/* A sorted index of the data for repeated calibrations (the bootstrap): sorting once,
 * each calibration is one linear pass. The index points into d, which must outlive it. */
typedef struct bk_crc_index bk_crc_index_t;

/* Returns NULL on bad data (err filled, BK_EINVAL) or out of memory. */
bk_crc_index_t* bk_crc_index_create(const bk_crc_data_t* d, bk_crc_unit_t unit, char* err,
                                    int err_sz);

/* NULL-safe. */
void bk_crc_index_free(bk_crc_index_t* ix);

/* As bk_crc_calibrate, on a prepared index (the unit is the index's). Thread-safe on a
 * shared index. */
int bk_crc_index_calibrate(const bk_crc_index_t* ix, const unsigned char* cal, int mondrian,
                           double epsilon, bk_crc_tau_t* tau);

#endif

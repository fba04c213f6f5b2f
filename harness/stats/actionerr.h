/* bk_aerr: per-group action error of the chosen actions against the expert's.
 *
 * Groups: arm translation (3 dims), arm rotation (3), gripper (1). Input per decision is
 * each group's mean squared error over its dimensions. For a set of decisions:
 *   mse_g = mean over decisions of the per-decision group error,
 *   total = (3 mse_translation + 3 mse_rotation + 1 mse_gripper) / 7,
 * the mean over all 7 dimensions. Runs are compared by ranks (1 = smallest error, ties
 * averaged); two runs are discordant for a group when their order by total is strict and
 * their order by that group is strictly opposite. */
#ifndef BK_STATS_ACTIONERR_H
#define BK_STATS_ACTIONERR_H

enum {
  BK_AERR_TRANSLATION = 0,
  BK_AERR_ROTATION = 1,
  BK_AERR_GRIPPER = 2,
  BK_AERR_NGROUP = 3
};

/* dimensions per group, in group order */
#define BK_AERR_DIMS {3, 3, 1}
#define BK_AERR_TOTAL_DIMS 7

typedef struct {
  long n;                      /* decisions */
  double mse[BK_AERR_NGROUP];  /* NaN when n = 0 */
  double total;                /* NaN when n = 0 */
} bk_aerr_t;

/* Summarizes n decisions: task[i] in [0, n_tasks), err[i * 3 + g] >= 0 and finite.
 * per_task ([n_tasks]) and all may be NULL. Returns 0, or BK_EINVAL (nothing written). */
int bk_aerr_summarize(const int* task, const double* err, int n, int n_tasks,
                      bk_aerr_t* per_task, bk_aerr_t* all);

typedef struct {
  double rank_total;               /* average rank by total, 1 = smallest error */
  double rank[BK_AERR_NGROUP];     /* average rank by each group */
  int discordant;                  /* 1 when in a discordant pair for any group */
} bk_aerr_rank_t;

/* Ranks nruns runs (their summaries, all with n > 0 and finite values). rank[nruns] is
 * written; discordant_pairs[g], when not NULL, counts discordant pairs per group; the
 * return is 1 when the orders disagree (some discordant pair), 0 when they agree,
 * BK_EINVAL on bad input, BK_ENOMEM. */
int bk_aerr_compare(const bk_aerr_t* runs, int nruns, bk_aerr_rank_t* rank,
                    int* discordant_pairs);

#endif

/* bk_corr: correlation and ranking statistics on plain arrays.
 *
 * All functions write their statistic to *out and return 0, or return BK_EINVAL (NULL
 * pointer with n > 0, n < 0, out NULL) or BK_ENOMEM, leaving *out unchanged.
 * A statistic that is undefined is NaN: n < 2, a constant input (zero variance), only one
 * class of a binary outcome, or any non-finite input value. */
#ifndef BK_STATS_CORR_H
#define BK_STATS_CORR_H

/* Pearson's r = sum (x - mx)(y - my) / sqrt(sum (x - mx)^2 sum (y - my)^2), clamped to
 * [-1, 1]. */
int bk_corr_pearson(const double* x, const double* y, int n, double* out);

/* Spearman's rho: Pearson's r of the average ranks (ties share the mean of their ranks). */
int bk_corr_spearman(const double* x, const double* y, int n, double* out);

/* Point-biserial r of a binary b (0 / nonzero) with y: Pearson's r with b as 0/1. */
int bk_corr_point_biserial(const unsigned char* b, const double* y, int n, double* out);

/* AUROC of score predicting a positive label (label nonzero; higher score = more likely
 * positive): P(s+ > s-) + P(s+ = s-)/2 over all positive-negative pairs (Mann-Whitney U
 * divided by n+ n-). NaN without both classes. */
int bk_corr_auroc(const double* score, const unsigned char* label, int n, double* out);

/* Average ranks into rank[n]: 1 = smallest, ties get the mean of the ranks they span
 * (+-inf rank as values). Returns 0; BK_EINVAL on a NaN in x or bad arguments; BK_ENOMEM. */
int bk_corr_rank(const double* x, int n, double* rank);

#endif

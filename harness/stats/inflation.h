/* bk_infl: violation inflation of a global force threshold against expert-calibrated,
 * per-task thresholds: inflation = rate(global) / rate(expert), where a rate is
 * violating units / units over the same decisions (or steps, or episodes). */
#ifndef BK_STATS_INFLATION_H
#define BK_STATS_INFLATION_H

/* violating / total; NaN when total <= 0, violating < 0 or violating > total. */
double bk_infl_rate(long violating, long total);

/* rate_global / rate_expert. Division by zero: +inf when rate_global > 0 and
 * rate_expert = 0; NaN when both are 0 (no violation under either: no inflation to
 * measure) or either rate is NaN or negative. */
double bk_infl_ratio(double rate_global, double rate_expert);

/* Both rates from the same units: flags under the global threshold and under the expert
 * thresholds, n entries each (0 / nonzero). Writes the two rates and their ratio; any
 * output pointer may be NULL. Returns 0, or BK_EINVAL on NULL inputs with n > 0 or n < 0. */
int bk_infl_compute(const unsigned char* viol_global, const unsigned char* viol_expert, long n,
                    double* rate_global, double* rate_expert, double* inflation);

#endif

/* bk_sample: K candidate chunks per decision, by perturbation or by temperature.
 *
 * perturb:sigma=S   candidate c = clip(greedy + N(0, S^2) per action dimension, -1, 1);
 *                   candidate 0 is the unperturbed greedy chunk unless keep_greedy = 0
 * temperature:T=T   K samples from the policy's own distribution at temperature T
 * greedy            K copies of the greedy chunk (K = 1 is the plain policy)
 * repeat            K answers of the policy asked as it is (remote policies: K server calls,
 *                   or one to a server that samples; in-process policies: greedy)
 * Every draw comes from a generator seeded by (episode seed, decision, candidate), and the
 * episode seed hashes (run seed, suite, task, init, seed): records do not depend on the
 * thread count or on the order episodes run in. */
#ifndef BK_SAMPLE_SAMPLE_H
#define BK_SAMPLE_SAMPLE_H

#include <stdint.h>

#define BK_SAMPLE_MAX_VALUES 16

typedef enum { BK_SAMPLE_GREEDY = 0, BK_SAMPLE_PERTURB, BK_SAMPLE_TEMPERATURE, BK_SAMPLE_REPEAT } bk_sample_mode_t;

typedef struct {
  bk_sample_mode_t mode;
  double value;          /* sigma (perturb) or T (temperature); 0 for greedy */
  int keep_greedy;       /* perturb: candidate 0 is the unperturbed chunk (default 1) */
} bk_sampling_t;

/* Parses "greedy", "perturb:sigma=0.1", "temperature:T=1.0" (a comma list of values,
 * "perturb:sigma=0.02,0.05,0.1", gives a sweep: values[] and *nvalues). Optional suffix
 * ":keep=0" for perturb. Returns 0 or BK_EINVAL with err filled. */
int bk_sample_parse(const char* text, bk_sampling_t* s, double* values, int* nvalues,
                    char* err, int err_sz);

/* 1 when two sampling values are the same value: |a - b| <= 1e-9 max(1, |a|, |b|). The
 * one tolerance of every comparison of values (parse, resume, merge, abstention, report);
 * a sweep whose values collide under it is refused. */
int bk_sample_same_value(double a, double b);

/* "perturb", "temperature" or "greedy". */
const char* bk_sample_mode_name(bk_sample_mode_t mode);

/* Seed of candidate c of decision j of an episode. */
uint64_t bk_sample_seed(uint64_t episode_seed, int decision, int candidate);

/* Writes k perturbed candidates of the n-number greedy chunk into out (k * n). */
void bk_sample_perturb(const double* greedy, int n, int k, double sigma, int keep_greedy,
                       uint64_t episode_seed, int decision, double* out);

#endif

/* bk_tokens: a categorical distribution over one action number in [-1, 1], on OpenVLA's
 * action grid (256 uniform edges over [-1, 1], so 255 bins whose centres include 0),
 * centred on an intended value:  log p(b) = -(c_b - a)^2 / (2 spread^2) - log Z,
 * c_b = -1 + (2b + 1)/255. Greedy decoding takes the most likely bin; temperature T
 * samples p^(1/T) (normalised).
 *
 * 0 must be a bin centre: robosuite's gripper acts on the sign of its number (close,
 * open, or hold at 0), and the expert holds its pre-grasp opening with 0. An earlier grid
 * of 256 centres had none at 0, so greedy decoding turned every "hold" into "open"
 * (-1/256), and simvla opened the gripper fully whenever the expert held it. */
#ifndef BK_POLICY_TOKENS_H
#define BK_POLICY_TOKENS_H

#include "core/rng.h"

#define BK_NBIN 255            /* bins; centre (BK_NBIN - 1) / 2 is 0 */

double bk_tokens_centre(int b);
int bk_tokens_bin(double v);

/* log p(b) at temperature 1 for every bin into lp[BK_NBIN]. */
void bk_tokens_logprobs(double a, double spread, double* lp);

/* One number's distribution prepared for many draws: log p at T = 1 and the cumulative
 * weights of p^(1/T) (greedy when temp <= 0). */
typedef struct {
  double lp[BK_NBIN];
  double cdf[BK_NBIN];
  int greedy;                  /* the most likely bin */
  int sample;                  /* 0: every draw is the greedy bin */
} bk_tokens_dist_t;

/* Prepares the distribution of intended value a. */
void bk_tokens_prepare(double a, double spread, double temp, bk_tokens_dist_t* d);

/* The same from lp, log p at T = 1 of every bin as bk_tokens_logprobs gives it (for a
 * caller that has them already: the same numbers as bk_tokens_prepare, without the
 * exponentials of the log-probabilities). lp may be d->lp. */
void bk_tokens_prepare_lp(const double* lp, double temp, bk_tokens_dist_t* d);

/* A draw from a prepared distribution (one uniform from rng unless greedy): the bin
 * centre into *out, its log p at T = 1 returned. Same result as bk_tokens_decode. */
double bk_tokens_draw(const bk_tokens_dist_t* d, bk_rng_t* rng, double* out);

/* Decodes one number: greedy when temp <= 0, else a draw from p^(1/T) with rng.
 * Writes the bin centre into *out and returns its log p at T = 1. */
double bk_tokens_decode(double a, double spread, double temp, bk_rng_t* rng, double* out);

#endif

/* simvla's action tokens: a proper distribution, greedy as T -> 0, sampling at T = 1 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "policies/tokens.h"

Test(tokens, log_probabilities_sum_to_one) {
  const double as[3] = {0.0, 0.7, -0.98};
  for (int i = 0; i < 3; i++) {
    double lp[BK_NBIN], s = 0;
    bk_tokens_logprobs(as[i], 0.1, lp);
    for (int b = 0; b < BK_NBIN; b++) s += exp(lp[b]);
    cr_expect_float_eq(s, 1.0, 1e-12, "a = %g: sum %g", as[i], s);
  }
}

Test(tokens, bins_cover_the_unit_range) {
  cr_expect_eq(bk_tokens_bin(-1.0), 0);
  cr_expect_eq(bk_tokens_bin(1.0), BK_NBIN - 1);
  cr_expect_eq(bk_tokens_bin(bk_tokens_centre(77)), 77);
  cr_expect_float_eq(bk_tokens_centre(0), -1.0 + 1.0 / BK_NBIN, 1e-15);
}

Test(tokens, temperature_towards_zero_is_greedy) {
  bk_rng_t rng;
  uint64_t key[1] = {3};
  bk_rng_seed(&rng, key, 1);
  double g, x;
  bk_tokens_decode(0.3137, 0.1, 0.0, &rng, &g);
  cr_expect_float_eq(g, bk_tokens_centre(bk_tokens_bin(0.3137)), 1e-15, "greedy = nearest bin");
  for (int i = 0; i < 200; i++) {
    bk_tokens_decode(0.3137, 0.1, 1e-4, &rng, &x);
    cr_assert_eq(x, g, "T = 1e-4 drew %g, greedy %g", x, g);
  }
}

Test(tokens, temperature_one_reproduces_the_bin_distribution) {
  enum { N = 20000 };
  static int count[BK_NBIN];
  double a = -0.2, spread = 0.1, lp[BK_NBIN], x;
  bk_tokens_logprobs(a, spread, lp);
  bk_rng_t rng;
  uint64_t key[1] = {11};
  bk_rng_seed(&rng, key, 1);
  for (int i = 0; i < N; i++) {
    bk_tokens_decode(a, spread, 1.0, &rng, &x);
    count[bk_tokens_bin(x)]++;
  }
  // chi-square over bins with expected count >= 5, the rest pooled into one cell
  double chi = 0, rest_obs = 0, rest_exp = 0;
  int cells = 0;
  for (int b = 0; b < BK_NBIN; b++) {
    double e = N * exp(lp[b]);
    if (e >= 5) {
      chi += (count[b] - e) * (count[b] - e) / e;
      cells++;
    } else {
      rest_obs += count[b];
      rest_exp += e;
    }
  }
  if (rest_exp > 0) {
    chi += (rest_obs - rest_exp) * (rest_obs - rest_exp) / rest_exp;
    cells++;
  }
  // df = cells - 1 (~80); the 0.999 quantile of chi-square(df) is below df + 4.5 sqrt(2 df)
  double df = cells - 1;
  cr_expect_lt(chi, df + 4.5 * sqrt(2 * df), "chi2 %g with %g degrees of freedom", chi, df);
  cr_expect_gt(cells, 50);
}

Test(tokens, higher_temperature_spreads_the_draws) {
  bk_rng_t rng;
  uint64_t key[1] = {12};
  bk_rng_seed(&rng, key, 1);
  double var[2] = {0, 0}, x;
  const double temps[2] = {0.5, 2.0};
  for (int t = 0; t < 2; t++) {
    for (int i = 0; i < 5000; i++) {
      bk_tokens_decode(0.0, 0.1, temps[t], &rng, &x);
      var[t] += x * x / 5000;
    }
  }
  // p^(1/T) of a Gaussian has variance T spread^2
  cr_expect_float_eq(var[0], 0.5 * 0.01, 0.1 * 0.005);
  cr_expect_float_eq(var[1], 2.0 * 0.01, 0.1 * 0.02);
}

// OpenVLA's grid: 255 bins over [-1, 1] whose middle centre is exactly 0, so greedy
// decoding keeps the sign of every number (robosuite's gripper acts on the sign: a "hold"
// of 0 decoded as -1/256, as on the earlier 256-centre grid, opened the gripper)
Test(tokens, zero_is_a_centre_and_greedy_keeps_the_sign) {
  cr_expect_eq(BK_NBIN, 255);
  cr_expect_eq(bk_tokens_centre((BK_NBIN - 1) / 2), 0.0);
  // centres are the midpoints of numpy.linspace(-1, 1, 256)
  for (int b = 0; b < BK_NBIN; b++) {
    double lo = -1.0 + 2.0 * b / 255, hi = -1.0 + 2.0 * (b + 1) / 255;
    cr_assert_float_eq(bk_tokens_centre(b), 0.5 * (lo + hi), 1e-15, "bin %d", b);
  }
  bk_rng_t rng;
  uint64_t key[1] = {5};
  bk_rng_seed(&rng, key, 1);
  const double as[5] = {-1.0, -0.3, 0.0, 0.3, 1.0};
  for (int i = 0; i < 5; i++) {
    double g;
    bk_tokens_decode(as[i], 0.1, 0.0, &rng, &g);
    cr_expect_eq((g > 0) - (g < 0), (as[i] > 0) - (as[i] < 0), "a = %g decoded %g", as[i], g);
    cr_expect_leq(fabs(g - as[i]), 1.0 / 255 + 1e-15, "a = %g decoded %g", as[i], g);
  }
}

Test(tokens, prepared_from_log_probabilities_is_the_same_distribution_bit_for_bit) {
  const double as[4] = {0.0, 1.0, -0.4137, 0.99};
  const double temps[3] = {0.0, 1.0, 0.7};
  for (int i = 0; i < 4; i++) {
    for (int t = 0; t < 3; t++) {
      static bk_tokens_dist_t a, b;
      memset(&a, 0, sizeof a);
      memset(&b, 0, sizeof b);
      bk_tokens_prepare(as[i], 0.1, temps[t], &a);
      double lp[BK_NBIN];
      bk_tokens_logprobs(as[i], 0.1, lp);
      bk_tokens_prepare_lp(lp, temps[t], &b);
      cr_assert(memcmp(&a, &b, sizeof a) == 0, "a = %g, T = %g", as[i], temps[t]);
      bk_tokens_prepare_lp(b.lp, temps[t], &b);  // in place
      cr_assert(memcmp(&a, &b, sizeof a) == 0, "in place: a = %g, T = %g", as[i], temps[t]);
      // and the draws follow: the greedy bin is the nearest centre
      cr_expect_eq(a.greedy, bk_tokens_bin(as[i]));
    }
  }
}

// the plain sums over every bin, as the module computed them before it stopped adding
// terms that round away: its numbers must be these very bits
static void plain(double a, double spread, double temp, bk_tokens_dist_t* d) {
  double mx = -INFINITY, z = 0;
  for (int b = 0; b < BK_NBIN; b++) {
    double dlt = bk_tokens_centre(b) - a;
    d->lp[b] = -dlt * dlt / (2 * spread * spread);
    if (d->lp[b] > mx) mx = d->lp[b];
  }
  for (int b = 0; b < BK_NBIN; b++) z += exp(d->lp[b] - mx);
  double norm = mx + log(z);
  for (int b = 0; b < BK_NBIN; b++) d->lp[b] -= norm;
  d->greedy = 0;
  for (int b = 1; b < BK_NBIN; b++) {
    if (d->lp[b] > d->lp[d->greedy]) d->greedy = b;
  }
  d->sample = temp > 0;
  if (!d->sample) return;
  double m = d->lp[d->greedy] / temp, c = 0;
  for (int b = 0; b < BK_NBIN; b++) {
    c += exp(d->lp[b] / temp - m);
    d->cdf[b] = c;
  }
}

Test(tokens, skipped_tail_terms_leave_every_number_as_the_plain_sums) {
  static bk_tokens_dist_t got, want;
  const double temps[4] = {0.0, 0.3, 1.0, 2.5}, spreads[3] = {0.1, 0.03, 0.4};
  unsigned long st = 99;
  for (int i = 0; i < 3000; i++) {
    st = st * 6364136223846793005UL + 1442695040888963407UL;
    double u = (double)(st >> 11) / 9007199254740992.0;
    // bin centres, midpoints between them, the ends, and random numbers in [-1.1, 1.1]
    double a = i < 255 ? bk_tokens_centre(i) : (i < 510 ? bk_tokens_centre(i - 255) + 1.0 / BK_NBIN
               : (i < 520 ? (i % 2 ? 1.0 : -1.0) : -1.1 + 2.2 * u));
    double temp = temps[i % 4], spread = spreads[i % 3];
    memset(&got, 0, sizeof got);
    memset(&want, 0, sizeof want);
    bk_tokens_prepare(a, spread, temp, &got);
    plain(a, spread, temp, &want);
    cr_assert(memcmp(&got, &want, sizeof got) == 0, "a = %.17g, spread %g, T = %g", a, spread, temp);
  }
}

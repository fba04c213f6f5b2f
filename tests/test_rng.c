/* the seeded generator: reproducible streams, independent keys, right moments */
#include <criterion/criterion.h>
#include <math.h>

#include "core/rng.h"

Test(rng, same_key_same_stream) {
  bk_rng_t a, b;
  uint64_t key[3] = {1, 2, 3};
  bk_rng_seed(&a, key, 3);
  bk_rng_seed(&b, key, 3);
  for (int i = 0; i < 1000; i++) cr_assert_eq(bk_rng_next(&a), bk_rng_next(&b));
}

Test(rng, key_order_matters) {
  bk_rng_t a, b;
  uint64_t k1[2] = {1, 2}, k2[2] = {2, 1};
  bk_rng_seed(&a, k1, 2);
  bk_rng_seed(&b, k2, 2);
  cr_expect_neq(bk_rng_next(&a), bk_rng_next(&b));
}

Test(rng, uniform_and_normal_moments) {
  bk_rng_t r;
  uint64_t key[1] = {42};
  bk_rng_seed(&r, key, 1);
  int n = 200000;
  double su = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; i++) {
    double u = bk_rng_uniform(&r);
    cr_assert(u >= 0 && u < 1);
    su += u;
    double z = bk_rng_normal(&r);
    sn += z;
    sn2 += z * z;
  }
  // standard errors: uniform mean 0.00065, normal mean 0.0022, variance ~0.0032
  cr_expect_float_eq(su / n, 0.5, 0.004);
  cr_expect_float_eq(sn / n, 0.0, 0.012);
  cr_expect_float_eq(sn2 / n, 1.0, 0.02);
}

Test(rng, range_bounds) {
  bk_rng_t r;
  uint64_t key[1] = {7};
  bk_rng_seed(&r, key, 1);
  for (int i = 0; i < 10000; i++) {
    double x = bk_rng_range(&r, -0.2, 0.3);
    cr_assert(x >= -0.2 && x <= 0.3);
  }
  cr_expect_eq(bk_rng_range(&r, 1.0, 1.0), 1.0);
}

Test(rng, string_hash_is_fnv1a) {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (published test vector)
  cr_expect_eq(bk_rng_hash("a"), 0xaf63dc4c8601ec8cull);
  cr_expect_eq(bk_rng_hash(""), 0xcbf29ce484222325ull);
}

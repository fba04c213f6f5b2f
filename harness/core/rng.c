#include "core/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

void bk_rng_seed(bk_rng_t* rng, const uint64_t* key, int nkey) {
  // fold the key into one word, mixing after every element
  uint64_t h = 0x6A09E667F3BCC909ull;
  for (int i = 0; i < nkey; i++) {
    uint64_t x = h ^ key[i];
    h = splitmix64(&x) ^ (h << 1);
  }
  // expand into the state
  for (int i = 0; i < 4; i++) {
    rng->s[i] = splitmix64(&h);
  }
}

uint64_t bk_rng_next(bk_rng_t* rng) {
  uint64_t* s = rng->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double bk_rng_uniform(bk_rng_t* rng) {
  return (double)(bk_rng_next(rng) >> 11) * 0x1.0p-53;
}

double bk_rng_range(bk_rng_t* rng, double lo, double hi) {
  if (hi <= lo) return lo;
  return lo + (hi - lo) * bk_rng_uniform(rng);
}

double bk_rng_normal(bk_rng_t* rng) {
  double u1 = bk_rng_uniform(rng);
  double u2 = bk_rng_uniform(rng);
  if (u1 < 1e-300) u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t bk_rng_hash(const char* s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ull;
  }
  return h;
}

/* bk_rng: small, explicit, seedable generator (xoshiro256** seeded by splitmix64).
 * Every random draw in bokbo comes from one of these, seeded from the identity of what
 * is drawn (suite, task, init, seed, decision, candidate); there is no global state. */
#ifndef BK_RNG_H
#define BK_RNG_H

#include <stdint.h>

typedef struct {
  uint64_t s[4];
} bk_rng_t;

/* Seeds from a list of integers (order matters); the same list gives the same stream. */
void bk_rng_seed(bk_rng_t* rng, const uint64_t* key, int nkey);

uint64_t bk_rng_next(bk_rng_t* rng);

/* Uniform in [0, 1) with 53 random bits. */
double bk_rng_uniform(bk_rng_t* rng);

/* Uniform in [lo, hi]; returns lo when hi <= lo. */
double bk_rng_range(bk_rng_t* rng, double lo, double hi);

/* Standard normal (Box-Muller, no cached spare so the stream is position-independent). */
double bk_rng_normal(bk_rng_t* rng);

/* Stable 64-bit hash of a string (FNV-1a), for seeding from names. */
uint64_t bk_rng_hash(const char* s);

#endif

#include "run/epkey.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"

// mixes v into h (splitmix64's finaliser)
static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

bk_epkey_t bk_epkey_make(const char* suite, const char* policy, const char* sampling,
                         const char* scorer, int k, int chunk, int open_loop, int max_steps,
                         int task, int init, int seed, double value) {
  uint64_t h = bk_rng_hash(suite);
  h = mix(h, bk_rng_hash(policy));
  h = mix(h, bk_rng_hash(sampling));
  h = mix(h, bk_rng_hash(scorer));
  h = mix(h, (uint64_t)(uint32_t)k << 32 | (uint32_t)chunk);
  h = mix(h, (uint64_t)(uint32_t)open_loop << 32 | (uint32_t)max_steps);
  bk_epkey_t key = {h, task, init, seed, 0};
  if (value == 0) value = 0;  // -0 and 0 are one value
  memcpy(&key.value, &value, sizeof value);
  return key;
}

static uint64_t slot_hash(const bk_epkey_t* k) {
  uint64_t h = mix(k->config, (uint64_t)(uint32_t)k->task << 32 | (uint32_t)k->init);
  return mix(mix(h, (uint64_t)(uint32_t)k->seed), k->value);
}

static int same(const bk_epkey_t* a, const bk_epkey_t* b) {
  return a->config == b->config && a->task == b->task && a->init == b->init &&
         a->seed == b->seed && a->value == b->value;
}

// the slot holding key, or the empty slot where it goes (where[] < 0 marks empty)
static long find(const bk_epkey_set_t* s, const bk_epkey_t* key) {
  long mask = s->cap - 1, i = (long)(slot_hash(key) & (uint64_t)mask);
  while (s->where[i] >= 0 && !same(&s->key[i], key)) i = (i + 1) & mask;
  return i;
}

static int grow(bk_epkey_set_t* s) {
  bk_epkey_set_t g = {0};
  g.cap = s->cap ? 2 * s->cap : 1024;
  g.key = malloc(sizeof *g.key * (size_t)g.cap);
  g.where = malloc(sizeof *g.where * (size_t)g.cap);
  g.src = malloc(sizeof *g.src * (size_t)g.cap);
  if (!g.key || !g.where || !g.src) {
    bk_epkey_free(&g);
    return BK_ENOMEM;
  }
  for (long i = 0; i < g.cap; i++) g.where[i] = -1;
  for (long i = 0; i < s->cap; i++) {
    if (s->where[i] < 0) continue;
    long j = find(&g, &s->key[i]);
    g.key[j] = s->key[i];
    g.where[j] = s->where[i];
    g.src[j] = s->src[i];
  }
  g.n = s->n;
  bk_epkey_free(s);
  *s = g;
  return 0;
}

int bk_epkey_add(bk_epkey_set_t* s, const bk_epkey_t* key, int src, int where, int* first_src,
                 int* first_where) {
  if (2 * (s->n + 1) > s->cap && grow(s)) return BK_ENOMEM;
  long i = find(s, key);
  if (s->where[i] >= 0) {
    if (first_src) *first_src = s->src[i];
    if (first_where) *first_where = s->where[i];
    return 1;
  }
  s->key[i] = *key;
  s->where[i] = where < 0 ? 0 : where;
  s->src[i] = src;
  s->n++;
  return 0;
}

void bk_epkey_free(bk_epkey_set_t* s) {
  if (!s) return;
  free(s->key);
  free(s->where);
  free(s->src);
  memset(s, 0, sizeof *s);
}

#include "sample/sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"

const char* bk_sample_mode_name(bk_sample_mode_t mode) {
  if (mode == BK_SAMPLE_REPEAT) return "repeat";
  return mode == BK_SAMPLE_PERTURB ? "perturb" : (mode == BK_SAMPLE_TEMPERATURE ? "temperature" : "greedy");
}

int bk_sample_same_value(double a, double b) {
  return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

// "0.02,0.05" into values; 0 or -1
static int parse_values(const char* p, double* values, int* n) {
  *n = 0;
  while (*p) {
    char* end;
    double v = strtod(p, &end);
    if (end == p || !isfinite(v) || v < 0 || *n == BK_SAMPLE_MAX_VALUES) return -1;
    for (int i = 0; i < *n; i++) {
      // a repeated (or indistinguishable) value would run its episodes twice
      if (bk_sample_same_value(values[i], v)) return -1;
    }
    values[(*n)++] = v;
    p = end;
    if (*p == ',') p++;
    else if (*p == ':' || *p == '\0') break;
    else return -1;
  }
  return *n > 0 ? 0 : -1;
}

int bk_sample_parse(const char* text, bk_sampling_t* s, double* values, int* nvalues,
                    char* err, int err_sz) {
  memset(s, 0, sizeof *s);
  s->keep_greedy = 1;
  *nvalues = 1;
  values[0] = 0;
  if (strcmp(text, "greedy") == 0) return 0;
  if (strcmp(text, "repeat") == 0) {
    s->mode = BK_SAMPLE_REPEAT;
    return 0;
  }
  const char* p = NULL;
  if (strncmp(text, "perturb:sigma=", 14) == 0) {
    s->mode = BK_SAMPLE_PERTURB;
    p = text + 14;
  } else if (strncmp(text, "temperature:T=", 14) == 0) {
    s->mode = BK_SAMPLE_TEMPERATURE;
    p = text + 14;
  }
  if (p && parse_values(p, values, nvalues) == 0) {
    const char* keep = strstr(p, ":keep=");
    if (keep && s->mode == BK_SAMPLE_PERTURB) s->keep_greedy = atoi(keep + 6) != 0;
    else if (strchr(p, ':')) p = NULL;
    if (p) {
      s->value = values[0];
      return 0;
    }
  }
  return bk_fail(err, err_sz, BK_EINVAL,
                 "bad sampling '%s': expected greedy, repeat, perturb:sigma=S[,S2...][:keep=0|1] or "
                 "temperature:T=T[,T2...] (at most %d distinct values >= 0, apart by more than 1e-9 "
                 "relative)",
                 text, BK_SAMPLE_MAX_VALUES);
}

uint64_t bk_sample_seed(uint64_t episode_seed, int decision, int candidate) {
  uint64_t key[3] = {episode_seed, (uint64_t)decision, (uint64_t)candidate};
  bk_rng_t r;
  bk_rng_seed(&r, key, 3);
  return bk_rng_next(&r);
}

void bk_sample_perturb(const double* greedy, int n, int k, double sigma, int keep_greedy,
                       uint64_t episode_seed, int decision, double* out) {
  for (int c = 0; c < k; c++) {
    double* x = out + (size_t)c * n;
    if (c == 0 && keep_greedy) {
      memcpy(x, greedy, sizeof(double) * n);
      continue;
    }
    // each candidate has its own stream: the same draws whatever K or the thread
    bk_rng_t rng;
    uint64_t key[1] = {bk_sample_seed(episode_seed, decision, c)};
    bk_rng_seed(&rng, key, 1);
    for (int i = 0; i < n; i++) {
      double v = greedy[i] + sigma * bk_rng_normal(&rng);
      x[i] = v < -1 ? -1 : (v > 1 ? 1 : v);
    }
  }
}

/* An example bokbo policy plugin: replays a fixed list of actions.
 *
 * Options: file=PATH, a text file of actions, 7 numbers a line. Each decision returns the
 * next h actions from the current step on (the last one held past the end), the same
 * chunk for every candidate, with log-probability 0. Build (CMake does it):
 *   cc -shared -fPIC -O2 -I policies replay_policy.c -o libbokbo_replay.so
 * Run:  bokbo run --policy plugin:./libbokbo_replay.so --policy-opt file=actions.txt ... */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bokbo_policy.h"

typedef struct {
  double* a;                 /* n x 7 */
  int n;
} replay_t;

static void* create(const char* options, char* err, int err_sz) {
  const char* f = options ? strstr(options, "file=") : NULL;
  if (!f) {
    snprintf(err, (size_t)err_sz, "replay: needs file=PATH");
    return NULL;
  }
  char path[1024];
  snprintf(path, sizeof path, "%.*s", (int)strcspn(f + 5, ","), f + 5);
  FILE* in = fopen(path, "r");
  if (!in) {
    snprintf(err, (size_t)err_sz, "replay: cannot open %s", path);
    return NULL;
  }
  replay_t* r = calloc(1, sizeof *r);
  int cap = 0;
  double v[7];
  while (r && fscanf(in, "%lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) == 7) {
    if (r->n == cap) {
      cap = cap ? 2 * cap : 256;
      double* p = realloc(r->a, sizeof(double) * 7 * (size_t)cap);
      if (!p) break;
      r->a = p;
    }
    memcpy(r->a + 7 * r->n++, v, sizeof v);
  }
  fclose(in);
  if (!r || !r->n) {
    snprintf(err, (size_t)err_sz, "replay: %s holds no actions", path);
    if (r) free(r->a);
    free(r);
    return NULL;
  }
  return r;
}

static int reset(void* self, uint64_t seed) { return 0; }

static int act(void* self, const bokbo_obs* obs, int k, int h, double temperature, uint64_t seed,
               double* actions, double* logp) {
  const replay_t* r = self;
  for (int c = 0; c < k; c++) {
    for (int i = 0; i < h; i++) {
      int s = obs->step + i < r->n ? obs->step + i : r->n - 1;
      memcpy(actions + ((size_t)c * h + i) * 7, r->a + 7 * s, sizeof(double) * 7);
    }
    logp[c] = 0;
  }
  return 0;
}

static void destroy(void* self) {
  replay_t* r = self;
  free(r->a);
  free(r);
}

static const bokbo_policy_api kApi = {BOKBO_POLICY_ABI, "replay", create, reset, act, destroy, NULL};

BOKBO_POLICY_EXPORT const bokbo_policy_api* bokbo_policy_entry(void) { return &kApi; }

/* bench_remote: what talking to a policy server costs per decision, over loopback.
 * usage: bench_remote STOCK_URL SHIM_URL [calls]
 *   STOCK_URL  an openpi-protocol server (tests/py/openpi_server.py), SHIM_URL a server
 *   behind tools/serve/bokbo_shim.py; tools/bench/bench_remote.sh starts both.
 * Per decision with two 224 x 224 images: wall time of the openpi client's act (msgpack
 * encode + websocket send + server decode/encode + receive + decode), the server's own
 * infer_ms, and the in-process expert's chunk for comparison; K = 8 by 8 calls (repeat on
 * a stock server) against one call to the shim. Prints markdown. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rng.h"
#include "run/episode.h"
#include "run/guard.h"

#define SIZE 224

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// mean wall and server time (s) of n acts of k candidates
static int remote(const char* url, const bk_obs_t* obs, int k, int n, double* wall, double* server) {
  const bk_policy_ops_t* ops = bk_policy_find("openpi");
  char opts[512], err[512];
  snprintf(opts, sizeof opts, "server=%s,wait=10", url);
  void* self = ops->create(opts, err, sizeof err);
  if (!self || ops->reset(self, NULL, NULL, 0)) {
    fprintf(stderr, "bench_remote: %s: %s\n", url, self ? ops->error(self) : err);
    return -1;
  }
  double* actions = malloc(sizeof(double) * k * 10 * 7);
  bk_rng_t rng;
  uint64_t key[1] = {1};
  bk_rng_seed(&rng, key, 1);
  bk_query_t q = {k, 5, 0.0, &rng};
  bk_chunk_t out = {actions, NULL};
  ops->act(self, obs, &q, &out);  // warm-up: the first reply
  double t0 = now(), srv = 0, ms;
  int calls;
  for (int i = 0; i < n; i++) {
    if (ops->act(self, obs, &q, &out)) {
      fprintf(stderr, "bench_remote: %s\n", ops->error(self));
      return -1;
    }
    ops->cost(self, &ms, &calls);
    srv += ms / 1000;
  }
  *wall = (now() - t0) / n;
  *server = srv / n;
  free(actions);
  ops->destroy(self);
  return 0;
}

// mean seconds of the in-process expert's chunk of 8 at the settled init state
static double expert(int n) {
  char err[256];
  bk_world_t* w = bk_world_create(BOKBO_SCENES_DIR, "libero_object", 0, err, sizeof err);
  mjData* d = mj_makeData(w->m);
  bk_osc_t* osc = bk_osc_create(w);
  bk_episode_start(w, osc, d, 0, NULL, err, sizeof err);
  const bk_policy_ops_t* ops = bk_policy_find("expert");
  void* self = ops->create(NULL, err, sizeof err);
  ops->reset(self, w, d, 0);
  bk_obs_t obs = {w, d, {0}, w->ref.prompt, NULL, NULL, 0, 0};
  bk_policy_state(w, d, obs.state);
  double a[8 * 7];
  bk_rng_t rng;
  uint64_t key[1] = {1};
  bk_rng_seed(&rng, key, 1);
  bk_query_t q = {1, 8, 0.0, &rng};
  bk_chunk_t out = {a, NULL};
  double t0 = now();
  for (int i = 0; i < n; i++) ops->act(self, &obs, &q, &out);
  double dt = (now() - t0) / n;
  ops->destroy(self);
  bk_osc_free(osc);
  mj_deleteData(d);
  bk_world_free(w);
  return dt;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_remote STOCK_URL SHIM_URL [calls]\n");
    return 2;
  }
  int n = argc > 3 ? atoi(argv[3]) : 200;
  bk_guard_install();
  static unsigned char img[SIZE * SIZE * 3], wrist[SIZE * SIZE * 3];
  for (int i = 0; i < SIZE * SIZE * 3; i++) img[i] = (unsigned char)(i * 31), wrist[i] = (unsigned char)(i * 17);
  bk_obs_t obs = {NULL, NULL, {0.1, 0.2, 0.3, 3.14, 0, -0.09, 0.04, -0.04}, "pick up the ketchup and place it in the basket",
                  img, wrist, SIZE, 0};
  double w1, s1, w8, s8, ws, ss;
  if (remote(argv[1], &obs, 1, n, &w1, &s1) || remote(argv[1], &obs, 8, n / 4, &w8, &s8) ||
      remote(argv[2], &obs, 8, n / 4, &ws, &ss)) {
    return 1;
  }
  double e = expert(n / 4);
  printf("| measure (per decision) | ms | vs in-process expert |\n| --- | ---: | ---: |\n");
  printf("| in-process expert, chunk of 8 | %.2f | 1.00 |\n", e * 1e3);
  printf("| openpi round trip, K = 1 (wall) | %.2f | %.2f |\n", w1 * 1e3, w1 / e);
  printf("| of which the server's infer_ms | %.2f | |\n", s1 * 1e3);
  printf("| transport + codecs, K = 1 (wall - infer_ms) | %.2f | %.2f |\n", (w1 - s1) * 1e3, (w1 - s1) / e);
  printf("| K = 8 by 8 calls (repeat, stock server) | %.2f | %.2f |\n", w8 * 1e3, w8 / e);
  printf("| K = 8 in one call (shim) | %.2f | %.2f |\n", ws * 1e3, ws / e);
  printf("\nrepeat / shim at K = 8: %.2f (%d calls of K = 1, %d of K = 8)\n", w8 / ws, n, n / 4);
  return 0;
}

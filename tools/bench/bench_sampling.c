/* bench_sampling: decisions per second for K = 1, 8, 32 with each scorer, and the
 * overhead of policy + sampling + scoring against plain stepping, in one run.
 * usage: bench_sampling [decisions]     (simvla, perturbation sigma 0.1, libero_object
 * task 0, init 0; prints markdown) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/step.h"
#include "core/rng.h"
#include "run/episode.h"
#include "run/guard.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// a model with random weights: timing only
static void toy_predictor(bk_predictor_t* p) {
  memset(p, 0, sizeof *p);
  bk_rng_t r;
  uint64_t key[1] = {1};
  bk_rng_seed(&r, key, 1);
  for (int i = 0; i < BK_NFEATURE + BK_SUITE_NTASK; i++) p->w[i] = bk_rng_normal(&r);
  for (int i = 0; i < BK_NFEATURE; i++) p->scale[i] = 1;
}

// seconds per decision of one configuration, over `n` decisions
static double per_decision(const bk_world_t* w, int k, bk_scorer_t scorer, int n,
                           const bk_predictor_t* p) {
  const bk_policy_ops_t* ops = bk_policy_find("simvla");
  bk_episode_cfg_t cfg = {.max_steps = 8 * n, .chunk = 8, .open_loop = 8, .k = k,
                          .thr_global = 10, .scorer = scorer, .predictor = p};
  cfg.sampling.mode = BK_SAMPLE_PERTURB;
  cfg.sampling.value = 0.1;
  cfg.sampling.keep_greedy = 1;
  bk_episode_ctx_t* ctx = bk_episode_ctx_create(w, &cfg);
  bk_episode_t ep;
  bk_episode_alloc(&ep, cfg.max_steps, 0);
  char err[256];
  void* self = ops->create(NULL, err, sizeof err);
  double t0 = now();
  bk_episode_run(ctx, &cfg, ops, self, 0, 0, &ep);
  double dt = (now() - t0) / (ep.ndecision ? ep.ndecision : 1);
  ops->destroy(self);
  bk_episode_release(&ep);
  bk_episode_ctx_free(ctx);
  return dt;
}

// seconds of 8 plain control steps (controller + physics, no policy)
static double plain_chunk(const bk_world_t* w, int n) {
  mjData* d = mj_makeData(w->m);
  char err[256];
  bk_init_state(w, 0, NULL, d, err, sizeof err);
  mj_forward(w->m, d);
  bk_osc_t* c = bk_osc_create(w);
  bk_osc_reset(c, d);
  double a[7] = {0, 0, 0, 0, 0, 0, -1}, peak[BK_NFORCE];
  double t0 = now();
  for (int i = 0; i < 8 * n; i++) bk_step_control(w, c, d, a, peak, NULL);
  double dt = (now() - t0) / n;
  bk_osc_free(c);
  mj_deleteData(d);
  return dt;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 20;
  char err[1024];
  bk_guard_install();
  bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), "libero_object", 0, err, sizeof err);
  if (!w) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  bk_predictor_t p;
  toy_predictor(&p);
  double base = plain_chunk(w, n);
  printf("plain stepping: %.1f ms per 8 control steps (%.1f chunks/s)\n\n", 1e3 * base, 1 / base);
  printf("| K | scorer | decisions/s | ms per decision | overhead vs plain stepping |\n");
  printf("| ---: | --- | ---: | ---: | ---: |\n");
  const int ks[3] = {1, 8, 32};
  for (int i = 0; i < 3; i++) {
    for (int s = 0; s <= BK_SCORER_LOOKAHEAD; s++) {
      double dt = per_decision(w, ks[i], (bk_scorer_t)s, n, &p);
      printf("| %d | %s | %.2f | %.1f | %.2fx |\n", ks[i], bk_score_name((bk_scorer_t)s), 1 / dt,
             1e3 * dt, dt / base);
    }
  }
  bk_world_free(w);
  return 0;
}

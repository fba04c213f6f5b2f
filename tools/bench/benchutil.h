/* helpers shared by the benchmark programs (header only: each .c file here is a
 * program of its own) */
#ifndef BK_BENCH_BENCHUTIL_H
#define BK_BENCH_BENCHUTIL_H

#include <time.h>

/* seconds on the monotonic clock (wall time, for differences) */
static inline double bench_wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* this thread's CPU seconds: rates stay comparable on a machine shared with other jobs
 * (wall time there measures the other jobs) */
static inline double bench_thread_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#ifdef BK_BENCH_EPISODES
/* the policies and samplings the episode benchmarks run (as repro runs them), and a
 * predictor with fixed weights that costs what a trained one costs; needs run/runner.h */
typedef struct {
  const char* name;
  const char* policy;
  bk_sample_mode_t mode;
  double value;
} bench_setting_t;

static const bench_setting_t bench_settings[] = {
  {"expert", "expert", BK_SAMPLE_GREEDY, 0},
  {"simvla perturb 0.1", "simvla", BK_SAMPLE_PERTURB, 0.1},
  {"simvla temp 1.0", "simvla", BK_SAMPLE_TEMPERATURE, 1.0},
};
#define BENCH_NSETTING ((int)(sizeof bench_settings / sizeof bench_settings[0]))

static inline void bench_predictor(const bk_world_t* w, bk_predictor_t* p) {
  memset(p, 0, sizeof *p);
  snprintf(p->suite, sizeof p->suite, "%s", w->suite);
  for (int i = 0; i < BK_NFEATURE; i++) {
    p->w[i] = 0.1 * (i + 1);
    p->scale[i] = 1;
  }
}

/* the episode configuration of a setting: K = 8 candidates scored by the predictor with the
 * expert as reference policy for simvla, K = 1 for the expert */
static inline bk_episode_cfg_t bench_cfg(const bk_world_t* w, const bench_setting_t* st,
                                         const bk_predictor_t* pred) {
  int expert = st->mode == BK_SAMPLE_GREEDY;
  bk_episode_cfg_t cfg = {w->suitedef->max_steps, 8, 8, expert ? 1 : 8, NULL, NULL, 0};
  cfg.sampling.mode = st->mode;
  cfg.sampling.value = st->value;
  cfg.sampling.keep_greedy = 1;
  cfg.scorer = expert ? BK_SCORER_NONE : BK_SCORER_PREDICTOR;
  cfg.predictor = pred;
  cfg.ref = expert ? NULL : bk_policy_find("expert");
  return cfg;
}

/* one setting's episodes on one world, one thread (b must stay where it is: its cfg points
 * at its predictor) */
typedef struct {
  bk_predictor_t pred;
  bk_episode_cfg_t cfg;
  bk_episode_ctx_t* ctx;
  bk_episode_t ep;
  const bk_policy_ops_t* ops;
  void* self;
} bench_episodes_t;

static inline void bench_episodes_open(bench_episodes_t* b, const bk_world_t* w,
                                       const bench_setting_t* st, int log_actions) {
  bench_predictor(w, &b->pred);
  b->cfg = bench_cfg(w, st, &b->pred);
  b->cfg.log_actions = log_actions;
  b->ctx = bk_episode_ctx_create(w, &b->cfg);
  b->ops = bk_policy_find(st->policy);
  char err[256];
  b->self = b->ops->create(NULL, err, sizeof err);
  if (!b->ctx || !b->self || bk_episode_alloc(&b->ep, b->cfg.max_steps, 0)) {
    fprintf(stderr, "bench: cannot set up %s on %s\n", st->name, w->suite);
    exit(1);
  }
}

static inline void bench_episodes_close(bench_episodes_t* b) {
  b->ops->destroy(b->self);
  bk_episode_release(&b->ep);
  bk_episode_ctx_free(b->ctx);
}
#endif

#endif

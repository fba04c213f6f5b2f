/* bk_replay: the episodes of a run directory, for re-simulation in the viewer.
 *
 * Reads DIR/run.json (policy, its options, K, chunk, open loop, max steps, suite and
 * shift, thresholds) and DIR/episodes.jsonl (per episode: task, init, seed, outcome and
 * the logged per-control-step forces). An episode is named by its 0-based line number in
 * episodes.jsonl or by "task:init:seed". */
#ifndef BK_VIEWER_REPLAY_H
#define BK_VIEWER_REPLAY_H

#include "sim/forces.h"
#include "sim/initstate.h"

typedef struct {
  int task, init, seed;
  int success, steps;
  int nforce;                  /* control steps with logged forces */
  double* force;               /* nforce x BK_NFORCE, from decisions[].step_force */
} bk_replay_ep_t;

typedef struct {
  char suite[64];              /* base suite (libero_object / libero_spatial) */
  char suite_name[96];         /* as the records carry it (with a shift suffix) */
  bk_shift_t shift;
  char policy[64];
  char policy_opts[256];
  int k, chunk, open_loop, max_steps;
  char sampling[128], scorer[32], predictor[1024];
  unsigned long long run_seed;
  char thresholds[1024];       /* the thresholds file the run used, or "" */
  double thr_global;
  int n;
  bk_replay_ep_t* ep;
} bk_replay_t;

/* Loads dir; 0, or an error naming the file and line. */
int bk_replay_load(const char* dir, bk_replay_t* r, char* err, int err_sz);
void bk_replay_free(bk_replay_t* r);

/* The index of episode `id` ("N" or "task:init:seed"), or -1 with err filled. */
int bk_replay_find(const bk_replay_t* r, const char* id, char* err, int err_sz);

/* 1 when a re-simulated reading matches the logged one (the log keeps 6 significant
 * digits), 0 otherwise. */
int bk_replay_same_force(const double a[BK_NFORCE], const double b[BK_NFORCE]);

#endif

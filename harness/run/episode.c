#include "run/episode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/step.h"
#include "core/err.h"
#include "run/guard.h"
#include "sim/predicate.h"

bk_episode_ctx_t* bk_episode_ctx_create(const bk_world_t* w, const bk_episode_cfg_t* cfg) {
  bk_episode_ctx_t* ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  ctx->w = w;
  ctx->d = mj_makeData(w->m);
  ctx->osc = bk_osc_create(w);
  ctx->actions = malloc(sizeof(double) * cfg->k * cfg->chunk * BK_ACTION_DIM);
  ctx->logp = malloc(sizeof(double) * cfg->k);
  if (!ctx->d || !ctx->osc || !ctx->actions || !ctx->logp) {
    bk_episode_ctx_free(ctx);
    return NULL;
  }
  return ctx;
}

void bk_episode_ctx_free(bk_episode_ctx_t* ctx) {
  if (!ctx) return;
  mj_deleteData(ctx->d);
  bk_osc_free(ctx->osc);
  free(ctx->actions);
  free(ctx->logp);
  free(ctx);
}

int bk_episode_alloc(bk_episode_t* ep, int max_steps, int with_trace) {
  memset(ep, 0, sizeof *ep);
  ep->dec = calloc((size_t)max_steps + 1, sizeof *ep->dec);
  ep->step_force = calloc((size_t)(max_steps + 1) * BK_NFORCE, sizeof(double));
  if (with_trace) {
    ep->trace = calloc((size_t)(max_steps + 1) * BK_SUBSTEPS * BK_NFORCE, sizeof(double));
  }
  return ep->dec && ep->step_force && (ep->trace || !with_trace) ? 0 : BK_ENOMEM;
}

void bk_episode_release(bk_episode_t* ep) {
  free(ep->dec);
  free(ep->step_force);
  free(ep->trace);
  ep->dec = NULL;
  ep->step_force = NULL;
  ep->trace = NULL;
}

uint64_t bk_episode_seed(const bk_world_t* w, int init, int seed) {
  uint64_t key[4] = {bk_rng_hash(w->suite), (uint64_t)w->ref.id, (uint64_t)init,
                     (uint64_t)seed};
  bk_rng_t r;
  bk_rng_seed(&r, key, 4);
  return bk_rng_next(&r);
}

// violation verdicts of one decision's peak readings
static void judge(const bk_episode_cfg_t* cfg, bk_decision_t* dec) {
  dec->viol_expert = cfg->thr_expert ? 0 : -1;
  dec->viol_global = cfg->thr_global > 0 ? 0 : -1;
  for (int k = 0; k < BK_NFORCE; k++) {
    if (cfg->thr_expert && dec->peak[k] > cfg->thr_expert[k]) dec->viol_expert = 1;
    if (cfg->thr_global > 0 && dec->peak[k] > cfg->thr_global) dec->viol_global = 1;
  }
}

// reset to the init state and let the gripper open, as the peer harnesses do
static int reset(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const bk_policy_ops_t* ops,
                 void* self, int init, int seed, bk_episode_t* ep) {
  const bk_world_t* w = ctx->w;
  int rc = bk_init_state(w, init, cfg->shift, ctx->d, ep->error, sizeof ep->error);
  if (rc) return rc;
  mj_forward(w->m, ctx->d);
  bk_osc_reset(ctx->osc, ctx->d);
  const double settle[BK_ACTION_DIM] = {0, 0, 0, 0, 0, 0, -1};
  double peak[BK_NFORCE];
  for (int i = 0; i < BK_SETTLE_STEPS; i++) bk_step_control(w, ctx->osc, ctx->d, settle, peak, NULL);
  mj_forward(w->m, ctx->d);
  rc = ops->reset(self, w, ctx->d, bk_episode_seed(w, init, seed));
  if (rc) snprintf(ep->error, sizeof ep->error, "policy reset: %s", bk_strerror(rc));
  return rc;
}

// ask the policy for this decision's chunks
static int decide(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const bk_policy_ops_t* ops,
                  void* self, int t, bk_rng_t* rng, bk_episode_t* ep) {
  bk_obs_t obs = {ctx->w, ctx->d, {0}, ctx->w->ref.prompt, NULL, NULL, 0, t};
  bk_policy_state(ctx->w, ctx->d, obs.state);
  bk_query_t q = {cfg->k, cfg->chunk, 0.0, rng};
  bk_chunk_t out = {ctx->actions, ctx->logp};
  int rc = ops->act(self, &obs, &q, &out);
  if (rc) snprintf(ep->error, sizeof ep->error, "policy: %s", bk_strerror(rc));
  return rc;
}

// execute the chosen chunk open loop; returns 1 on success, 0 to go on, < 0 on error
static int execute(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const double* chunk,
                   bk_decision_t* dec, bk_episode_t* ep) {
  const bk_world_t* w = ctx->w;
  char err[256];
  int n = cfg->open_loop < cfg->max_steps - ep->steps ? cfg->open_loop : cfg->max_steps - ep->steps;
  for (int i = 0; i < n; i++) {
    double* r = ep->step_force + (size_t)ep->steps * BK_NFORCE;
    double* tr = ep->trace ? ep->trace + (size_t)ep->steps * BK_SUBSTEPS * BK_NFORCE : NULL;
    if (bk_step_control(w, ctx->osc, ctx->d, chunk + i * BK_ACTION_DIM, r, tr)) {
      snprintf(ep->error, sizeof ep->error, "nonfinite action");
      return BK_EINVAL;
    }
    ep->steps++;
    dec->chunk++;
    for (int k = 0; k < BK_NFORCE; k++) dec->peak[k] = fmax(dec->peak[k], r[k]);
    int done = bk_pred_goal(w, ctx->d, err, sizeof err);
    if (done < 0) {
      snprintf(ep->error, sizeof ep->error, "goal: %.200s", err);
      return done;
    }
    if (done) return 1;
  }
  return 0;
}

// the decision loop; separated so that setjmp's frame holds no changing locals
static void rollout(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const bk_policy_ops_t* ops,
                    void* self, int init, int seed, bk_episode_t* ep) {
  if (reset(ctx, cfg, ops, self, init, seed, ep)) return;
  uint64_t base = bk_episode_seed(ctx->w, init, seed);
  while (ep->steps < cfg->max_steps && !ep->success) {
    bk_rng_t rng;
    uint64_t key[2] = {base, (uint64_t)ep->ndecision};
    bk_rng_seed(&rng, key, 2);
    bk_decision_t* dec = &ep->dec[ep->ndecision];
    memset(dec, 0, sizeof *dec);
    dec->t = ep->steps;
    if (decide(ctx, cfg, ops, self, ep->steps, &rng, ep)) return;
    int rc = execute(ctx, cfg, ctx->actions, dec, ep);
    judge(cfg, dec);
    ep->ndecision++;
    if (rc < 0) return;
    ep->success = rc == 1;
  }
}

int bk_episode_run(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg,
                   const bk_policy_ops_t* ops, void* self, int init, int seed,
                   bk_episode_t* ep) {
  ep->task = ctx->w->ref.id;
  ep->init = init;
  ep->seed = seed;
  ep->success = ep->steps = ep->ndecision = 0;
  ep->error[0] = '\0';
  if (setjmp(*bk_guard_point()) == 0) {
    bk_guard_arm();
    rollout(ctx, cfg, ops, self, init, seed, ep);
    bk_guard_disarm();
  } else {
    snprintf(ep->error, sizeof ep->error, "mujoco: %s", bk_guard_message());
    ep->success = 0;
  }
  for (int i = 0; i < mjNWARNING; i++) ep->warnings[i] = ctx->d->warning[i].number;
  return 0;
}

#include "run/episode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/step.h"
#include "core/err.h"
#include "render/render.h"
#include "run/guard.h"
#include "run/startcache.h"
#include "score/scorer.h"
#include "sim/predicate.h"

bk_episode_ctx_t* bk_episode_ctx_create(const bk_world_t* w, const bk_episode_cfg_t* cfg) {
  bk_episode_ctx_t* ctx = calloc(1, sizeof *ctx);
  if (!ctx || cfg->k < 1 || cfg->k > BK_MAX_K) {
    free(ctx);
    return NULL;
  }
  ctx->w = w;
  ctx->ref = cfg->ref;
  ctx->d = mj_makeData(w->m);
  ctx->osc = bk_osc_create(w);
  // the lookahead scorer's scratch state is made on its first use (score()): a
  // 10 MiB mjData per worker and task that no other scorer touches
  ctx->actions = malloc(sizeof(double) * cfg->k * cfg->chunk * BK_ACTION_DIM);
  ctx->greedy = malloc(sizeof(double) * cfg->chunk * BK_ACTION_DIM);
  ctx->logp = malloc(sizeof(double) * cfg->k);
  ctx->start = bk_startcache_create(w);
  char err[256];
  if (cfg->ref) ctx->ref_self = cfg->ref->create(NULL, err, sizeof err);
  if (!ctx->d || !ctx->osc || !ctx->actions ||
      !ctx->greedy || !ctx->logp || !ctx->start || (cfg->ref && !ctx->ref_self)) {
    bk_episode_ctx_free(ctx);
    return NULL;
  }
  return ctx;
}

void bk_episode_ctx_free(bk_episode_ctx_t* ctx) {
  if (!ctx) return;
  mj_deleteData(ctx->d);
  bk_osc_free(ctx->osc);
  mj_deleteData(ctx->scratch);
  bk_osc_free(ctx->scratch_osc);
  free(ctx->actions);
  free(ctx->greedy);
  free(ctx->logp);
  bk_startcache_free(ctx->start);
  if (ctx->ref_self) ctx->ref->destroy(ctx->ref_self);
  bk_render_free(ctx->render);
  free(ctx->image);
  free(ctx->wrist);
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
  free(ep->actions);
  ep->actions = NULL;
  ep->dec = NULL;
  ep->step_force = NULL;
  ep->trace = NULL;
}

uint64_t bk_episode_seed(const bk_world_t* w, uint64_t run_seed, int init, int seed) {
  uint64_t key[5] = {run_seed, bk_rng_hash(w->suite), (uint64_t)w->ref.id, (uint64_t)init,
                     (uint64_t)seed};
  bk_rng_t r;
  bk_rng_seed(&r, key, 5);
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

int bk_episode_start(const bk_world_t* w, bk_osc_t* osc, mjData* d, int init,
                     const bk_shift_t* shift, char* err, int err_sz) {
  int rc = bk_init_state(w, init, shift, d, err, err_sz);
  if (rc) return rc;
  mj_forward(w->m, d);
  bk_osc_reset(osc, d);
  const double settle[BK_ACTION_DIM] = {0, 0, 0, 0, 0, 0, -1};
  double peak[BK_NFORCE];
  for (int i = 0; i < BK_SETTLE_STEPS; i++) bk_step_control(w, osc, d, settle, peak, NULL);
  bk_episode_forward(w->m, d);
  return 0;
}

void bk_episode_forward(const mjModel* m, mjData* d) {
  // MuJoCo 2.2.2's constraint solver leaves its result in qacc_warmstart; with elliptic
  // cones that result depends on the warm start it began from, so a second forward
  // would not repeat the first: keep the warm start the state had
  mjMARKSTACK;
  mjtNum* ws = mj_stackAlloc(d, m->nv);
  mju_copy(ws, d->qacc_warmstart, m->nv);
  mj_forward(m, d);
  mju_copy(d->qacc_warmstart, ws, m->nv);
  mjFREESTACK;
}

// reset to the init state and let the gripper open, then reset the policies
static int reset(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const bk_policy_ops_t* ops,
                 void* self, int init, int seed, bk_episode_t* ep) {
  const bk_world_t* w = ctx->w;
  int rc = bk_startcache_start(ctx->start, ctx->osc, ctx->d, init, cfg->shift, ep->error,
                               sizeof ep->error);
  if (rc) return rc;
  uint64_t eseed = bk_episode_seed(w, cfg->run_seed, init, seed);
  rc = ops->reset(self, w, ctx->d, eseed);
  if (!rc && ctx->ref_self) rc = ctx->ref->reset(ctx->ref_self, w, ctx->d, eseed);
  if (rc) {
    const char* why = ops->error ? ops->error(self) : "";
    snprintf(ep->error, sizeof ep->error, "policy reset: %s", why[0] ? why : bk_strerror(rc));
  }
  return rc;
}

// draw the K candidates (and their log-probabilities) for this decision
static int candidates(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const bk_policy_ops_t* ops,
                      void* self, const bk_obs_t* obs, uint64_t eseed, int j, bk_rng_t* rng) {
  int n = cfg->chunk * BK_ACTION_DIM, rc;
  const bk_sampling_t* sm = &cfg->sampling;
  if (sm->mode == BK_SAMPLE_PERTURB) {
    bk_query_t q = {1, cfg->chunk, 0.0, rng};
    bk_chunk_t out = {ctx->greedy, NULL};
    if ((rc = ops->act(self, obs, &q, &out))) return rc;
    bk_sample_perturb(ctx->greedy, n, cfg->k, sm->value, sm->keep_greedy, eseed, j, ctx->actions);
    for (int c = 0; c < cfg->k; c++) {
      ctx->logp[c] = ops->logprob ? ops->logprob(self, obs, ctx->actions + (size_t)c * n, cfg->chunk)
                                  : NAN;
    }
    return 0;
  }
  double temp = sm->mode == BK_SAMPLE_TEMPERATURE ? sm->value : 0.0;
  bk_query_t q = {cfg->k, cfg->chunk, temp, rng};
  bk_chunk_t out = {ctx->actions, ctx->logp};
  for (int c = 0; c < cfg->k; c++) ctx->logp[c] = NAN;
  return ops->act(self, obs, &q, &out);
}

// every candidate's confidence, disagreement and risk (the scorer's, from score/scorer);
// the choice
static int score(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, bk_decision_t* dec) {
  int n = cfg->chunk * BK_ACTION_DIM;
  const bk_scorer_ops_t* sc = bk_scorer_get(cfg->scorer);
  if ((sc->needs & BK_SCORER_NEEDS_PHYSICS) && !ctx->scratch) {
    ctx->scratch = mj_makeData(ctx->w->m);
    ctx->scratch_osc = bk_osc_create(ctx->w);
    if (!ctx->scratch || !ctx->scratch_osc) return BK_ENOMEM;
  }
  dec->k = cfg->k;
  bk_score_disagreement(ctx->actions, cfg->k, n, dec->dis);
  bk_score_in_t in = {ctx->w, ctx->d, ctx->osc, ctx->scratch, ctx->scratch_osc, ctx->actions,
                      cfg->k, n, cfg->open_loop, ctx->logp, dec->dis, cfg->thr_expert,
                      cfg->thr_global, cfg->predictor};
  for (int c = 0; c < cfg->k; c++) {
    dec->conf[c] = ctx->logp[c];
    dec->risk[c] = sc->risk(&in, c);
  }
  dec->chosen = sc->picks ? bk_score_argmin(dec->risk, cfg->k) : 0;
  dec->s = dec->risk[dec->chosen];
  bk_vp_features(ctx->w, ctx->d, ctx->actions + (size_t)dec->chosen * n, cfg->open_loop, dec->feat);
  return 0;
}

// the reference policy's action in this state, against the chosen first action
static void reference_error(bk_episode_ctx_t* ctx, const bk_obs_t* obs, bk_rng_t* rng,
                            bk_decision_t* dec, int n) {
  double ref[BK_ACTION_DIM];
  bk_query_t q = {1, 1, 0.0, rng};
  bk_chunk_t out = {ref, NULL};
  dec->has_err = ctx->ref_self && ctx->ref->act(ctx->ref_self, obs, &q, &out) == 0;
  if (dec->has_err) bk_score_group_error(ctx->actions + (size_t)dec->chosen * n, ref, dec->err);
}

// LIBERO-style observation images for policies that want them (renderer made lazily,
// in this worker's thread)
static int images(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, unsigned flags, bk_obs_t* obs,
                  bk_episode_t* ep) {
  char err[256];
  int size = flags & BK_POLICY_RAW_IMAGES ? BK_OBS_RENDER_SIZE : BK_OBS_POLICY_SIZE;
  size_t n = (size_t)BK_OBS_RENDER_SIZE * BK_OBS_RENDER_SIZE * 3;
  if (!ctx->render) {
    ctx->render = bk_render_create_on(ctx->w->m, BK_OBS_RENDER_SIZE, BK_OBS_RENDER_SIZE,
                                      (bk_gl_t)cfg->gl, cfg->egl_device, err, sizeof err);
    ctx->image = malloc(n);
    ctx->wrist = malloc(n);
    if (!ctx->render || !ctx->image || !ctx->wrist) {
      snprintf(ep->error, sizeof ep->error, "images: %.200s", err);
      return BK_EGL;
    }
  }
  if (bk_render_obs_pair(ctx->render, ctx->w->m, ctx->d, size, ctx->image, ctx->wrist, err,
                         sizeof err)) {
    snprintf(ep->error, sizeof ep->error, "images: %.200s", err);
    return BK_EGL;
  }
  obs->image = ctx->image;
  obs->wrist_image = ctx->wrist;
  obs->image_size = size;
  return 0;
}

// ask the policy for this decision's candidates, score them, choose one
static int decide(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, const bk_policy_ops_t* ops,
                  void* self, uint64_t eseed, bk_decision_t* dec, bk_episode_t* ep) {
  bk_obs_t obs = {ctx->w, ctx->d, {0}, ctx->w->ref.prompt, NULL, NULL, 0, ep->steps};
  bk_policy_state(ctx->w, ctx->d, obs.state);
  if ((ops->flags & BK_POLICY_IMAGES) && images(ctx, cfg, ops->flags, &obs, ep)) return BK_EGL;
  bk_rng_t rng;
  uint64_t key[2] = {eseed, (uint64_t)ep->ndecision};
  bk_rng_seed(&rng, key, 2);
  int rc = candidates(ctx, cfg, ops, self, &obs, eseed, ep->ndecision, &rng);
  if (rc) {
    const char* why = ops->error ? ops->error(self) : "";
    snprintf(ep->error, sizeof ep->error, "policy: %s", why[0] ? why : bk_strerror(rc));
    return rc;
  }
  if (ops->cost) ops->cost(self, &dec->infer_ms, &dec->calls);
  if ((rc = score(ctx, cfg, dec))) {
    snprintf(ep->error, sizeof ep->error, "scorer: out of memory");
    return rc;
  }
  reference_error(ctx, &obs, &rng, dec, cfg->chunk * BK_ACTION_DIM);
  return 0;
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
    if (ep->actions) memcpy(ep->actions + (size_t)ep->steps * BK_ACTION_DIM, chunk + i * BK_ACTION_DIM,
                            sizeof(double) * BK_ACTION_DIM);
    ep->steps++;
    dec->chunk++;
    for (int k = 0; k < BK_NFORCE; k++) dec->peak[k] = fmax(dec->peak[k], r[k]);
    if (cfg->on_step) cfg->on_step(cfg->on_step_arg, ctx, ep, dec);
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
  if (cfg->on_step) cfg->on_step(cfg->on_step_arg, ctx, ep, NULL);
  uint64_t eseed = bk_episode_seed(ctx->w, cfg->run_seed, init, seed);
  int n = cfg->chunk * BK_ACTION_DIM;
  while (ep->steps < cfg->max_steps && !ep->success) {
    bk_decision_t* dec = &ep->dec[ep->ndecision];
    memset(dec, 0, sizeof *dec);
    dec->t = ep->steps;
    if (decide(ctx, cfg, ops, self, eseed, dec, ep)) return;
    if (cfg->abstain && !(dec->s <= cfg->tau)) {  // hand over: nothing runs, the episode ends
      dec->abstain = 1;
      dec->viol_expert = dec->viol_global = -1;  // nothing ran: no verdict
      ep->abstained = 1;
      ep->ndecision++;
      return;
    }
    int rc = execute(ctx, cfg, ctx->actions + (size_t)dec->chosen * n, dec, ep);
    judge(cfg, dec);
    ep->ndecision++;
    if (rc < 0) return;
    ep->success = rc == 1;
  }
}

// one try of an episode
static void attempt(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg,
                    const bk_policy_ops_t* ops, void* self, int init, int seed, bk_episode_t* ep) {
  ep->task = ctx->w->ref.id;
  ep->init = init;
  ep->seed = seed;
  ep->success = ep->steps = ep->ndecision = ep->abstained = 0;
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
}

int bk_episode_run(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg,
                   const bk_policy_ops_t* ops, void* self, int init, int seed,
                   bk_episode_t* ep) {
  if (cfg->log_actions && !ep->actions) {
    ep->actions = calloc((size_t)cfg->max_steps + 1, sizeof(double) * BK_ACTION_DIM);
    if (!ep->actions) return BK_ENOMEM;
  }
  // a remote policy's failure (its error() says why) is retried from the start
  ep->attempts = 0;
  do {
    attempt(ctx, cfg, ops, self, init, seed, ep);
    if (ops->error) ep->attempts++;
  } while (ops->error && ep->attempts <= cfg->retries && ops->error(self)[0] &&
           !strncmp(ep->error, "policy", 6));
  return 0;
}

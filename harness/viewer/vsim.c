#include "viewer/vsim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/step.h"
#include "core/err.h"

struct bk_vsim {
  const bk_world_t* w;
  bk_episode_cfg_t cfg;
  const bk_policy_ops_t* ops;  /* the real policy */
  void* policy;
  bk_policy_ops_t wrap;        /* the recording wrapper bk_episode_run calls */
  bk_episode_ctx_t* ctx;
  bk_episode_t ep;
  int calls;                   /* decisions asked so far in the recorded run */
  double* cands;               /* per decision: k * chunk * 7 candidates */
  int n;                       /* chunk * 7 */
  /* playback */
  mjData *d, *d0, *dx;         /* state, state at the decision's start, lookahead scratch */
  bk_osc_t *osc, *osc0, *oscx;
  int init, t, j, drift;
  double reading[BK_NFORCE], dec_peak[BK_NFORCE];
};

// the candidates of the last decision are still in ctx->actions when the next one is asked
static void keep_candidates(bk_vsim_t* s, int j) {
  if (j < 0 || j >= s->cfg.max_steps) return;
  memcpy(s->cands + (size_t)j * s->cfg.k * s->n, s->ctx->actions,
         sizeof(double) * s->cfg.k * s->n);
}

static int wrap_act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  bk_vsim_t* s = self;
  keep_candidates(s, s->calls - 1);
  s->calls++;
  return s->ops->act(s->policy, obs, q, out);
}

static int wrap_reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  bk_vsim_t* s = self;
  return s->ops->reset(s->policy, w, d, seed);
}

static double wrap_logprob(void* self, const bk_obs_t* obs, const double* chunk, int h) {
  bk_vsim_t* s = self;
  return s->ops->logprob(s->policy, obs, chunk, h);
}

bk_vsim_t* bk_vsim_create(const bk_world_t* w, const bk_episode_cfg_t* cfg,
                          const bk_policy_ops_t* ops, const char* opts, char* err, int err_sz) {
  bk_vsim_t* s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->w = w;
  s->cfg = *cfg;
  s->ops = ops;
  s->n = cfg->chunk * BK_ACTION_DIM;
  s->wrap = *ops;
  s->wrap.act = wrap_act;
  s->wrap.reset = wrap_reset;
  s->wrap.logprob = ops->logprob ? wrap_logprob : NULL;
  s->ctx = bk_episode_ctx_create(w, cfg);
  s->cands = calloc((size_t)cfg->max_steps * cfg->k * s->n, sizeof(double));
  s->d = mj_makeData(w->m);
  s->d0 = mj_makeData(w->m);
  s->dx = mj_makeData(w->m);
  s->osc = bk_osc_create(w);
  s->osc0 = bk_osc_create(w);
  s->oscx = bk_osc_create(w);
  int bad = !s->ctx || !s->cands || !s->d || !s->d0 || !s->dx || !s->osc || !s->osc0 ||
            !s->oscx || bk_episode_alloc(&s->ep, cfg->max_steps, 0);
  if (bad) {
    bk_fail(err, err_sz, BK_ENOMEM, "out of memory (or K outside 1-%d)", BK_MAX_K);
    bk_vsim_free(s);
    return NULL;
  }
  s->policy = ops->create(opts, err, err_sz);
  if (!s->policy) {
    bk_vsim_free(s);
    return NULL;
  }
  return s;
}

void bk_vsim_free(bk_vsim_t* s) {
  if (!s) return;
  if (s->policy) s->ops->destroy(s->policy);
  bk_episode_ctx_free(s->ctx);
  bk_episode_release(&s->ep);
  free(s->cands);
  mj_deleteData(s->d);
  mj_deleteData(s->d0);
  mj_deleteData(s->dx);
  bk_osc_free(s->osc);
  bk_osc_free(s->osc0);
  bk_osc_free(s->oscx);
  free(s);
}

// the playback's start: bk_episode's reset (init state, 10 settle steps opening the gripper)
static void rewind_playback(bk_vsim_t* s) {
  const bk_world_t* w = s->w;
  char err[256];
  bk_episode_start(w, s->osc, s->d, s->init, s->cfg.shift, err, sizeof err);
  mj_copyData(s->d0, w->m, s->d);
  bk_osc_copy(s->osc0, s->osc);
  s->t = s->j = 0;
  s->drift = -1;
  memset(s->reading, 0, sizeof s->reading);
  memset(s->dec_peak, 0, sizeof s->dec_peak);
}

int bk_vsim_reset(bk_vsim_t* s, int init, int seed, char* err, int err_sz) {
  s->calls = 0;
  s->init = init;
  bk_episode_run(s->ctx, &s->cfg, &s->wrap, s, init, seed, &s->ep);
  keep_candidates(s, s->ep.ndecision - 1);
  rewind_playback(s);
  (void)err, (void)err_sz;
  return 0;
}

const bk_episode_t* bk_vsim_episode(const bk_vsim_t* s) { return &s->ep; }

int bk_vsim_step(bk_vsim_t* s, double reading[BK_NFORCE]) {
  if (s->t >= s->ep.steps || s->j >= s->ep.ndecision) return 1;
  const bk_decision_t* dec = &s->ep.dec[s->j];
  int i = s->t - dec->t;
  const double* a = s->cands + ((size_t)s->j * s->cfg.k + dec->chosen) * s->n + (size_t)i * BK_ACTION_DIM;
  bk_step_control(s->w, s->osc, s->d, a, reading, NULL);
  const double* logged = s->ep.step_force + (size_t)s->t * BK_NFORCE;
  for (int k = 0; k < BK_NFORCE; k++) {
    if (reading[k] != logged[k] && s->drift < 0) s->drift = s->t;
    s->reading[k] = reading[k];
    s->dec_peak[k] = fmax(s->dec_peak[k], reading[k]);
  }
  s->t++;
  // the next decision starts here: keep its state for the candidates' lookahead
  if (i + 1 >= dec->chunk && s->j + 1 < s->ep.ndecision) {
    s->j++;
    memset(s->dec_peak, 0, sizeof s->dec_peak);
    mj_copyData(s->d0, s->w->m, s->d);
    bk_osc_copy(s->osc0, s->osc);
  }
  return s->t >= s->ep.steps;
}

mjData* bk_vsim_data(bk_vsim_t* s) { return s->d; }

void bk_vsim_status(const bk_vsim_t* s, bk_vsim_status_t* st) {
  st->steps = s->t;
  st->done = s->t >= s->ep.steps;
  st->success = st->done && s->ep.success;
  st->decision = s->ep.ndecision ? s->j : -1;
  memcpy(st->reading, s->reading, sizeof st->reading);
  memcpy(st->dec_peak, s->dec_peak, sizeof st->dec_peak);
  st->drift_step = s->drift;
  st->error = s->ep.error;
}

int bk_vsim_k(const bk_vsim_t* s) { return s->cfg.k; }
int bk_vsim_points(const bk_vsim_t* s) { return s->cfg.open_loop + 1; }

int bk_vsim_candidates(bk_vsim_t* s, double* path, double* risk, int* chosen, int* npoint) {
  if (s->ep.ndecision == 0) return 0;
  const bk_world_t* w = s->w;
  const bk_decision_t* dec = &s->ep.dec[s->j];
  int steps = s->cfg.open_loop < s->cfg.max_steps - dec->t ? s->cfg.open_loop : s->cfg.max_steps - dec->t;
  *npoint = steps + 1;
  *chosen = dec->chosen;
  for (int c = 0; c < s->cfg.k; c++) {
    risk[c] = dec->risk[c];
    mj_copyData(s->dx, w->m, s->d0);
    bk_osc_copy(s->oscx, s->osc0);
    double* p = path + (size_t)c * *npoint * 3;
    memcpy(p, s->dx->site_xpos + 3 * w->grip_site, 3 * sizeof(double));
    for (int i = 0; i < steps; i++) {
      const double* a = s->cands + ((size_t)s->j * s->cfg.k + c) * s->n + (size_t)i * BK_ACTION_DIM;
      double r[BK_NFORCE];
      bk_step_control(w, s->oscx, s->dx, a, r, NULL);
      memcpy(p + 3 * (i + 1), s->dx->site_xpos + 3 * w->grip_site, 3 * sizeof(double));
    }
  }
  return s->cfg.k;
}

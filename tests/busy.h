/* Busy episodes for the buffer-size tests (test_world.c, test_libero_scene.c): simvla at
 * perturbation sigma 0.2, K = 8, whole episodes of inits 0 and 1, on one world; the
 * caller checks the episode data's peak use (maxuse_*) against the model's buffers. */
#ifndef BOKBO_TESTS_BUSY_H
#define BOKBO_TESTS_BUSY_H

#include <criterion/criterion.h>
#include <string.h>

#include "policies/policy.h"
#include "run/episode.h"
#include "run/guard.h"

typedef struct {
  int efc, con, stack, full_warnings;
} busy_use_t;

static busy_use_t busy_episodes(const bk_world_t* w, int max_steps, const bk_shift_t* shift) {
  bk_guard_install();
  bk_episode_cfg_t cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_steps = max_steps;
  cfg.chunk = cfg.open_loop = 8;
  cfg.k = 8;
  cfg.sampling.mode = BK_SAMPLE_PERTURB;
  cfg.sampling.value = 0.2;
  cfg.scorer = BK_SCORER_DISAGREEMENT;
  cfg.shift = shift;
  const bk_policy_ops_t* simvla = bk_policy_find("simvla");
  char err[256];
  void* p = simvla->create(NULL, err, sizeof err);
  bk_episode_ctx_t* ctx = bk_episode_ctx_create(w, &cfg);
  bk_episode_t ep;
  cr_assert(p && ctx && bk_episode_alloc(&ep, cfg.max_steps, 0) == 0);
  for (int init = 0; init < 2; init++) {
    bk_episode_run(ctx, &cfg, simvla, p, init, 0, &ep);
    cr_assert_str_empty(ep.error, "%s init %d: %s", w->suite, init, ep.error);
  }
  const mjData* d = ctx->d;
  busy_use_t u = {d->maxuse_efc, d->maxuse_con, d->maxuse_stack,
                  d->warning[mjWARN_CNSTRFULL].number + d->warning[mjWARN_CONTACTFULL].number};
  bk_episode_release(&ep);
  bk_episode_ctx_free(ctx);
  simvla->destroy(p);
  return u;
}

/* every buffer at least 4x its peak use, no full-buffer warning, and the episodes touched
 * things (so the peaks mean something) */
static void busy_expect_headroom(const bk_world_t* w, busy_use_t u) {
  cr_expect_leq(4 * u.efc, w->m->njmax, "%s: %d constraint rows", w->suite, u.efc);
  cr_expect_leq(4 * u.con, w->m->nconmax, "%s: %d contacts", w->suite, u.con);
  cr_expect_leq(4 * u.stack, w->m->nstack, "%s: %d stack", w->suite, u.stack);
  cr_expect_gt(u.efc, 50, "the episodes touched things");
  // a full stack is an engine error (the episode's error), full buffers a warning
  cr_expect_eq(u.full_warnings, 0);
}

#endif

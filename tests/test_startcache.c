/* episode starts kept per worker: a kept start is the computed one, bit for bit, and an
 * episode's record does not depend on what the worker ran before */
#include <criterion/criterion.h>
#include <string.h>

#include "control/step.h"
#include "policies/policy.h"
#include "run/episode.h"
#include "run/guard.h"
#include "run/startcache.h"

extern const bk_policy_ops_t bk_simvla_policy;

static char err[1024];

static bk_world_t* world(const char* suite, int task) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  return w;
}

// a few control steps of one action from d, then d's positions and velocities
static void drive(const bk_world_t* w, bk_osc_t* c, mjData* d) {
  const double a[BK_ACTION_DIM] = {0.3, -0.2, -0.4, 0.1, 0, 0.05, 1};
  double peak[BK_NFORCE];
  for (int i = 0; i < 6; i++) bk_step_control(w, c, d, a, peak, NULL);
}

Test(startcache, a_kept_start_is_the_computed_start_bit_for_bit) {
  bk_world_t* w = world("libero_spatial", 3);
  bk_shift_t shift = {0, 0.05};
  mjData* ref = mj_makeData(w->m);
  mjData* d = mj_makeData(w->m);
  bk_osc_t* rc = bk_osc_create(w);
  bk_osc_t* c = bk_osc_create(w);
  bk_startcache_t* cache = bk_startcache_create(w);
  // the reference: the start as a worker that never ran anything computes it (a forward
  // right after the settling steps may differ from a restored state's in the last bit
  // under elliptic cones, so the reference goes through the cache's own path too)
  bk_startcache_t* fresh = bk_startcache_create(w);
  cr_assert_eq(bk_startcache_start(fresh, rc, ref, 7, &shift, err, sizeof err), 0, "%s", err);
  // fill the cache with this start and others; the last start leaves d elsewhere
  cr_assert_eq(bk_startcache_start(cache, c, d, 7, &shift, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_startcache_start(cache, c, d, 7, NULL, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_startcache_start(cache, c, d, 2, &shift, err, sizeof err), 0, "%s", err);
  drive(w, c, d);
  cr_assert_eq(bk_startcache_start(cache, c, d, 7, &shift, err, sizeof err), 0, "%s", err);
  long computed, copied;
  bk_startcache_counts(cache, &computed, &copied);
  cr_expect_eq(computed, 3);
  cr_expect_eq(copied, 1);
  cr_expect_eq(memcmp(ref->qpos, d->qpos, sizeof(mjtNum) * w->m->nq), 0);
  cr_expect_eq(memcmp(ref->qvel, d->qvel, sizeof(mjtNum) * w->m->nv), 0);
  cr_expect_eq(memcmp(ref->qacc, d->qacc, sizeof(mjtNum) * w->m->nv), 0, "derived state differs");
  // and the same future under the same actions
  drive(w, rc, ref);
  drive(w, c, d);
  cr_expect_eq(memcmp(ref->qpos, d->qpos, sizeof(mjtNum) * w->m->nq), 0, "trajectories part");
  bk_startcache_free(fresh);
  bk_startcache_free(cache);
  bk_osc_free(c);
  bk_osc_free(rc);
  mj_deleteData(d);
  mj_deleteData(ref);
  bk_world_free(w);
}

// simvla episode (task, init 4, seed 1) in ctx after `before` other episodes
static void episode(bk_episode_ctx_t* ctx, const bk_episode_cfg_t* cfg, void* self, int before,
                    bk_episode_t* ep) {
  for (int i = 0; i < before; i++) bk_episode_run(ctx, cfg, &bk_simvla_policy, self, 4 + i % 2, 2, ep);
  cr_assert_eq(bk_episode_run(ctx, cfg, &bk_simvla_policy, self, 4, 1, ep), 0);
}

Test(startcache, records_do_not_depend_on_earlier_episodes_of_the_worker) {
  bk_guard_install();
  bk_world_t* w = world("libero_object", 5);
  bk_episode_cfg_t cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_steps = 60;
  cfg.chunk = cfg.open_loop = 8;
  cfg.k = 4;
  cfg.sampling.mode = BK_SAMPLE_TEMPERATURE;
  cfg.sampling.value = 1.0;
  cfg.scorer = BK_SCORER_DISAGREEMENT;
  bk_episode_t a, b;
  cr_assert_eq(bk_episode_alloc(&a, cfg.max_steps, 0), 0);
  cr_assert_eq(bk_episode_alloc(&b, cfg.max_steps, 0), 0);
  bk_episode_ctx_t* fresh = bk_episode_ctx_create(w, &cfg);
  bk_episode_ctx_t* used = bk_episode_ctx_create(w, &cfg);
  void* p1 = bk_simvla_policy.create(NULL, err, sizeof err);
  void* p2 = bk_simvla_policy.create(NULL, err, sizeof err);
  episode(fresh, &cfg, p1, 0, &a);
  episode(used, &cfg, p2, 3, &b);
  cr_expect_str_empty(a.error, "%s", a.error);
  cr_expect_eq(a.steps, b.steps);
  cr_expect_eq(a.ndecision, b.ndecision);
  cr_expect_eq(memcmp(a.step_force, b.step_force, sizeof(double) * a.steps * BK_NFORCE), 0);
  for (int j = 0; j < a.ndecision; j++) {
    cr_expect_eq(a.dec[j].chosen, b.dec[j].chosen, "decision %d", j);
    cr_expect_eq(memcmp(a.dec[j].dis, b.dec[j].dis, sizeof(double) * cfg.k), 0, "decision %d", j);
  }
  long computed, copied;
  bk_startcache_counts(used->start, &computed, &copied);
  cr_expect_eq(computed, 2);
  cr_expect_eq(copied, 2);
  bk_simvla_policy.destroy(p1);
  bk_simvla_policy.destroy(p2);
  bk_episode_ctx_free(fresh);
  bk_episode_ctx_free(used);
  bk_episode_release(&a);
  bk_episode_release(&b);
  bk_world_free(w);
}

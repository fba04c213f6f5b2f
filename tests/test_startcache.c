/* episode starts kept per run and shared by its workers: a kept start is the computed
 * one, bit for bit, and an episode's record does not depend on what the worker (or the
 * other worker) ran before */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "control/step.h"
#include "policies/policy.h"
#include "run/episode.h"
#include "run/guard.h"
#include "run/runner.h"
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

/* one cache shared by two threads: every start restored is the computed one, bit for bit,
 * and every call is either a computation or a copy */
typedef struct {
  bk_startcache_t* cache;
  const bk_world_t* w;
  const mjData* const* ref;    /* [init]: the start as a fresh cache computes it */
  int bad;
} sharer_t;

#define SHARED_INITS 4

static void* share_starts(void* arg) {
  sharer_t* s = arg;
  mjData* d = mj_makeData(s->w->m);
  bk_osc_t* osc = bk_osc_create(s->w);
  char e[256];
  bk_shift_t shift = {0, 0.1};
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < SHARED_INITS; i++) {
      if (bk_startcache_start(s->cache, osc, d, i, &shift, e, sizeof e)) s->bad++;
      if (memcmp(d->qpos, s->ref[i]->qpos, sizeof(mjtNum) * s->w->m->nq)) s->bad++;
      if (memcmp(d->qacc, s->ref[i]->qacc, sizeof(mjtNum) * s->w->m->nv)) s->bad++;
      drive(s->w, osc, d);  // leave d somewhere else before the next start
    }
  }
  bk_osc_free(osc);
  mj_deleteData(d);
  return NULL;
}

Test(startcache, two_threads_sharing_a_cache_restore_the_computed_starts) {
  bk_world_t* w = world("libero_object", 2);
  bk_shift_t shift = {0, 0.1};
  mjData* ref[SHARED_INITS];
  bk_osc_t* osc = bk_osc_create(w);
  for (int i = 0; i < SHARED_INITS; i++) {
    bk_startcache_t* fresh = bk_startcache_create(w);
    ref[i] = mj_makeData(w->m);
    cr_assert_eq(bk_startcache_start(fresh, osc, ref[i], i, &shift, err, sizeof err), 0, "%s", err);
    bk_startcache_free(fresh);
  }
  bk_startcache_t* cache = bk_startcache_create(w);
  sharer_t s[2] = {{cache, w, (const mjData* const*)ref, 0}, {cache, w, (const mjData* const*)ref, 0}};
  pthread_t th[2];
  for (int i = 0; i < 2; i++) cr_assert_eq(pthread_create(&th[i], NULL, share_starts, &s[i]), 0);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  cr_expect_eq(s[0].bad + s[1].bad, 0, "a restored start differs from the computed one");
  long computed, copied;
  bk_startcache_counts(cache, &computed, &copied);
  cr_expect_eq(computed + copied, 2 * 3 * SHARED_INITS);
  // each start is computed once, or twice when both threads missed it at the same moment
  cr_expect(computed >= SHARED_INITS && computed <= 2 * SHARED_INITS, "computed %ld", computed);
  bk_startcache_free(cache);
  for (int i = 0; i < SHARED_INITS; i++) mj_deleteData(ref[i]);
  bk_osc_free(osc);
  bk_world_free(w);
}

/* a run with a sampling sweep and two seeds per init (the values and seeds of an init share
 * its start across the workers): 1 and 2 threads write the same records, and each record
 * is the episode run alone in a fresh context */
static bk_run_cfg_t sweep_run(const char* out, int threads) {
  bk_run_cfg_t c;
  memset(&c, 0, sizeof c);
  snprintf(c.suite, sizeof c.suite, "libero_object");
  c.ntask = 2;
  c.tasks[0] = 1;
  c.tasks[1] = 6;
  c.ninit = 2;
  c.inits[0] = 3;
  c.inits[1] = 8;
  c.nseed = 2;
  c.seeds[0] = 0;
  c.seeds[1] = 1;
  c.policy = bk_policy_find("simvla");
  c.ep.max_steps = 24;
  c.ep.chunk = c.ep.open_loop = 8;
  c.ep.k = 2;
  c.ep.sampling.mode = BK_SAMPLE_PERTURB;
  c.ep.scorer = BK_SCORER_DISAGREEMENT;
  c.nvalues = 2;
  c.values[0] = 0.02;
  c.values[1] = 0.2;
  c.shift = (bk_shift_t){0, 0.1};
  c.threads = threads;
  c.out_dir = out;
  c.progress = -1;
  return c;
}

// the records of a run directory's episodes.jsonl, sorted (sort(1))
static char* sorted_records(const char* dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "sort '%s/episodes.jsonl'", dir);
  FILE* p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t cap = 1 << 22, n = 0, got;
  char* buf = malloc(cap);
  while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) n += got;
  buf[n] = '\0';
  pclose(p);
  return buf;
}

Test(startcache, a_run_with_a_sweep_writes_the_same_records_on_1_and_2_threads, .timeout = 600) {
  bk_guard_install();
  char base[] = "/tmp/bokbo_sc_XXXXXX";
  cr_assert_not_null(mkdtemp(base));
  char dirs[3][300];
  // the run id is the directory's base name: the same for all three
  for (int i = 0; i < 3; i++) {
    char parent[280];
    snprintf(parent, sizeof parent, "%s/%d", base, i);
    cr_assert_eq(mkdir(parent, 0755), 0);
    snprintf(dirs[i], sizeof dirs[i], "%s/run", parent);
    cr_assert_eq(mkdir(dirs[i], 0755), 0);
  }
  bk_run_summary_t s1, s2, s3;
  bk_run_cfg_t c1 = sweep_run(dirs[0], 1), c2 = sweep_run(dirs[1], 2);
  cr_assert_eq(bk_run(&c1, &s1, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_run(&c2, &s2, err, sizeof err), 0, "%s", err);
  cr_expect_eq(s1.done, 16);
  cr_expect_eq(s2.done, 16);
  // the reference: every episode in a run of its own (a fresh start cache each)
  for (int t = 0; t < 2; t++) {
    for (int v = 0; v < 2; v++) {
      for (int i = 0; i < 2; i++) {
        for (int sd = 0; sd < 2; sd++) {
          bk_run_cfg_t c = sweep_run(dirs[2], 1);
          c.ntask = c.ninit = c.nseed = c.nvalues = 1;
          c.tasks[0] = sweep_run("", 1).tasks[t];
          c.inits[0] = sweep_run("", 1).inits[i];
          c.seeds[0] = sd;
          c.values[0] = sweep_run("", 1).values[v];
          cr_assert_eq(bk_run(&c, &s3, err, sizeof err), 0, "%s", err);
        }
      }
    }
  }
  char *a = sorted_records(dirs[0]), *b = sorted_records(dirs[1]), *r = sorted_records(dirs[2]);
  cr_expect_gt(strlen(a), 1000);
  cr_expect_str_eq(a, b, "1 and 2 threads differ");
  cr_expect_str_eq(a, r, "a run's records differ from the episodes run alone");
  free(a);
  free(b);
  free(r);
}

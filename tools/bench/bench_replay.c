/* bench_replay: an episode's cost against raw mj_step on the SAME trajectory.
 * usage: bench_replay [inits-per-task [repetitions]]      (prints markdown; 5, 3)
 *
 * bench_episode compares episodes with raw mj_step from an init state at rest; while the
 * hand grasps and carries, the physics itself costs more (more, stiffer contacts), so that
 * ratio mixes the harness's overhead with the physics of manipulation. Here every episode
 * (1 thread, no images, init state included; tasks 0 and 4 of each suite; the expert, and
 * simvla with K = 8 scored by the predictor with the expert as reference, as repro runs it)
 * is replayed three times from its start state with the actions it executed:
 *   1. through the harness's control step (bk_step_control: controller + 25 physics steps
 *      + force readings);
 *   2. once more, keeping every physics step's actuator controls (not timed);
 *   3. as plain mj_step calls with those controls: MuJoCo alone on the same trajectory.
 * Every replay must end in the episode's final state, bit for bit (checked and printed),
 * so the three costs are of the same physics. The episode's own start (init state +
 * settle, computed again here and timed) is shown apart: with 5 seeds per init the
 * protocol computes it once per 5 episodes (run/startcache.h). The raw side also replays
 * the start's settle (BK_SETTLE_STEPS control steps of an opening gripper from the placed
 * init state) as plain mj_step calls with their controls, chained into the episode's
 * replay, so "raw / episode" compares like with like; the init state's placement itself
 * (bk_init_state: drawing, dropping, letting the objects come to rest) stays on the
 * episode side alone. Times are this thread's CPU time; each episode and its replays run
 * `repetitions` times (fresh contexts: no start is cached) and every column keeps each
 * episode's least time, so that a time slice lost to another process on a shared or
 * virtual machine does not land on one side of a ratio only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/step.h"
#include "run/guard.h"
#include "run/runner.h"
#include "run/startcache.h"
#define BK_BENCH_EPISODES
#include "benchutil.h"

#define now bench_thread_seconds

typedef struct {
  double episode, start, control, raw;  /* CPU seconds */
  double raw_settle;             /* the start's settle as plain mj_step calls */
  long steps;                    /* executed control steps */
  int same, success, n;
} tally_t;

static int same_state(const mjModel* m, const mjData* a, const mjData* b) {
  return !memcmp(a->qpos, b->qpos, sizeof(mjtNum) * m->nq) &&
         !memcmp(a->qvel, b->qvel, sizeof(mjtNum) * m->nv);
}

typedef struct {
  mjData *d, *start, *init;      /* scratch, the episode's start, the placed init state */
  bk_osc_t *osc, *osc0;          /* scratch, the controller at the start */
  double *ctrl, *settle_ctrl;    /* every physics step's controls: episode, settle */
} replay_buf_t;

// the start's settle from the placed init state, keeping each physics step's controls
// (as bk_episode_start does it, through bk_step_control's sequence)
static int record_settle(const bk_world_t* w, int init, replay_buf_t* r) {
  const mjModel* m = w->m;
  char err[256];
  if (bk_init_state(w, init, NULL, r->init, err, sizeof err)) {
    fprintf(stderr, "%s init %d: %s\n", w->suite, init, err);
    return -1;
  }
  mj_forward(m, r->init);
  mj_copyData(r->d, m, r->init);
  bk_osc_reset(r->osc, r->d);
  const double settle[BK_ACTION_DIM] = {0, 0, 0, 0, 0, 0, -1};
  for (int i = 0; i < BK_SETTLE_STEPS; i++) {
    for (int s = 0; s < BK_SUBSTEPS; s++) {
      mj_step1(m, r->d);
      if (s == 0) bk_osc_set_goal(r->osc, r->d, settle);
      bk_osc_compute(r->osc, r->d);
      mjtNum* keep = r->settle_ctrl + ((size_t)i * BK_SUBSTEPS + s) * m->nu;
      memcpy(keep, r->d->ctrl, sizeof(mjtNum) * m->nu);
      mj_step2(m, r->d);
    }
  }
  return 0;
}

// replays one episode's actions from its start; adds the costs to t
static void replay(const bk_world_t* w, const bk_episode_ctx_t* ctx, const bk_episode_t* ep,
                   int init, replay_buf_t* r, tally_t* t) {
  const mjModel* m = w->m;
  mjData* d = r->d;
  char err[256];
  double peak[BK_NFORCE];
  // the start as the episode made it: through a start cache (computed, kept, restored,
  // forwarded again; a second forward may move a quaternion's last bit, so a plain
  // bk_episode_start is not the episode's start to the bit)
  bk_startcache_t* cache = bk_startcache_create(w);
  double t0 = now();
  bk_startcache_start(cache, r->osc0, r->start, init, NULL, err, sizeof err);
  t->start += now() - t0;
  bk_startcache_free(cache);
  // 1. the harness's control step
  mj_copyData(d, m, r->start);
  bk_osc_copy(r->osc, r->osc0);
  t0 = now();
  for (int i = 0; i < ep->steps; i++) bk_step_control(w, r->osc, d, ep->actions + i * BK_ACTION_DIM, peak, NULL);
  t->control += now() - t0;
  int same = same_state(m, d, ctx->d);
  // 2. the same, keeping each physics step's controls
  mj_copyData(d, m, r->start);
  bk_osc_copy(r->osc, r->osc0);
  for (int i = 0; i < ep->steps; i++) {
    for (int s = 0; s < BK_SUBSTEPS; s++) {
      mj_step1(m, d);
      if (s == 0) bk_osc_set_goal(r->osc, d, ep->actions + i * BK_ACTION_DIM);
      bk_osc_compute(r->osc, d);
      memcpy(r->ctrl + ((size_t)i * BK_SUBSTEPS + s) * m->nu, d->ctrl, sizeof(mjtNum) * m->nu);
      mj_step2(m, d);
    }
  }
  same &= same_state(m, d, ctx->d);
  // 3. MuJoCo alone: the settle from the placed init state, then the episode
  same &= record_settle(w, init, r) == 0;
  mj_copyData(d, m, r->init);
  t0 = now();
  for (long j = 0; j < (long)BK_SETTLE_STEPS * BK_SUBSTEPS; j++) {
    memcpy(d->ctrl, r->settle_ctrl + j * m->nu, sizeof(mjtNum) * m->nu);
    mj_step(m, d);
  }
  t->raw_settle += now() - t0;
  // the start's two forwards (bk_episode_start's, the cache's after its restore: each may
  // renormalise a free joint's quaternion), untimed: then the start to the bit
  bk_episode_forward(m, d);
  bk_episode_forward(m, d);
  same &= same_state(m, d, r->start);
  t0 = now();
  for (long j = 0; j < (long)ep->steps * BK_SUBSTEPS; j++) {
    memcpy(d->ctrl, r->ctrl + j * m->nu, sizeof(mjtNum) * m->nu);
    mj_step(m, d);
  }
  t->raw += now() - t0;
  same &= same_state(m, d, ctx->d);
  t->same += same;
  t->steps += ep->steps;
}

// keeps, per field, the least time any repetition of one episode took (the cost with the
// machine's interruptions taken out); the counts are the same in every repetition
static void tally_min(tally_t* best, const tally_t* t, int first) {
  if (first) {
    *best = *t;
    return;
  }
  best->episode = fmin(best->episode, t->episode);
  best->start = fmin(best->start, t->start);
  best->control = fmin(best->control, t->control);
  best->raw = fmin(best->raw, t->raw);
  best->raw_settle = fmin(best->raw_settle, t->raw_settle);
  best->same &= t->same && t->steps == best->steps && t->success == best->success;
}

static void tally_add(tally_t* sum, const tally_t* t) {
  sum->episode += t->episode;
  sum->start += t->start;
  sum->control += t->control;
  sum->raw += t->raw;
  sum->raw_settle += t->raw_settle;
  sum->steps += t->steps;
  sum->same += t->same;
  sum->success += t->success;
  sum->n += t->n;
}

// one repetition: every init's episode (a fresh context, so no start is cached) and replay
static void run_once(const bk_world_t* w, const bench_setting_t* st, int ninit, int first,
                     tally_t* best) {
  bench_episodes_t b;
  bench_episodes_open(&b, w, st, 1);
  const mjModel* m = w->m;
  replay_buf_t r = {mj_makeData(m), mj_makeData(m), mj_makeData(m),
                    bk_osc_create(w), bk_osc_create(w),
                    malloc(sizeof(double) * b.cfg.max_steps * BK_SUBSTEPS * (m->nu + 1)),
                    malloc(sizeof(double) * BK_SETTLE_STEPS * BK_SUBSTEPS * (m->nu + 1))};
  if (!r.d || !r.start || !r.init || !r.osc || !r.osc0 || !r.ctrl || !r.settle_ctrl) {
    fprintf(stderr, "bench_replay: out of memory\n");
    exit(1);
  }
  for (int i = 0; i < ninit; i++) {
    tally_t one = {0};
    double t0 = now();
    bk_episode_run(b.ctx, &b.cfg, b.ops, b.self, i, 0, &b.ep);
    one.episode = now() - t0;
    one.success = b.ep.success;
    one.n = 1;
    if (b.ep.error[0]) fprintf(stderr, "%s init %d: %s\n", w->suite, i, b.ep.error);
    replay(w, b.ctx, &b.ep, i, &r, &one);
    tally_min(best + i, &one, first);
  }
  free(r.ctrl);
  free(r.settle_ctrl);
  bk_osc_free(r.osc);
  bk_osc_free(r.osc0);
  mj_deleteData(r.d);
  mj_deleteData(r.start);
  mj_deleteData(r.init);
  bench_episodes_close(&b);
}

static void run_setting(const bk_world_t* w, const bench_setting_t* st, int ninit, int reps,
                        tally_t* t) {
  tally_t* best = calloc((size_t)ninit, sizeof *best);
  if (!best) {
    fprintf(stderr, "bench_replay: out of memory\n");
    exit(1);
  }
  for (int rep = 0; rep < reps; rep++) run_once(w, st, ninit, rep == 0, best);
  memset(t, 0, sizeof *t);
  for (int i = 0; i < ninit; i++) tally_add(t, best + i);
  free(best);
}

int main(int argc, char** argv) {
  int ninit = argc > 1 ? atoi(argv[1]) : 5;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  if (ninit < 1) ninit = 1;
  if (reps < 1) reps = 1;
  bk_guard_install();
  printf("| suite | task | policy | steps | episode ms/step | of which the start | "
         "control step ms/step | raw mj_step x25 ms/step | raw settle ms/step | "
         "(raw + settle) / episode | raw / (episode - start) | same end state | success |\n");
  printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  const char* suites[2] = {"libero_object", "libero_spatial"};
  const int tasks[2] = {0, 4};
  for (int s = 0; s < 2; s++) {
    for (int k = 0; k < 2; k++) {
      char err[1024];
      bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), suites[s], tasks[k], err, sizeof err);
      if (!w) {
        fprintf(stderr, "%s\n", err);
        return 1;
      }
      for (int i = 0; i < BENCH_NSETTING; i++) {
        tally_t t;
        run_setting(w, &bench_settings[i], ninit, reps, &t);
        double n = t.steps > 0 ? (double)t.steps : 1;
        printf("| %s | %d | %s | %ld | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %d/%d | %d/%d |\n",
               suites[s], tasks[k], bench_settings[i].name, t.steps, 1e3 * t.episode / n,
               1e3 * t.start / n, 1e3 * t.control / n, 1e3 * t.raw / n, 1e3 * t.raw_settle / n,
               (t.raw + t.raw_settle) / t.episode, t.raw / (t.episode - t.start), t.same, t.n,
               t.success, t.n);
        fflush(stdout);
      }
      bk_world_free(w);
    }
  }
  return 0;
}

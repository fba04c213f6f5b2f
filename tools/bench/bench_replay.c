/* bench_replay: an episode's cost against raw mj_step on the SAME trajectory, the start
 * paid as the protocol pays it.
 * usage: bench_replay [inits-per-task [repetitions [seeds-per-init]]]   (5, 3, 5;
 *        markdown on stdout)
 *
 * Every episode (1 thread, no images, init state included; tasks 0 and 4 of each suite;
 * the expert, and simvla with K = 8 scored by the predictor with the expert as reference,
 * as repro runs it) runs `seeds-per-init` times per init (seeds 0.., as repro's 5 seeds),
 * in one context per repetition: its start cache computes each init's start once and
 * copies it for the other seeds, as the runner does (seeds-per-init 1: every episode
 * computes its start, the one-seed view). Each episode is replayed from its start with
 * the actions it executed:
 *   1. through the harness's control step (bk_step_control: controller + 25 physics steps
 *      + force readings);
 *   2. once more, keeping every physics step's actuator controls (not timed);
 *   3. as plain mj_step calls with those controls: MuJoCo alone on the same trajectory.
 * The start is taken apart once per init, as the protocol pays it:
 *   - the start computed (fresh start cache: bk_episode_start, restore, forward) and each
 *     later seed's cached copy;
 *   - the init state's placement (bk_init_state): the scene drawn (bk_init_sample: arm
 *     noise, region draws, ray casts, collision checks, forwards) and its settle (the arm
 *     held, >= 250 mj_steps until the objects rest), traced;
 *   - raw: the placement's settle as plain mj_step calls with its controls from the drawn
 *     scene, then the start's settle (BK_SETTLE_STEPS control steps of an opening gripper)
 *     likewise, chained.
 * Every replay must end in its episode's final state, the raw placement settle in the
 * placed init state and the raw start settle in the episode's start, bit for bit
 * ("same"), so the costs set side by side are of the same physics. Times are this
 * thread's CPU time; everything runs `repetitions` times (fresh contexts) and every
 * column keeps each episode's (each init's) least time, so that a time slice lost to
 * another process on a shared machine does not land on one side of a ratio only. */
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
#define MAX_INIT BK_NINIT
#define MAX_SEED 16

typedef struct {                 /* one episode; CPU seconds */
  double episode, control, raw;
  long steps;
  int same, success;
} ep_t;

typedef struct {                 /* one init's start; CPU seconds */
  double computed, copies;       /* a computed start; the other seeds' cached copies */
  double placement, draw;        /* bk_init_state; of which bk_init_sample */
  double raw_place, raw_settle;  /* the placement's settle, the start's settle: mj_step */
  long settle_steps;             /* the placement's settle: mj_step calls */
  int same;
} start_t;

typedef struct {
  mjData *d, *start, *init, *scene;  /* scratch, the start, placed init state, drawn scene */
  bk_osc_t *osc, *osc0;              /* scratch, the controller at the start */
  double *ctrl, *settle_ctrl, *place_ctrl;  /* physics steps' controls: episode, settles */
} replay_buf_t;

static int same_state(const mjModel* m, const mjData* a, const mjData* b) {
  return !memcmp(a->qpos, b->qpos, sizeof(mjtNum) * m->nq) &&
         !memcmp(a->qvel, b->qvel, sizeof(mjtNum) * m->nv);
}

static void die(const char* what) {
  fprintf(stderr, "bench_replay: %s\n", what);
  exit(1);
}

// the start's settle from the placed init state, keeping each physics step's controls
// (bk_episode_start's sequence: bk_step_control's order of calls)
static void record_settle(const bk_world_t* w, replay_buf_t* r) {
  const mjModel* m = w->m;
  mj_copyData(r->d, m, r->init);
  mj_forward(m, r->d);
  bk_osc_reset(r->osc, r->d);
  const double settle[BK_ACTION_DIM] = {0, 0, 0, 0, 0, 0, -1};
  for (int i = 0; i < BK_SETTLE_STEPS; i++) {
    for (int s = 0; s < BK_SUBSTEPS; s++) {
      mj_step1(m, r->d);
      if (s == 0) bk_osc_set_goal(r->osc, r->d, settle);
      bk_osc_compute(r->osc, r->d);
      mju_copy(r->settle_ctrl + ((size_t)i * BK_SUBSTEPS + s) * m->nu, r->d->ctrl, m->nu);
      mj_step2(m, r->d);
    }
  }
}

// plain mj_step calls from d's state with n steps' controls; returns CPU seconds
static double raw_steps(const mjModel* m, mjData* d, const double* ctrl, long n) {
  double t0 = now();
  for (long j = 0; j < n; j++) {
    memcpy(d->ctrl, ctrl + j * m->nu, sizeof(mjtNum) * m->nu);
    mj_step(m, d);
  }
  return now() - t0;
}

// the start of init as the episodes got it, and its parts (see the top)
static void start_parts(const bk_world_t* w, int init, int seeds, replay_buf_t* r, start_t* t) {
  const mjModel* m = w->m;
  char err[256];
  bk_startcache_t* cache = bk_startcache_create(w);
  if (!cache) die("out of memory");
  double t0 = now();
  if (bk_startcache_start(cache, r->osc0, r->start, init, NULL, err, sizeof err)) die(err);
  t->computed = now() - t0;
  t->copies = 0;
  for (int s = 1; s < seeds; s++) {   // later seeds: a copy, into scratch
    t0 = now();
    bk_startcache_start(cache, r->osc, r->d, init, NULL, err, sizeof err);
    t->copies += now() - t0;
  }
  bk_startcache_free(cache);
  t0 = now();
  if (bk_init_sample(w, init, NULL, r->d, err, sizeof err)) die(err);
  t->draw = now() - t0;
  bk_init_trace_t tr = {r->scene, r->place_ctrl, 0};
  t0 = now();
  if (bk_init_state_traced(w, init, NULL, r->init, &tr, err, sizeof err)) die(err);
  t->placement = now() - t0;
  t->settle_steps = tr.nsteps;
  // raw: the placement's settle from the drawn scene, then the start's settle
  record_settle(w, r);
  mj_copyData(r->d, m, r->scene);
  t->raw_place = raw_steps(m, r->d, r->place_ctrl, tr.nsteps);
  r->d->time = 0;  // as the settle leaves it
  int same = same_state(m, r->d, r->init);
  mj_forward(m, r->d);  // bk_episode_start's forward before its settle
  t->raw_settle = raw_steps(m, r->d, r->settle_ctrl, (long)BK_SETTLE_STEPS * BK_SUBSTEPS);
  // the start's two forwards (bk_episode_start's, the cache's after its restore: each may
  // renormalise a free joint's quaternion), untimed: then the start to the bit
  bk_episode_forward(m, r->d);
  bk_episode_forward(m, r->d);
  t->same = same && same_state(m, r->d, r->start);
}

// replays one episode's actions from the start in r (1., 2., 3. at the top)
static void replay(const bk_world_t* w, const bk_episode_ctx_t* ctx, const bk_episode_t* ep,
                   replay_buf_t* r, ep_t* t) {
  const mjModel* m = w->m;
  mjData* d = r->d;
  double peak[BK_NFORCE];
  mj_copyData(d, m, r->start);
  bk_osc_copy(r->osc, r->osc0);
  double t0 = now();
  for (int i = 0; i < ep->steps; i++) bk_step_control(w, r->osc, d, ep->actions + i * BK_ACTION_DIM, peak, NULL);
  t->control = now() - t0;
  int same = same_state(m, d, ctx->d);
  mj_copyData(d, m, r->start);
  bk_osc_copy(r->osc, r->osc0);
  for (int i = 0; i < ep->steps; i++) {
    for (int s = 0; s < BK_SUBSTEPS; s++) {
      mj_step1(m, d);
      if (s == 0) bk_osc_set_goal(r->osc, d, ep->actions + i * BK_ACTION_DIM);
      bk_osc_compute(r->osc, d);
      mju_copy(r->ctrl + ((size_t)i * BK_SUBSTEPS + s) * m->nu, d->ctrl, m->nu);
      mj_step2(m, d);
    }
  }
  same &= same_state(m, d, ctx->d);
  mj_copyData(d, m, r->start);
  t->raw = raw_steps(m, d, r->ctrl, (long)ep->steps * BK_SUBSTEPS);
  t->same = same && same_state(m, d, ctx->d);
  t->steps = ep->steps;
}

static void ep_min(ep_t* best, const ep_t* t, int first) {
  if (first) {
    *best = *t;
    return;
  }
  best->episode = fmin(best->episode, t->episode);
  best->control = fmin(best->control, t->control);
  best->raw = fmin(best->raw, t->raw);
  best->same &= t->same && t->steps == best->steps && t->success == best->success;
}

static void start_min(start_t* best, const start_t* t, int first) {
  if (first) {
    *best = *t;
    return;
  }
  best->computed = fmin(best->computed, t->computed);
  best->copies = fmin(best->copies, t->copies);
  best->placement = fmin(best->placement, t->placement);
  best->draw = fmin(best->draw, t->draw);
  best->raw_place = fmin(best->raw_place, t->raw_place);
  best->raw_settle = fmin(best->raw_settle, t->raw_settle);
  best->same &= t->same && t->settle_steps == best->settle_steps;
}

static replay_buf_t replay_buf(const mjModel* m, const bk_world_t* w, int max_steps) {
  replay_buf_t r = {mj_makeData(m), mj_makeData(m), mj_makeData(m), mj_makeData(m),
                    bk_osc_create(w), bk_osc_create(w),
                    malloc(sizeof(double) * max_steps * BK_SUBSTEPS * m->nu),
                    malloc(sizeof(double) * BK_SETTLE_STEPS * BK_SUBSTEPS * m->nu),
                    malloc(sizeof(double) * BK_INIT_SETTLE_MAX * m->nu)};
  if (!r.d || !r.start || !r.init || !r.scene || !r.osc || !r.osc0 || !r.ctrl ||
      !r.settle_ctrl || !r.place_ctrl) {
    die("out of memory");
  }
  return r;
}

static void replay_buf_free(replay_buf_t* r) {
  free(r->ctrl);
  free(r->settle_ctrl);
  free(r->place_ctrl);
  bk_osc_free(r->osc);
  bk_osc_free(r->osc0);
  mj_deleteData(r->d);
  mj_deleteData(r->start);
  mj_deleteData(r->init);
  mj_deleteData(r->scene);
}

// one repetition: one context (its start cache computes each init's start once), every
// init's seeds run and replayed; best[init * seeds + seed], sbest[init]
static void run_once(const bk_world_t* w, const bench_setting_t* st, int ninit, int seeds,
                     int first, ep_t* best, start_t* sbest) {
  bench_episodes_t b;
  bench_episodes_open(&b, w, st, 1);
  replay_buf_t r = replay_buf(w->m, w, b.cfg.max_steps);
  start_t warm;  // once untimed: the new buffers' first touches are not the start's cost
  start_parts(w, 0, 1, &r, &warm);
  for (int i = 0; i < ninit; i++) {
    start_t s;
    start_parts(w, i, seeds, &r, &s);
    start_min(sbest + i, &s, first);
    for (int k = 0; k < seeds; k++) {
      ep_t one = {0};
      double t0 = now();
      bk_episode_run(b.ctx, &b.cfg, b.ops, b.self, i, k, &b.ep);
      one.episode = now() - t0;
      one.success = b.ep.success;
      if (b.ep.error[0]) fprintf(stderr, "%s init %d seed %d: %s\n", w->suite, i, k, b.ep.error);
      replay(w, b.ctx, &b.ep, &r, &one);
      ep_min(best + i * seeds + k, &one, first);
    }
  }
  replay_buf_free(&r);
  bench_episodes_close(&b);
}

typedef struct {                 /* one row: sums over its episodes and inits */
  ep_t ep;
  start_t st;
  int n, ninit;
} row_t;

static void run_setting(const bk_world_t* w, const bench_setting_t* st, int ninit, int reps,
                        int seeds, row_t* row) {
  ep_t* best = calloc((size_t)ninit * seeds, sizeof *best);
  start_t* sbest = calloc((size_t)ninit, sizeof *sbest);
  if (!best || !sbest) die("out of memory");
  for (int rep = 0; rep < reps; rep++) run_once(w, st, ninit, seeds, rep == 0, best, sbest);
  memset(row, 0, sizeof *row);
  for (int i = 0; i < ninit * seeds; i++) {
    row->ep.episode += best[i].episode;
    row->ep.control += best[i].control;
    row->ep.raw += best[i].raw;
    row->ep.steps += best[i].steps;
    row->ep.same += best[i].same;
    row->ep.success += best[i].success;
  }
  for (int i = 0; i < ninit; i++) {
    start_t* s = &row->st;
    s->computed += sbest[i].computed;
    s->copies += sbest[i].copies;
    s->placement += sbest[i].placement;
    s->draw += sbest[i].draw;
    s->raw_place += sbest[i].raw_place;
    s->raw_settle += sbest[i].raw_settle;
    s->settle_steps += sbest[i].settle_steps;
    s->same += sbest[i].same;
  }
  row->n = ninit * seeds;
  row->ninit = ninit;
  free(best);
  free(sbest);
}

static void print_row(const char* suite, int task, const char* name, const row_t* r) {
  const ep_t* e = &r->ep;
  const start_t* s = &r->st;
  double n = e->steps > 0 ? (double)e->steps : 1;
  double start = s->computed + s->copies, raw_start = s->raw_place + s->raw_settle;
  printf("| %s | %d | %s | %d | %ld | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f "
         "| %d/%d | %d/%d |\n",
         suite, task, name, r->n, e->steps, 1e3 * e->episode / n, 1e3 * start / n,
         1e3 * e->control / n, 1e3 * e->raw / n, 1e3 * raw_start / n,
         (e->raw + raw_start) / e->episode, e->raw / (e->episode - start), e->control / e->raw,
         e->same + s->same, r->n + r->ninit, e->success, r->n);
  fflush(stdout);
}

// the start of one (suite, task), per init: the least over the settings (the same work)
static void print_start(const char* suite, int task, const row_t* rows, int nrow) {
  start_t b = rows[0].st;
  for (int i = 1; i < nrow; i++) {
    const start_t* s = &rows[i].st;
    b.computed = fmin(b.computed, s->computed);
    b.copies = fmin(b.copies, s->copies);
    b.placement = fmin(b.placement, s->placement);
    b.draw = fmin(b.draw, s->draw);
    b.raw_place = fmin(b.raw_place, s->raw_place);
    b.raw_settle = fmin(b.raw_settle, s->raw_settle);
  }
  double k = 1e3 / rows[0].ninit, seeds = (double)rows[0].n / rows[0].ninit;
  printf("| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f |\n", suite,
         task, (double)b.settle_steps / rows[0].ninit, k * b.computed, k * b.draw,
         k * (b.placement - b.draw), k * b.raw_place, k * (b.computed - b.placement),
         k * b.raw_settle, seeds > 1 ? k * b.copies / (seeds - 1) : 0.0,
         b.raw_place / (b.placement - b.draw));
}

int main(int argc, char** argv) {
  int ninit = argc > 1 ? atoi(argv[1]) : 5;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  int seeds = argc > 3 ? atoi(argv[3]) : 5;
  if (ninit < 1 || ninit > MAX_INIT || reps < 1 || seeds < 1 || seeds > MAX_SEED) {
    fprintf(stderr, "bench_replay: usage: bench_replay [inits 1-%d [repetitions >= 1 "
            "[seeds-per-init 1-%d]]]\n", MAX_INIT, MAX_SEED);
    return 2;
  }
  bk_guard_install();
  printf("%d inits x %d seeds per task and policy, least of %d\n\n", ninit, seeds, reps);
  printf("| suite | task | policy | episodes | steps | episode ms/step | start ms/step | "
         "control step ms/step | raw mj_step x25 ms/step | raw start ms/step | "
         "(raw + raw start) / episode | raw / (episode - start) | control / raw | same | "
         "success |\n");
  printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
         "---: | ---: | ---: |\n");
  const char* suites[2] = {"libero_object", "libero_spatial"};
  const int tasks[2] = {0, 4};
  row_t rows[2][2][BENCH_NSETTING];
  for (int s = 0; s < 2; s++) {
    for (int k = 0; k < 2; k++) {
      char err[1024];
      bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), suites[s], tasks[k], err, sizeof err);
      if (!w) die(err);
      for (int i = 0; i < BENCH_NSETTING; i++) {
        run_setting(w, &bench_settings[i], ninit, reps, seeds, &rows[s][k][i]);
        print_row(suites[s], tasks[k], bench_settings[i].name, &rows[s][k][i]);
      }
      bk_world_free(w);
    }
  }
  printf("\nThe start per init, ms (least over repetitions and settings, mean over inits)\n\n");
  printf("| suite | task | placement settle mj_steps | start computed | placement: scene drawn | "
         "placement: settle | its raw mj_steps | start settle | its raw mj_steps | cached copy | "
         "placement settle raw / harness |\n");
  printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (int s = 0; s < 2; s++) {
    for (int k = 0; k < 2; k++) print_start(suites[s], tasks[k], rows[s][k], BENCH_NSETTING);
  }
  return 0;
}

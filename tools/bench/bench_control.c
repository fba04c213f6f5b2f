/* bench_control: the control step against raw mj_step on the same trajectory, and what
 * in it is not MuJoCo's stepping.
 * usage: bench_control [inits-per-task [repetitions]]      (prints markdown; 3, 7)
 *
 * The expert's episodes (seed 0, inits 0..N-1, tasks 0 and 4 of each suite) are run once
 * with their actions logged; each is then replayed from its start `repetitions` times,
 * alternating (so a busy moment of the machine hits every kind alike):
 *   1. through bk_step_control (controller + 25 physics steps + force readings);
 *   2. the same calls, each of mj_step1, the controller (bk_osc_set_goal and
 *      bk_osc_compute), mj_step2 and bk_forces_read timed apart, the controls kept;
 *   3. plain mj_step calls with those controls.
 * And the controller alone: bk_osc_compute 2000 times in a row on each episode's final
 * state (microseconds per call, mean over the episodes).
 * Each replay must end in its episode's final state, bit for bit. Thread CPU time (the
 * parts of 2.: the monotonic clock); every column keeps each episode's least time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/step.h"
#include "run/guard.h"
#include "run/runner.h"
#include "run/startcache.h"
#define BK_BENCH_EPISODES
#include "benchutil.h"

#define now bench_thread_seconds

typedef struct {
  double control, raw, step1, osc, step2, forces;  /* CPU seconds */
  double loop;                   /* bk_osc_compute alone, seconds per call */
  long steps;
  int same;
} cost_t;

static int same_state(const mjModel* m, const mjData* a, const mjData* b) {
  return !memcmp(a->qpos, b->qpos, sizeof(mjtNum) * m->nq) &&
         !memcmp(a->qvel, b->qvel, sizeof(mjtNum) * m->nv);
}

// 2.: the control step's calls timed apart, the controls kept in ctrl; on the monotonic
// clock (a thread CPU-time reading is a system call, ~0.3 us: 125 of them per control step
// would be timed along with these parts; the least over repetitions drops preemptions)
static void parts(const bk_world_t* w, bk_osc_t* osc, mjData* d, const bk_episode_t* ep,
                  double* ctrl, cost_t* t) {
  const mjModel* m = w->m;
  double r[BK_NFORCE];
  for (int i = 0; i < ep->steps; i++) {
    for (int s = 0; s < BK_SUBSTEPS; s++) {
      double t0 = bench_wall_seconds();
      mj_step1(m, d);
      double t1 = bench_wall_seconds();
      if (s == 0) bk_osc_set_goal(osc, d, ep->actions + i * BK_ACTION_DIM);
      bk_osc_compute(osc, d);
      double t2 = bench_wall_seconds();
      mj_step2(m, d);
      double t3 = bench_wall_seconds();
      bk_forces_read(w, d, r);
      double t4 = bench_wall_seconds();
      t->step1 += t1 - t0;
      t->osc += t2 - t1;
      t->step2 += t3 - t2;
      t->forces += t4 - t3;
      memcpy(ctrl + ((size_t)i * BK_SUBSTEPS + s) * m->nu, d->ctrl, sizeof(mjtNum) * m->nu);
    }
  }
}

// one repetition of the three replays of one episode from its start
static void replay(const bk_world_t* w, const bk_episode_t* ep, const mjData* start,
                   const bk_osc_t* osc0, const mjData* end, mjData* d, bk_osc_t* osc,
                   double* ctrl, cost_t* t) {
  const mjModel* m = w->m;
  double peak[BK_NFORCE];
  memset(t, 0, sizeof *t);
  mj_copyData(d, m, start);
  bk_osc_copy(osc, osc0);
  double t0 = now();
  for (int i = 0; i < ep->steps; i++) bk_step_control(w, osc, d, ep->actions + i * BK_ACTION_DIM, peak, NULL);
  t->control = now() - t0;
  int same = same_state(m, d, end);
  mj_copyData(d, m, start);
  bk_osc_copy(osc, osc0);
  parts(w, osc, d, ep, ctrl, t);
  same &= same_state(m, d, end);
  mj_copyData(d, m, start);
  t0 = now();
  for (long j = 0; j < (long)ep->steps * BK_SUBSTEPS; j++) {
    memcpy(d->ctrl, ctrl + j * m->nu, sizeof(mjtNum) * m->nu);
    mj_step(m, d);
  }
  t->raw = now() - t0;
  t->same = same && same_state(m, d, end);
  t->steps = ep->steps;
}

static void cost_min(cost_t* b, const cost_t* t, int first) {
  if (first) {
    *b = *t;
    return;
  }
  b->control = fmin(b->control, t->control);
  b->raw = fmin(b->raw, t->raw);
  b->step1 = fmin(b->step1, t->step1);
  b->osc = fmin(b->osc, t->osc);
  b->step2 = fmin(b->step2, t->step2);
  b->forces = fmin(b->forces, t->forces);
  b->loop = fmin(b->loop, t->loop);
  b->same &= t->same;
}

static void cost_add(cost_t* s, const cost_t* t) {
  s->control += t->control;
  s->raw += t->raw;
  s->step1 += t->step1;
  s->osc += t->osc;
  s->step2 += t->step2;
  s->forces += t->forces;
  s->loop += t->loop;
  s->steps += t->steps;
  s->same += t->same;
}

// the controller alone: bk_osc_compute called 2000 times in a row on the episode's final
// state (no physics between calls: what is timed is its own arithmetic); seconds per call
static double osc_loop(const mjModel* m, const mjData* end, mjData* d, bk_osc_t* osc) {
  mj_copyData(d, m, end);
  mj_forward(m, d);
  double t0 = now();
  for (int k = 0; k < 2000; k++) bk_osc_compute(osc, d);
  return (now() - t0) / 2000;
}

// the expert's episodes of one world, each replayed reps times; sums into sum
static void run_world(const bk_world_t* w, int ninit, int reps, cost_t* sum) {
  const mjModel* m = w->m;
  bench_episodes_t b;
  bench_episodes_open(&b, w, &bench_settings[0], 1);
  mjData *d = mj_makeData(m), *start = mj_makeData(m);
  bk_osc_t *osc = bk_osc_create(w), *osc0 = bk_osc_create(w);
  double* ctrl = malloc(sizeof(double) * b.cfg.max_steps * BK_SUBSTEPS * m->nu);
  bk_startcache_t* cache = bk_startcache_create(w);
  if (!d || !start || !osc || !osc0 || !ctrl || !cache) {
    fprintf(stderr, "bench_control: out of memory\n");
    exit(1);
  }
  memset(sum, 0, sizeof *sum);
  for (int i = 0; i < ninit; i++) {
    char err[256];
    bk_episode_run(b.ctx, &b.cfg, b.ops, b.self, i, 0, &b.ep);
    if (b.ep.error[0]) fprintf(stderr, "%s init %d: %s\n", w->suite, i, b.ep.error);
    bk_startcache_start(cache, osc0, start, i, NULL, err, sizeof err);
    cost_t best, t;
    for (int r = 0; r < reps; r++) {
      replay(w, &b.ep, start, osc0, b.ctx->d, d, osc, ctrl, &t);
      t.loop = osc_loop(m, b.ctx->d, d, osc);
      cost_min(&best, &t, r == 0);
    }
    cost_add(sum, &best);
  }
  bk_startcache_free(cache);
  free(ctrl);
  bk_osc_free(osc);
  bk_osc_free(osc0);
  mj_deleteData(d);
  mj_deleteData(start);
  bench_episodes_close(&b);
}

int main(int argc, char** argv) {
  int ninit = argc > 1 ? atoi(argv[1]) : 3;
  int reps = argc > 2 ? atoi(argv[2]) : 7;
  if (ninit < 1 || ninit > BK_NINIT || reps < 1) {
    fprintf(stderr, "bench_control: usage: bench_control [inits 1-%d [repetitions >= 1]]\n",
            BK_NINIT);
    return 2;
  }
  bk_guard_install();
  printf("| suite | task | steps | control step ms/step | raw mj_step x25 ms/step | control / raw "
         "| mj_step1 + mj_step2 ms/step | controller ms/step | force readings ms/step | "
         "controller share | controller alone us/call | same |\n");
  printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
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
      cost_t c;
      run_world(w, ninit, reps, &c);
      double n = c.steps > 0 ? 1e-3 * (double)c.steps : 1;
      double parts = c.step1 + c.osc + c.step2 + c.forces;
      printf("| %s | %d | %ld | %.3f | %.3f | %.3f | %.3f | %.3f | %.4f | %.1f%% | %.2f | %d/%d |\n",
             suites[s], tasks[k], c.steps, c.control / n, c.raw / n, c.control / c.raw,
             (c.step1 + c.step2) / n, c.osc / n, c.forces / n, 100 * c.osc / parts,
             1e6 * c.loop / ninit, c.same, ninit);
      fflush(stdout);
      bk_world_free(w);
    }
  }
  return 0;
}

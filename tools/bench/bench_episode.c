/* bench_episode: episodes against MuJoCo's raw stepping, thread scaling, memory.
 * usage: bench_episode [inits-per-task [seeds]]      (prints markdown)
 *  1. control steps/s of episodes (1 thread, no rendering, init states included) vs raw
 *     mj_step/s / 25 on the same model, per suite (task 0 and task 4 of each), for the
 *     expert and for simvla with K = 8 candidates (perturbation sigma 0.1 and temperature
 *     T 1.0) scored by the predictor, the expert as reference policy (as repro runs it);
 *  2. episodes/s of a 1-thread and a 2-thread bk_run over the same jobs;
 *  3. memory per worker: the mjData of the largest model plus controller scratch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "control/step.h"
#include "run/guard.h"
#include "run/runner.h"
#define BK_BENCH_EPISODES
#include "benchutil.h"

#define now bench_thread_seconds

// raw mj_step rate from an init state with frozen controls
static double raw_rate(const bk_world_t* w, mjData* d, int nstep) {
  char err[256];
  bk_init_state(w, 0, NULL, d, err, sizeof err);
  bk_world_hold_arm(w, d, w->arm_init);
  double t0 = now();
  for (int i = 0; i < nstep; i++) mj_step(w->m, d);
  return nstep / (now() - t0);
}

// control steps per second of one setting's episodes on one thread
static double episode_rate(const bk_world_t* w, const bench_setting_t* st, int ninit, int nseed,
                           int* success) {
  bench_episodes_t b;
  bench_episodes_open(&b, w, st, 0);
  long steps = 0;
  *success = 0;
  double t0 = now();
  for (int i = 0; i < ninit; i++) {
    for (int s = 0; s < nseed; s++) {
      bk_episode_run(b.ctx, &b.cfg, b.ops, b.self, i, s, &b.ep);
      steps += b.ep.steps + BK_SETTLE_STEPS;
      *success += b.ep.success;
    }
  }
  double rate = steps / (now() - t0);
  bench_episodes_close(&b);
  return rate;
}

static void suite_rates(const char* suite, int ninit, int nseed) {
  const int tasks[2] = {0, 4};
  for (int i = 0; i < 2; i++) {
    char err[1024];
    bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), suite, tasks[i], err, sizeof err);
    if (!w) {
      fprintf(stderr, "%s\n", err);
      exit(1);
    }
    mjData* d = mj_makeData(w->m);
    for (int k = 0; k < BENCH_NSETTING; k++) {
      double raw = raw_rate(w, d, getenv("BENCH_EPISODE_PROFILE") ? 25 : 20000);
      int succ;
      double ctrl = episode_rate(w, &bench_settings[k], ninit, nseed, &succ);
      printf("| %s | %d | %s | %.0f | %.1f | %.1f | %.3f | %d/%d |\n", suite, tasks[i],
             bench_settings[k].name, raw, raw / 25, ctrl, ctrl / (raw / 25), succ, ninit * nseed);
      fflush(stdout);
    }
    mj_deleteData(d);
    bk_world_free(w);
  }
}

// episodes per second of a batch on n threads (records into a scratch directory)
static double batch_rate(int threads, int ninit) {
  char dir[] = "/tmp/bokbo_bench_XXXXXX";
  if (!mkdtemp(dir)) return 0;
  bk_run_cfg_t c;
  memset(&c, 0, sizeof c);
  snprintf(c.suite, sizeof c.suite, "libero_object");
  c.ntask = 2;
  c.tasks[0] = 0;
  c.tasks[1] = 5;
  c.ninit = ninit;
  for (int i = 0; i < ninit; i++) c.inits[i] = i;
  c.nseed = 1;
  c.policy = bk_policy_find("expert");
  c.ep = (bk_episode_cfg_t){280, 8, 8, 1, NULL, NULL, 0};
  c.shift.axis = -1;
  c.threads = threads;
  c.out_dir = dir;
  c.progress = -1;
  bk_run_summary_t s;
  char err[512];
  if (bk_run(&c, &s, err, sizeof err)) fprintf(stderr, "%s\n", err);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return s.done / s.seconds;
}

int main(int argc, char** argv) {
  int ninit = argc > 1 ? atoi(argv[1]) : 5, nseed = argc > 2 ? atoi(argv[2]) : 1;
  bk_guard_install();
  printf("| suite | task | policy | raw mj_step/s | raw/25 | episode ctrl steps/s | ratio | success |\n");
  printf("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
  suite_rates("libero_object", ninit, nseed);
  suite_rates("libero_spatial", ninit, nseed);
  if (getenv("BENCH_EPISODE_ONLY")) return 0;
  double r1 = batch_rate(1, ninit), r2 = batch_rate(2, ninit);
  printf("\nthreads: 1 -> %.2f episodes/s, 2 -> %.2f episodes/s, scaling %.2fx (%ld cores)\n", r1,
         r2, r2 / r1, sysconf(_SC_NPROCESSORS_ONLN));
  char err[512];
  bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), "libero_spatial", 4, err, sizeof err);
  if (w) {
    double mb = (w->m->nbuffer + sizeof(mjtNum) * (double)w->m->nstack) / 1048576.0;
    printf("memory per worker: mjData %.1f MiB (buffer %.1f MiB + stack %.1f MiB), model %.1f MiB\n",
           mb, w->m->nbuffer / 1048576.0, sizeof(mjtNum) * (double)w->m->nstack / 1048576.0,
           (double)w->m->nbuffer / 1048576.0);
    bk_world_free(w);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak RSS of this process: %.1f MiB\n", ru.ru_maxrss / 1024.0);
  return 0;
}

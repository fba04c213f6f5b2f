/* bench_shard: how even the shards of the full protocol are. Per task, the plan's cost
 * proxy (bk_shard_world_cost) beside the measured time of a physics step; then, for N
 * shards of 10 tasks x 50 inits x 5 seeds, the slowest shard's expected time over the mean
 * (1.000 is perfect), with episode times taken from the measurement, for the cost-balanced
 * plan and for plain interleaving by index (episode k to shard k mod N).
 * usage: bench_shard [steps-per-task]   (prints markdown tables; a first pass over the
 * tasks warms the caches, then the timed pass) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchutil.h"
#include "run/shard.h"
#include "sim/initstate.h"
#include "task/catalog.h"

#define NINIT 50
#define NSEED 5

// microseconds per mj_step from init state 0, the arm held (as bench_world's raw rate)
static double step_us(const bk_world_t* w, int nstep) {
  char err[256];
  mjData* d = mj_makeData(w->m);
  if (bk_init_state(w, 0, NULL, d, err, sizeof err)) {
    fprintf(stderr, "bench_shard: %s\n", err);
    mj_deleteData(d);
    return -1;
  }
  bk_world_hold_arm(w, d, w->arm_init);
  bk_world_set_gripper(w, d, -1);
  double t0 = bench_wall_seconds();
  for (int i = 0; i < nstep; i++) mj_step(w->m, d);
  double us = 1e6 * (bench_wall_seconds() - t0) / nstep;
  mj_deleteData(d);
  return us;
}

// the slowest shard's time over the mean, episode k taking us[task of k]
static double imbalance(const int* owner, const double* us, int n, int per, int nshard) {
  double* load = calloc((size_t)nshard, sizeof *load), total = 0, worst = 0;
  for (int k = 0; k < n; k++) {
    load[owner ? owner[k] : k % nshard] += us[k / per];
    total += us[k / per];
  }
  for (int s = 0; s < nshard; s++) worst = load[s] > worst ? load[s] : worst;
  free(load);
  return worst / (total / nshard);
}

static int suite(const char* name, int nstep) {
  bk_world_t* w[BK_SUITE_NTASK] = {0};
  double us[BK_SUITE_NTASK];
  char err[1024];
  bk_run_cfg_t c;
  memset(&c, 0, sizeof c);
  c.ntask = BK_SUITE_NTASK;
  c.ninit = NINIT;
  c.nseed = NSEED;
  printf("\n%s\n\n| task | cost proxy | us per mj_step |\n| ---: | ---: | ---: |\n", name);
  for (int t = 0; t < BK_SUITE_NTASK; t++) {
    c.tasks[t] = t;
    w[t] = bk_world_create(bk_catalog_scenes_dir(), name, t, err, sizeof err);
    if (!w[t]) {
      fprintf(stderr, "bench_shard: %s\n", err);
      return 1;
    }
    if ((us[t] = step_us(w[t], nstep)) < 0) return 1;
    printf("| %d | %u | %.1f |\n", t, bk_shard_world_cost(w[t]), us[t]);
  }
  int n = BK_SUITE_NTASK * NINIT * NSEED, per = NINIT * NSEED;
  printf("\n| shards | balanced plan: slowest / mean | interleaved: slowest / mean |\n| ---: | ---: | ---: |\n");
  const int ns[] = {3, 7, 20, 64, 128};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
    int* owner = NULL;
    c.nshard = ns[i];
    if (bk_shard_run_owners(&c, w, (size_t)n, &owner)) return 1;
    printf("| %d | %.4f | %.4f |\n", ns[i], imbalance(owner, us, n, per, ns[i]),
           imbalance(NULL, us, n, per, ns[i]));
    free(owner);
  }
  for (int t = 0; t < BK_SUITE_NTASK; t++) bk_world_free(w[t]);
  return 0;
}

int main(int argc, char** argv) {
  int nstep = argc > 1 ? atoi(argv[1]) : 2000;
  if (nstep < 1) nstep = 2000;
  return suite("libero_object", nstep) || suite("libero_spatial", nstep);
}

/* bench_world: MuJoCo's raw mj_step rate on each task's model against a control step of
 * the world with the arm held still (25 physics steps + goal check), in one run.
 * usage: bench_world [control-steps-per-task]   (prints a markdown table) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/initstate.h"
#include "sim/predicate.h"
#include "sim/world.h"

#define SUBSTEPS 25

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// raw stepping from the init state with the controls frozen at their first value
static double raw_rate(const bk_world_t* w, const mjData* init, mjData* d, int nstep) {
  mj_copyData(d, w->m, init);
  bk_world_hold_arm(w, d, w->arm_init);
  bk_world_set_gripper(w, d, -1);
  double t0 = now();
  for (int i = 0; i < nstep; i++) mj_step(w->m, d);
  return nstep / (now() - t0);
}

// the harness's control step: hold the arm (recomputed each physics step), check the goal
static double control_rate(const bk_world_t* w, const mjData* init, mjData* d, int nctrl,
                           double* ncon) {
  mj_copyData(d, w->m, init);
  char err[256];
  long con = 0;
  double t0 = now();
  for (int c = 0; c < nctrl; c++) {
    for (int k = 0; k < SUBSTEPS; k++) {
      bk_world_hold_arm(w, d, w->arm_init);
      bk_world_set_gripper(w, d, -1);
      mj_step(w->m, d);
    }
    con += d->ncon;
    if (bk_pred_goal(w, d, err, sizeof err) < 0) return 0;
  }
  double rate = nctrl / (now() - t0);
  *ncon = (double)con / nctrl;
  return rate;
}

int main(int argc, char** argv) {
  int nctrl = argc > 1 ? atoi(argv[1]) : 200;
  const char* suites[] = {"libero_object", "libero_spatial"};
  printf("| suite | task | contacts | raw mj_step/s | raw/25 (ctrl/s) | harness ctrl/s | ratio |\n");
  printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  double sum_ratio = 0;
  int n = 0;
  for (int s = 0; s < 2; s++) {
    for (int t = 0; t < BK_SUITE_NTASK; t++) {
      char err[1024];
      bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), suites[s], t, err, sizeof err);
      if (!w) {
        fprintf(stderr, "bench_world: %s\n", err);
        return 1;
      }
      mjData* init = mj_makeData(w->m);
      mjData* d = mj_makeData(w->m);
      if (bk_init_state(w, 0, NULL, init, err, sizeof err)) {
        fprintf(stderr, "bench_world: %s\n", err);
        return 1;
      }
      double raw = raw_rate(w, init, d, nctrl * SUBSTEPS), ncon = 0;
      double ctrl = control_rate(w, init, d, nctrl, &ncon);
      double ratio = ctrl / (raw / SUBSTEPS);
      printf("| %s | %d | %.0f | %.0f | %.1f | %.1f | %.3f |\n", suites[s], t, ncon, raw,
             raw / SUBSTEPS, ctrl, ratio);
      sum_ratio += ratio;
      n++;
      mj_deleteData(d);
      mj_deleteData(init);
      bk_world_free(w);
    }
  }
  printf("\nmean ratio harness/raw: %.3f over %d tasks (MuJoCo %d)\n", sum_ratio / n, n,
         mj_version());
  return 0;
}

/* bench_settle: the init states' placement, every task and init of both suites.
 * usage: bench_settle [inits-per-task [shift]]      (prints markdown; 50, none; e.g. 50 x:0.1)
 *
 * Per suite: how many mj_step calls the placement's settle takes (bk_init_state lets the
 * objects rest with the arm held: at least 250 steps, checked every 10, at most 3000),
 * and where the placement's time goes: the scene drawn (bk_init_sample: arm noise, region
 * draws, ray casts, collision checks, forwards) and the settle (bk_init_state less that).
 * Thread CPU time, one run: shares, not rates, are the point. */
#include <stdio.h>
#include <stdlib.h>

#include "run/runner.h"
#include "sim/initstate.h"
#include "benchutil.h"

#define now bench_thread_seconds

int main(int argc, char** argv) {
  int ninit = argc > 1 ? atoi(argv[1]) : BK_NINIT;
  bk_shift_t shift = {-1, 0};
  char err[1024];
  if (ninit < 1 || ninit > BK_NINIT || (argc > 2 && bk_init_parse_shift(argv[2], &shift, err, sizeof err))) {
    fprintf(stderr, "bench_settle: usage: bench_settle [inits 1-%d [x:M | y:M]]\n", BK_NINIT);
    return 2;
  }
  printf("| suite | inits | settle mj_steps: 251 | 252-500 | 501-2999 | 3000 | mean | "
         "placement ms/init | of which the scene drawn |\n");
  printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  const char* suites[2] = {"libero_object", "libero_spatial"};
  for (int s = 0; s < 2; s++) {
    long hist[4] = {0}, total = 0, n = 0;
    double draw = 0, place = 0;
    for (int t = 0; t < BK_SUITE_NTASK; t++) {
      bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), suites[s], t, err, sizeof err);
      mjData* d = w ? mj_makeData(w->m) : NULL;
      if (!d) {
        fprintf(stderr, "bench_settle: %s\n", w ? "out of memory" : err);
        return 1;
      }
      for (int i = 0; i < ninit; i++) {
        double t0 = now();
        if (bk_init_sample(w, i, &shift, d, err, sizeof err)) fprintf(stderr, "%s\n", err);
        double t1 = now();
        bk_init_trace_t tr = {NULL, NULL, 0};
        if (bk_init_state_traced(w, i, &shift, d, &tr, err, sizeof err)) fprintf(stderr, "%s\n", err);
        double t2 = now();
        draw += t1 - t0;
        place += t2 - t1;
        hist[tr.nsteps <= 251 ? 0 : tr.nsteps <= 500 ? 1 : tr.nsteps < BK_INIT_SETTLE_MAX ? 2 : 3]++;
        total += tr.nsteps;
        n++;
      }
      mj_deleteData(d);
      bk_world_free(w);
    }
    printf("| %s%s%s | %ld | %ld | %ld | %ld | %ld | %.1f | %.2f | %.1f%% |\n", suites[s],
           argc > 2 ? " " : "", argc > 2 ? argv[2] : "", n, hist[0], hist[1], hist[2], hist[3],
           (double)total / n, 1e3 * place / n, 100 * draw / place);
  }
  return 0;
}

/* bench_stats: the report's bootstrap on synthetic episodes: CRC calibration pooled and
 * Mondrian plus test metrics for every split, timed against one sort of the data (the
 * index build), with peak memory.
 * usage: bench_stats [episodes [splits [threads]]]   (defaults 10000 1000 2) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "core/rng.h"
#include "stats/bootstrap.h"

#define NTASK 10

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* the data: arrays owned by main */
typedef struct {
  int* task;
  unsigned char* success;
  int* offset;
  double* score;
  unsigned char* viol;
} synth_t;

/* episodes of 4..12 decisions (8 on average), risk uniform, violation probability
 * (task + 1)/50 * s^2; task t gets episodes i with i % 10 == t */
static int synth(synth_t* s, int n) {
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){1}, 1);
  s->task = malloc(sizeof(int) * (size_t)n);
  s->success = malloc((size_t)n);
  s->offset = malloc(sizeof(int) * ((size_t)n + 1));
  s->score = malloc(sizeof(double) * (size_t)n * 12);
  s->viol = malloc((size_t)n * 12);
  if (!s->task || !s->success || !s->offset || !s->score || !s->viol) return -1;
  s->offset[0] = 0;
  for (int i = 0; i < n; i++) {
    int nd = 4 + (int)(bk_rng_uniform(&rng) * 9);
    s->task[i] = i % NTASK;
    s->success[i] = bk_rng_uniform(&rng) < 0.8;
    for (int k = s->offset[i]; k < s->offset[i] + nd; k++) {
      double x = bk_rng_uniform(&rng);
      s->score[k] = x;
      s->viol[k] = bk_rng_uniform(&rng) < 0.02 * (s->task[i] + 1) * x * x;
    }
    s->offset[i + 1] = s->offset[i] + nd;
  }
  return 0;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  int splits = argc > 2 ? atoi(argv[2]) : 1000;
  int threads = argc > 3 ? atoi(argv[3]) : 2;
  synth_t s;
  if (n < 1 || synth(&s, n) != 0) return 1;
  bk_crc_data_t d = {n, NTASK, s.task, s.success, s.offset, s.score, s.viol};
  // one index build (a sort of every decision) as the unit of comparison
  double t0 = now();
  bk_crc_index_t* ix = bk_crc_index_create(&d, BK_CRC_UNIT_EPISODE, NULL, 0);
  double t_index = now() - t0;
  bk_crc_index_free(ix);
  // the bootstrap
  bk_boot_config_t cfg = bk_boot_default_config();
  cfg.splits = splits;
  cfg.threads = threads;
  bk_boot_result_t r;
  char err[256];
  t0 = now();
  if (bk_boot_run(&cfg, &d, &r, err, sizeof(err)) != 0) {
    fprintf(stderr, "bench_stats: %s\n", err);
    return 1;
  }
  double t_boot = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("episodes %d decisions %d tasks %d splits %d threads %d\n", n, s.offset[n], NTASK,
         splits, threads);
  printf("index build (one sort): %.4f s\n", t_index);
  printf("bootstrap: %.3f s (%.2f ms/split, %.0fx one index build)\n", t_boot,
         1e3 * t_boot / splits, t_boot / t_index);
  printf("peak RSS: %.1f MiB\n", ru.ru_maxrss / 1024.0);
  printf("pooled hold %.3f min task %.3f | mondrian hold %.3f min task %.3f | cov %.3f/%.3f\n",
         r.pooled.hold_rate, r.pooled.min_task_hold, r.mondrian.hold_rate,
         r.mondrian.min_task_hold, r.pooled.mean_coverage, r.mondrian.mean_coverage);
  bk_boot_result_free(&r);
  free(s.task);
  free(s.success);
  free(s.offset);
  free(s.score);
  free(s.viol);
  return 0;
}

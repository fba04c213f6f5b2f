/* bench_report: time and memory of `bokbo report` on synthetic episodes.
 * usage: bench_report [episodes=10000] [decisions-per-episode=30] [splits=1000] [threads=2]
 *  1. writes a synthetic run (run.json + episodes.jsonl with full decision records: K = 8
 *     candidates, 10 features, 8 per-step force triples) to a temporary directory;
 *  2. times each stage of the report: loading, the statistics (CRC on all episodes,
 *     bootstrap with B splits pooled and Mondrian, correlations, inflation, action error),
 *     the plots and the report files;
 *  3. prints peak RSS. Prints markdown. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/rng.h"
#include "core/strbuf.h"
#include "report/figures.h"
#include "report/load.h"
#include "report/markdown.h"
#include "report/report.h"
#include "run/jsonl.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// one synthetic decision: risk s drives the violation probability, confidence tracks sigma
static void decision(bk_sb_t* sb, bk_rng_t* rng, int t, double sigma, int task) {
  double s = bk_rng_normal(rng) + 0.1 * task;
  int ve = bk_rng_uniform(rng) < 1.0 / (1.0 + exp(-(s - 3.0)));
  int vg = ve || bk_rng_uniform(rng) < 0.3;
  double f = fabs(bk_rng_normal(rng)) * 5;
  bk_sb_printf(sb, "{\"t\":%d,\"chunk\":8,\"peak_force\":{\"robot_object\":%.6g,\"robot_fixture\":0,"
                   "\"object_object\":0},\"violation\":{\"expert\":%s,\"global\":%s},\"k\":8,"
                   "\"chosen\":0,\"s\":%.6g,\"cand\":{\"risk\":[",
               t, f, ve ? "true" : "false", vg ? "true" : "false", s);
  for (int c = 0; c < 8; c++) bk_sb_printf(sb, "%s%.6g", c ? "," : "", s + 0.1 * c);
  bk_sb_puts(sb, "],\"confidence\":[");
  for (int c = 0; c < 8; c++) bk_sb_printf(sb, "%s%.6g", c ? "," : "", -10 * sigma + bk_rng_normal(rng));
  bk_sb_puts(sb, "],\"disagreement\":[");
  for (int c = 0; c < 8; c++) bk_sb_printf(sb, "%s%.6g", c ? "," : "", sigma * (1 + bk_rng_uniform(rng)));
  bk_sb_printf(sb, "]},\"err\":{\"trans\":%.6g,\"rot\":%.6g,\"grip\":%.6g,\"total\":0},\"features\":[",
               sigma * bk_rng_uniform(rng), sigma * bk_rng_uniform(rng), 0.1 * bk_rng_uniform(rng));
  for (int k = 0; k < 10; k++) bk_sb_printf(sb, "%s%.6g", k ? "," : "", bk_rng_normal(rng));
  bk_sb_puts(sb, "],\"step_force\":[");
  for (int k = 0; k < 8; k++) bk_sb_printf(sb, "%s[%.6g,0,0]", k ? "," : "", f * bk_rng_uniform(rng));
  bk_sb_puts(sb, "]}");
}

// the synthetic run directory; returns the bytes of episodes.jsonl
static long write_run(const char* dir, int nep, int ndec) {
  char path[512];
  snprintf(path, sizeof path, "%s/run.json", dir);
  bk_write_atomic(path, "{\"policy\":\"synthetic\",\"thresholds\":\"\",\"global_threshold\":5}\n", NULL, 0);
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  FILE* f = fopen(path, "w");
  if (!f) return -1;
  long bytes = 0;
  bk_rng_t rng;
  bk_rng_seed(&rng, (uint64_t[]){42}, 1);
  bk_sb_t sb = {0};
  for (int i = 0; i < nep; i++) {
    int task = i % 10;
    double sigma = 0.1;
    sb.len = 0;
    bk_sb_printf(&sb, "{\"run\":\"bench\",\"suite\":\"libero_object\",\"task\":%d,\"init\":%d,\"seed\":0,"
                      "\"policy\":\"synthetic\",\"sampling\":\"perturb\",\"value\":%g,\"scorer\":\"disagreement\","
                      "\"k\":8,\"success\":%s,\"steps\":%d,\"error\":\"\",\"decisions\":[",
                 task, i / 10, sigma, bk_rng_uniform(&rng) < 0.8 ? "true" : "false", 8 * ndec);
    for (int j = 0; j < ndec; j++) {
      if (j) bk_sb_puts(&sb, ",");
      decision(&sb, &rng, 8 * j, sigma, task);
    }
    bk_sb_puts(&sb, "]}\n");
    fwrite(sb.s, 1, sb.len, f);
    bytes += (long)sb.len;
  }
  bk_sb_free(&sb);
  fclose(f);
  return bytes;
}

int main(int argc, char** argv) {
  int nep = argc > 1 ? atoi(argv[1]) : 10000;
  int ndec = argc > 2 ? atoi(argv[2]) : 30;
  bk_rep_config_t cfg = bk_rep_default_config();
  cfg.splits = argc > 3 ? atoi(argv[3]) : 1000;
  cfg.threads = argc > 4 ? atoi(argv[4]) : 2;
  char dir[] = "/tmp/bench_report_XXXXXX";
  if (!mkdtemp(dir)) return 1;
  double t0 = now();
  long bytes = write_run(dir, nep, ndec);
  double t_gen = now() - t0;
  char err[1024];
  const char* dirs[1] = {dir};
  // the stages of `bokbo report`
  t0 = now();
  bk_load_t* L = bk_load_runs(dirs, 1, NULL, err, sizeof err);
  double t_load = now() - t0;
  if (!L) {
    fprintf(stderr, "bench_report: %s\n", err);
    return 1;
  }
  t0 = now();
  cJSON* doc = bk_rep_build(L, &cfg, NULL, err, sizeof err);
  double t_stats = now() - t0;
  if (!doc) {
    fprintf(stderr, "bench_report: %s\n", err);
    return 1;
  }
  bk_rep_check(doc, NULL, 0);
  char plots[600];
  snprintf(plots, sizeof plots, "%s/plots", dir);
  mkdir(plots, 0755);
  t0 = now();
  int rc = bk_fig_all(L, &cfg, doc, plots, err, sizeof err);
  double t_plots = now() - t0;
  t0 = now();
  char* text = cJSON_Print(doc);
  bk_sb_t md = {0};
  bk_md_write(doc, &md);
  double t_write = now() - t0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("| episodes | decisions | JSONL MB | splits B | threads | load s | statistics s | plots s | "
         "json+md s | report total s | peak RSS MB |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  printf("| %d | %d | %.0f | %d | %d | %.2f | %.2f | %.2f | %.3f | %.2f | %.0f |\n", L->n_episodes,
         L->n_decisions, bytes / 1e6, cfg.splits, cfg.threads, t_load, t_stats, t_plots, t_write,
         t_load + t_stats + t_plots + t_write, ru.ru_maxrss / 1024.0);
  printf("\n(synthetic data written in %.2f s, not counted; plots rc %d)\n", t_gen, rc);
  free(text);
  bk_sb_free(&md);
  cJSON_Delete(doc);
  bk_load_free(L);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) != 0;
}

/* bench_merge: `bokbo merge` at scale. Synthesises N valid episode records (through the
 * record writer: 10 tasks x 50 inits x N/500 seeds, each episode `steps` control steps in
 * decisions of 8, forces from a fixed generator) dealt round K part directories, each with
 * a run.json as `run --shard I/K` writes it, then runs the real `bokbo merge` on them and
 * prints its wall time, CPU time and peak resident memory (the child's ru_maxrss), and
 * checks the merged file holds N lines.
 * usage: bench_merge [N (100000)] [K (8)] [steps (120)] [BOKBO (bokbo beside this program)]
 * The scratch folder (mkdtemp under $TMPDIR or /tmp) is removed at the end. */
#define _GNU_SOURCE  /* wait4, nftw */
#include <cjson/cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "core/rng.h"
#include "run/record.h"

#define NTASK 10
#define NINIT 50

// the run.json of part `shard` of k, with every key merge compares
static int write_config(const char* dir, int shard, int k, int nseed) {
  cJSON* j = cJSON_CreateObject();
  const char* strs[][2] = {{"suite", "libero_object"}, {"base_suite", "libero_object"},
                           {"policy", "expert"}, {"policy_opts", ""}, {"sampling", "greedy"},
                           {"scorer", "none"}, {"reference", "expert"}, {"thresholds", ""},
                           {"thresholds_fnv1a64", ""}, {"abstain", ""}, {"abstain_fnv1a64", ""},
                           {"predictor", ""}, {"predictor_fnv1a64", ""}, {"scenes", "builtin"},
                           {"shard_costs", ""}, {"shard_costs_fnv1a64", ""}};
  for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) cJSON_AddStringToObject(j, strs[i][0], strs[i][1]);
  const char* nums[] = {"k", "chunk", "open_loop", "max_steps", "global_threshold", "run_seed"};
  const double vals[] = {1, 8, 8, 280, 0, 0};
  for (int i = 0; i < 6; i++) cJSON_AddNumberToObject(j, nums[i], vals[i]);
  int ids[NINIT > NTASK ? NINIT : NTASK];
  for (int i = 0; i < NINIT; i++) ids[i] = i;
  cJSON_AddItemToObject(j, "tasks", cJSON_CreateIntArray(ids, NTASK));
  cJSON_AddItemToObject(j, "inits", cJSON_CreateIntArray(ids, NINIT));
  cJSON* seeds = cJSON_AddArrayToObject(j, "seeds");
  for (int s = 0; s < nseed; s++) cJSON_AddItemToArray(seeds, cJSON_CreateNumber(s));
  cJSON_AddNumberToObject(j, "shard", shard);
  cJSON_AddNumberToObject(j, "nshard", k);
  cJSON_AddBoolToObject(j, "force_trace", 0);
  char path[PATH_MAX + 16], *text = cJSON_Print(j);
  snprintf(path, sizeof path, "%s/run.json", dir);
  FILE* f = fopen(path, "w");
  int rc = f && text && fputs(text, f) >= 0 ? 0 : -1;
  if (f && fclose(f)) rc = -1;
  free(text);
  cJSON_Delete(j);
  return rc;
}

// one synthetic episode of `steps` control steps, its numbers drawn from rng
static void fill_episode(bk_episode_t* e, int task, int init, int seed, int steps, bk_rng_t* rng) {
  e->task = task, e->init = init, e->seed = seed, e->steps = steps;
  e->success = bk_rng_uniform(rng) < 0.7;
  e->ndecision = 0;
  for (int s = 0; s < steps * BK_NFORCE; s++) e->step_force[s] = 40 * bk_rng_uniform(rng);
  for (int t = 0; t < steps; t += 8) {
    bk_decision_t* d = &e->dec[e->ndecision++];
    memset(d, 0, sizeof *d);
    d->t = t, d->chunk = steps - t < 8 ? steps - t : 8, d->k = 1, d->viol_expert = -1;
    d->viol_global = -1, d->risk[0] = 0, d->conf[0] = NAN, d->dis[0] = 0, d->s = 0;
    d->has_err = 1, d->infer_ms = NAN;
    for (int g = 0; g < BK_NGROUP; g++) d->err[g] = bk_rng_uniform(rng);
    for (int f = 0; f < BK_NFEATURE; f++) d->feat[f] = bk_rng_normal(rng);
    for (int c = 0; c < BK_NFORCE; c++) {
      d->peak[c] = 0;
      for (int s = t; s < t + d->chunk; s++) {
        double v = e->step_force[s * BK_NFORCE + c];
        d->peak[c] = v > d->peak[c] ? v : d->peak[c];
      }
    }
  }
}

// the K parts: episode i (in canonical order) to part i mod K; returns the bytes written
static long long write_parts(const char* root, int n, int k, int steps) {
  bk_episode_t e;
  if (bk_episode_alloc(&e, steps, 0)) return -1;
  FILE** f = calloc((size_t)k, sizeof *f);
  int nseed = n / (NTASK * NINIT);
  long long bytes = 0;
  bk_sb_t sb = {0};
  for (int p = 0; p < k; p++) {
    char dir[PATH_MAX / 2], path[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/part%d", root, p);
    snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
    if (mkdir(dir, 0755) || write_config(dir, p, k, nseed) || !(f[p] = fopen(path, "w"))) return -1;
  }
  bk_rng_t rng;
  const uint64_t key = 12345;
  bk_rng_seed(&rng, &key, 1);
  for (int i = 0; i < n; i++) {
    int seed = i % nseed, init = (i / nseed) % NINIT, task = i / (nseed * NINIT);
    fill_episode(&e, task, init, seed, steps, &rng);
    char run[32];
    snprintf(run, sizeof run, "part%d", i % k);
    bk_record_ctx_t c = {run, "libero_object", "expert", 1, 8, 8, 280, "greedy", 0, "none", NULL, 0};
    sb.len = 0;
    bk_record_write(&c, &e, &sb);
    if (sb.failed || fwrite(sb.s, 1, sb.len, f[i % k]) != sb.len) return -1;
    bytes += (long long)sb.len;
  }
  for (int p = 0; p < k; p++) fclose(f[p]);
  free(f);
  bk_sb_free(&sb);
  bk_episode_release(&e);
  return bytes;
}

// runs argv, waits; its resources into ru
static int run_child(char* const* argv, struct rusage* ru) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  int status;
  if (wait4(pid, &status, 0, ru) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static long count_lines(const char* path) {
  FILE* f = fopen(path, "r");
  long n = 0;
  for (int ch; f && (ch = getc(f)) != EOF;) n += ch == '\n';
  if (f) fclose(f);
  return f ? n : -1;
}

static int rm_one(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000, k = argc > 2 ? atoi(argv[2]) : 8;
  int steps = argc > 3 ? atoi(argv[3]) : 120;
  char bokbo[PATH_MAX], self[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  self[len > 0 ? len : 0] = '\0';
  snprintf(bokbo, sizeof bokbo, "%s/bokbo", dirname(self));
  if (argc > 4) snprintf(bokbo, sizeof bokbo, "%s", argv[4]);
  if (n < NTASK * NINIT || n % (NTASK * NINIT) || k < 1 || k > 4096 || steps < 1 || steps > 280) {
    fprintf(stderr, "bench_merge: N must be a multiple of %d, 1 <= K <= 4096, 1 <= steps <= 280\n",
            NTASK * NINIT);
    return 2;
  }
  const char* tmpdir = getenv("TMPDIR");
  char root[PATH_MAX / 4];
  snprintf(root, sizeof root, "%s/bench_merge.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!mkdtemp(root)) return perror("bench_merge: mkdtemp"), 1;
  double t0 = bench_wall_seconds();
  long long bytes = write_parts(root, n, k, steps);
  double t_write = bench_wall_seconds() - t0;
  int rc = bytes < 0;
  if (rc) fprintf(stderr, "bench_merge: writing the parts failed: %s\n", strerror(errno));
  // bokbo merge root/part0 ... --out root/merged
  char** args = calloc((size_t)k + 5, sizeof *args);
  char out[PATH_MAX + 16], merged[PATH_MAX + 32];
  args[0] = bokbo, args[1] = "merge";
  for (int p = 0; p < k; p++) {
    args[2 + p] = malloc(PATH_MAX + 16);
    snprintf(args[2 + p], PATH_MAX + 16, "%s/part%d", root, p);
  }
  snprintf(out, sizeof out, "%s/merged", root);
  args[2 + k] = "--out", args[3 + k] = out;
  struct rusage ru;
  double t1 = bench_wall_seconds();
  if (!rc && (rc = run_child(args, &ru)) != 0) fprintf(stderr, "bench_merge: %s merge exited %d\n", bokbo, rc);
  double wall = bench_wall_seconds() - t1;
  snprintf(merged, sizeof merged, "%s/episodes.jsonl", out);
  long lines = rc ? -1 : count_lines(merged);
  if (!rc && lines != n) {
    fprintf(stderr, "bench_merge: merged %ld lines, expected %d\n", lines, n);
    rc = 1;
  }
  if (!rc) {
    double cpu = ru.ru_utime.tv_sec + 1e-6 * ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + 1e-6 * ru.ru_stime.tv_usec;
    printf("| records | parts | record bytes (mean) | input MB | merge wall s | merge CPU s | peak RSS MB |\n");
    printf("|---|---|---|---|---|---|---|\n");
    printf("| %d | %d | %.0f | %.1f | %.2f | %.2f | %.1f |\n", n, k, (double)bytes / n, bytes / 1e6, wall, cpu,
           ru.ru_maxrss / 1024.0);
    fprintf(stderr, "bench_merge: parts written in %.1f s; merged file has %ld lines\n", t_write, lines);
  }
  for (int p = 0; p < k; p++) free(args[2 + p]);
  free(args);
  if (getenv("BENCH_KEEP")) fprintf(stderr, "bench_merge: kept %s\n", root);
  else nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  return rc ? 1 : 0;
}

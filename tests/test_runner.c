/* batch runs: thread-count independence, resume, error episodes, thresholds */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/episode.h"
#include "run/guard.h"
#include "core/err.h"
#include "run/record.h"
#include "run/runner.h"
#include "run/thresholds.h"

static char err[1024];

static bk_run_cfg_t small_run(const char* out, int threads) {
  bk_run_cfg_t c;
  memset(&c, 0, sizeof c);
  snprintf(c.suite, sizeof c.suite, "libero_spatial");
  c.ntask = 2;
  c.tasks[0] = 0;
  c.tasks[1] = 4;
  c.ninit = 3;
  for (int i = 0; i < 3; i++) c.inits[i] = i;
  c.nseed = 1;
  c.policy = bk_policy_find("expert");
  c.ep = (bk_episode_cfg_t){24, 8, 8, 1, NULL, NULL, 15.0};
  c.shift.axis = -1;
  c.threads = threads;
  c.out_dir = out;
  c.progress = -1;
  return c;
}

// the lines of a file, sorted, as one string
static char* sorted_lines(const char* path) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "sort '%s'", path);
  FILE* p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t cap = 1 << 20, n = 0;
  char* buf = malloc(cap);
  size_t r;
  while ((r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
    n += r;
    if (n + 1 == cap) buf = realloc(buf, cap *= 2);
  }
  buf[n] = '\0';
  pclose(p);
  return buf;
}

static int count_lines(const char* path) {
  FILE* f = fopen(path, "r");
  int n = 0, ch;
  while (f && (ch = fgetc(f)) != EOF) n += ch == '\n';
  if (f) fclose(f);
  return n;
}

Test(runner, one_and_two_threads_give_identical_records, .timeout = 300) {
  char d1[] = "/tmp/bokbo_t1_XXXXXX", d2[] = "/tmp/bokbo_t2_XXXXXX", p1[256], p2[256];
  cr_assert_not_null(mkdtemp(d1));
  cr_assert_not_null(mkdtemp(d2));
  // the run id is the directory's base name: give both runs the same one
  snprintf(p1, sizeof p1, "%s/run", d1);
  snprintf(p2, sizeof p2, "%s/run", d2);
  mkdir(p1, 0755);
  mkdir(p2, 0755);
  bk_run_summary_t s1, s2;
  bk_run_cfg_t c1 = small_run(p1, 1), c2 = small_run(p2, 2);
  cr_assert_eq(bk_run(&c1, &s1, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_run(&c2, &s2, err, sizeof err), 0, "%s", err);
  cr_expect_eq(s1.done, 6);
  cr_expect_eq(s2.done, 6);
  char f1[300], f2[300];
  snprintf(f1, sizeof f1, "%s/episodes.jsonl", p1);
  snprintf(f2, sizeof f2, "%s/episodes.jsonl", p2);
  char *a = sorted_lines(f1), *b = sorted_lines(f2);
  cr_expect_gt(strlen(a), 100);
  cr_expect_str_eq(a, b);
  free(a);
  free(b);
}

Test(runner, resume_skips_recorded_episodes_and_drops_a_cut_line, .timeout = 300) {
  char dir[] = "/tmp/bokbo_rs_XXXXXX", path[300];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  bk_run_summary_t s;
  bk_run_cfg_t c = small_run(dir, 2);
  c.ntask = 1;
  c.ninit = 2;
  cr_assert_eq(bk_run(&c, &s, err, sizeof err), 0, "%s", err);
  cr_assert_eq(count_lines(path), 2);
  // a run cut off while writing leaves half a line
  FILE* f = fopen(path, "a");
  fputs("{\"run\":\"x\",\"task\":0,\"ini", f);
  fclose(f);
  c.ninit = 3;
  c.resume = 1;
  cr_assert_eq(bk_run(&c, &s, err, sizeof err), 0, "%s", err);
  cr_expect_eq(s.skipped, 2);
  cr_expect_eq(s.done, 3);
  cr_expect_eq(count_lines(path), 3);
  char* all = sorted_lines(path);
  cr_expect(strstr(all, "\"ini{") == NULL && strstr(all, "\"task\":0,\"ini\n") == NULL);
  cr_expect_null(strstr(all, "\"run\":\"x\""), "the cut line is gone");
  free(all);
}

/* test policies through the public interface: NaN actions, an engine error */
static void* tp_create(const char* o, char* e, int n) { (void)o; (void)e; (void)n; return calloc(1, 1); }
static int tp_reset(void* s, const bk_world_t* w, const mjData* d, uint64_t seed) {
  (void)s; (void)w; (void)d; (void)seed;
  return 0;
}
static void tp_destroy(void* s) { free(s); }
static int nan_act(void* s, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  (void)s;
  for (int i = 0; i < q->k * q->h * 7; i++) out->actions[i] = obs->step >= 16 ? NAN : 0.0;
  return 0;
}
static int boom_act(void* s, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  (void)s; (void)q; (void)out;
  if (obs->step >= 8) mju_error("engine failure for the test");
  memset(out->actions, 0, sizeof(double) * q->k * q->h * 7);
  return 0;
}
static const bk_policy_ops_t kNan = {"nan", "", 0, tp_create, tp_reset, nan_act, tp_destroy};
static const bk_policy_ops_t kBoom = {"boom", "", 0, tp_create, tp_reset, boom_act, tp_destroy};

static void run_one(const bk_policy_ops_t* ops, bk_episode_t* ep) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 1, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  bk_episode_cfg_t cfg = {40, 8, 8, 1, NULL, NULL, 0};
  bk_episode_ctx_t* ctx = bk_episode_ctx_create(w, &cfg);
  cr_assert_eq(bk_episode_alloc(ep, cfg.max_steps, 0), 0);
  bk_guard_install();
  void* self = ops->create(NULL, err, sizeof err);
  cr_assert_eq(bk_episode_run(ctx, &cfg, ops, self, 0, 0, ep), 0);
  ops->destroy(self);
  bk_episode_ctx_free(ctx);
  bk_world_free(w);
}

Test(runner, nonfinite_actions_end_the_episode_with_an_error) {
  bk_episode_t ep;
  run_one(&kNan, &ep);
  cr_expect_str_eq(ep.error, "nonfinite action");
  cr_expect_eq(ep.steps, 16, "the finite steps ran");
  cr_expect_eq(ep.success, 0);
  bk_episode_release(&ep);
}

Test(runner, an_engine_error_becomes_a_failed_episode) {
  bk_episode_t ep;
  run_one(&kBoom, &ep);
  cr_expect(strstr(ep.error, "mujoco: engine failure for the test") != NULL, "%s", ep.error);
  cr_expect_eq(ep.steps, 8);
  bk_episode_release(&ep);
}

Test(thresholds, quantile_interpolates_like_numpy) {
  // numpy.quantile([1, 2, 3, 4], q): 0.5 -> 2.5, 0.99 -> 3.97, 0 -> 1, 1 -> 4
  double v[4] = {4, 1, 3, 2};
  cr_expect_float_eq(bk_thr_quantile(v, 4, 0.5), 2.5, 1e-12);
  cr_expect_float_eq(bk_thr_quantile(v, 4, 0.99), 3.97, 1e-12);
  cr_expect_float_eq(bk_thr_quantile(v, 4, 0.0), 1.0, 1e-12);
  cr_expect_float_eq(bk_thr_quantile(v, 4, 1.0), 4.0, 1e-12);
  double one[1] = {7};
  cr_expect_float_eq(bk_thr_quantile(one, 1, 0.99), 7.0, 1e-12);
  cr_expect(isnan(bk_thr_quantile(one, 0, 0.5)));
}

// write a file from a string
static void put(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
}

/* appends one full record (the writer's own) of a task with decisions of the given
 * chunks and per-step readings rows[steps][3] */
static int g_success;  /* the success flag add_record writes */

static void add_record(bk_sb_t* sb, const char* suite, int task, const char* policy, int ndec,
                       const int* chunk, const double* rows) {
  static bk_decision_t dec[8];
  static double force[64 * BK_NFORCE];
  bk_episode_t e;
  memset(&e, 0, sizeof e);
  memset(dec, 0, sizeof dec);
  e.task = task;
  e.success = g_success;
  e.dec = dec;
  e.step_force = force;
  e.ndecision = ndec;
  for (int j = 0; j < ndec; j++) {
    dec[j] = (bk_decision_t){.t = e.steps, .chunk = chunk[j], .k = 1, .viol_expert = -1,
                             .viol_global = -1};
    e.steps += chunk[j];
  }
  if (e.steps) memcpy(force, rows, sizeof(double) * (size_t)e.steps * BK_NFORCE);
  bk_record_ctx_t c = {"r", suite, policy, 1, 8, 8, 40, "greedy", 0, "none", NULL, 0};
  bk_record_write(&c, &e, sb);
}

Test(thresholds, per_task_quantile_times_margin_from_records) {
  char dir[] = "/tmp/bokbo_thr_XXXXXX", path[300], out[300];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  // task 2: robot_object readings 1..5 over two episodes -> median 3; task 5: one step
  bk_sb_t sb = {0};
  add_record(&sb, "libero_object", 2, "expert", 1, (int[]){2}, (double[]){1, 10, 0, 2, 20, 0});
  add_record(&sb, "libero_object", 2, "expert", 2, (int[]){1, 2},
             (double[]){3, 30, 0, 4, 40, 1, 5, 50, 1});
  add_record(&sb, "libero_object", 5, "expert", 1, (int[]){1}, (double[]){7, 8, 9});
  put(path, sb.s);
  bk_sb_free(&sb);
  bk_thr_t t;
  cr_assert_eq(bk_thr_from_run(dir, 0.5, 2.0, 0.0, &t, err, sizeof err), 0, "%s", err);
  cr_expect(t.have[2] && t.have[5] && !t.have[0]);
  cr_expect_eq(t.nsteps[2], 5);
  cr_expect_float_eq(t.thr[2][0], 2.0 * 3.0, 1e-12);
  cr_expect_float_eq(t.thr[2][1], 2.0 * 30.0, 1e-12);
  cr_expect_float_eq(t.thr[2][2], 0.0, 1e-12);
  cr_expect_float_eq(t.thr[5][2], 18.0, 1e-12);
  // a floor lifts the classes the expert barely loads, and only those
  bk_thr_t f;
  cr_assert_eq(bk_thr_from_run(dir, 0.5, 2.0, 1.5, &f, err, sizeof err), 0, "%s", err);
  cr_expect_float_eq(f.thr[2][2], 1.5, 1e-12);
  cr_expect_float_eq(f.thr[2][0], 6.0, 1e-12);
  // save and load give the same numbers
  snprintf(out, sizeof out, "%s/thr.json", dir);
  cr_assert_eq(bk_thr_save(&t, out, err, sizeof err), 0, "%s", err);
  bk_thr_t back;
  cr_assert_eq(bk_thr_load(out, &back, err, sizeof err), 0, "%s", err);
  cr_expect_str_eq(back.suite, "libero_object");
  cr_expect_float_eq(back.thr[2][1], 60.0, 1e-12);
  cr_expect(!back.have[3]);
}

Test(thresholds, failed_expert_episodes_left_out_when_the_task_has_successes) {
  char dir[] = "/tmp/bokbo_thr_XXXXXX", path[300];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  bk_sb_t sb = {0};
  // task 2: a success with readings 1, 2, 3 and a failure pressing at 500 N;
  // task 4: failures only (kept: the task has nothing else)
  g_success = 1;
  add_record(&sb, "libero_object", 2, "expert", 1, (int[]){3}, (double[]){1, 0, 0, 2, 0, 0, 3, 0, 0});
  g_success = 0;
  add_record(&sb, "libero_object", 2, "expert", 1, (int[]){2}, (double[]){500, 0, 0, 500, 0, 0});
  add_record(&sb, "libero_object", 4, "expert", 1, (int[]){2}, (double[]){6, 0, 0, 8, 0, 0});
  put(path, sb.s);
  bk_sb_free(&sb);
  bk_thr_t t;
  cr_assert_eq(bk_thr_from_run(dir, 1.0, 1.0, 0.0, &t, err, sizeof err), 0, "%s", err);
  // the maximum (q = 1) of the success alone is 3, not 500
  cr_expect_float_eq(t.thr[2][0], 3.0, 1e-12);
  cr_expect_eq(t.nsteps[2], 3);
  cr_expect_eq(t.nepisodes[2], 1);
  cr_expect_eq(t.nexcluded[2], 1);
  cr_expect_float_eq(t.thr[4][0], 8.0, 1e-12);
  cr_expect_eq(t.nepisodes[4], 1);
  cr_expect_eq(t.nexcluded[4], 0);
}

Test(thresholds, only_expert_runs_and_well_formed_records) {
  char dir[] = "/tmp/bokbo_thr_XXXXXX", path[300];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  bk_thr_t t;
  bk_sb_t sb = {0};
  add_record(&sb, "libero_object", 2, "simvla", 0, NULL, NULL);
  put(path, sb.s);
  cr_expect_neq(bk_thr_from_run(dir, 0.99, 1.0, 0.0, &t, err, sizeof err), 0);
  cr_expect(strstr(err, "expert") != NULL, "%s", err);
  sb.len = 0;
  add_record(&sb, "libero_object", 2, "expert", 0, NULL, NULL);
  bk_sb_puts(&sb, "not json\n");
  put(path, sb.s);
  cr_expect_neq(bk_thr_from_run(dir, 0.99, 1.0, 0.0, &t, err, sizeof err), 0);
  cr_expect(strstr(err, "episodes.jsonl:2:") != NULL, "%s", err);
  // records of two suites are not pooled under one name
  sb.len = 0;
  add_record(&sb, "libero_object", 2, "expert", 1, (int[]){1}, (double[]){1, 2, 3});
  add_record(&sb, "libero_spatial", 2, "expert", 1, (int[]){1}, (double[]){1, 2, 3});
  put(path, sb.s);
  cr_expect_eq(bk_thr_from_run(dir, 0.99, 1.0, 0.0, &t, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "episodes.jsonl:2: suite 'libero_spatial'") != NULL, "%s", err);
  // a margin or floor that is not finite would write null: refused
  sb.len = 0;
  add_record(&sb, "libero_object", 2, "expert", 1, (int[]){1}, (double[]){1, 2, 3});
  put(path, sb.s);
  cr_expect_eq(bk_thr_from_run(dir, 0.99, INFINITY, 0.0, &t, err, sizeof err), BK_EINVAL);
  cr_expect_eq(bk_thr_from_run(dir, 0.99, 1.0, INFINITY, &t, err, sizeof err), BK_EINVAL);
  cr_expect_eq(bk_thr_from_run(dir, 0.99, 1.0, 0.0, &t, err, sizeof err), 0, "%s", err);
  bk_sb_free(&sb);
}

/* loading runs for the report: hand-made records -> exact arrays, grouping by sampling
 * value, nulls, excluded training episodes, and file:line errors on bad input */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/load.h"

/* a scratch run directory with run.json and the given episodes.jsonl text */
static void make_run(char* dir, size_t n, const char* jsonl) {
  snprintf(dir, n, "/tmp/bk_test_load_XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  char path[512];
  snprintf(path, sizeof path, "%s/run.json", dir);
  FILE* f = fopen(path, "w");
  fputs("{\"policy\":\"expert\",\"thresholds\":\"/nonexistent/thr.json\",\"global_threshold\":5}\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/episodes.jsonl", dir);
  f = fopen(path, "w");
  fputs(jsonl, f);
  fclose(f);
}

static void remove_run(const char* dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  cr_assert_eq(system(cmd), 0);
}

#define EP(task, init, value, success, decs)                                                    \
  "{\"run\":\"r1\",\"suite\":\"libero_object\",\"task\":" #task ",\"init\":" #init            \
  ",\"seed\":0,\"policy\":\"expert\",\"sampling\":\"perturb\",\"value\":" #value              \
  ",\"scorer\":\"disagreement\",\"k\":2,\"success\":" #success ",\"steps\":8,\"error\":\"\","  \
  "\"decisions\":[" decs "]}\n"

#define DEC(s, ve, vg, ro, conf, dis, err)                                                      \
  "{\"t\":0,\"chunk\":8,\"peak_force\":{\"robot_object\":" #ro ",\"robot_fixture\":0.5,"       \
  "\"object_object\":0},\"violation\":{\"expert\":" #ve ",\"global\":" #vg "},\"k\":2,"        \
  "\"chosen\":0,\"s\":" #s ",\"cand\":{\"risk\":[1,2],\"confidence\":" conf                    \
  ",\"disagreement\":" dis "},\"err\":" err ",\"features\":[],\"step_force\":[]}"

static const char* kThree =
  EP(0, 0, 0.1, true, DEC(0.25, false, true, 3.5, "[-1,-3]", "[0.5,1.5]",
                          "{\"trans\":0.1,\"rot\":0.2,\"grip\":0.3,\"total\":0.1}") ","
                      DEC(null, true, true, 7, "[null,-2]", "[2,null]", "null"))
  EP(3, 1, 0.2, false, DEC(1.5, null, false, 0, "[null,null]", "[]", "null"))
  EP(3, 2, 0.1, true, "");

Test(load, records_become_exact_arrays) {
  char dir[256], err[512];
  make_run(dir, sizeof dir, kThree);
  const char* dirs[1] = {dir};
  bk_load_t* L = bk_load_runs(dirs, 1, NULL, err, sizeof err);
  cr_assert_not_null(L, "%s", err);
  cr_assert_eq(L->n_runs, 1);
  cr_assert_str_eq(L->runs[0].id, "r1");
  cr_assert_str_eq(L->runs[0].thresholds, "/nonexistent/thr.json");
  cr_assert_float_eq(L->runs[0].global_threshold, 5.0, 1e-12);
  cr_assert_eq(L->n_episodes, 3);
  cr_assert_eq(L->n_decisions, 3);
  // two groups: sigma 0.1 (episodes 0 and 2) and sigma 0.2
  cr_assert_eq(L->n_groups, 2);
  cr_assert_str_eq(L->groups[0].suite, "libero_object");
  cr_assert_str_eq(L->groups[0].sampling, "perturb");
  cr_assert_float_eq(L->groups[0].value, 0.1, 1e-12);
  cr_assert_float_eq(L->groups[1].value, 0.2, 1e-12);
  int group[3] = {0, 1, 0}, task[3] = {0, 3, 3}, init[3] = {0, 1, 2}, off[4] = {0, 2, 3, 3};
  unsigned char succ[3] = {1, 0, 1};
  for (int i = 0; i < 3; i++) {
    cr_assert_eq(L->ep_group[i], group[i]);
    cr_assert_eq(L->ep_task[i], task[i]);
    cr_assert_eq(L->ep_init[i], init[i]);
    cr_assert_eq(L->ep_success[i], succ[i]);
  }
  for (int i = 0; i < 4; i++) cr_assert_eq(L->ep_offset[i], off[i]);
  // decision 0: every field present
  cr_assert_float_eq(L->s[0], 0.25, 1e-12);
  cr_assert_eq(L->v_expert[0], 0);
  cr_assert_eq(L->v_global[0], 1);
  cr_assert_float_eq(L->peak[0], 3.5, 1e-12);
  cr_assert_float_eq(L->peak[1], 0.5, 1e-12);
  cr_assert_float_eq(L->conf_mean[0], -2.0, 1e-12);
  cr_assert_float_eq(L->dis_mean[0], 1.0, 1e-12);
  cr_assert_float_eq(L->err[0], 0.1, 1e-12);
  cr_assert_float_eq(L->err[2], 0.3, 1e-12);
  // decision 1: null score -> +inf, nulls skipped in the means, no error
  cr_assert(isinf(L->s[1]) && L->s[1] > 0);
  cr_assert_eq(L->v_expert[1], 1);
  cr_assert_float_eq(L->conf_mean[1], -2.0, 1e-12);
  cr_assert_float_eq(L->dis_mean[1], 2.0, 1e-12);
  cr_assert(isnan(L->err[3]));
  // decision 2: null verdict, no signal at all
  cr_assert_eq(L->v_expert[2], -1);
  cr_assert_eq(L->v_global[2], 0);
  cr_assert(isnan(L->conf_mean[2]));
  cr_assert(isnan(L->dis_mean[2]));
  bk_load_free(L);
  remove_run(dir);
}

Test(load, training_episodes_are_left_out) {
  char dir[256], err[512];
  make_run(dir, sizeof dir, kThree);
  int keys[6] = {0, 0, 0, 3, 2, 0};
  bk_load_exclude_t ex = {2, keys};
  const char* dirs[1] = {dir};
  bk_load_t* L = bk_load_runs(dirs, 1, &ex, err, sizeof err);
  cr_assert_not_null(L, "%s", err);
  cr_assert_eq(L->n_episodes, 1);
  cr_assert_eq(L->n_excluded, 2);
  cr_assert_eq(L->ep_task[0], 3);
  cr_assert_eq(L->ep_init[0], 1);
  cr_assert_eq(L->n_decisions, 1);
  bk_load_free(L);
  remove_run(dir);
}

Test(load, predictor_model_train_keys_are_read) {
  char path[] = "/tmp/bk_test_model_XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  const char* text = "{\"weights\":[1],\"train_episodes\":[[0,1,2],[3,4,5]]}\n";
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  bk_load_exclude_t ex;
  char err[256];
  cr_assert_eq(bk_load_exclude_read(path, &ex, err, sizeof err), 0, "%s", err);
  cr_assert_eq(ex.n, 2);
  int want[6] = {0, 1, 2, 3, 4, 5};
  for (int k = 0; k < 6; k++) cr_assert_eq(ex.key[k], want[k]);
  bk_load_exclude_free(&ex);
  unlink(path);
}

Test(load, malformed_line_names_file_and_line) {
  char dir[256], err[512];
  char text[4096];
  snprintf(text, sizeof text, "%s%s", kThree, "{\"suite\":\"libero_object\",\"task\":1}\n");
  make_run(dir, sizeof dir, text);
  const char* dirs[1] = {dir};
  cr_assert_null(bk_load_runs(dirs, 1, NULL, err, sizeof err));
  cr_assert(strstr(err, "episodes.jsonl:4:"), "%s", err);
  cr_assert(strstr(err, "sampling"), "%s", err);
  remove_run(dir);
}

Test(load, not_json_and_bad_verdict_are_errors) {
  char dir[256], err[512];
  make_run(dir, sizeof dir, "not json\n");
  const char* dirs[1] = {dir};
  cr_assert_null(bk_load_runs(dirs, 1, NULL, err, sizeof err));
  cr_assert(strstr(err, "episodes.jsonl:1:"), "%s", err);
  remove_run(dir);
  make_run(dir, sizeof dir, EP(0, 0, 0.1, true, DEC(0.2, 3, true, 1, "[]", "[]", "null")));
  cr_assert_null(bk_load_runs(dirs, 1, NULL, err, sizeof err));
  cr_assert(strstr(err, "episodes.jsonl:1: decision 0"), "%s", err);
  remove_run(dir);
}

Test(load, missing_run_is_an_error) {
  char err[512];
  const char* dirs[1] = {"/nonexistent/run"};
  cr_assert_null(bk_load_runs(dirs, 1, NULL, err, sizeof err));
  cr_assert(strstr(err, "/nonexistent/run/run.json"), "%s", err);
}

Test(load, two_directories_pool_the_same_group) {
  char a[256], b[256], err[512];
  make_run(a, sizeof a, kThree);
  make_run(b, sizeof b, kThree);
  const char* dirs[2] = {a, b};
  bk_load_t* L = bk_load_runs(dirs, 2, NULL, err, sizeof err);
  cr_assert_not_null(L, "%s", err);
  cr_assert_eq(L->n_runs, 2);
  cr_assert_eq(L->n_groups, 2);
  cr_assert_eq(L->n_episodes, 6);
  cr_assert_eq(L->ep_run[3], 1);
  cr_assert_eq(L->ep_group[3], 0);
  cr_assert_eq(L->ep_offset[6], 6);
  bk_load_free(L);
  remove_run(a);
  remove_run(b);
}

/* the same records twice: plain (read by the fast reader), then with an escaped string
 * (which the fast reader declines, so cJSON reads it); unusual numbers and duplicate keys */
#define ODD_DECS                                                                                \
  "{\"s\":0.30000000000000004,\"s\":9,\"peak_force\":{\"robot_object\":1.7976931348623157e308," \
  "\"robot_fixture\":4.9e-324,\"object_object\":-0,\"robot_object\":1},"                      \
  "\"violation\":{\"global\":null,\"expert\":true,\"expert\":false},"                          \
  "\"cand\":{\"confidence\":[123456789012345678901234,2.5e-7,null,[1],{\"a\":1}],"              \
  "\"disagreement\":[-0.5E+2,1e-3,0.1]},\"err\":{\"rot\":\"x\",\"trans\":1E22,\"trans\":3},"   \
  "\"step_force\":[[1e5,0,0],[2,-3.25,7]]},"                                                    \
  "{\"s\":null,\"peak_force\":{\"robot_object\":3,\"robot_fixture\":0,\"object_object\":0},"   \
  "\"violation\":{},\"cand\":{},\"err\":[1,2,3]}"
#define ODD_HEAD "{\"suite\":\"libero_object\",\"sampling\":\"perturb\",\"value\":0.05,\"task\":2.7,"

Test(load, fast_reader_and_cjson_read_the_same_values) {
  char dir[256], err[512];
  make_run(dir, sizeof dir,
           ODD_HEAD "\"init\":0,\"seed\":-1,\"success\":true,\"decisions\":[" ODD_DECS "]}\n"
           ODD_HEAD "\"init\":0,\"seed\":-1,\"success\":true,\"error\":\"a \\\"quoted\\\" error\","
                    "\"decisions\":[" ODD_DECS "]}\n");
  const char* dirs[1] = {dir};
  bk_load_t* L = bk_load_runs(dirs, 1, NULL, err, sizeof err);
  cr_assert_not_null(L, "%s", err);
  cr_assert_eq(L->n_episodes, 2);
  cr_assert_eq(L->n_decisions, 4);
  cr_assert_eq(L->ep_task[0], 2);
  cr_assert_eq(L->ep_task[1], 2);
  cr_assert_eq(L->ep_seed[1], -1);
  // bit for bit the same in both episodes
  cr_assert_eq(memcmp(L->s, L->s + 2, 2 * sizeof *L->s), 0);
  cr_assert_eq(memcmp(L->peak, L->peak + 6, 6 * sizeof *L->peak), 0);
  cr_assert_eq(memcmp(L->conf_mean, L->conf_mean + 2, sizeof *L->conf_mean), 0);
  cr_assert_eq(memcmp(L->dis_mean, L->dis_mean + 2, sizeof *L->dis_mean), 0);
  cr_assert_eq(memcmp(L->err, L->err + 6, 6 * sizeof *L->err), 0);
  cr_assert_eq(memcmp(L->v_expert, L->v_expert + 2, 2), 0);
  cr_assert_eq(memcmp(L->v_global, L->v_global + 2, 2), 0);
  // and the values cJSON gives: the first of duplicate keys, strtod's numbers
  cr_assert_eq(L->s[0], 0.30000000000000004);
  cr_assert(isinf(L->s[1]));
  cr_assert_eq(L->peak[0], 1.7976931348623157e308);
  cr_assert_eq(L->peak[1], 4.9e-324);
  cr_assert(L->peak[2] == 0 && signbit(L->peak[2]));
  cr_assert_eq(L->v_expert[0], 1);
  cr_assert_eq(L->v_global[0], -1);
  cr_assert_eq(L->v_expert[1], -1);
  cr_assert_eq(L->conf_mean[0], (123456789012345678901234.0 + 2.5e-7) / 2);
  cr_assert_eq(L->dis_mean[0], (-50 + 1e-3 + 0.1) / 3);
  cr_assert_eq(L->err[0], 1e22);
  cr_assert(isnan(L->err[1]) && isnan(L->err[2]) && isnan(L->err[3]));
  cr_assert(isnan(L->conf_mean[1]));
  bk_load_free(L);
  remove_run(dir);
}

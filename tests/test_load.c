/* loading runs for the report: hand-made records -> exact arrays, grouping by sampling
 * value, nulls, excluded training episodes, and file:line errors on bad input */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/load.h"
#include "report/scan.h"

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

#define EP(task, init, value, success, steps, decs)                                             \
  "{\"run\":\"r1\",\"suite\":\"libero_object\",\"task\":" #task ",\"init\":" #init            \
  ",\"seed\":0,\"policy\":\"expert\",\"sampling\":\"perturb\",\"value\":" #value              \
  ",\"scorer\":\"disagreement\",\"k\":2,\"chunk\":8,\"open_loop\":8,\"max_steps\":8,"           \
  "\"success\":" #success ",\"abstained\":false,\"steps\":" #steps ",\"error\":\"\","          \
  "\"bokbo\":\"0.1.0\",\"mujoco\":222,\"warnings\":[0,0,0,0,0,0,0,0],\"warnings_total\":0,"    \
  "\"decisions\":[" decs "]}\n"

#define DEC(t, s, ve, vg, ro, conf, dis, err)                                                   \
  "{\"t\":" #t ",\"chunk\":1,\"peak_force\":{\"robot_object\":" #ro ",\"robot_fixture\":0.5,"   \
  "\"object_object\":0},\"violation\":{\"expert\":" #ve ",\"global\":" #vg "},"                \
  "\"abstain\":false,\"k\":2,\"chosen\":0,\"s\":" #s ",\"cand\":{\"risk\":[1,2],"              \
  "\"confidence\":" conf ",\"disagreement\":" dis "},\"err\":" err ","                         \
  "\"features\":[0,0,0,0,0,0,0,0,0,0],\"step_force\":[[1,2,3]]}"

static const char* kThree =
  EP(0, 0, 0.1, true, 2, DEC(0, 0.25, false, true, 3.5, "[-1,-3]", "[0.5,1.5]",
                             "{\"trans\":0.1,\"rot\":0.2,\"grip\":0.3,\"total\":0.1}") ","
                         DEC(1, null, true, true, 7, "[null,-2]", "[2,null]", "null"))
  EP(3, 1, 0.2, false, 1, DEC(0, 1.5, null, false, 0, "[null,null]", "[null,null]", "null"))
  EP(3, 2, 0.1, true, 0, "");

/* text with every `from` replaced by `to` (static buffer) */
static const char* replaced(const char* text, const char* from, const char* to) {
  static char out[16384];
  size_t o = 0, nf = strlen(from), nt = strlen(to);
  for (const char* p = text; *p && o + nt + 1 < sizeof out;) {
    if (!strncmp(p, from, nf)) {
      memcpy(out + o, to, nt);
      o += nt;
      p += nf;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = 0;
  return out;
}

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
  // episodes sorted by (group, task, init, seed): the file's third record (sigma 0.1,
  // no decisions) comes before its second (sigma 0.2)
  int group[3] = {0, 0, 1}, task[3] = {0, 3, 3}, init[3] = {0, 2, 1}, off[4] = {0, 2, 2, 3};
  unsigned char succ[3] = {1, 1, 0};
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

// the same records in the opposite order give the same arrays: groups sorted by value,
// episodes by (group, task, init, seed), each episode's decisions moved with it
static const char* kThreeReversed =
  EP(3, 1, 0.2, false, 1, DEC(0, 1.5, null, false, 0, "[null,null]", "[null,null]", "null"))
  EP(3, 2, 0.1, true, 0, "")
  EP(0, 0, 0.1, true, 2, DEC(0, 0.25, false, true, 3.5, "[-1,-3]", "[0.5,1.5]",
                             "{\"trans\":0.1,\"rot\":0.2,\"grip\":0.3,\"total\":0.1}") ","
                         DEC(1, null, true, true, 7, "[null,-2]", "[2,null]", "null"));

Test(load, order_of_records_does_not_matter) {
  char da[256], db[256], err[512];
  make_run(da, sizeof da, kThree);
  make_run(db, sizeof db, kThreeReversed);
  const char* a_dirs[1] = {da}, *b_dirs[1] = {db};
  bk_load_t* A = bk_load_runs(a_dirs, 1, NULL, err, sizeof err);
  cr_assert_not_null(A, "%s", err);
  bk_load_t* B = bk_load_runs(b_dirs, 1, NULL, err, sizeof err);
  cr_assert_not_null(B, "%s", err);
  cr_assert_eq(B->n_groups, 2);
  cr_assert_float_eq(B->groups[0].value, 0.1, 1e-12);  // though 0.2 comes first in the file
  cr_assert_eq(A->n_episodes, B->n_episodes);
  cr_assert_eq(A->n_decisions, B->n_decisions);
  for (int i = 0; i < A->n_episodes; i++) {
    cr_assert_eq(A->ep_group[i], B->ep_group[i]);
    cr_assert_eq(A->ep_task[i], B->ep_task[i]);
    cr_assert_eq(A->ep_init[i], B->ep_init[i]);
    cr_assert_eq(A->ep_success[i], B->ep_success[i]);
    cr_assert_eq(A->ep_offset[i + 1], B->ep_offset[i + 1]);
  }
  for (int j = 0; j < A->n_decisions; j++) {
    cr_assert(A->s[j] == B->s[j], "decision %d: %g vs %g", j, A->s[j], B->s[j]);
    cr_assert_eq(A->v_expert[j], B->v_expert[j]);
    cr_assert_eq(A->v_global[j], B->v_global[j]);
    for (int c = 0; c < 3; c++) cr_assert(A->peak[3 * j + c] == B->peak[3 * j + c]);
  }
  // the sigma 0.2 episode (task 3 init 1) is last, with its one decision (score 1.5)
  cr_assert_eq(B->ep_group[2], 1);
  cr_assert_eq(B->ep_init[2], 1);
  cr_assert_float_eq(B->s[B->ep_offset[2]], 1.5, 1e-12);
  bk_load_free(A);
  bk_load_free(B);
  remove_run(da);
  remove_run(db);
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
  cr_assert(strstr(err, "missing \"run\""), "%s", err);
  remove_run(dir);
}

Test(load, not_json_and_bad_verdict_are_errors) {
  char dir[256], err[512];
  make_run(dir, sizeof dir, "not json\n");
  const char* dirs[1] = {dir};
  cr_assert_null(bk_load_runs(dirs, 1, NULL, err, sizeof err));
  cr_assert(strstr(err, "episodes.jsonl:1:"), "%s", err);
  remove_run(dir);
  make_run(dir, sizeof dir,
           EP(0, 0, 0.1, true, 1, DEC(0, 0.2, 3, true, 1, "[1,1]", "[1,1]", "null")));
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

Test(load, the_same_episodes_twice_are_refused) {
  char a[256], b[256], err[512];
  make_run(a, sizeof a, kThree);
  make_run(b, sizeof b, replaced(kThree, "\"r1\"", "\"copy\""));
  const char* dirs[2] = {a, b};
  cr_assert_null(bk_load_runs(dirs, 2, NULL, err, sizeof err));
  cr_assert(strstr(err, "episodes.jsonl:1: task 0 init 0 seed 0") != NULL, "%s", err);
  cr_assert(strstr(err, "again: first in") != NULL, "%s", err);
  // a line repeated inside one run, too
  remove_run(b);
  char text[8192];
  snprintf(text, sizeof text, "%s%s", kThree, kThree);
  make_run(b, sizeof b, text);
  cr_assert_null(bk_load_runs(dirs + 1, 1, NULL, err, sizeof err));
  cr_assert(strstr(err, "episodes.jsonl:4: task 0 init 0 seed 0") != NULL, "%s", err);
  remove_run(a);
  remove_run(b);
}

Test(load, two_directories_pool_the_same_group) {
  char a[256], b[256], err[512];
  make_run(a, sizeof a, kThree);
  make_run(b, sizeof b, replaced(kThree, "\"seed\":0", "\"seed\":1"));
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
 * (which the fast reader declines, so the validating reader reads it); unusual numbers */
#define ODD_DECS                                                                                \
  "{\"t\":0,\"chunk\":2,\"peak_force\":{\"robot_object\":1.7976931348623157e308,"             \
  "\"robot_fixture\":4.9e-324,\"object_object\":-0},"                                          \
  "\"violation\":{\"global\":null,\"expert\":true},\"abstain\":false,\"k\":3,\"chosen\":1,"     \
  "\"s\":0.30000000000000004,"                                                                 \
  "\"cand\":{\"confidence\":[123456789012345678901234,2.5e-7,null],\"risk\":[1,2,3],"          \
  "\"disagreement\":[-0.5E+2,1e-3,0.1]},\"err\":{\"rot\":2,\"trans\":1E22,\"grip\":0,\"total\":1},"   \
  "\"features\":[0,0,0,0,0,0,0,0,0,null],\"step_force\":[[1e5,0,0],[2,-3.25,7]]},"              \
  "{\"t\":2,\"chunk\":1,\"s\":null,\"peak_force\":{\"robot_object\":3,\"robot_fixture\":0,"      \
  "\"object_object\":0},\"abstain\":false,\"k\":1,\"chosen\":0,\"features\":[0,0,0,0,0,0,0,0,0,0]," \
  "\"violation\":{\"expert\":null,\"global\":false},\"cand\":{\"risk\":[null],\"confidence\":[null]," \
  "\"disagreement\":[1]},\"err\":null,\"step_force\":[[0,0,0]]}"
#define ODD_HEAD "{\"run\":\"x\",\"suite\":\"libero_object\",\"sampling\":\"perturb\",\"value\":0.05," \
  "\"policy\":\"simvla\",\"scorer\":\"disagreement\",\"k\":3,\"chunk\":8,\"open_loop\":8,"      \
  "\"max_steps\":9,\"abstained\":false,\"steps\":3,\"bokbo\":\"0\",\"mujoco\":1,"               \
  "\"warnings\":[0,0,0,0,0,0,0,1],\"warnings_total\":1,\"task\":2,"

Test(load, fast_reader_and_validating_reader_read_the_same_values) {
  char dir[256], err[512];
  const char* plain = ODD_HEAD "\"init\":0,\"seed\":1,\"success\":true,\"error\":\"\",\"decisions\":[" ODD_DECS "]}\n";
  const char* escaped = ODD_HEAD "\"init\":0,\"seed\":2,\"success\":true,\"error\":\"a \\\"quoted\\\" error\","
                        "\"decisions\":[" ODD_DECS "]}\n";
  bk_scan_rec_t sr = {0};
  cr_assert_eq(bk_scan_record(plain, strlen(plain), &sr), 0, "the fast reader takes the plain line");
  cr_assert_neq(bk_scan_record(escaped, strlen(escaped), &sr), 0, "and declines the escaped one");
  bk_scan_rec_free(&sr);
  char text[8192];
  snprintf(text, sizeof text, "%s%s", plain, escaped);
  make_run(dir, sizeof dir, text);
  const char* dirs[1] = {dir};
  bk_load_t* L = bk_load_runs(dirs, 1, NULL, err, sizeof err);
  cr_assert_not_null(L, "%s", err);
  cr_assert_eq(L->n_episodes, 2);
  cr_assert_eq(L->n_decisions, 4);
  cr_assert_eq(L->ep_task[0], 2);
  cr_assert_eq(L->ep_task[1], 2);
  // bit for bit the same in both episodes
  cr_assert_eq(memcmp(L->s, L->s + 2, 2 * sizeof *L->s), 0);
  cr_assert_eq(memcmp(L->peak, L->peak + 6, 6 * sizeof *L->peak), 0);
  cr_assert_eq(memcmp(L->conf_mean, L->conf_mean + 2, 2 * sizeof *L->conf_mean), 0);
  cr_assert_eq(memcmp(L->dis_mean, L->dis_mean + 2, 2 * sizeof *L->dis_mean), 0);
  cr_assert_eq(memcmp(L->err, L->err + 6, 6 * sizeof *L->err), 0);
  cr_assert_eq(memcmp(L->v_expert, L->v_expert + 2, 2), 0);
  cr_assert_eq(memcmp(L->v_global, L->v_global + 2, 2), 0);
  // and the values strtod gives
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
  cr_assert_eq(L->err[1], 2);
  cr_assert(isnan(L->err[3]) && isnan(L->err[4]) && isnan(L->err[5]));
  cr_assert(isnan(L->conf_mean[1]));
  bk_load_free(L);
  remove_run(dir);
}

/* resume checks: input files by content, episode lists equal or (--extend) growing */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "run/resume.h"

// a scratch file holding text; its path in path
static void write_text(char* path, size_t sz, const char* name, const char* text) {
  snprintf(path, sz, "/tmp/bokbo_test_resume_%d_%s", (int)getpid(), name);
  FILE* f = fopen(path, "wb");
  cr_assert(f);
  fputs(text, f);
  fclose(f);
}

// a configuration as `run` writes it: the three input paths and their hashes
static cJSON* config(const char* thr, const char* abstain, const char* pred) {
  cJSON* j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "thresholds", thr ? thr : "");
  cJSON_AddStringToObject(j, "abstain", abstain ? abstain : "");
  cJSON_AddStringToObject(j, "predictor", pred ? pred : "");
  char err[512];
  cr_assert_eq(bk_resume_add_inputs(j, thr, abstain, pred, NULL, err, sizeof err), 0, "%s", err);
  return j;
}

Test(resume, hash_is_fnv1a64_of_the_bytes) {
  char path[256], hash[17], err[256];
  // FNV-1a 64 of "a" is af63dc4c8601ec8c; of nothing, the offset basis cbf29ce484222325
  write_text(path, sizeof path, "a", "a");
  cr_assert_eq(bk_resume_hash_file(path, hash, err, sizeof err), 0, "%s", err);
  cr_expect_str_eq(hash, "af63dc4c8601ec8c");
  write_text(path, sizeof path, "empty", "");
  cr_assert_eq(bk_resume_hash_file(path, hash, err, sizeof err), 0);
  cr_expect_str_eq(hash, "cbf29ce484222325");
  unlink(path);
  cr_expect_neq(bk_resume_hash_file(path, hash, err, sizeof err), 0);
  cr_expect(strstr(err, path) != NULL, "the error names the file: %s", err);
}

Test(resume, same_contents_under_another_path_pass) {
  char a[256], b[256], err[512];
  const char* opts[3] = {"thr", "abs", "pred"};
  for (int i = 0; i < 3; i++) {
    write_text(a, sizeof a, "one", "{\"x\": 1}\n");
    write_text(b, sizeof b, "two", "{\"x\": 1}\n");
    const char* pa[3] = {NULL, NULL, NULL};
    const char* pb[3] = {NULL, NULL, NULL};
    pa[i] = a;
    pb[i] = b;
    cJSON *old = config(pa[0], pa[1], pa[2]), *now = config(pb[0], pb[1], pb[2]);
    cr_expect_eq(bk_resume_check_inputs(old, now, err, sizeof err), 0, "%s: %s", opts[i], err);
    // the contents change under the same path: refused, naming the option and the file
    write_text(b, sizeof b, "two", "{\"x\": 2}\n");
    cJSON* changed = config(pb[0], pb[1], pb[2]);
    cr_expect_eq(bk_resume_check_inputs(old, changed, err, sizeof err), BK_EINVAL, "%s", opts[i]);
    const char* option[3] = {"--thresholds", "--abstain", "--predictor"};
    cr_expect(strstr(err, option[i]) && strstr(err, b) && strstr(err, "contents differ"), "%s", err);
    cJSON_Delete(old);
    cJSON_Delete(now);
    cJSON_Delete(changed);
    unlink(a);
    unlink(b);
  }
}

Test(resume, an_input_given_or_left_out_is_refused) {
  char a[256], err[512];
  write_text(a, sizeof a, "thr", "{}");
  cJSON *with = config(a, NULL, NULL), *without = config(NULL, NULL, NULL);
  cr_expect_eq(bk_resume_check_inputs(with, without, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "started with --thresholds") != NULL, "%s", err);
  cr_expect_eq(bk_resume_check_inputs(without, with, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "started without --thresholds") != NULL, "%s", err);
  cJSON_Delete(with);
  cJSON_Delete(without);
  unlink(a);
}

Test(resume, a_run_json_without_hashes_is_compared_by_path) {
  char a[256], b[256], err[512];
  write_text(a, sizeof a, "one", "1");
  write_text(b, sizeof b, "two", "1");
  cJSON* old = cJSON_CreateObject();
  cJSON_AddStringToObject(old, "thresholds", a);
  cJSON* now = config(a, NULL, NULL);
  cr_expect_eq(bk_resume_check_inputs(old, now, err, sizeof err), 0, "%s", err);
  // the hash taken over, so that the configurations now agree on it
  cr_expect(cJSON_Compare(cJSON_GetObjectItem(old, "thresholds_fnv1a64"),
                          cJSON_GetObjectItem(now, "thresholds_fnv1a64"), 1));
  cJSON_Delete(old);
  old = cJSON_CreateObject();
  cJSON_AddStringToObject(old, "thresholds", a);
  cJSON* moved = config(b, NULL, NULL);
  cr_expect_eq(bk_resume_check_inputs(old, moved, err, sizeof err), BK_EINVAL);
  cJSON_Delete(old);
  cJSON_Delete(now);
  cJSON_Delete(moved);
  unlink(a);
  unlink(b);
}

// a configuration's episode lists and shard count
static cJSON* lists(const int* tasks, int nt, const int* inits, int ni, const int* seeds, int ns,
                    int nshard) {
  cJSON* j = cJSON_CreateObject();
  cJSON_AddItemToObject(j, "tasks", cJSON_CreateIntArray(tasks, nt));
  cJSON_AddItemToObject(j, "inits", cJSON_CreateIntArray(inits, ni));
  cJSON_AddItemToObject(j, "seeds", cJSON_CreateIntArray(seeds, ns));
  cJSON_AddNumberToObject(j, "nshard", nshard);
  return j;
}

Test(resume, other_lists_need_extend) {
  const int t[] = {0, 3}, i2[] = {0, 1}, i3[] = {0, 1, 2}, s[] = {0};
  cJSON *old = lists(t, 2, i2, 2, s, 1, 1), *now = lists(t, 2, i3, 3, s, 1, 1);
  char err[512];
  int grows = -1;
  cr_expect_eq(bk_resume_check_episodes(old, old, 0, &grows, err, sizeof err), 0, "%s", err);
  cr_expect_eq(grows, 0);
  cr_expect_eq(bk_resume_check_episodes(old, now, 0, &grows, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "--inits") && strstr(err, "--extend"), "%s", err);
  cr_expect_eq(bk_resume_check_episodes(old, now, 1, &grows, err, sizeof err), 0, "%s", err);
  cr_expect_eq(grows, 1);
  cJSON_Delete(old);
  cJSON_Delete(now);
}

Test(resume, extend_never_drops_an_id) {
  const int t[] = {0, 3}, t2[] = {3, 5}, i[] = {0}, s[] = {0, 1}, s2[] = {1, 0, 2};
  cJSON *old = lists(t, 2, i, 1, s, 2, 1), *drop = lists(t2, 2, i, 1, s, 2, 1);
  cJSON* reordered = lists(t, 2, i, 1, s2, 3, 1);
  char err[512];
  int grows;
  cr_expect_eq(bk_resume_check_episodes(old, drop, 1, &grows, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "--tasks drops task 0") != NULL, "%s", err);
  cr_expect_eq(bk_resume_check_episodes(old, reordered, 1, &grows, err, sizeof err), 0, "%s", err);
  cr_expect_eq(grows, 1, "seed 2 is new");
  cJSON_Delete(old);
  cJSON_Delete(drop);
  cJSON_Delete(reordered);
}

Test(resume, a_shard_is_never_extended) {
  const int t[] = {0}, i[] = {0, 1}, i3[] = {0, 1, 2}, s[] = {0};
  cJSON *old = lists(t, 1, i, 2, s, 1, 3), *now = lists(t, 1, i3, 3, s, 1, 3);
  char err[512];
  int grows;
  cr_expect_eq(bk_resume_check_episodes(old, now, 1, &grows, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "shard") != NULL, "%s", err);
  // the same lists: a shard resumes as before
  cr_expect_eq(bk_resume_check_episodes(old, old, 1, &grows, err, sizeof err), 0, "%s", err);
  cJSON_Delete(old);
  cJSON_Delete(now);
}

Test(resume, extended_tasks_keep_their_init_files) {
  const int t[] = {0}, t2[] = {0, 1}, i[] = {0}, s[] = {0};
  cJSON *old = lists(t, 1, i, 1, s, 1, 1), *now = lists(t2, 2, i, 1, s, 1, 1);
  cJSON* fo = cJSON_AddArrayToObject(old, "init_files");
  cJSON* fn = cJSON_AddArrayToObject(now, "init_files");
  const char* hashes[] = {"00000000000000aa", "00000000000000bb"};
  for (int k = 0; k < 2; k++) {
    cJSON* f = cJSON_CreateObject();
    cJSON_AddNumberToObject(f, "task", k);
    cJSON_AddStringToObject(f, "fnv1a64", hashes[k]);
    if (k == 0) cJSON_AddItemToArray(fo, cJSON_Duplicate(f, 1));
    cJSON_AddItemToArray(fn, f);
  }
  char err[512];
  int grows;
  cr_expect_eq(bk_resume_check_episodes(old, now, 1, &grows, err, sizeof err), 0, "%s", err);
  cJSON_ReplaceItemInObject(cJSON_GetArrayItem(fn, 0), "fnv1a64", cJSON_CreateString("ff"));
  cr_expect_eq(bk_resume_check_episodes(old, now, 1, &grows, err, sizeof err), BK_EINVAL);
  cr_expect(strstr(err, "init file") != NULL, "%s", err);
  cJSON_Delete(old);
  cJSON_Delete(now);
}

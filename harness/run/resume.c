#include "run/resume.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"

/* the input files a run.json records: its key (the path) and the option that gives it */
static const struct {
  const char* key;
  const char* hash_key;
  const char* option;
} kInputs[] = {
  {"thresholds", "thresholds_fnv1a64", "--thresholds"},
  {"abstain", "abstain_fnv1a64", "--abstain"},
  {"predictor", "predictor_fnv1a64", "--predictor"},
  {"shard_costs", "shard_costs_fnv1a64", "--shard-costs"},
};
#define NINPUT (int)(sizeof kInputs / sizeof *kInputs)

static const struct {
  const char* key;
  const char* option;
  const char* what;
} kLists[] = {{"tasks", "--tasks", "task"}, {"inits", "--inits", "init"}, {"seeds", "--seeds", "seed"}};

int bk_resume_hash_file(const char* path, char out[17], char* err, int err_sz) {
  int code = 0;
  FILE* f = bk_file_open_read(path, &code, err, err_sz);
  if (!f) return code ? code : BK_EIO;
  uint64_t h = 14695981039346656037ULL;  // the FNV-1a 64 offset basis
  unsigned char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    for (size_t i = 0; i < n; i++) h = (h ^ buf[i]) * 1099511628211ULL;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) return bk_fail(err, err_sz, BK_EIO, "%s: read error", path);
  snprintf(out, 17, "%016llx", (unsigned long long)h);
  return 0;
}

int bk_resume_add_inputs(cJSON* cfg, const char* thresholds, const char* abstain,
                         const char* predictor, const char* shard_costs, char* err, int err_sz) {
  const char* paths[NINPUT] = {thresholds, abstain, predictor, shard_costs};
  for (int i = 0; i < NINPUT; i++) {
    char hash[17] = "";
    if (paths[i] && bk_resume_hash_file(paths[i], hash, err, err_sz)) return BK_EIO;
    cJSON_AddStringToObject(cfg, kInputs[i].hash_key, hash);
  }
  return 0;
}

static const char* str_of(const cJSON* j, const char* key) {
  const char* s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, key));
  return s ? s : "";
}

// one input file: old and now must agree on its contents (or, for an old run.json
// without the hash, on its path)
static int check_input(cJSON* old, const cJSON* now, int i, char* err, int err_sz) {
  const char *op = str_of(old, kInputs[i].key), *np = str_of(now, kInputs[i].key);
  const char* nh = str_of(now, kInputs[i].hash_key);
  const cJSON* oh = cJSON_GetObjectItemCaseSensitive(old, kInputs[i].hash_key);
  if (!cJSON_IsString(oh)) {
    // a run from before content hashes: trusted by path, as then
    if (strcmp(op, np) == 0) {
      cJSON_AddStringToObject(old, kInputs[i].hash_key, nh);
      return 0;
    }
  } else if (strcmp(oh->valuestring, nh) == 0) {
    return 0;
  }
  const char* opt = kInputs[i].option;
  if (!*op) {
    return bk_fail(err, err_sz, BK_EINVAL, "cannot resume: %s %s: the run started without %s", opt, np, opt);
  }
  if (!*np) {
    return bk_fail(err, err_sz, BK_EINVAL, "cannot resume: the run started with %s %s; give it again", opt, op);
  }
  return bk_fail(err, err_sz, BK_EINVAL,
                 "cannot resume: %s %s: its contents differ from the file the run started with "
                 "(%s); resume with that content or use another --out", opt, np, op);
}

int bk_resume_check_inputs(cJSON* old, const cJSON* now, char* err, int err_sz) {
  for (int i = 0; i < NINPUT; i++) {
    int rc = check_input(old, now, i, err, err_sz);
    if (rc) return rc;
  }
  return 0;
}

// 1 when v is one of the JSON array's numbers
static int listed(const cJSON* arr, double v) {
  const cJSON* it;
  cJSON_ArrayForEach(it, arr) {
    if (cJSON_IsNumber(it) && it->valuedouble == v) return 1;
  }
  return 0;
}

// the first id of a that is not in b, or -1 when a's ids are all in b
static int first_dropped(const cJSON* a, const cJSON* b) {
  const cJSON* it;
  cJSON_ArrayForEach(it, a) {
    if (!listed(b, it->valuedouble)) return it->valueint;
  }
  return -1;
}

// the init file of every task of old, unchanged in now (libero scenes)
static int same_init_files(const cJSON* old, const cJSON* now) {
  const cJSON *a, *b;
  cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(old, "init_files")) {
    const cJSON* ha = cJSON_GetObjectItemCaseSensitive(a, "fnv1a64");
    int task = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(a, "task"));
    int found = 0;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(now, "init_files")) {
      if ((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(b, "task")) != task) continue;
      found = ha && cJSON_Compare(ha, cJSON_GetObjectItemCaseSensitive(b, "fnv1a64"), 1);
    }
    if (!found) return 0;
  }
  return 1;
}

// one list without --extend: equal, or an error naming the option
static int check_list_equal(const cJSON* old, const cJSON* now, int i, char* err, int err_sz) {
  const cJSON* a = cJSON_GetObjectItemCaseSensitive(old, kLists[i].key);
  const cJSON* b = cJSON_GetObjectItemCaseSensitive(now, kLists[i].key);
  if (a && b && cJSON_Compare(a, b, 1)) return 0;
  char* was = a ? cJSON_PrintUnformatted(a) : NULL;
  int rc = bk_fail(err, err_sz, BK_EINVAL,
                   "cannot resume: %s differs from the run's %s; give the same ids, or "
                   "--extend to add episodes to the run", kLists[i].option, was ? was : "(none)");
  cJSON_free(was);
  return rc;
}

// one list with --extend: every id of old kept
static int check_list_kept(const cJSON* old, const cJSON* now, int i, int* grows, char* err,
                           int err_sz) {
  const cJSON* a = cJSON_GetObjectItemCaseSensitive(old, kLists[i].key);
  const cJSON* b = cJSON_GetObjectItemCaseSensitive(now, kLists[i].key);
  if (!cJSON_IsArray(a) || !cJSON_IsArray(b)) {
    return bk_fail(err, err_sz, BK_EINVAL, "cannot extend: run.json has no '%s' list", kLists[i].key);
  }
  int dropped = first_dropped(a, b);
  if (dropped >= 0) {
    return bk_fail(err, err_sz, BK_EINVAL,
                   "cannot extend: %s drops %s %d of the run (its records would fall outside "
                   "the configuration); --extend only adds ids", kLists[i].option, kLists[i].what, dropped);
  }
  if (first_dropped(b, a) >= 0) *grows = 1;
  return 0;
}

int bk_resume_check_episodes(const cJSON* old, const cJSON* now, int extend, int* grows,
                             char* err, int err_sz) {
  *grows = 0;
  for (int i = 0; i < 3; i++) {
    int rc = extend ? check_list_kept(old, now, i, grows, err, err_sz)
                    : check_list_equal(old, now, i, err, err_sz);
    if (rc) return rc;
  }
  double nshard = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(old, "nshard"));
  if (*grows && nshard > 1) {
    return bk_fail(err, err_sz, BK_EINVAL,
                   "cannot extend a shard of a sharded run (the shard plan depends on every "
                   "episode of the run): merge the parts and extend the merged run, or start "
                   "a new sharded run");
  }
  if (!same_init_files(old, now)) {
    return bk_fail(err, err_sz, BK_EINVAL, "cannot resume: a task's init file differs from the run's");
  }
  return 0;
}

#include "cli/scenes_opt.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "sim/libero_init.h"
#include "task/catalog.h"

int bk_cli_scenes_json(const bk_scenes_t* s, const char* suite, const int* tasks, int ntask,
                       cJSON* j, char* err, int err_sz) {
  if (!s) s = bk_scenes_builtin();
  cJSON_AddStringToObject(j, "scenes", s->source->name);
  if (strcmp(s->source->name, "libero") != 0) return 0;
  bk_taskref_t refs[BK_SUITE_NTASK];
  int rc = bk_catalog_tasks(bk_catalog_scenes_dir(), suite, refs, err, err_sz);
  if (rc) return rc;
  cJSON* arr = cJSON_AddArrayToObject(j, "init_files");
  for (int i = 0; i < ntask; i++) {
    char path[2600], hash[17];
    rc = bk_libero_init_file(&s->libero, suite, refs[tasks[i]].name, path, sizeof path, hash,
                             err, err_sz);
    if (rc) return rc;
    cJSON* f = cJSON_CreateObject();
    cJSON_AddNumberToObject(f, "task", tasks[i]);
    cJSON_AddStringToObject(f, "file", path);
    cJSON_AddStringToObject(f, "fnv1a64", hash);
    cJSON_AddItemToArray(arr, f);
  }
  return 0;
}

// the file hashes of a configuration's init files, in order, as one comparable array
static int same_hashes(const cJSON* a, const cJSON* b) {
  int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
  if (na != nb) return 0;
  for (int i = 0; i < na; i++) {
    const cJSON* ha = cJSON_GetObjectItem(cJSON_GetArrayItem(a, i), "fnv1a64");
    const cJSON* hb = cJSON_GetObjectItem(cJSON_GetArrayItem(b, i), "fnv1a64");
    if (!ha || !hb || !cJSON_Compare(ha, hb, 1)) return 0;
  }
  return 1;
}

int bk_cli_scenes_same(const cJSON* old, const cJSON* now) {
  const cJSON* a = cJSON_GetObjectItem(old, "scenes");
  const cJSON* b = cJSON_GetObjectItem(now, "scenes");
  const char* sa = cJSON_IsString(a) ? a->valuestring : "builtin";
  const char* sb = cJSON_IsString(b) ? b->valuestring : "builtin";
  if (strcmp(sa, sb) != 0) return 0;
  const cJSON* fa = cJSON_GetObjectItem(old, "init_files");
  const cJSON* fb = cJSON_GetObjectItem(now, "init_files");
  if (!fa && !fb) return 1;
  return fa && fb && same_hashes(fa, fb);
}

#include "sim/scenes.h"

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "task/catalog.h"

static bk_world_t* builtin_create(const bk_scenes_t* s, const char* suite, int task,
                                  const char* task_file, char* err, int err_sz) {
  (void)s;
  return bk_world_create_file(bk_catalog_scenes_dir(), suite, task, task_file, err, err_sz);
}

static bk_world_t* libero_create(const bk_scenes_t* s, const char* suite, int task,
                                 const char* task_file, char* err, int err_sz) {
  if (task_file) {
    bk_fail(err, err_sz, BK_EINVAL, "--task-file works with --scenes builtin only");
    return NULL;
  }
  return bk_libero_world_create(&s->libero, suite, task, err, err_sz);
}

const bk_world_source_t bk_world_sources[] = {
  {"builtin", builtin_create},
  {"libero", libero_create},
  {NULL, NULL},
};

static const bk_scenes_t kBuiltin = {&bk_world_sources[0], {"", ""}};

const bk_scenes_t* bk_scenes_builtin(void) { return &kBuiltin; }

int bk_scenes_init(bk_scenes_t* s, const char* name, const char* libero, const char* robosuite,
                   char* err, int err_sz) {
  memset(s, 0, sizeof *s);
  if (!name) name = "builtin";
  for (int i = 0; bk_world_sources[i].name; i++) {
    if (strcmp(bk_world_sources[i].name, name) == 0) s->source = &bk_world_sources[i];
  }
  if (!s->source) {
    return bk_fail(err, err_sz, BK_EINVAL, "unknown --scenes '%s' (valid: builtin, libero)",
                   name);
  }
  if (strcmp(name, "libero") != 0) {
    if (libero || robosuite) {
      return bk_fail(err, err_sz, BK_EINVAL, "--libero and --robosuite need --scenes libero");
    }
    return 0;
  }
  return bk_libero_paths(libero, robosuite, &s->libero, err, err_sz);
}

bk_world_t* bk_scenes_world(const bk_scenes_t* s, const char* suite, int task, char* err,
                            int err_sz) {
  return bk_scenes_world_file(s, suite, task, NULL, err, err_sz);
}

bk_world_t* bk_scenes_world_file(const bk_scenes_t* s, const char* suite, int task,
                                 const char* task_file, char* err, int err_sz) {
  if (!s) s = &kBuiltin;
  return s->source->create(s, suite, task, task_file, err, err_sz);
}

/* bk_scenes: where worlds come from, one table of world sources (as policies/policy.h).
 *
 *   builtin  bokbo's own scenes/ (self-contained, the default)
 *   libero   LIBERO's scenes and init states read from the user's LIBERO and robosuite
 *            installations (sim/libero_scene.h)
 *
 * Every command that builds worlds takes `--scenes builtin|libero` (plus `--libero DIR`,
 * `--robosuite DIR` or $BOKBO_LIBERO / $BOKBO_ROBOSUITE) and builds through
 * bk_scenes_world; everything downstream sees the same bk_world_t. */
#ifndef BK_SIM_SCENES_H
#define BK_SIM_SCENES_H

#include "sim/libero_scene.h"
#include "sim/world.h"

struct bk_scenes;

typedef struct {
  const char* name;
  /* builds task `task` of `suite` (with a user's task file in its slot when task_file is
   * not NULL); NULL with err filled */
  bk_world_t* (*create)(const struct bk_scenes* s, const char* suite, int task,
                        const char* task_file, char* err, int err_sz);
} bk_world_source_t;

typedef struct bk_scenes {
  const bk_world_source_t* source;
  bk_libero_paths_t libero;        /* libero source only */
} bk_scenes_t;

/* The sources; the array ends with a NULL name. */
extern const bk_world_source_t bk_world_sources[];

/* Selects a source by name (NULL: builtin) and, for libero, resolves and checks the
 * installation. Returns 0, BK_ENOENT / BK_EINVAL with err filled (unknown name lists the
 * valid ones; a missing file is named). */
int bk_scenes_init(bk_scenes_t* s, const char* name, const char* libero, const char* robosuite,
                   char* err, int err_sz);

/* The builtin source with no options (what a NULL bk_scenes_t* means). */
const bk_scenes_t* bk_scenes_builtin(void);

/* Builds a world from s (NULL: builtin). */
bk_world_t* bk_scenes_world(const bk_scenes_t* s, const char* suite, int task, char* err,
                            int err_sz);

/* The same with a user's task file in the slot of task `task` (NULL: the suite's own);
 * only the builtin source takes one (its objects are bokbo's models). */
bk_world_t* bk_scenes_world_file(const bk_scenes_t* s, const char* suite, int task,
                                 const char* task_file, char* err, int err_sz);

#endif

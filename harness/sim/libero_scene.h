/* bk_libero: LIBERO's own scenes, assembled from the user's LIBERO and robosuite files as
 * LIBERO assembles them (robosuite's base.xml, the suite's arena with LIBERO's table size
 * and floor/wall styles, robosuite's Panda with gripper and mount, LIBERO's object and
 * fixture models with per-instance name prefixes, region sites, LIBERO's cameras).
 *
 * The model's qpos/qvel layout is LIBERO's: the arm (7), the fingers (2), one free joint
 * per object in task-file order, then the fixtures' joints (drawers, knob), so LIBERO's
 * init states load as they are (sim/libero_init.h). Fixtures are mocap bodies placed in
 * their regions at each init. */
#ifndef BK_SIM_LIBERO_SCENE_H
#define BK_SIM_LIBERO_SCENE_H

#include "sim/world.h"

typedef struct {
  char libero[1024];     /* LIBERO repository root (holds libero/libero/assets, ...) */
  char robosuite[1024];  /* robosuite repository root (holds robosuite/models/assets) */
} bk_libero_paths_t;

/* Fills paths from the flags (may be NULL) or $BOKBO_LIBERO / $BOKBO_ROBOSUITE, and checks
 * the installation: each file LIBERO's two suites need must exist. Returns 0, or BK_ENOENT
 * with err naming the first missing file (or the missing setting). */
int bk_libero_paths(const char* libero, const char* robosuite, bk_libero_paths_t* out,
                    char* err, int err_sz);

/* Builds the world of task `task_id` of `suite` from the installation (task order and
 * prompts from bokbo's catalog, the task file from LIBERO's bddl_files). Same contract as
 * bk_world_create; init states come from LIBERO's init_files. */
bk_world_t* bk_libero_world_create(const bk_libero_paths_t* p, const char* suite, int task_id,
                                   char* err, int err_sz);

/* The assembled MJCF text of one task without compiling (tests, `scene --xml`). */
char* bk_libero_assemble(const bk_libero_paths_t* p, const bk_suite_t* suite,
                         const bk_task_t* task, char* err, int err_sz);

/* LIBERO's folders inside the installation */
#define BK_LIBERO_ASSETS "libero/libero/assets"
#define BK_LIBERO_BDDL "libero/libero/bddl_files"
#define BK_LIBERO_INITS "libero/libero/init_files"
#define BK_ROBOSUITE_ASSETS "robosuite/models/assets"

#endif

/* bk_libero_init: LIBERO's fixed initial states (init_files/<suite>/<task>.pruned_init)
 * for worlds built from LIBERO's scenes.
 *
 * A state is one row of the file: time, qpos, qvel of LIBERO's model, applied as LIBERO's
 * set_init_state does; the fixtures (not in the file) are placed in their regions as
 * LIBERO's reset draws them, seeded by (suite, task, init). */
#ifndef BK_SIM_LIBERO_INIT_H
#define BK_SIM_LIBERO_INIT_H

#include "sim/initstate.h"
#include "sim/libero_scene.h"

/* Loads the task's init file into w and makes bk_init_state read from it. Fails (BK_EPARSE,
 * err names the file) when a row does not hold 1 + nq + nv numbers of w's model. */
int bk_libero_init_attach(bk_world_t* w, const bk_libero_paths_t* p, char* err, int err_sz);

/* Number of init states and the init file's path and FNV-1a 64 hash (16 hex digits) of a
 * LIBERO world; 0 / NULL for other worlds. */
int bk_libero_init_count(const bk_world_t* w);
const char* bk_libero_init_path(const bk_world_t* w);
const char* bk_libero_init_hash(const bk_world_t* w);

/* The init file of a task (by its file stem) in an installation: path and FNV-1a 64 hash.
 * Returns 0, or a negative code with err naming the file. */
int bk_libero_init_file(const bk_libero_paths_t* p, const char* suite, const char* task_name,
                        char* path, int path_sz, char hash[17], char* err, int err_sz);

/* The raw row `init_id` (1 + nq + nv numbers) or NULL. */
const double* bk_libero_init_row(const bk_world_t* w, int init_id);

#endif

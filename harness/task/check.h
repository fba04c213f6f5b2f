/* bk_task_check: what a parsed task file means, checked before any scene is built.
 *
 * The parser (bk_task_parse) checks the form of a task file; these checks ask whether
 * its names fit together:
 *   - every region's :target is a declared fixture or object;
 *   - every name in :obj_of_interest is a declared object or fixture;
 *   - every atom of :init and :goal names declared things: the first argument of On/In
 *     an object or fixture, the second one an object or fixture or a region reference
 *     "<target>_<region>" of a declared region; the argument of Open/Close/TurnOn/TurnOff
 *     a region reference or a fixture or object.
 * Region names are unique per target, not globally (the parser enforces that). The
 * same checks guard `bokbo task`, and `run`, `scene` and `view` with --task-file. */
#ifndef BK_TASK_CHECK_H
#define BK_TASK_CHECK_H

#include "task/bddl.h"

/* Checks task (parsed from `filename`, used only in messages). Returns 0 when every
 * name resolves; otherwise BK_ENOENT with err filled as
 * "file:line:col: (:section ...): 'name' is not a declared ..." for the first bad name
 * in file order of sections (regions, obj_of_interest, init, goal). Never changes task. */
int bk_task_check(const bk_task_t* task, const char* filename, char* err, int err_sz);

/* bk_task_load followed by bk_task_check; same contract as both. */
int bk_task_load_checked(const char* path, bk_task_t* task, char* err, int err_sz);

/* Number of atoms in the task's goal expression (0 without a goal). */
int bk_task_goal_atoms(const bk_task_t* task);

#endif

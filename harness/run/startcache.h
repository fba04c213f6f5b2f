/* bk_startcache: the starts of a run's episodes, kept.
 *
 * An episode's start (the init state, then 10 settle steps of an opening gripper:
 * bk_episode_start) is a pure function of (world, init id, shift) and costs hundreds of
 * physics steps. A cache belongs to one world and may be shared by the workers of a run
 * (its calls are thread-safe; the runner keeps one per task); the first start of an
 * (init, shift) is computed and kept, later ones are copies. Two workers that miss the
 * same start at once both compute it (the same bits) and restore the one kept first. Every start, computed or
 * kept, ends with the same restore (time, positions, velocities, actuator states and
 * controls, mocap poses, the solver's warm start, MuJoCo's warning counters, the
 * controller's state; then mj_forward), so an episode's record does not depend on
 * which worker computed which start, nor on what ran before. */
#ifndef BK_RUN_STARTCACHE_H
#define BK_RUN_STARTCACHE_H

#include <mujoco/mujoco.h>

#include "control/osc.h"
#include "sim/initstate.h"
#include "sim/world.h"

#define BK_STARTCACHE_CAP 64   /* starts kept; beyond this, older ones are replaced */

typedef struct bk_startcache bk_startcache_t;

/* A cache for world w; NULL when out of memory. Nothing is computed yet. */
bk_startcache_t* bk_startcache_create(const bk_world_t* w);
void bk_startcache_free(bk_startcache_t* c);

/* Puts the start of (init, shift) into d and osc, computing it the first time.
 * shift may be NULL. Returns 0, or bk_episode_start's negative code with err filled
 * (nothing is kept then). */
int bk_startcache_start(bk_startcache_t* c, bk_osc_t* osc, mjData* d, int init,
                        const bk_shift_t* shift, char* err, int err_sz);

/* Starts computed (misses) and copied (hits) so far. */
void bk_startcache_counts(bk_startcache_t* c, long* computed, long* copied);

#endif

/* bk_init: LIBERO-style initial states, a pure function of (task, init id, shift).
 *
 * Fixtures are placed in their regions (mocap pose), drawers opened or closed as the
 * task's init says, then movable objects are placed in their regions, on the sites of
 * fixtures, inside drawers or stacked on other objects, without overlap, and the scene
 * is settled with the arm held at LIBERO's init configuration. */
#ifndef BK_SIM_INITSTATE_H
#define BK_SIM_INITSTATE_H

#include <mujoco/mujoco.h>

#include "sim/world.h"

#define BK_NINIT 50

/* a position shift of the sampled object positions (LIBERO-PRO's perturbation suites) */
typedef struct bk_shift {
  int axis;        /* -1: none, 0: x, 1: y */
  double delta;    /* metres */
} bk_shift_t;

/* How far from the robot base (horizontally, to the object's centre) a shift may carry an
 * object placed on a surface region: the expert's measured top-down reach at that arena's
 * height (docs/reproduction.md, "The paper's setting"). A shift that would carry an object
 * farther is shrunk along its axis to this distance (to none when the object's unshifted
 * place is already farther); unshifted states never use it. */
#define BK_INIT_REACH_FLOOR 0.73
#define BK_INIT_REACH_TABLE 0.80
/* what the goal puts the object on or in (the plate): the bowl is carried over it */
#define BK_INIT_PLACE_REACH_TABLE 0.76

/* The reach above for an arena (BK_ARENA_FLOOR or BK_ARENA_TABLE), for an object the
 * task's goal puts something on or in (goal_support 1) or any other. */
double bk_init_reach(bk_arena_t arena, int goal_support);

/* Parses "x:0.1" or "y:-0.05" into shift. Returns 0 or BK_EINVAL with err filled. */
int bk_init_parse_shift(const char* text, bk_shift_t* shift, char* err, int err_sz);

/* Suite name as records carry it: "libero_object" or "libero_object_x0.1". */
void bk_init_suite_name(const char* suite, const bk_shift_t* shift, char* buf, int sz);

/* Writes init state `init_id` of the world into d (time 0, settled, arm at rest).
 * shift may be NULL. Returns 0, or a negative code with err filled when the objects
 * cannot be placed without collision (BK_EPLACE). d must belong to w->m. */
int bk_init_state(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                  char* err, int err_sz);

/* What bk_init_state's settle did, for a benchmark that replays its physics. The settle
 * runs from the placed scene (arm at its start configuration, gripper opening) with the
 * arm held by a PD law, one mj_step at a time, at least 250 and at most
 * BK_INIT_SETTLE_MAX steps, until every object moves slower than 4 mm/s. */
#define BK_INIT_SETTLE_MAX 3000
typedef struct bk_init_trace {
  mjData* scene;   /* in: if not NULL, receives the placed scene the settle starts from */
  mjtNum* ctrl;    /* in: if not NULL, BK_INIT_SETTLE_MAX x nu: each settle step's controls */
  int nsteps;      /* out: the settle's mj_step calls; -1 for a world with its own init
                    * states (nothing traced) */
} bk_init_trace_t;

/* bk_init_state, tracing its settle into trace (may be NULL): the same state, bit for bit.
 * Replaying trace->ctrl with mj_step from trace->scene ends in d's state (time aside). */
int bk_init_state_traced(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                         bk_init_trace_t* trace, char* err, int err_sz);

/* The state bk_init_state settles from: the arm at its start configuration (LIBERO's
 * N(0, 0.02^2) rad noise per joint around its init pose), fixtures and objects at their
 * sampled poses, nothing settled (what LIBERO's init files store). Objects in a surface
 * region are drawn as LIBERO's region sampler draws them: uniform between the region's
 * sides moved inwards by the object's horizontal radius. Same return contract. */
int bk_init_sample(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                   char* err, int err_sz);

/* The largest penetration depth (positive metres) among contacts in d, 0 if none. */
double bk_init_max_penetration(const mjModel* m, const mjData* d);

/* Largest linear speed of any movable object in d. */
double bk_init_max_object_speed(const bk_world_t* w, const mjData* d);

#endif

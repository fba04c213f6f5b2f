/* bk_pred: LIBERO's goal predicates evaluated on a simulation state.
 *
 * On(a, b), b an object: b.z <= a.z, a and b in contact, body origins closer than
 *   0.03 m in x-y. On(a, region): a's origin inside the region's x-y box and a touching
 *   the region's owner. In(a, site): a's centre inside the site box, its lower z
 *   bound lowered by 0.01 m. LIBERO tests the body origin, which for its objects is the
 *   mesh centre; bokbo's origins are at the bottom, so the tested point is the centre of
 *   the object's collision box (bk_ent_t lo/hi). Open/Close(drawer region): joint qpos < -0.14 / > -0.005.
 * Contacts are read from d->contact, so d must come from mj_forward or mj_step. */
#ifndef BK_SIM_PREDICATE_H
#define BK_SIM_PREDICATE_H

#include <mujoco/mujoco.h>

#include "sim/world.h"

#define BK_ON_XY_TOL 0.03
#define BK_IN_Z_SLACK 0.01
#define BK_DRAWER_OPEN (-0.14)
#define BK_DRAWER_CLOSED (-0.005)
#define BK_KNOB_ON 0.5

/* 1 when true, 0 when false, negative when the atom names something the world lacks
 * (err filled). */
int bk_pred_atom(const bk_world_t* w, const mjData* d, const bk_atom_t* a, char* err,
                 int err_sz);

/* Evaluates the task's goal expression; same return convention. A task without goal
 * is never satisfied. */
int bk_pred_goal(const bk_world_t* w, const mjData* d, char* err, int err_sz);

/* 1 when any geom of entity ea touches any geom of entity eb (eb = -1: the arena). */
int bk_pred_contact(const bk_world_t* w, const mjData* d, int ea, int eb);

#endif

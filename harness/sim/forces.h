/* bk_forces: contact normal forces per contact class.
 *
 * A reading is, for one physics step, the largest contact normal force (mj_contactForce,
 * component 0, newtons) among contacts of each class: robot-object, robot-fixture
 * (table, floor, cabinet, stove, mount), object-object. Robot-robot and fixture-fixture
 * contacts are not read. Call after mj_step2 (or mj_step): the solved forces then belong
 * to the contacts of that step. */
#ifndef BK_SIM_FORCES_H
#define BK_SIM_FORCES_H

#include <mujoco/mujoco.h>

#include "sim/world.h"

typedef enum {
  BK_FORCE_ROBOT_OBJECT = 0,
  BK_FORCE_ROBOT_FIXTURE,
  BK_FORCE_OBJECT_OBJECT,
  BK_NFORCE
} bk_force_class_t;

/* record keys: "robot_object", "robot_fixture", "object_object" */
extern const char* const bk_force_names[BK_NFORCE];

/* The contact class of a geom pair, or -1 when it is not read. */
int bk_forces_pair_class(const bk_world_t* w, int geom1, int geom2);

/* Largest normal force per class among d's contacts; 0 where there is none. */
void bk_forces_read(const bk_world_t* w, const mjData* d, double reading[BK_NFORCE]);

#endif

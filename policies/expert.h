/* bk_expert: the scripted expert's planner, for policies built on it (simvla).
 * The policy itself is bk_expert_policy (policies/policy.h's table shape). */
#ifndef BK_POLICY_EXPERT_H
#define BK_POLICY_EXPERT_H

#include <mujoco/mujoco.h>

#include "sim/world.h"

/* The expert's chunk of h actions for state d of world w, with the positions qpos
 * (m->nq numbers) in place of d->qpos when qpos is not NULL: what the expert would do if
 * the scene were as qpos says. self comes from bk_expert_policy.create. Returns 0, or a
 * negative code (BK_ENOMEM, BK_EINVAL for a goal the expert cannot do); chunk is then
 * unspecified. */
int bk_expert_plan(void* self, const bk_world_t* w, const mjData* d, const double* qpos, int h,
                   double* chunk);

/* What the expert reads of mj_forward's results, computed by mj_forward's own stages
 * (bit for bit the same numbers): positions and frames of bodies, geoms and sites,
 * joint anchors, the com-based quantities (subtree centres, motion dofs, body velocities),
 * the joint-space inertia qM, and the contacts. The rest of d's derived quantities (the
 * constraint rows, forces, accelerations, sensors) are left as they were. */
void bk_expert_forward(const mjModel* m, mjData* d);

#endif

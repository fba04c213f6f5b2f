/* bk_osc: operational-space pose controller with robosuite's OSC_POSE semantics.
 *
 * An action is 7 numbers in [-1, 1] (clipped): dx dy dz scaled to 0.05 m, an axis-angle
 * rotation delta scaled to 0.5 rad, and the gripper (-1 open, +1 close). The goal is
 * relative to the end-effector pose when the action is set; every physics step the
 * controller computes joint torques
 *   tau = J^T [Lpos (kp e_p - kd v); Lori (kp e_r - kd w)] + N^T M (kn (q0 - q) - dn qd) + bias
 * with kp = 150, kd = 2 sqrt(kp) (critical damping), position and orientation uncoupled
 * (separate task-space inertias Lpos, Lori), a nullspace posture term towards the
 * configuration at reset and gravity/Coriolis compensation. The gripper command moves a
 * two-finger state by 0.01 per physics step towards open or closed, as robosuite does.
 * Within 0.15 rad of a joint limit, torque pushing into the limit fades to zero and
 * motion towards it is braked, so the arm never drives through its limits.
 *
 * Use with mj_step1 / bk_osc_compute / mj_step2 so that torques see the current state. */
#ifndef BK_CONTROL_OSC_H
#define BK_CONTROL_OSC_H

#include <mujoco/mujoco.h>

#include "sim/world.h"

#define BK_ACTION_DIM 7
#define BK_OSC_KP 150.0
#define BK_OSC_POS_SCALE 0.05
#define BK_OSC_ROT_SCALE 0.5
#define BK_OSC_NULL_KP 10.0
#define BK_GRIP_SPEED 0.01
#define BK_OSC_LIMIT_MARGIN 0.15  /* rad: torque into a joint limit fades out over this */
#define BK_OSC_LIMIT_DAMP 40.0    /* 1/s: braking gain on excess speed towards a limit */
#define BK_OSC_LIMIT_DECEL 4.0    /* rad/s^2: the approach speed allows stopping at this */

typedef struct bk_osc bk_osc_t;

/* Creates a controller for the world's arm; all scratch is allocated here.
 * Returns NULL when out of memory. */
bk_osc_t* bk_osc_create(const bk_world_t* w);
void bk_osc_free(bk_osc_t* c);

/* Starts an episode: the nullspace posture is the current arm configuration, the
 * gripper state is 0 (half open), the goal is the current pose. d needs kinematics. */
void bk_osc_reset(bk_osc_t* c, const mjData* d);

/* Sets a new goal from an action (clipped to [-1, 1]) relative to the current pose;
 * when all three rotation deltas are exactly 0 the goal orientation stays what it was
 * (robosuite's OSC), so pure translations do not let the hand's orientation drift.
 * Returns 0, or BK_EINVAL for a non-finite action (the goal is then unchanged). */
int bk_osc_set_goal(bk_osc_t* c, const mjData* d, const double action[BK_ACTION_DIM]);

/* Writes arm torques and gripper controls into d->ctrl for the current state; call
 * after mj_step1 (kinematics, inertia and bias of this step are current). */
void bk_osc_compute(bk_osc_t* c, mjData* d);

/* Copies the controller state (goal, posture, gripper state) of src into dst; both
 * belong to the same world. No allocation. */
void bk_osc_copy(bk_osc_t* dst, const bk_osc_t* src);

/* The end-effector pose the controller uses (grip site): position and rotation matrix. */
void bk_osc_eef(const bk_osc_t* c, const mjData* d, double pos[3], double mat[9]);

/* The goal the controller is tracking. */
void bk_osc_goal(const bk_osc_t* c, double pos[3], double mat[9]);

/* The arm's block of the joint-space inertia (read from d->qM's sparse rows: the numbers
 * mj_fullM would give) and its inverse (Cholesky, solved column by column with the
 * operations of MuJoCo 2.2.2's mju_cholSolve), as bk_osc_compute uses them; row-major
 * BK_ARM_NJ x BK_ARM_NJ. d needs this step's inertia (after mj_step1 or mj_forward). */
void bk_osc_arm_inertia(const bk_osc_t* c, const mjData* d, double* M, double* Minv);

#endif

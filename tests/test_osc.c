/* the OSC_POSE controller: step response, orientation hold, joint limits */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/osc.h"
#include "control/step.h"
#include "sim/initstate.h"
#include "sim/world.h"

static bk_world_t* w;
static mjData* d;
static bk_osc_t* c;
static char err[1024];

static void setup(void) {
  w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 2, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  mj_forward(w->m, d);
  c = bk_osc_create(w);
  cr_assert_not_null(c);
  bk_osc_reset(c, d);
}

static void teardown(void) {
  bk_osc_free(c);
  mj_deleteData(d);
  bk_world_free(w);
}

static void eef(double pos[3], double mat[9]) {
  mj_forward(w->m, d);
  bk_osc_eef(c, d, pos, mat);
}

// angle of the rotation between two rotation matrices
static double angle_between(const double* A, const double* B) {
  double tr = 0;
  for (int i = 0; i < 3; i++) {
    for (int k = 0; k < 3; k++) tr += A[k * 3 + i] * B[k * 3 + i];
  }
  double cs = 0.5 * (tr - 1);
  return acos(cs > 1 ? 1 : (cs < -1 ? -1 : cs));
}

// run physics steps with a fixed goal (the goal set once, then tracked)
static void track(int nsteps) {
  for (int s = 0; s < nsteps; s++) {
    mj_step1(w->m, d);
    bk_osc_compute(c, d);
    mj_step2(w->m, d);
  }
}

TestSuite(osc, .init = setup, .fini = teardown);

Test(osc, step_response_reaches_the_goal_without_overshoot) {
  // measured from LIBERO's nominal arm pose, without the init state's start noise
  for (int j = 0; j < BK_ARM_NJ; j++) {
    d->qpos[w->arm_qposadr[j]] = w->arm_init[j];
    d->qvel[w->arm_dofadr[j]] = 0;
  }
  mj_forward(w->m, d);
  bk_osc_reset(c, d);
  double p0[3], m0[9];
  eef(p0, m0);
  double a[7] = {1, 0, 0, 0, 0, 0, -1};  // +5 cm in x
  cr_assert_eq(bk_osc_set_goal(c, d, a), 0);
  double goal[3], gm[9], maxx = -1e9;
  bk_osc_goal(c, goal, gm);
  cr_expect_float_eq(goal[0] - p0[0], 0.05, 1e-9, "scaled to 0.05 m");
  for (int k = 0; k < 100; k++) {  // 0.2 s chunks, 2 s in all
    track(10);
    double p[3], m[9];
    eef(p, m);
    if (p[0] > maxx) maxx = p[0];
  }
  double p[3], m[9];
  eef(p, m);
  cr_expect_lt(fabs(p[0] - goal[0]), 0.005, "settles within 5 mm, error %g", p[0] - goal[0]);
  cr_expect_gt(p[0] - p0[0], 0.04, "moved towards the goal");
  cr_expect_lt(maxx - goal[0], 0.1 * 0.05, "overshoot %g m", maxx - goal[0]);
}

Test(osc, orientation_holds_under_pure_translation) {
  double p0[3], m0[9], worst = 0;
  eef(p0, m0);
  double a[7] = {0.4, -0.4, 0.4, 0, 0, 0, -1}, peak[BK_NFORCE];
  for (int k = 0; k < 10; k++) {
    cr_assert_eq(bk_step_control(w, c, d, a, peak, NULL), 0);
    double p[3], m[9];
    eef(p, m);
    if (angle_between(m0, m) > worst) worst = angle_between(m0, m);
  }
  double p[3], m[9];
  eef(p, m);
  cr_expect_lt(worst, 0.05, "orientation drifted %g rad", worst);
  cr_expect_gt(p[2] - p0[2], 0.03, "moved up %g", p[2] - p0[2]);
  cr_expect_lt(p[1] - p0[1], -0.03, "moved along -y %g", p[1] - p0[1]);
}

Test(osc, zero_rotation_delta_keeps_the_previous_goal_orientation) {
  // a rotation goal, tracked only part of the way
  double turn[7] = {0, 0, 0, 0, 0, 0.4, -1}, g0[3], R0[9], g1[3], R1[9], p[3], m[9];
  cr_assert_eq(bk_osc_set_goal(c, d, turn), 0);
  track(10);
  bk_osc_goal(c, g0, R0);
  eef(p, m);
  cr_assert_gt(angle_between(R0, m), 0.05, "the hand has not caught up yet");
  // a pure translation keeps that goal orientation, not the current one
  double move[7] = {0.2, 0, 0, 0, 0, 0, -1};
  cr_assert_eq(bk_osc_set_goal(c, d, move), 0);
  bk_osc_goal(c, g1, R1);
  cr_expect_eq(memcmp(R0, R1, sizeof R0), 0, "goal orientation changed");
  cr_expect_float_eq(g1[0], p[0] + 0.2 * BK_OSC_POS_SCALE, 1e-12);
  // any non-zero rotation delta starts from the current orientation again
  double tiny[7] = {0, 0, 0, 1e-9, 0, 0, -1};
  cr_assert_eq(bk_osc_set_goal(c, d, tiny), 0);
  bk_osc_goal(c, g1, R1);
  cr_expect_lt(angle_between(R1, m), 1e-6);
}

Test(osc, rotation_action_turns_the_hand_in_place) {
  double p0[3], m0[9];
  eef(p0, m0);
  double a[7] = {0, 0, 0, 0, 0, 0.4, -1};  // 0.2 rad about world z
  cr_assert_eq(bk_osc_set_goal(c, d, a), 0);
  track(500);
  double p[3], m[9];
  eef(p, m);
  cr_expect_float_eq(angle_between(m0, m), 0.2, 0.02, "turned %g rad", angle_between(m0, m));
  double dp = sqrt(pow(p[0] - p0[0], 2) + pow(p[1] - p0[1], 2) + pow(p[2] - p0[2], 2));
  cr_expect_lt(dp, 0.005, "position held within 5 mm, moved %g", dp);
}

Test(osc, joint_limits_are_never_crossed) {
  const double actions[4][7] = {
    {1, 1, 1, 1, 1, 1, 1}, {-1, -1, -1, -1, 1, -1, -1}, {1, -1, -1, 1, -1, 1, 1},
    {-1, 1, 1, -1, -1, -1, -1}};
  double peak[BK_NFORCE];
  for (int k = 0; k < 160; k++) {
    cr_assert_eq(bk_step_control(w, c, d, actions[(k / 40) % 4], peak, NULL), 0);
    for (int j = 0; j < BK_ARM_NJ; j++) {
      char name[32];
      snprintf(name, sizeof name, "robot0_joint%d", j + 1);
      int id = mj_name2id(w->m, mjOBJ_JOINT, name);
      const mjtNum* r = w->m->jnt_range + 2 * id;
      double q = d->qpos[w->arm_qposadr[j]];
      // MuJoCo's limit constraint is soft: resting on a limit sits < 1 mrad inside it
      cr_assert(q >= r[0] - 1e-3 && q <= r[1] + 1e-3, "step %d joint %d at %g outside [%g, %g]",
                k, j + 1, q, r[0], r[1]);
    }
  }
}

Test(osc, nonfinite_action_is_refused) {
  double a[7] = {0, NAN, 0, 0, 0, 0, 0}, peak[BK_NFORCE];
  double t0 = d->time;
  cr_expect_neq(bk_step_control(w, c, d, a, peak, NULL), 0);
  cr_expect_eq(d->time, t0, "nothing was stepped");
  a[1] = INFINITY;
  cr_expect_neq(bk_osc_set_goal(c, d, a), 0);
}

Test(osc, actions_are_clipped_to_unit_range) {
  double p0[3], m0[9];
  eef(p0, m0);
  double a[7] = {0, 0, 7.5, 0, 0, 0, 0};
  cr_assert_eq(bk_osc_set_goal(c, d, a), 0);
  double g[3], gm[9];
  bk_osc_goal(c, g, gm);
  cr_expect_float_eq(g[2] - p0[2], 0.05, 1e-9);
}

Test(osc, gripper_closes_and_opens) {
  double close[7] = {0, 0, 0, 0, 0, 0, 1}, open[7] = {0, 0, 0, 0, 0, 0, -1}, peak[BK_NFORCE];
  for (int k = 0; k < 12; k++) bk_step_control(w, c, d, close, peak, NULL);
  double q1 = d->qpos[w->finger_qposadr[0]], q2 = d->qpos[w->finger_qposadr[1]];
  cr_expect_lt(fabs(q1 - q2), 0.01, "closed: opening %g", q1 - q2);
  for (int k = 0; k < 12; k++) bk_step_control(w, c, d, open, peak, NULL);
  q1 = d->qpos[w->finger_qposadr[0]];
  q2 = d->qpos[w->finger_qposadr[1]];
  cr_expect_gt(fabs(q1 - q2), 0.07, "open: opening %g", q1 - q2);
}

// the arm's inertia block and its inverse are MuJoCo's own numbers: the block of
// mj_fullM, and the inverse solved with mju_cholFactor/mju_cholSolve, bit for bit, in
// states along a tracked motion (the arm moving, the inertia changing)
Test(osc, arm_inertia_is_mujocos_to_the_bit) {
  const mjModel* m = w->m;
  int nv = m->nv, NJ = BK_ARM_NJ;
  mjtNum* full = malloc(sizeof(mjtNum) * nv * nv);
  cr_assert_not_null(full);
  const double action[BK_ACTION_DIM] = {0.6, -0.4, -0.5, 0.2, 0.1, -0.3, 1};
  for (int k = 0; k < 6; k++) {
    mj_step1(m, d);
    bk_osc_set_goal(c, d, action);
    double M[49], Minv[49], ref[49], L[49], col[7], e[7];
    bk_osc_arm_inertia(c, d, M, Minv);
    mj_fullM(m, full, d->qM);
    for (int i = 0; i < NJ; i++) {
      for (int j = 0; j < NJ; j++) ref[i * NJ + j] = full[w->arm_dofadr[i] * nv + w->arm_dofadr[j]];
    }
    cr_assert(!memcmp(M, ref, sizeof(double) * NJ * NJ), "arm block differs from mj_fullM's");
    memcpy(L, ref, sizeof(double) * NJ * NJ);
    mju_cholFactor(L, NJ, 1e-10);
    for (int j = 0; j < NJ; j++) {
      for (int i = 0; i < NJ; i++) e[i] = i == j;
      mju_cholSolve(col, L, e, NJ);
      for (int i = 0; i < NJ; i++) {
        cr_assert(!memcmp(&Minv[i * NJ + j], &col[i], sizeof(double)),
                  "inverse (%d,%d): %.17g vs mju_cholSolve's %.17g", i, j, Minv[i * NJ + j], col[i]);
      }
    }
    // and it is the inverse: M Minv = I
    for (int i = 0; i < NJ; i++) {
      for (int j = 0; j < NJ; j++) {
        double s = 0;
        for (int r = 0; r < NJ; r++) s += M[i * NJ + r] * Minv[r * NJ + j];
        cr_assert(fabs(s - (i == j)) < 1e-9, "(M Minv)(%d,%d) = %g", i, j, s);
      }
    }
    for (int s = 0; s < 20; s++) {
      bk_osc_compute(c, d);
      mj_step2(m, d);
      mj_step1(m, d);
    }
    bk_osc_compute(c, d);
    mj_step2(m, d);
  }
  free(full);
}

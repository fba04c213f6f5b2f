/* the state every policy gets: grip-site position, robosuite's quat2axisangle of the
 * hand body, finger qpos, as LIBERO's evaluators build it */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "control/osc.h"
#include "policies/policy.h"
#include "run/episode.h"
#include "sim/world.h"

static char err[1024];

Test(policy_state, axisangle_of_hand_worked_quaternions) {
  double v[3];
  // 90 degrees about x: (cos 45, sin 45, 0, 0) -> (pi/2, 0, 0)
  double qx[4] = {M_SQRT1_2, M_SQRT1_2, 0, 0};
  bk_policy_axisangle(qx, v);
  cr_expect_float_eq(v[0], M_PI / 2, 1e-12);
  cr_expect_float_eq(v[1], 0, 1e-12);
  // w < 0 is not flipped: w = -0.5 about z gives angle 2 acos(-0.5) = 4 pi / 3
  double qn[4] = {-0.5, 0, 0, sqrt(0.75)};
  bk_policy_axisangle(qn, v);
  cr_expect_float_eq(v[2], 4 * M_PI / 3, 1e-12);
  // the identity is the zero vector, and w a hair above 1 is clipped, not NaN
  double qi[4] = {1 + 1e-15, 0, 0, 0};
  bk_policy_axisangle(qi, v);
  cr_expect(v[0] == 0 && v[1] == 0 && v[2] == 0);
  // 180 degrees about y: (0, 0, 1, 0) -> (0, pi, 0)
  double qy[4] = {0, 0, 1, 0};
  bk_policy_axisangle(qy, v);
  cr_expect_float_eq(v[1], M_PI, 1e-12);
}

// the axis-angle of a rotation matrix, worked independently: angle from the trace,
// axis from the antisymmetric part, or from the diagonal near 180 degrees
static void matrix_axisangle(const mjtNum* R, double v[3]) {
  double c = (R[0] + R[4] + R[8] - 1) / 2;
  double angle = acos(fmax(-1, fmin(1, c)));
  double a[3] = {R[7] - R[5], R[2] - R[6], R[3] - R[1]};
  double n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  if (n < 1e-3) {  // near pi: axis_i = sqrt((R_ii + 1) / 2), signs from the off-diagonals
    a[0] = sqrt(fmax(0, (R[0] + 1) / 2));
    a[1] = copysign(sqrt(fmax(0, (R[4] + 1) / 2)), R[1] + R[3]);
    a[2] = copysign(sqrt(fmax(0, (R[8] + 1) / 2)), R[2] + R[6]);
    n = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  }
  for (int i = 0; i < 3; i++) v[i] = a[i] / n * angle;
}

Test(policy_state, init_pose_matches_libero_hand_frame) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 0, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  bk_osc_t* osc = bk_osc_create(w);
  cr_assert_eq(bk_episode_start(w, osc, d, 0, NULL, err, sizeof err), 0, "%s", err);
  double s[BK_STATE_DIM];
  bk_policy_state(w, d, s);
  // position and fingers straight from the site and the joints
  for (int i = 0; i < 3; i++) cr_expect_eq(s[i], d->site_xpos[3 * w->grip_site + i]);
  cr_expect_eq(s[6], d->qpos[w->finger_qposadr[0]]);
  cr_expect_eq(s[7], d->qpos[w->finger_qposadr[1]]);
  // orientation: the hand body's rotation matrix, worked independently (up to the sign
  // of a 180-degree axis, which the quaternion fixes: compare the axis up to sign)
  int hand = mj_name2id(w->m, mjOBJ_BODY, "robot0_hand");
  cr_assert_geq(hand, 0);
  double v[3];
  matrix_axisangle(d->xmat + 9 * hand, v);
  double dot = v[0] * s[3] + v[1] * s[4] + v[2] * s[5];
  double nv = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  double ns = sqrt(s[3] * s[3] + s[4] * s[4] + s[5] * s[5]);
  cr_expect_float_eq(fabs(dot), nv * ns, 1e-6, "axis %g %g %g vs %g %g %g", v[0], v[1], v[2],
                     s[3], s[4], s[5]);
  // the same rotation: angle ns, or 2 pi - ns about the negated axis (robosuite's angle
  // runs past pi when the quaternion's w is negative; the matrix's stays below)
  cr_expect(fabs(ns - nv) < 1e-6 || fabs(2 * M_PI - ns - nv) < 1e-6, "angle %g vs %g", ns, nv);
  cr_log_info("state at init: %g %g %g", s[3], s[4], s[5]);
  // LIBERO's init pose: about (3.14, 0, -0.09), moved by the arm's start noise (LIBERO's
  // N(0, 0.02^2) rad per joint turns the hand by up to ~0.1 rad)
  cr_expect(fabs(s[3] - 3.14) < 0.1 && fabs(s[4]) < 0.1 && fabs(s[5] + 0.09) < 0.1,
            "hand axis-angle (%g, %g, %g), LIBERO's is about (3.14, 0, -0.09)", s[3], s[4], s[5]);
  bk_osc_free(osc);
  mj_deleteData(d);
  bk_world_free(w);
}

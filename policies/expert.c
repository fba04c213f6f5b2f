/* The scripted expert: pick the goal's object and put it where the goal says, from the
 * privileged state alone.
 *
 * Each decision reads the state (bk_expert_scene) and applies one law whose phase is
 * inferred from that state, never from history:
 *   held (both pads touch the object and the fingers squeeze):
 *     not over the target  -> lift until the object clears what lies on the way
 *                             (hardly moving sideways), then carry it over;
 *     over the target      -> lower it (slowly near the support), open once down;
 *   not held:
 *     hand at the grasp, or fingers closing near it  -> close, hold still;
 *     fingers closed anywhere else                   -> open (and rise, start over);
 *     otherwise -> move over the grasp at a safe height, turn the closing axis, descend.
 * The hand points down throughout; targets become actions through a spring law scaled
 * as a whole (straight paths).
 *
 * A chunk of H actions is the law applied to the observed state, then to the states a
 * kinematic prediction reaches: the controller's known response (bk_osc drives the grip
 * site as a critically damped spring, kp = 150, towards a goal set from each action;
 * the same for the hand's orientation), stepped with the physics' 25 Euler substeps, the
 * gripper servos' commands moving as bk_osc moves them, a held object carried rigidly
 * with the hand, and nothing else moving. Phases whose start needs contact (a grasp
 * closing, a release) change only at the next decision, when the real state is read
 * again. So the chunk costs no physics, and is still a pure function of the state.
 * Grasp candidates are rescored only when the object or an obstacle has moved.
 * Greedy and deterministic: every candidate gets the same chunk, and there is no
 * log-probability (NaN). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "control/osc.h"
#include "control/step.h"
#include "core/err.h"
#include "policies/expert.h"
#include "policies/expert_scene.h"
#include "policies/policy.h"

#define POS_GAIN 1.6             /* goal offset per metre of position error */
#define VEL_GAIN 0.06            /* goal offset per m/s of velocity (damping lead) */
#define ROT_GAIN 1.4             /* rotation goal offset per radian of error */
#define AT_XY 0.008              /* hand at the grasp: position, height, yaw */
#define AT_Z 0.006
#define AT_YAW 0.08
#define NEAR_XY 0.02             /* fingers closing: still at the grasp */
#define NEAR_Z 0.015
#define DESCEND_XY 0.01          /* lined up: go down to the grasp */
#define DESCEND_YAW 0.12
#define FUNNEL_XY 0.004          /* descend all the way only this well lined up */
#define FUNNEL_RISE 0.04         /* off the funnel by DESCEND_XY: this high above the grasp */
#define PLACE_XY 0.015           /* object over the target: lower it */
#define SLOW_ZONE 0.03           /* slow down this close to a support */
#define SLOW_AZ 0.3              /* largest downward action there */

#define REACH_SLOW 0.675         /* m: arm stretched beyond this: slow descent, more damping */
#define REACH_MOVE 0.69          /* m: moving over and carrying stop short of this stretch */
#define REACH_HOVER 0.70         /* m: over a farther grasp, the hover stops at this stretch */
#define REACH_CRUISE 0.62        /* m: stretched beyond this, sideways moves go slower: */
#define CRUISE_XY 0.3            /* at most this part of the largest x-y action */
#define STRETCH_DAMP 3.0         /* damping lead, times VEL_GAIN, when stretched */

#define SUBSTEP_DT 0.002         /* physics timestep of the scenes (LIBERO) */

typedef struct {
  const bk_world_t* w;
  mjData* d;                   /* the observed state, derived quantities recomputed */
  mjtNum* jac;                 /* scratch: 6 x nv grip-site Jacobian */
  mjtNum* fullM;               /* scratch: nv x nv inertia */
  bk_expert_scene_t scene;
} expert_t;

/* what the prediction carries from one control step to the next */
typedef struct {
  double p[3], v[3];           /* grip site position and velocity */
  double R[9], wv[3];          /* hand frame and angular velocity */
  double ctrl[2];              /* gripper servo commands */
  double q7;                   /* joint 7 (turns opposite to the hand's yaw) */
  double A[36];                /* task acceleration per unit of the controller's spring */
} predict_t;

// ---------------------------------------------------------------- small helpers


static double wrap_pi(double a) {
  while (a > M_PI) a -= 2 * M_PI;
  while (a < -M_PI) a += 2 * M_PI;
  return a;
}

// shrinks v to length 1 if longer, keeping its direction
static void scale_to_unit(double v[3]) {
  double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n > 1) {
    for (int i = 0; i < 3; i++) v[i] /= n;
  }
}

// rotation vector of A B^T (world frame)
static void rot_error(const double A[9], const double B[9], double e[3]) {
  mjtNum E[9], q[4];
  mju_mulMatMatT(E, A, B, 3, 3, 3);
  mju_mat2Quat(q, E);
  if (q[0] < 0) mju_scl(q, q, -1, 4);
  mju_quat2Vel(e, q, 1.0);
}

// ---------------------------------------------------------------- the law

typedef struct {
  double T[3];                 /* grip-site target */
  double yaw;                  /* closing-axis yaw target */
  double grip;                 /* -1 open, 0 hold, +1 close */
  int slow;                    /* limit the downward speed */
} aim_t;

/* the law's phases; a chunk keeps the phase of its observed state (a predicted state
 * never starts a descent, a grasp or a release: those wait for the real state) */
typedef enum { FREE = -1, CLOSE, DESCEND, MOVE, RISE, CARRY, LOWER, RELEASE } phase_t;

// the arm's stretch (shoulder to wrist) with the grip site at (x, y, z), the wrist where
// it is now relative to the grip site
static double stretch(const bk_expert_scene_t* s, double x, double y, double z) {
  double d[3] = {x + s->wrist_off[0] - s->shoulder[0], y + s->wrist_off[1] - s->shoulder[1],
                 z + s->wrist_off[2] - s->shoulder[2]};
  return sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

// the point xy moved toward the shoulder until the arm's stretch to it, at height z, is
// at most rmax (bisection along the line to the shoulder)
static void reach_clamp(const bk_expert_scene_t* s, double xy[2], double z, double rmax) {
  if (stretch(s, xy[0], xy[1], z) <= rmax) return;
  double lo = 0, hi = 1;
  for (int i = 0; i < 20; i++) {
    double t = 0.5 * (lo + hi);
    double x = xy[0] + t * (s->shoulder[0] - xy[0]), y = xy[1] + t * (s->shoulder[1] - xy[1]);
    if (stretch(s, x, y, z) > rmax) lo = t;
    else hi = t;
  }
  xy[0] += hi * (s->shoulder[0] - xy[0]);
  xy[1] += hi * (s->shoulder[1] - xy[1]);
}

// not held: go for the grasp
static void fetch(const bk_expert_scene_t* s, phase_t* ph, aim_t* a) {
  const double* p = s->eef;
  double exy = hypot(s->grasp[0] - p[0], s->grasp[1] - p[1]);
  double ez = p[2] - s->grasp[2];
  double eyaw = fabs(wrap_pi(s->grasp_yaw - bk_expert_yaw(s->hand_R)));
  int closing = s->grip_cmd < s->grasp_open - 0.005;
  int at = exy < AT_XY && fabs(ez) < AT_Z && eyaw < AT_YAW;
  int near = exy < NEAR_XY && fabs(ez) < NEAR_Z;
  // over the grasp at the hand's height, but short of the arm's full stretch: moving
  // over stops there (an overshoot into the stretched arm cannot be pulled back), the
  // rest is covered on the way down
  // (high over a far grasp the elbow is nearer straight than at the grasp: the allowed
  // stretch grows from REACH_HOVER at the hover height to the grasp's own at its height)
  double line[2] = {s->grasp[0], s->grasp[1]};
  double rmove = fmax(REACH_MOVE, stretch(s, s->grasp[0], s->grasp[1], s->grasp[2]));
  double rh = fmin(rmove, REACH_HOVER);
  double depth = fmin(1, fmax(0, (s->hover_z - p[2]) / fmax(1e-3, s->hover_z - s->grasp[2])));
  reach_clamp(s, line, fmax(p[2], s->grasp[2]), rh + (rmove - rh) * depth);
  double eline = hypot(line[0] - p[0], line[1] - p[1]);
  if (*ph == FREE) {
    // once below the hover height, a drift off the line is corrected low (the funnel),
    // not by going back up, which stretched the arm further
    double lined = p[2] < s->hover_z - 0.01 ? NEAR_XY : DESCEND_XY;
    *ph = (at || (closing && near)) ? CLOSE
        : (eline > lined || eyaw > DESCEND_YAW) ? MOVE : DESCEND;
    if (*ph == MOVE && p[2] < s->hover_z - 0.02 && eline > NEAR_XY) *ph = RISE;
  }
  a->yaw = s->grasp_yaw;
  a->slow = 0;
  memcpy(a->T, s->grasp, sizeof a->T);
  // at the grasp, or closing there: close and hold still
  if (*ph == CLOSE) {
    a->grip = 1;
    return;
  }
  // lined up over it: descend; otherwise move over at the safe height
  // (the deeper the better lined up: an overshoot must not land the hand on a neighbour)
  if (*ph != DESCEND) {
    a->T[2] = s->hover_z;
    reach_clamp(s, a->T, a->T[2], rh);
  } else {
    // outward only as far as the hand's height allows
    a->T[0] = line[0];
    a->T[1] = line[1];
    double f = fmin(1, fmax(0, (exy - FUNNEL_XY) / (DESCEND_XY - FUNNEL_XY)));
    a->T[2] += f * fmin(s->hover_z - s->grasp[2], FUNNEL_RISE);
    a->slow = ez < SLOW_ZONE || s->reach > REACH_SLOW;
  }
  // low and off to the side: rise first
  if (*ph == RISE) {
    a->T[0] = p[0];
    a->T[1] = p[1];
  }
  a->grip = closing ? -1 : (s->grip_cmd > s->grasp_open + 0.005 ? 1 : 0);
}

// held: carry it over the target and put it down
static void carry(const bk_expert_scene_t* s, phase_t* ph, aim_t* a) {
  const double* p = s->eef;
  double ex = s->place_xy[0] - s->obj_pos[0], ey = s->place_xy[1] - s->obj_pos[1];
  double low = s->obj_low, e = hypot(ex, ey);
  if (*ph == FREE) {
    *ph = e > PLACE_XY ? CARRY : (low < s->place_z + 0.008 ? RELEASE : LOWER);
  }
  a->yaw = bk_expert_yaw(s->hand_R);
  a->grip = 1;
  a->slow = 0;
  if (*ph == CARRY) {
    // lift until clear, hardly moving sideways, then over at the carry height
    double rise = s->carry_z + 0.01 - low;
    if (rise > 0.01 && e > 0.005) {
      ex *= 0.005 / e;
      ey *= 0.005 / e;
    }
    double T[3] = {p[0] + ex, p[1] + ey, p[2] + fmax(rise, -0.05)};
    // on the way, the arm stays short of its full stretch (the path bends inward), or
    // of the stretch over the target if that is more
    double over = stretch(s, p[0] + s->place_xy[0] - s->obj_pos[0],
                          p[1] + s->place_xy[1] - s->obj_pos[1], T[2]);
    reach_clamp(s, T, T[2], fmax(REACH_MOVE, over));
    memcpy(a->T, T, sizeof T);
    return;
  }
  // over the target: lower, slowly near the support; open once down
  double T[3] = {p[0] + ex, p[1] + ey, p[2] + (s->place_z - low)};
  memcpy(a->T, T, sizeof T);
  a->slow = low - s->place_z < SLOW_ZONE;
  if (*ph == RELEASE) {
    memcpy(a->T, p, sizeof a->T);
    a->grip = -1;
  }
}

// the action for the state s describes, in phase *ph (FREE: the state's own, set)
static void law(const bk_expert_scene_t* s, phase_t* ph, double act[BK_ACTION_DIM]) {
  aim_t a;
  if (s->grasped) carry(s, ph, &a);
  else fetch(s, ph, &a);
  // position: a spring towards the target, scaled as a whole so the path stays straight
  double off[3], e[3], Rd[9];
  // stretched out, the arm's inertia along the reach grows: more damping lead there
  double damp = VEL_GAIN * (s->reach > REACH_SLOW ? STRETCH_DAMP : 1.0);
  for (int i = 0; i < 3; i++) {
    off[i] = (POS_GAIN * (a.T[i] - s->eef[i]) - damp * s->eef_v[i]) / BK_OSC_POS_SCALE;
  }
  if (a.slow && off[2] < -SLOW_AZ) off[2] = -SLOW_AZ;
  scale_to_unit(off);
  // far out and going for a grasp, a fast sideways move pitches the hand and its wrist
  // outward as it stops, which straightened the elbow past its flip
  double sxy = hypot(off[0], off[1]);
  if (!s->grasped && s->reach > REACH_CRUISE && sxy > CRUISE_XY) {
    off[0] *= CRUISE_XY / sxy;
    off[1] *= CRUISE_XY / sxy;
  }
  // orientation: pointing down, closing axis at the target yaw
  bk_expert_down_frame(a.yaw, Rd);
  rot_error(Rd, s->hand_R, e);
  for (int i = 0; i < 3; i++) e[i] *= ROT_GAIN / BK_OSC_ROT_SCALE;
  scale_to_unit(e);
  for (int i = 0; i < 3; i++) {
    act[i] = off[i];
    act[3 + i] = e[i];
  }
  act[6] = a.grip;
}

// ---------------------------------------------------------------- the prediction

// the gripper servos' commands: 0.01 of half the range per physics step towards open or
// closed (bk_osc's robosuite gripper), held when the command is 0
static void predict_gripper(const bk_world_t* w, predict_t* x, double cmd) {
  for (int k = 0; k < w->ngrip_act && k < 2; k++) {
    const mjtNum* r = w->m->actuator_ctrlrange + 2 * w->grip_act[k];
    double closed = fabs(r[0]) < fabs(r[1]) ? r[0] : r[1], open = r[0] + r[1] - closed;
    double goal = cmd > 0 ? closed : (cmd < 0 ? open : x->ctrl[k]);
    double step = BK_SUBSTEPS * 0.5 * BK_GRIP_SPEED * (r[1] - r[0]);
    double c = x->ctrl[k] + (goal > x->ctrl[k] ? step : -step);
    x->ctrl[k] = fabs(goal - x->ctrl[k]) <= step ? goal : c;
  }
}

// rotation of the hand frame R by the world-frame rotation vector r
static void rotate(double R[9], const double r[3]) {
  double q[4], Q[9], out[9];
  double angle = mju_norm3(r);
  if (angle < 1e-14) return;
  double axis[3] = {r[0] / angle, r[1] / angle, r[2] / angle};
  mju_axisAngle2Quat(q, axis, angle);
  mju_quat2Mat(Q, q);
  mju_mulMatMat(out, Q, R, 3, 3, 3);
  memcpy(R, out, sizeof out);
}

// robosuite's orientation error of R against the goal G (world frame)
static void orient_error(const double G[9], const double R[9], double e[3]) {
  e[0] = e[1] = e[2] = 0;
  for (int k = 0; k < 3; k++) {
    double rc[3] = {R[k], R[3 + k], R[6 + k]}, rg[3] = {G[k], G[3 + k], G[6 + k]}, c[3];
    mju_cross(c, rc, rg);
    for (int i = 0; i < 3; i++) e[i] += 0.5 * c[i];
  }
}

// one control step of action a: the goal from the pose at its start, then the
// controller's task-space spring through the physics' substeps
static void predict_step(const bk_world_t* w, predict_t* x, const double act[BK_ACTION_DIM]) {
  double a[BK_ACTION_DIM], g[3], G[9], rv[3], kd = 2.0 * sqrt(BK_OSC_KP);
  for (int i = 0; i < BK_ACTION_DIM; i++) a[i] = act[i] < -1 ? -1 : (act[i] > 1 ? 1 : act[i]);
  for (int i = 0; i < 3; i++) {
    g[i] = x->p[i] + BK_OSC_POS_SCALE * a[i];
    rv[i] = BK_OSC_ROT_SCALE * a[3 + i];
  }
  memcpy(G, x->R, sizeof G);
  rotate(G, rv);
  double yaw0 = bk_expert_yaw(x->R);
  for (int s = 0; s < BK_SUBSTEPS; s++) {
    double e[3], turn[3];
    double f[6], acc[6];
    orient_error(G, x->R, e);
    for (int i = 0; i < 3; i++) {
      f[i] = BK_OSC_KP * (g[i] - x->p[i]) - kd * x->v[i];
      f[3 + i] = BK_OSC_KP * e[i] - kd * x->wv[i];
    }
    mju_mulMatVec(acc, x->A, f, 6, 6);
    for (int i = 0; i < 3; i++) {
      x->v[i] += SUBSTEP_DT * acc[i];
      x->p[i] += SUBSTEP_DT * x->v[i];
      x->wv[i] += SUBSTEP_DT * acc[3 + i];
      turn[i] = SUBSTEP_DT * x->wv[i];
    }
    rotate(x->R, turn);
  }
  x->q7 -= wrap_pi(bk_expert_yaw(x->R) - yaw0);
  predict_gripper(w, x, a[6]);
}

// the scene as the prediction has it: the hand, the gripper command, a held object
static void predicted_scene(const bk_world_t* w, const predict_t* x, bk_expert_scene_t* s) {
  double moved[3];
  for (int i = 0; i < 3; i++) moved[i] = x->p[i] - s->eef[i];
  memcpy(s->eef, x->p, sizeof s->eef);
  memcpy(s->eef_v, x->v, sizeof s->eef_v);
  memcpy(s->hand_R, x->R, sizeof s->hand_R);
  memcpy(s->hand_w, x->wv, sizeof s->hand_w);
  s->grip_cmd = 0;
  for (int k = 0; k < w->ngrip_act && k < 2; k++) {
    const mjtNum* r = w->m->actuator_ctrlrange + 2 * w->grip_act[k];
    s->grip_cmd += fabs(x->ctrl[k] - (fabs(r[0]) < fabs(r[1]) ? r[0] : r[1]));
  }
  if (s->grasped) {
    for (int i = 0; i < 3; i++) {
      s->obj_pos[i] += moved[i];
      s->obj_c[i] += moved[i];
    }
    s->obj_low += moved[2];
    s->obj_top += moved[2];
  }
}

// in-place inverse of a small symmetric positive definite n x n matrix
static void spd_invert(double* A, int n) {
  double L[49], col[7], e[7];
  memcpy(L, A, sizeof(double) * n * n);
  mju_cholFactor(L, n, 1e-10);
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < n; i++) e[i] = i == j;
    mju_cholSolve(col, L, e, n);
    for (int i = 0; i < n; i++) A[i * n + j] = col[i];
  }
}

// the controller's task-space response at the observed arm configuration: bk_osc pushes
// with separate position and orientation inertias (Lpos, Lori), so the grip site
// accelerates by A f = (J M^-1 J^T) diag(Lpos, Lori) f for the spring f, not by f itself
// (sluggish near a stretched arm); J and M are frozen over the chunk
static void response(expert_t* x, double A[36]) {
  const mjModel* m = x->w->m;
  int nv = m->nv;
  double J[6 * BK_ARM_NJ], Mi[BK_ARM_NJ * BK_ARM_NJ], JMi[6 * BK_ARM_NJ], Li[36], B[9], D[36];
  mj_jacSite(m, x->d, x->jac, x->jac + 3 * nv, x->w->grip_site);
  mj_fullM(m, x->fullM, x->d->qM);
  for (int i = 0; i < BK_ARM_NJ; i++) {
    int di = x->w->arm_dofadr[i];
    for (int r = 0; r < 6; r++) J[r * BK_ARM_NJ + i] = x->jac[r * nv + di];
    for (int j = 0; j < BK_ARM_NJ; j++) Mi[i * BK_ARM_NJ + j] = x->fullM[di * nv + x->w->arm_dofadr[j]];
  }
  spd_invert(Mi, BK_ARM_NJ);
  mju_mulMatMat(JMi, J, Mi, 6, BK_ARM_NJ, BK_ARM_NJ);
  mju_mulMatMatT(Li, JMi, J, 6, BK_ARM_NJ, 6);
  memset(D, 0, sizeof D);
  for (int off = 0; off < 6; off += 3) {
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) B[i * 3 + j] = Li[(off + i) * 6 + off + j];
    }
    spd_invert(B, 3);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) D[(off + i) * 6 + off + j] = B[i * 3 + j];
    }
  }
  mju_mulMatMat(A, Li, D, 6, 6, 6);
}

// the prediction's start: the observed state
static void predict_init(const bk_world_t* w, const mjData* d, const bk_expert_scene_t* s,
                         predict_t* x) {
  memcpy(x->p, s->eef, sizeof x->p);
  memcpy(x->v, s->eef_v, sizeof x->v);
  memcpy(x->R, s->hand_R, sizeof x->R);
  memcpy(x->wv, s->hand_w, sizeof x->wv);
  for (int k = 0; k < 2; k++) x->ctrl[k] = k < w->ngrip_act ? d->ctrl[w->grip_act[k]] : 0;
  x->q7 = d->qpos[w->arm_qposadr[BK_ARM_NJ - 1]];
}

// the chunk: the law applied to the observed state, then to the predicted states
static int plan(expert_t* x, int h, double* chunk) {
  char err[256];
  predict_t pr;
  x->scene.keep_candidates = 1;
  int rc = bk_expert_scene_read(x->w, x->d, &x->scene, err, sizeof err);
  if (rc) return rc;
  predict_init(x->w, x->d, &x->scene, &pr);
  if (h > 1) response(x, pr.A);  // only the prediction uses it
  phase_t ph = FREE;
  law(&x->scene, &ph, chunk);
  for (int i = 1; i < h; i++) {
    predict_step(x->w, &pr, chunk + (i - 1) * BK_ACTION_DIM);
    predicted_scene(x->w, &pr, &x->scene);
    bk_expert_scene_update(x->w, &x->scene, pr.q7);
    law(&x->scene, &ph, chunk + i * BK_ACTION_DIM);
  }
  return 0;
}

// ---------------------------------------------------------------- the policy

// the observation's data belongs to one world; each episode starts with no grasp
// candidates and a clean copy (an engine error may have left it mid-step)
static int bind(expert_t* x, const bk_world_t* w, int fresh) {
  if (x->w == w && x->d && !fresh) return 0;
  if (x->w != w || !x->d) {
    mj_deleteData(x->d);
    free(x->jac);
    free(x->fullM);
    x->w = w;
    x->d = mj_makeData(w->m);
    x->jac = malloc(sizeof(mjtNum) * 6 * w->m->nv);
    x->fullM = malloc(sizeof(mjtNum) * w->m->nv * w->m->nv);
    if (!x->d || !x->jac || !x->fullM) {
      x->w = NULL;
      return BK_ENOMEM;
    }
  }
  mj_resetData(w->m, x->d);
  x->scene.ncand = -1;
  return 0;
}

// the observed state's primary fields (positions from qpos when given); every derived
// quantity the expert reads is recomputed (bk_expert_forward)
static void observe(expert_t* x, const mjData* src, const double* qpos) {
  const mjModel* m = x->w->m;
  mjData* d = x->d;
  d->time = src->time;
  mju_copy(d->qpos, qpos ? qpos : src->qpos, m->nq);
  mju_copy(d->qvel, src->qvel, m->nv);
  mju_copy(d->act, src->act, m->na);
  mju_copy(d->ctrl, src->ctrl, m->nu);
  mju_copy(d->mocap_pos, src->mocap_pos, 3 * m->nmocap);
  mju_copy(d->mocap_quat, src->mocap_quat, 4 * m->nmocap);
  mju_copy(d->qacc_warmstart, src->qacc_warmstart, m->nv);
  mju_zero(d->qfrc_applied, m->nv);
  mju_zero(d->xfrc_applied, 6 * m->nbody);
  bk_expert_forward(m, d);
}

void bk_expert_forward(const mjModel* m, mjData* d) {
  // mj_forward's own stages for these, in its order; the constraint rows, their
  // projection and the solver (most of mj_forward) feed nothing the expert reads
  mj_kinematics(m, d);
  mj_comPos(m, d);
  mj_crb(m, d);
  mj_collision(m, d);
  mj_comVel(m, d);
}

int bk_expert_plan(void* self, const bk_world_t* w, const mjData* d, const double* qpos, int h,
                   double* chunk) {
  expert_t* x = self;
  int rc = bind(x, w, 0);
  if (rc) return rc;
  observe(x, d, qpos);
  return plan(x, h, chunk);
}

static void* create(const char* options, char* err, int err_sz) {
  if (options && *options) {
    bk_fail(err, err_sz, BK_EINVAL, "expert takes no options (got \"%s\")", options);
    return NULL;
  }
  expert_t* x = calloc(1, sizeof *x);
  if (!x) bk_fail(err, err_sz, BK_ENOMEM, "expert: out of memory");
  return x;
}

static int reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  (void)d;
  (void)seed;
  return bind(self, w, 1);
}

static int act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  int rc = bk_expert_plan(self, obs->w, obs->d, NULL, q->h, out->actions);
  if (rc) return rc;
  size_t n = (size_t)q->h * BK_ACTION_DIM;
  for (int c = 1; c < q->k; c++) memcpy(out->actions + c * n, out->actions, n * sizeof(double));
  if (out->logp) {
    for (int c = 0; c < q->k; c++) out->logp[c] = NAN;
  }
  return 0;
}

static void destroy(void* self) {
  expert_t* x = self;
  if (!x) return;
  mj_deleteData(x->d);
  free(x->jac);
  free(x->fullM);
  free(x);
}

const bk_policy_ops_t bk_expert_policy = {
  "expert", "scripted expert from privileged state (pick, carry, place)",
  BK_POLICY_PRIVILEGED, create, reset, act, destroy, NULL,
};

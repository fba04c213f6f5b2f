#include "control/osc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#define NJ BK_ARM_NJ

struct bk_osc {
  const bk_world_t* w;
  int site;
  double goal_pos[3], goal_mat[9];
  double q0[NJ];               /* nullspace posture */
  double grip_state[2];        /* robosuite's gripper state in [-1, 1] per finger */
  double grip_dir;             /* sign of the last gripper command */
  /* scratch, sized at creation */
  mjtNum* jacp;                /* 3 x nv */
  mjtNum* jacr;                /* 3 x nv */
  int madr[NJ * NJ];           /* where the arm block's entries sit in qM (-1: zero) */
};

// MuJoCo keeps the inertia M sparse in qM: row i holds M(i, j) for j = i and then each
// ancestor dof of i in turn, from qM[dof_Madr[i]] on (what mj_fullM expands). The arm
// block is read from there directly: the same numbers, without an nv x nv matrix.
static void arm_inertia_layout(const bk_world_t* w, int madr[NJ * NJ]) {
  const mjModel* m = w->m;
  for (int k = 0; k < NJ * NJ; k++) madr[k] = -1;
  for (int a = 0; a < NJ; a++) {
    int adr = m->dof_Madr[w->arm_dofadr[a]];
    for (int j = w->arm_dofadr[a]; j >= 0; j = m->dof_parentid[j], adr++) {
      for (int b = 0; b < NJ; b++) {
        if (w->arm_dofadr[b] != j) continue;
        madr[a * NJ + b] = adr;
        madr[b * NJ + a] = adr;
      }
    }
  }
}

bk_osc_t* bk_osc_create(const bk_world_t* w) {
  bk_osc_t* c = calloc(1, sizeof *c);
  int nv = w->m->nv;
  if (!c) return NULL;
  c->w = w;
  c->site = w->grip_site;
  c->jacp = malloc(sizeof(mjtNum) * 3 * nv);
  c->jacr = malloc(sizeof(mjtNum) * 3 * nv);
  if (!c->jacp || !c->jacr) {
    bk_osc_free(c);
    return NULL;
  }
  arm_inertia_layout(w, c->madr);
  return c;
}

void bk_osc_free(bk_osc_t* c) {
  if (!c) return;
  free(c->jacp);
  free(c->jacr);
  free(c);
}

void bk_osc_copy(bk_osc_t* dst, const bk_osc_t* src) {
  memcpy(dst->goal_pos, src->goal_pos, sizeof dst->goal_pos);
  memcpy(dst->goal_mat, src->goal_mat, sizeof dst->goal_mat);
  memcpy(dst->q0, src->q0, sizeof dst->q0);
  memcpy(dst->grip_state, src->grip_state, sizeof dst->grip_state);
  dst->grip_dir = src->grip_dir;
}

void bk_osc_eef(const bk_osc_t* c, const mjData* d, double pos[3], double mat[9]) {
  memcpy(pos, d->site_xpos + 3 * c->site, 3 * sizeof(double));
  memcpy(mat, d->site_xmat + 9 * c->site, 9 * sizeof(double));
}

void bk_osc_goal(const bk_osc_t* c, double pos[3], double mat[9]) {
  memcpy(pos, c->goal_pos, sizeof c->goal_pos);
  memcpy(mat, c->goal_mat, sizeof c->goal_mat);
}

void bk_osc_reset(bk_osc_t* c, const mjData* d) {
  for (int i = 0; i < NJ; i++) c->q0[i] = d->qpos[c->w->arm_qposadr[i]];
  c->grip_state[0] = c->grip_state[1] = 0;
  c->grip_dir = 0;
  bk_osc_eef(c, d, c->goal_pos, c->goal_mat);
}

int bk_osc_set_goal(bk_osc_t* c, const mjData* d, const double action[BK_ACTION_DIM]) {
  double a[BK_ACTION_DIM];
  for (int i = 0; i < BK_ACTION_DIM; i++) {
    if (!isfinite(action[i])) return BK_EINVAL;
    a[i] = action[i] < -1 ? -1 : (action[i] > 1 ? 1 : action[i]);
  }
  // position: current + scaled delta
  double pos[3], mat[9];
  bk_osc_eef(c, d, pos, mat);
  for (int i = 0; i < 3; i++) c->goal_pos[i] = pos[i] + BK_OSC_POS_SCALE * a[i];
  // orientation: robosuite keeps the previous goal when every rotation delta is exactly 0
  c->grip_dir = a[6] > 0 ? 1.0 : (a[6] < 0 ? -1.0 : 0.0);
  if (a[3] == 0 && a[4] == 0 && a[5] == 0) return 0;
  // otherwise rotate the current frame by the scaled axis-angle delta (world frame)
  double rv[3] = {BK_OSC_ROT_SCALE * a[3], BK_OSC_ROT_SCALE * a[4], BK_OSC_ROT_SCALE * a[5]};
  double angle = sqrt(rv[0] * rv[0] + rv[1] * rv[1] + rv[2] * rv[2]);
  double R[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  if (angle > 1e-12) {
    double axis[3] = {rv[0] / angle, rv[1] / angle, rv[2] / angle}, q[4];
    mju_axisAngle2Quat(q, axis, angle);
    mju_quat2Mat(R, q);
  }
  mju_mulMatMat(c->goal_mat, R, mat, 3, 3, 3);
  return 0;
}

// orientation error between desired and current rotation matrices (robosuite's form)
static void orientation_error(const double* des, const double* cur, double err[3]) {
  err[0] = err[1] = err[2] = 0;
  for (int k = 0; k < 3; k++) {
    double rc[3] = {cur[k], cur[3 + k], cur[6 + k]}, rd[3] = {des[k], des[3 + k], des[6 + k]};
    double x[3];
    mju_cross(x, rc, rd);
    for (int i = 0; i < 3; i++) err[i] += 0.5 * x[i];
  }
}

// mju_dot of MuJoCo 2.2.2 with its order of additions (four lanes, summed as
// (l2 + l0) + (l3 + l1), then the remainder), so that results stay the same to the bit
static double dot_mj(const double* a, const double* b, int n) {
  double l0 = 0, l1 = 0, l2 = 0, l3 = 0, res = 0;
  int i = 0;
  if (n >= 4) {
    for (; i + 4 <= n; i += 4) {
      l0 += a[i] * b[i];
      l1 += a[i + 1] * b[i + 1];
      l2 += a[i + 2] * b[i + 2];
      l3 += a[i + 3] * b[i + 3];
    }
    res = (l2 + l0) + (l3 + l1);
  }
  switch (n - i) {
    case 3: return res + ((a[i] * b[i] + a[i + 1] * b[i + 1]) + a[i + 2] * b[i + 2]);
    case 2: return res + (a[i] * b[i] + a[i + 1] * b[i + 1]);
    case 1: return res + a[i] * b[i];
    default: return res;
  }
}

// mju_cholSolve (L L^T res = vec, L from mju_cholFactor) with the same operations, inlined:
// the controller solves 19 small systems at every physics step
static void chol_solve(double* res, const double* L, const double* vec, int n) {
  for (int i = 0; i < n; i++) {
    res[i] = vec[i];
    if (i) res[i] -= dot_mj(L + i * n, res, i);
    res[i] /= L[i * (n + 1)];
  }
  for (int i = n - 1; i >= 0; i--) {
    for (int j = i + 1; j < n; j++) res[i] -= L[j * n + i] * res[j];
    res[i] /= L[i * (n + 1)];
  }
}

// invert a small symmetric positive definite matrix in place via Cholesky
static void spd_inverse(double* A, int n, double* out) {
  double L[49], e[7], col[7];
  memcpy(L, A, sizeof(double) * n * n);
  mju_cholFactor(L, n, 1e-10);
  for (int j = 0; j < n; j++) {
    for (int i = 0; i < n; i++) e[i] = i == j;
    chol_solve(col, L, e, n);
    for (int i = 0; i < n; i++) out[i * n + j] = col[i];
  }
}

// the arm's rows of the grip-site Jacobian (6 x NJ) and joint velocities
static void arm_jacobian(bk_osc_t* c, const mjData* d, double J[6 * NJ], double qd[NJ]) {
  const mjModel* m = c->w->m;
  int nv = m->nv;
  mj_jacSite(m, d, c->jacp, c->jacr, c->site);
  for (int i = 0; i < NJ; i++) {
    int dof = c->w->arm_dofadr[i];
    for (int r = 0; r < 3; r++) {
      J[r * NJ + i] = c->jacp[r * nv + dof];
      J[(3 + r) * NJ + i] = c->jacr[r * nv + dof];
    }
    qd[i] = d->qvel[dof];
  }
}

// the arm block of the joint-space inertia and its inverse
static void arm_inertia(const bk_osc_t* c, const mjData* d, double M[NJ * NJ],
                        double Minv[NJ * NJ]) {
  for (int k = 0; k < NJ * NJ; k++) M[k] = c->madr[k] >= 0 ? d->qM[c->madr[k]] : 0.0;
  spd_inverse(M, NJ, Minv);
}

void bk_osc_arm_inertia(const bk_osc_t* c, const mjData* d, double* M, double* Minv) {
  arm_inertia(c, d, M, Minv);
}

// one 3x3 diagonal block of a 6x6 matrix, inverted
static void block_inverse(const double A[36], int off, double out[9]) {
  double B[9];
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++) B[i * 3 + j] = A[(off + i) * 6 + off + j];
  }
  spd_inverse(B, 3, out);
}

// task-space wrench: uncoupled position and orientation PD through their inertias
static void task_wrench(const bk_osc_t* c, const mjData* d, const double J[6 * NJ],
                        const double qd[NJ], const double Linv[36], double wrench[6]) {
  double pos[3], mat[9], v[6], ep[3], er[3], fp[3], fr[3], Lpos[9], Lori[9];
  bk_osc_eef(c, d, pos, mat);
  mju_mulMatVec(v, J, qd, 6, NJ);
  orientation_error(c->goal_mat, mat, er);
  double kd = 2.0 * sqrt(BK_OSC_KP);
  for (int i = 0; i < 3; i++) {
    ep[i] = c->goal_pos[i] - pos[i];
    fp[i] = BK_OSC_KP * ep[i] - kd * v[i];
    fr[i] = BK_OSC_KP * er[i] - kd * v[3 + i];
  }
  block_inverse(Linv, 0, Lpos);
  block_inverse(Linv, 3, Lori);
  mju_mulMatVec(wrench, Lpos, fp, 3, 3);
  mju_mulMatVec(wrench + 3, Lori, fr, 3, 3);
}

// nullspace posture torques: N^T M (kn (q0 - q) - dn qd), N = I - J^T Jbar^T
static void nullspace(const bk_osc_t* c, const mjData* d, const double J[6 * NJ],
                      const double M[NJ * NJ], const double JMinv[6 * NJ],
                      const double Linv[36], const double qd[NJ], double tau[NJ]) {
  double L[36], Jbar[NJ * 6], N[NJ * NJ], acc[NJ], pose[NJ], tn[NJ];
  spd_inverse((double*)Linv, 6, L);
  mju_mulMatTMat(Jbar, JMinv, L, 6, NJ, 6);     // Minv J^T L  (NJ x 6)
  for (int i = 0; i < NJ; i++) {                // N = I - J^T Jbar^T  (NJ x NJ)
    for (int j = 0; j < NJ; j++) {
      double s = 0;
      for (int r = 0; r < 6; r++) s += J[r * NJ + i] * Jbar[j * 6 + r];
      N[i * NJ + j] = (i == j) - s;
    }
  }
  double dn = 2.0 * sqrt(BK_OSC_NULL_KP);
  for (int i = 0; i < NJ; i++) {
    double q = d->qpos[c->w->arm_qposadr[i]];
    acc[i] = BK_OSC_NULL_KP * (c->q0[i] - q) - dn * qd[i];
  }
  mju_mulMatVec(pose, M, acc, NJ, NJ);
  mju_mulMatTVec(tn, N, pose, NJ, NJ);
  for (int i = 0; i < NJ; i++) tau[i] += tn[i];
}

// robosuite's gripper: a state that moves 0.01 per physics step towards open or closed
static void gripper(bk_osc_t* c, mjData* d) {
  const mjModel* m = c->w->m;
  for (int k = 0; k < c->w->ngrip_act; k++) {
    int a = c->w->grip_act[k];
    const mjtNum* r = m->actuator_ctrlrange + 2 * a;
    double closed_sign = fabs(r[1]) > fabs(r[0]) ? -1.0 : 1.0;  // closed end nearer 0
    double s = c->grip_state[k] + closed_sign * BK_GRIP_SPEED * c->grip_dir;
    c->grip_state[k] = s < -1 ? -1 : (s > 1 ? 1 : s);
    d->ctrl[a] = 0.5 * (r[0] + r[1]) + 0.5 * (r[1] - r[0]) * c->grip_state[k];
  }
}

// near a joint limit: no torque into it, and no faster approach than can still be braked
static void limit_guard(const bk_osc_t* c, const mjData* d, const double M[NJ * NJ],
                        double tau[NJ]) {
  const mjModel* m = c->w->m;
  for (int i = 0; i < NJ; i++) {
    const mjtNum* r = m->jnt_range + 2 * c->w->arm_jnt[i];
    double q = d->qpos[c->w->arm_qposadr[i]], qd = d->qvel[c->w->arm_dofadr[i]];
    int towards_hi = r[1] - q < q - r[0];
    double room = towards_hi ? r[1] - q : q - r[0];
    double dir = towards_hi ? 1.0 : -1.0;   // direction of the near limit
    if (room >= BK_OSC_LIMIT_MARGIN) continue;
    double f = room <= 0 ? 0 : room / BK_OSC_LIMIT_MARGIN;
    if (dir * tau[i] > 0) tau[i] *= f;
    // speed towards the limit above what a constant deceleration can stop in `room`
    double vmax = room <= 0 ? 0 : sqrt(2.0 * BK_OSC_LIMIT_DECEL * room);
    double excess = dir * qd - vmax;
    if (excess > 0) tau[i] -= dir * BK_OSC_LIMIT_DAMP * M[i * NJ + i] * excess;
  }
}

void bk_osc_compute(bk_osc_t* c, mjData* d) {
  const mjModel* m = c->w->m;
  double J[6 * NJ], qd[NJ], M[NJ * NJ], Minv[NJ * NJ], JMinv[6 * NJ], Linv[36];
  double wrench[6], tau[NJ];
  arm_jacobian(c, d, J, qd);
  arm_inertia(c, d, M, Minv);
  mju_mulMatMat(JMinv, J, Minv, 6, NJ, NJ);
  mju_mulMatMatT(Linv, JMinv, J, 6, NJ, 6);
  task_wrench(c, d, J, qd, Linv, wrench);
  mju_mulMatTVec(tau, J, wrench, 6, NJ);
  nullspace(c, d, J, M, JMinv, Linv, qd, tau);
  limit_guard(c, d, M, tau);
  // gravity and Coriolis compensation, then the motors' limits
  for (int i = 0; i < NJ; i++) {
    int a = c->w->arm_act[i];
    double u = tau[i] + d->qfrc_bias[c->w->arm_dofadr[i]];
    const mjtNum* r = m->actuator_ctrlrange + 2 * a;
    if (m->actuator_ctrllimited[a]) u = u < r[0] ? r[0] : (u > r[1] ? r[1] : u);
    d->ctrl[a] = u;
  }
  gripper(c, d);
}

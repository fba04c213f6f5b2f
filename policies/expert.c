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
 * private rollout reaches: a copy of the state stepped with the episode's controller and
 * gripper semantics (bk_osc, 25 physics steps per action). So the chunk is what the law
 * would do closed loop, and still a pure function of the state; it costs H - 1 control
 * steps of physics per decision. Greedy and deterministic: every candidate gets the
 * same chunk, and there is no log-probability (NaN). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "control/osc.h"
#include "control/step.h"
#include "core/err.h"
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
#define PLACE_XY 0.015           /* object over the target: lower it */
#define SLOW_ZONE 0.03           /* slow down this close to a support */
#define SLOW_AZ 0.3              /* largest downward action there */

typedef struct {
  const bk_world_t* w;
  mjData* d;                   /* the rollout: the observed state stepped forward */
  bk_osc_t* osc;               /* the rollout's controller */
  bk_expert_scene_t scene;
} expert_t;

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

// not held: go for the grasp
static void fetch(const bk_expert_scene_t* s, aim_t* a) {
  const double* p = s->eef;
  double exy = hypot(s->grasp[0] - p[0], s->grasp[1] - p[1]);
  double ez = p[2] - s->grasp[2];
  double eyaw = fabs(wrap_pi(s->grasp_yaw - bk_expert_yaw(s->hand_R)));
  int closing = s->grip_cmd < s->grasp_open - 0.005;
  int at = exy < AT_XY && fabs(ez) < AT_Z && eyaw < AT_YAW;
  int near = exy < NEAR_XY && fabs(ez) < NEAR_Z;
  a->yaw = s->grasp_yaw;
  a->slow = 0;
  memcpy(a->T, s->grasp, sizeof a->T);
  // at the grasp, or closing there: close and hold still
  if (at || (closing && near)) {
    a->grip = 1;
    return;
  }
  // lined up over it: descend; otherwise move over at the safe height
  if (exy > DESCEND_XY || eyaw > DESCEND_YAW) a->T[2] = s->hover_z;
  else a->slow = ez < SLOW_ZONE;
  // low and off to the side: rise first
  if (p[2] < s->hover_z - 0.02 && exy > NEAR_XY) {
    a->T[0] = p[0];
    a->T[1] = p[1];
  }
  a->grip = closing ? -1 : (s->grip_cmd > s->grasp_open + 0.005 ? 1 : 0);
}

// held: carry it over the target and put it down
static void carry(const bk_expert_scene_t* s, aim_t* a) {
  const double* p = s->eef;
  double ex = s->place_xy[0] - s->obj_pos[0], ey = s->place_xy[1] - s->obj_pos[1];
  double low = s->obj_low, e = hypot(ex, ey);
  a->yaw = bk_expert_yaw(s->hand_R);
  a->grip = 1;
  a->slow = 0;
  if (e > PLACE_XY) {
    // lift until clear, hardly moving sideways, then over at the carry height
    double rise = s->carry_z + 0.01 - low;
    if (rise > 0.01 && e > 0.005) {
      ex *= 0.005 / e;
      ey *= 0.005 / e;
    }
    double T[3] = {p[0] + ex, p[1] + ey, p[2] + fmax(rise, -0.05)};
    memcpy(a->T, T, sizeof T);
    return;
  }
  // over the target: lower, slowly near the support; open once down
  double T[3] = {p[0] + ex, p[1] + ey, p[2] + (s->place_z - low)};
  memcpy(a->T, T, sizeof T);
  a->slow = low - s->place_z < SLOW_ZONE;
  if (low < s->place_z + 0.008) {
    memcpy(a->T, p, sizeof a->T);
    a->grip = -1;
  }
}

// the action for the state s describes
static void law(const bk_expert_scene_t* s, double act[BK_ACTION_DIM]) {
  aim_t a;
  if (s->grasped) carry(s, &a);
  else fetch(s, &a);
  // position: a spring towards the target, scaled as a whole so the path stays straight
  double off[3], e[3], Rd[9];
  for (int i = 0; i < 3; i++) {
    off[i] = (POS_GAIN * (a.T[i] - s->eef[i]) - VEL_GAIN * s->eef_v[i]) / BK_OSC_POS_SCALE;
  }
  if (a.slow && off[2] < -SLOW_AZ) off[2] = -SLOW_AZ;
  scale_to_unit(off);
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

// ---------------------------------------------------------------- the rollout

// the gripper servos' commands move 0.01 of their range per physics step, as in
// bk_osc's robosuite gripper, from wherever the observed state has them
static void rollout_gripper(const bk_world_t* w, mjData* d, const double* before, double cmd) {
  for (int k = 0; k < w->ngrip_act; k++) {
    int a = w->grip_act[k];
    const mjtNum* r = w->m->actuator_ctrlrange + 2 * a;
    double closed = fabs(r[0]) < fabs(r[1]) ? r[0] : r[1], open = r[0] + r[1] - closed;
    double goal = cmd > 0 ? closed : (cmd < 0 ? open : before[k]);
    double step = 0.5 * BK_GRIP_SPEED * (r[1] - r[0]);
    double c = before[k] + (goal > before[k] ? step : -step);
    d->ctrl[a] = fabs(goal - before[k]) <= step ? goal : c;
  }
}

// one control step of the rollout, as bk_step_control runs it
static void rollout_step(expert_t* x, const double act[BK_ACTION_DIM]) {
  const bk_world_t* w = x->w;
  for (int s = 0; s < BK_SUBSTEPS; s++) {
    double before[2] = {0, 0};
    for (int k = 0; k < w->ngrip_act && k < 2; k++) before[k] = x->d->ctrl[w->grip_act[k]];
    mj_step1(w->m, x->d);
    if (s == 0) bk_osc_set_goal(x->osc, x->d, act);
    bk_osc_compute(x->osc, x->d);
    rollout_gripper(w, x->d, before, act[6]);
    mj_step2(w->m, x->d);
  }
}

// the chunk: the law applied to the observed state, then to the rollout's states
static int plan(expert_t* x, int h, double* chunk) {
  char err[256];
  x->scene.ncand = -1;
  for (int i = 0; i < h; i++) {
    x->scene.keep_candidates = i > 0;
    if (i > 0) {
      rollout_step(x, chunk + (i - 1) * BK_ACTION_DIM);
      mj_forward(x->w->m, x->d);
    }
    int rc = bk_expert_scene_read(x->w, x->d, &x->scene, err, sizeof err);
    if (rc) return rc;
    law(&x->scene, chunk + i * BK_ACTION_DIM);
  }
  return 0;
}

// ---------------------------------------------------------------- the policy

// the rollout's data and controller belong to one world (made clean at every reset); the controller's posture is
// LIBERO's init configuration, as the episode's controller has it
static int bind(expert_t* x, const bk_world_t* w, int fresh) {
  if (x->w == w && x->d && !fresh) return 0;
  if (x->w != w || !x->d) {
    mj_deleteData(x->d);
    bk_osc_free(x->osc);
    x->w = w;
    x->d = mj_makeData(w->m);
    x->osc = bk_osc_create(w);
    if (!x->d || !x->osc) {
      x->w = NULL;
      return BK_ENOMEM;
    }
  }
  // each episode starts from a clean copy: an engine error may have left it mid-step
  mj_resetData(w->m, x->d);
  for (int i = 0; i < BK_ARM_NJ; i++) x->d->qpos[w->arm_qposadr[i]] = w->arm_init[i];
  mj_kinematics(w->m, x->d);
  mj_comPos(w->m, x->d);
  bk_osc_reset(x->osc, x->d);
  return 0;
}

// the observed state's primary fields; every derived quantity is recomputed
static void observe(expert_t* x, const mjData* src) {
  const mjModel* m = x->w->m;
  mjData* d = x->d;
  d->time = src->time;
  mju_copy(d->qpos, src->qpos, m->nq);
  mju_copy(d->qvel, src->qvel, m->nv);
  mju_copy(d->act, src->act, m->na);
  mju_copy(d->ctrl, src->ctrl, m->nu);
  mju_copy(d->mocap_pos, src->mocap_pos, 3 * m->nmocap);
  mju_copy(d->mocap_quat, src->mocap_quat, 4 * m->nmocap);
  mju_copy(d->qacc_warmstart, src->qacc_warmstart, m->nv);
  mju_zero(d->qfrc_applied, m->nv);
  mju_zero(d->xfrc_applied, 6 * m->nbody);
  mj_forward(m, d);
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
  expert_t* x = self;
  int rc = bind(x, obs->w, 0);
  if (rc) return rc;
  observe(x, obs->d);
  rc = plan(x, q->h, out->actions);
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
  bk_osc_free(x->osc);
  free(x);
}

const bk_policy_ops_t bk_expert_policy = {
  "expert", "scripted expert from privileged state (pick, carry, place)",
  BK_POLICY_PRIVILEGED, create, reset, act, destroy, NULL,
};

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "policies/policy.h"

extern const bk_policy_ops_t bk_expert_policy;
extern const bk_policy_ops_t bk_simvla_policy;
extern const bk_policy_ops_t bk_openpi_policy;
extern const bk_policy_ops_t bk_plugin_policy;
extern const bk_policy_ops_t bk_oft_policy;
extern const bk_policy_ops_t bk_openvla_policy;

const bk_policy_ops_t* const bk_policies[] = {
  &bk_expert_policy,
  &bk_simvla_policy,
  &bk_openpi_policy,
  &bk_oft_policy,
  &bk_openvla_policy,
  &bk_plugin_policy,
  NULL,
};

const bk_policy_ops_t* bk_policy_find(const char* name) {
  for (int i = 0; bk_policies[i]; i++) {
    if (strcmp(bk_policies[i]->name, name) == 0) return bk_policies[i];
  }
  return NULL;
}

void bk_policy_names(char* buf, int sz) {
  int n = 0;
  buf[0] = '\0';
  for (int i = 0; bk_policies[i] && n < sz; i++) {
    n += snprintf(buf + n, (size_t)(sz - n), "%s%s", i ? ", " : "", bk_policies[i]->name);
  }
}

// the hand body: robosuite's right_hand (LIBERO's own robot), robot0_hand (the built-in one)
static int hand_body(const mjModel* m) {
  int id = mj_name2id(m, mjOBJ_BODY, "robot0_right_hand");
  return id >= 0 ? id : mj_name2id(m, mjOBJ_BODY, "robot0_hand");
}

void bk_policy_axisangle(const double q[4], double v[3]) {
  // robosuite quat2axisangle on (x, y, z, w): w clipped, no flip to w >= 0
  double w = q[0] > 1 ? 1 : (q[0] < -1 ? -1 : q[0]);
  double den = sqrt(1.0 - w * w);
  double angle = 2.0 * acos(w);
  for (int i = 0; i < 3; i++) v[i] = den > 0 ? q[1 + i] * angle / den : 0.0;
}

void bk_policy_state(const bk_world_t* w, const mjData* d, double state[BK_STATE_DIM]) {
  const mjtNum* p = d->site_xpos + 3 * w->grip_site;
  int hand = hand_body(w->m);
  double q[4] = {1, 0, 0, 0}, v[3];
  if (hand >= 0) {
    // xquat, renormalised as robosuite's mat2quat of xmat would be
    mju_copy4(q, d->xquat + 4 * hand);
    mju_normalize4(q);
  }
  bk_policy_axisangle(q, v);
  for (int i = 0; i < 3; i++) {
    state[i] = p[i];
    state[3 + i] = v[i];
  }
  state[6] = d->qpos[w->finger_qposadr[0]];
  state[7] = d->qpos[w->finger_qposadr[1]];
}

#include <stdio.h>
#include <string.h>

#include "policies/policy.h"

extern const bk_policy_ops_t bk_expert_policy;
extern const bk_policy_ops_t bk_simvla_policy;

const bk_policy_ops_t* const bk_policies[] = {
  &bk_expert_policy,
  &bk_simvla_policy,
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

void bk_policy_state(const bk_world_t* w, const mjData* d, double state[BK_STATE_DIM]) {
  const mjtNum* p = d->site_xpos + 3 * w->grip_site;
  mjtNum q[4], v[3];
  mju_mat2Quat(q, d->site_xmat + 9 * w->grip_site);
  // axis-angle = angle * axis, from the unit quaternion (w >= 0 for the short way)
  if (q[0] < 0) mju_scl(q, q, -1, 4);
  mju_quat2Vel(v, q, 1.0);
  for (int i = 0; i < 3; i++) {
    state[i] = p[i];
    state[3 + i] = v[i];
  }
  state[6] = d->qpos[w->finger_qposadr[0]];
  state[7] = d->qpos[w->finger_qposadr[1]];
}

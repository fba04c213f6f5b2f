#include "control/step.h"

#include <math.h>

#include "core/err.h"

int bk_step_control(const bk_world_t* w, bk_osc_t* c, mjData* d, const double* action,
                    double peak[BK_NFORCE], double* trace) {
  for (int i = 0; i < BK_ACTION_DIM; i++) {
    if (!isfinite(action[i])) return BK_EINVAL;
  }
  for (int k = 0; k < BK_NFORCE; k++) peak[k] = 0;
  for (int s = 0; s < BK_SUBSTEPS; s++) {
    // the goal is set from the pose of the first step; torques from every step's state
    mj_step1(w->m, d);
    if (s == 0) bk_osc_set_goal(c, d, action);
    bk_osc_compute(c, d);
    mj_step2(w->m, d);
    // forces solved in this step, for the contacts of this step
    double r[BK_NFORCE];
    bk_forces_read(w, d, r);
    for (int k = 0; k < BK_NFORCE; k++) {
      if (r[k] > peak[k]) peak[k] = r[k];
      if (trace) trace[s * BK_NFORCE + k] = r[k];
    }
  }
  return 0;
}

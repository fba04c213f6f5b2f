#include "sim/forces.h"

const char* const bk_force_names[BK_NFORCE] = {"robot_object", "robot_fixture",
                                               "object_object"};

int bk_forces_pair_class(const bk_world_t* w, int geom1, int geom2) {
  int a = w->geom_class[geom1], b = w->geom_class[geom2];
  if (a == BK_CLASS_ROBOT && b == BK_CLASS_ROBOT) return -1;
  if (a == BK_CLASS_ROBOT || b == BK_CLASS_ROBOT) {
    int other = a == BK_CLASS_ROBOT ? b : a;
    if (other == BK_CLASS_OBJECT) return BK_FORCE_ROBOT_OBJECT;
    if (other == BK_CLASS_FIXTURE) return BK_FORCE_ROBOT_FIXTURE;
    return -1;
  }
  if (a == BK_CLASS_OBJECT && b == BK_CLASS_OBJECT) return BK_FORCE_OBJECT_OBJECT;
  return -1;
}

void bk_forces_read(const bk_world_t* w, const mjData* d, double reading[BK_NFORCE]) {
  for (int k = 0; k < BK_NFORCE; k++) reading[k] = 0;
  for (int i = 0; i < d->ncon; i++) {
    const mjContact* c = d->contact + i;
    int cls = bk_forces_pair_class(w, c->geom1, c->geom2);
    if (cls < 0) continue;
    mjtNum f[6];
    mj_contactForce(w->m, d, i, f);
    if (f[0] > reading[cls]) reading[cls] = f[0];
  }
}

/* force readings: honest physics (weight, pressing vs grasping) and class bookkeeping */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/step.h"
#include "sim/forces.h"
#include "sim/initstate.h"
#include "sim/world.h"

static char err[1024];

// a sphere resting on a plane: one contact, whose normal force is the sphere's weight
static const char* kSphere =
    "<mujoco><option timestep='0.002'/><worldbody>"
    "<geom name='floor' type='plane' size='1 1 0.1'/>"
    "<body name='ball' pos='0 0 0.05'><freejoint/>"
    "<geom type='sphere' size='0.05' mass='0.5'/></body></worldbody></mujoco>";

static mjModel* compile(const char* xml) {
  mjVFS* vfs = malloc(sizeof(mjVFS));
  mj_defaultVFS(vfs);
  int n = (int)strlen(xml);
  mj_makeEmptyFileVFS(vfs, "m.xml", n);
  memcpy(vfs->filedata[mj_findFileVFS(vfs, "m.xml")], xml, (size_t)n);
  mjModel* m = mj_loadXML("m.xml", vfs, err, sizeof err);
  mj_deleteVFS(vfs);
  free(vfs);
  cr_assert_not_null(m, "%s", err);
  return m;
}

Test(forces, a_resting_sphere_reads_its_weight) {
  mjModel* m = compile(kSphere);
  mjData* d = mj_makeData(m);
  // a hand-made world: the ball is "robot", the floor a fixture
  bk_world_t w;
  memset(&w, 0, sizeof w);
  w.m = m;
  unsigned char cls[2] = {BK_CLASS_FIXTURE, BK_CLASS_ROBOT};
  w.geom_class = cls;
  for (int i = 0; i < 1000; i++) mj_step(m, d);
  double r[BK_NFORCE];
  bk_forces_read(&w, d, r);
  double weight = 0.5 * fabs(m->opt.gravity[2]);
  cr_expect_float_eq(r[BK_FORCE_ROBOT_FIXTURE], weight, 0.05 * weight, "read %g, weight %g",
                     r[BK_FORCE_ROBOT_FIXTURE], weight);
  cr_expect_eq(r[BK_FORCE_ROBOT_OBJECT], 0);
  cr_expect_eq(r[BK_FORCE_OBJECT_OBJECT], 0);
  mj_deleteData(d);
  mj_deleteModel(m);
}

Test(forces, pair_classes) {
  bk_world_t w;
  memset(&w, 0, sizeof w);
  unsigned char cls[5] = {BK_CLASS_ROBOT, BK_CLASS_ROBOT, BK_CLASS_OBJECT, BK_CLASS_FIXTURE,
                          BK_CLASS_NONE};
  w.geom_class = cls;
  cr_expect_eq(bk_forces_pair_class(&w, 0, 1), -1, "robot-robot is not read");
  cr_expect_eq(bk_forces_pair_class(&w, 2, 0), BK_FORCE_ROBOT_OBJECT);
  cr_expect_eq(bk_forces_pair_class(&w, 0, 3), BK_FORCE_ROBOT_FIXTURE);
  cr_expect_eq(bk_forces_pair_class(&w, 2, 2), BK_FORCE_OBJECT_OBJECT);
  cr_expect_eq(bk_forces_pair_class(&w, 2, 3), -1, "object-fixture is support, not read");
  cr_expect_eq(bk_forces_pair_class(&w, 0, 4), -1);
}

// sum of normal forces between two entities' geoms
static double contact_sum(const bk_world_t* w, const mjData* d, int body_a, int body_b) {
  double s = 0;
  for (int i = 0; i < d->ncon; i++) {
    int b1 = w->m->geom_bodyid[d->contact[i].geom1], b2 = w->m->geom_bodyid[d->contact[i].geom2];
    if ((b1 == body_a && b2 == body_b) || (b1 == body_b && b2 == body_a)) {
      mjtNum f[6];
      mj_contactForce(w->m, d, i, f);
      s += f[0];
    }
  }
  return s;
}

Test(forces, a_bowl_on_the_cookie_box_weighs_on_it) {
  // spatial task 3: the bowl starts on the cookie box
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 3, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < 200; i++) {
    bk_world_hold_arm(w, d, w->arm_init);
    mj_step(w->m, d);
  }
  const bk_ent_t* bowl = &w->ent[bk_world_entity(w, "akita_black_bowl_1")];
  const bk_ent_t* box = &w->ent[bk_world_entity(w, "cookies_1")];
  double weight = w->m->body_subtreemass[bowl->body] * fabs(w->m->opt.gravity[2]);
  double s = contact_sum(w, d, bowl->body, box->body);
  cr_expect_float_eq(s, weight, 0.05 * weight, "contact sum %g vs weight %g", s, weight);
  double r[BK_NFORCE];
  bk_forces_read(w, d, r);
  cr_expect_gt(r[BK_FORCE_OBJECT_OBJECT], 0, "the largest single contact is read");
  cr_expect_leq(r[BK_FORCE_OBJECT_OBJECT], s + 1e-9);
  mj_deleteData(d);
  bk_world_free(w);
}

/* a small proportional reach used only by this test */
static double reach(const bk_world_t* w, bk_osc_t* c, mjData* d, const double target[3],
                    double grip, int steps, int cls) {
  double worst = 0, peak[BK_NFORCE];
  for (int s = 0; s < steps; s++) {
    double a[7] = {0, 0, 0, 0, 0, 0, grip};
    const mjtNum* p = d->site_xpos + 3 * w->grip_site;
    for (int i = 0; i < 3; i++) {
      double v = 3.0 * (target[i] - p[i]) / BK_OSC_POS_SCALE;
      a[i] = v > 1 ? 1 : (v < -1 ? -1 : v);
    }
    bk_step_control(w, c, d, a, peak, NULL);
    if (peak[cls] > worst) worst = peak[cls];
  }
  return worst;
}

Test(forces, pressing_down_reads_more_than_a_gentle_grasp, .timeout = 120) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 0, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  mj_forward(w->m, d);
  bk_osc_t* c = bk_osc_create(w);
  bk_osc_reset(c, d);
  const bk_ent_t* can = &w->ent[bk_world_entity(w, "alphabet_soup_1")];
  const mjtNum* o = d->xpos + 3 * can->body;
  double top = o[2] + can->hi[2];
  // gentle grasp: fingers around the can's middle, close, hold
  double above[3] = {o[0], o[1], top + 0.06}, mid[3] = {o[0], o[1], o[2] + 0.5 * can->hi[2]};
  reach(w, c, d, above, -1, 40, BK_FORCE_ROBOT_OBJECT);
  reach(w, c, d, mid, -1, 40, BK_FORCE_ROBOT_OBJECT);
  double grasp = reach(w, c, d, mid, 1, 20, BK_FORCE_ROBOT_OBJECT);
  cr_assert_gt(grasp, 0.1, "the fingers touched the can (%g N)", grasp);
  // press: open, rise above the can, close the fingers and push down on its top
  reach(w, c, d, mid, -1, 12, BK_FORCE_ROBOT_OBJECT);
  reach(w, c, d, above, -1, 30, BK_FORCE_ROBOT_OBJECT);
  reach(w, c, d, above, 1, 12, BK_FORCE_ROBOT_OBJECT);
  double into[3] = {o[0], o[1], top - 0.08};
  double press = reach(w, c, d, into, 1, 30, BK_FORCE_ROBOT_OBJECT);
  cr_log_info("grasp %.2f N, press %.2f N", grasp, press);
  cr_expect_gt(press, grasp, "pressing %g N should exceed grasping %g N", press, grasp);
  bk_osc_free(c);
  mj_deleteData(d);
  bk_world_free(w);
}

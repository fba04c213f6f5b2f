/* physics of the built-in scenes against robosuite's and LIBERO's own files: solver,
 * object contacts and masses, arm torque limits, finger pads, the ramekin's size */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/world.h"

static char err[1024];

static bk_world_t* load(const char* suite, int task) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  return w;
}

Test(physics, solver_is_robosuites_elliptic_cone_with_impratio_20) {
  bk_world_t* w = load("libero_spatial", 0);
  cr_expect_eq(w->m->opt.cone, mjCONE_ELLIPTIC);
  cr_expect_float_eq(w->m->opt.impratio, 20.0, 1e-12);
  cr_expect_float_eq(w->m->opt.timestep, 0.002, 1e-12);
  bk_world_free(w);
}

Test(physics, object_geoms_carry_libero_solref_and_solimp) {
  bk_world_t* w = load("libero_spatial", 5);
  int n = 0;
  for (int g = 0; g < w->m->ngeom; g++) {
    if (w->geom_class[g] != BK_CLASS_OBJECT) continue;
    const mjtNum* r = w->m->geom_solref + mjNREF * g;
    const mjtNum* i = w->m->geom_solimp + mjNIMP * g;
    cr_expect(fabs(r[0] - 0.001) < 1e-12 && fabs(r[1] - 1) < 1e-12, "geom %d solref", g);
    cr_expect(fabs(i[0] - 0.998) < 1e-12 && fabs(i[1] - 0.998) < 1e-12 &&
              fabs(i[2] - 0.001) < 1e-12, "geom %d solimp", g);
    n++;
  }
  cr_expect_gt(n, 20);
  bk_world_free(w);
}

Test(physics, arm_torque_limits) {
  // robosuite: 80 N m on joints 1-5, 12 on 6-7
  const double lim[BK_ARM_NJ] = {80, 80, 80, 80, 80, 12, 12};
  bk_world_t* w = load("libero_object", 0);
  for (int j = 0; j < BK_ARM_NJ; j++) {
    const mjtNum* r = w->m->actuator_ctrlrange + 2 * w->arm_act[j];
    cr_expect(w->m->actuator_ctrllimited[w->arm_act[j]], "joint %d", j + 1);
    cr_expect_float_eq(r[0], -lim[j], 1e-12, "joint %d", j + 1);
    cr_expect_float_eq(r[1], lim[j], 1e-12, "joint %d", j + 1);
  }
  bk_world_free(w);
}

Test(physics, finger_pads_are_16_by_8_by_16_mm_with_friction_2) {
  bk_world_t* w = load("libero_object", 0);
  const char* pads[2] = {"robot0_left_pad", "robot0_right_pad"};
  for (int k = 0; k < 2; k++) {
    int g = mj_name2id(w->m, mjOBJ_GEOM, pads[k]);
    cr_assert_geq(g, 0, "%s", pads[k]);
    const mjtNum* s = w->m->geom_size + 3 * g;
    cr_expect(w->m->geom_type[g] == mjGEOM_BOX);
    cr_expect(fabs(s[0] - 0.008) < 1e-12 && fabs(s[1] - 0.004) < 1e-12 &&
              fabs(s[2] - 0.008) < 1e-12, "%s size", pads[k]);
    cr_expect_float_eq(w->m->geom_friction[3 * g], 2.0, 1e-12);
    cr_expect_eq(w->geom_class[g], BK_CLASS_ROBOT);
  }
  bk_world_free(w);
}

// mass of LIBERO's own model of a category (its file compiled by MuJoCo)
static double libero_mass(const char* dir, const char* cat) {
  char path[1024];
  snprintf(path, sizeof path, BOKBO_SHARED_DIR "/libero/LIBERO/libero/libero/assets/%s/%s/%s.xml",
           dir, cat, cat);
  mjModel* m = mj_loadXML(path, NULL, err, sizeof err);
  cr_assert_not_null(m, "%s: %s", path, err);
  double mass = m->body_subtreemass[0];
  mj_deleteModel(m);
  return mass;
}

static void masses_match(const char* suite, int task) {
  bk_world_t* w = load(suite, task);
  for (int i = 0; i < w->nent; i++) {
    const bk_ent_t* e = &w->ent[i];
    if (e->fixture) continue;
    int scanned = !strcmp(e->category, "akita_black_bowl") || !strcmp(e->category, "basket") ||
                  !strcmp(e->category, "plate") ||
                  !strcmp(e->category, "glazed_rim_porcelain_ramekin");
    double want = libero_mass(scanned ? "stable_scanned_objects" : "stable_hope_objects",
                              e->category);
    double got = w->m->body_subtreemass[e->body];
    cr_expect_float_eq(got, want, 0.01 * want, "%s: %g kg, LIBERO %g kg", e->name, got, want);
  }
  bk_world_free(w);
}

Test(physics, object_masses_are_those_of_libero_models) {
  masses_match("libero_object", 0);   // alphabet soup and five groceries, basket
  masses_match("libero_object", 4);   // ketchup ...
  masses_match("libero_object", 7);   // milk ...
  masses_match("libero_spatial", 0);  // bowls, cookies, ramekin, plate
}

Test(physics, ramekin_collision_fills_liberos_box) {
  bk_world_t* w = load("libero_spatial", 5);
  const bk_ent_t* e = &w->ent[bk_world_entity(w, "glazed_rim_porcelain_ramekin_1")];
  const double want[3] = {0.089, 0.089, 0.042};  // LIBERO's collision boxes' extent
  for (int i = 0; i < 3; i++) {
    cr_expect_float_eq(e->hi[i] - e->lo[i], want[i], 0.001, "axis %d: %g", i, e->hi[i] - e->lo[i]);
  }
  bk_world_free(w);
}

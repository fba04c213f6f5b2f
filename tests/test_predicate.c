/* predicates On, In, Open, Close on hand-built configurations: true and near misses */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/initstate.h"
#include "sim/predicate.h"
#include "sim/world.h"

static bk_world_t* w;
static mjData* d;
static char err[512];

static void setup(const char* suite, int task) {
  w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
}

static void teardown(void) {
  mj_deleteData(d);
  bk_world_free(w);
}

static void setup_spatial(void) { setup("libero_spatial", 2); }
static void setup_object(void) { setup("libero_object", 4); }

static bk_atom_t atom(bk_pred_t p, const char* a, const char* b) {
  bk_atom_t x;
  memset(&x, 0, sizeof x);
  x.pred = p;
  x.nargs = b ? 2 : 1;
  snprintf(x.arg[0], sizeof x.arg[0], "%s", a);
  if (b) snprintf(x.arg[1], sizeof x.arg[1], "%s", b);
  return x;
}

static int holds(bk_pred_t p, const char* a, const char* b) {
  bk_atom_t x = atom(p, a, b);
  int v = bk_pred_atom(w, d, &x, err, sizeof err);
  cr_assert_geq(v, 0, "%s", err);
  return v;
}

// put an object's origin at p (identity orientation, at rest)
static void put(const char* name, double x, double y, double z) {
  const bk_ent_t* e = &w->ent[bk_world_entity(w, name)];
  mjtNum* q = d->qpos + e->qposadr;
  q[0] = x; q[1] = y; q[2] = z;
  q[3] = 1; q[4] = q[5] = q[6] = 0;
  memset(d->qvel + e->dofadr, 0, 6 * sizeof(mjtNum));
}

// let the scene run for n physics steps with the arm held still
static void run(int n) {
  for (int i = 0; i < n; i++) {
    bk_world_hold_arm(w, d, w->arm_init);
    bk_world_set_gripper(w, d, -1);
    mj_step(w->m, d);
  }
  mj_forward(w->m, d);
}

// put an object's centre (the point In tests) at p, upright and at rest
static void put_centre(const char* name, double x, double y, double z) {
  const bk_ent_t* e = &w->ent[bk_world_entity(w, name)];
  put(name, x - 0.5 * (e->lo[0] + e->hi[0]), y - 0.5 * (e->lo[1] + e->hi[1]),
      z - 0.5 * (e->lo[2] + e->hi[2]));
}

static const mjtNum* body_pos(const char* name) {
  return d->xpos + 3 * w->ent[bk_world_entity(w, name)].body;
}

TestSuite(predicate_on, .init = setup_spatial, .fini = teardown);

Test(predicate_on, bowl_resting_centred_on_plate_is_on) {
  const mjtNum* p = body_pos("plate_1");
  put("akita_black_bowl_1", p[0] + 0.01, p[1], p[2] + 0.03);
  run(400);
  cr_expect_eq(holds(BK_PRED_ON, "akita_black_bowl_1", "plate_1"), 1);
  cr_expect_eq(bk_pred_goal(w, d, err, sizeof err), 1, "the task's goal is this On");
}

Test(predicate_on, bowl_on_plate_but_off_centre_is_not_on) {
  const mjtNum* p = body_pos("plate_1");
  put("akita_black_bowl_1", p[0] + 0.05, p[1], p[2] + 0.03);
  run(400);
  const mjtNum* b = body_pos("akita_black_bowl_1");
  cr_assert_gt(hypot(b[0] - p[0], b[1] - p[1]), 0.03, "bowl slid back to the centre");
  cr_expect(bk_pred_contact(w, d, bk_world_entity(w, "akita_black_bowl_1"),
                            bk_world_entity(w, "plate_1")), "still touching the plate");
  cr_expect_eq(holds(BK_PRED_ON, "akita_black_bowl_1", "plate_1"), 0);
}

Test(predicate_on, bowl_hovering_over_plate_is_not_on) {
  run(10);
  const mjtNum* p = body_pos("plate_1");
  put("akita_black_bowl_1", p[0], p[1], p[2] + 0.03);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_ON, "akita_black_bowl_1", "plate_1"), 0, "no contact, no On");
}

Test(predicate_on, plate_under_bowl_is_not_on_the_bowl) {
  const mjtNum* p = body_pos("plate_1");
  put("akita_black_bowl_1", p[0], p[1], p[2] + 0.03);
  run(400);
  cr_assert_eq(holds(BK_PRED_ON, "akita_black_bowl_1", "plate_1"), 1);
  cr_expect_eq(holds(BK_PRED_ON, "plate_1", "akita_black_bowl_1"), 0, "b.z <= a.z fails");
}

Test(predicate_on, object_on_a_table_region) {
  // LIBERO's sampler spreads the plate (radius wider than its 2 cm region) beyond the
  // region's rectangle, so put it on the rectangle's centre and let it settle
  const bk_region_t* r = bk_world_surface_region(w, "main_table_plate_region");
  cr_assert_not_null(r);
  const bk_rect_t* q = &r->range[0];
  put("plate_1", w->surface[0] + 0.5 * (q->x0 + q->x1), w->surface[1] + 0.5 * (q->y0 + q->y1),
      body_pos("plate_1")[2] + 0.005);
  run(200);
  cr_expect_eq(holds(BK_PRED_ON, "plate_1", "main_table_plate_region"), 1);
  cr_expect_eq(holds(BK_PRED_ON, "plate_1", "main_table_stove_region"), 0);
}

TestSuite(predicate_in, .init = setup_object, .fini = teardown);

Test(predicate_in, object_at_the_centre_of_the_contain_region_is_in) {
  int s = mj_name2id(w->m, mjOBJ_SITE, "basket_1_contain_region");
  cr_assert_geq(s, 0);
  const mjtNum* c = d->site_xpos + 3 * s;
  put_centre("ketchup_1", c[0], c[1], c[2]);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "ketchup_1", "basket_1_contain_region"), 1);
}

Test(predicate_in, lower_bound_is_lowered_by_one_centimetre) {
  int s = mj_name2id(w->m, mjOBJ_SITE, "basket_1_contain_region");
  double c[3], hz = w->m->site_size[3 * s + 2];
  memcpy(c, d->site_xpos + 3 * s, sizeof c);
  put_centre("ketchup_1", c[0], c[1], c[2] - hz - 0.009);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "ketchup_1", "basket_1_contain_region"), 1, "9 mm below");
  put_centre("ketchup_1", c[0], c[1], c[2] - hz - 0.011);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "ketchup_1", "basket_1_contain_region"), 0, "11 mm below");
  put_centre("ketchup_1", c[0], c[1], c[2] + hz + 0.001);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "ketchup_1", "basket_1_contain_region"), 0, "above the top");
}

Test(predicate_in, just_outside_the_side_is_not_in) {
  int s = mj_name2id(w->m, mjOBJ_SITE, "basket_1_contain_region");
  double c[3];
  memcpy(c, d->site_xpos + 3 * s, sizeof c);
  const mjtNum* R = d->site_xmat + 9 * s;
  double hx = w->m->site_size[3 * s];
  // along the site's own x axis, just inside and just outside
  put_centre("ketchup_1", c[0] + R[0] * (hx - 0.002), c[1] + R[3] * (hx - 0.002), c[2]);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "ketchup_1", "basket_1_contain_region"), 1);
  put_centre("ketchup_1", c[0] + R[0] * (hx + 0.002), c[1] + R[3] * (hx + 0.002), c[2]);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "ketchup_1", "basket_1_contain_region"), 0);
}

Test(predicate_in, goal_is_false_at_start_and_true_inside) {
  cr_expect_eq(bk_pred_goal(w, d, err, sizeof err), 0);
  int s = mj_name2id(w->m, mjOBJ_SITE, "basket_1_contain_region");
  const mjtNum* c = d->site_xpos + 3 * s;
  put_centre("ketchup_1", c[0], c[1], c[2]);
  mj_forward(w->m, d);
  cr_expect_eq(bk_pred_goal(w, d, err, sizeof err), 1);
}

Test(predicate_in, unknown_names_are_errors) {
  bk_atom_t x = atom(BK_PRED_IN, "ketchup_1", "nowhere_region");
  cr_expect_lt(bk_pred_atom(w, d, &x, err, sizeof err), 0);
  cr_expect(strstr(err, "nowhere_region") != NULL, "%s", err);
  x = atom(BK_PRED_IN, "mustard_1", "basket_1_contain_region");
  cr_expect_lt(bk_pred_atom(w, d, &x, err, sizeof err), 0);
}

/* LIBERO tests the carton's centre, not its base: a carton lowered into the basket only
 * counts once its centre is inside the contain region */
static double basket_floor_top(void) {
  int g = mj_name2id(w->m, mjOBJ_GEOM, "basket_1_floor");
  cr_assert_geq(g, 0);
  return d->geom_xpos[3 * g + 2] + w->m->geom_size[3 * g + 2];
}

Test(predicate_in, carton_held_5cm_above_the_basket_floor_is_in) {
  const bk_ent_t* m = &w->ent[bk_world_entity(w, "milk_1")];
  cr_assert_float_eq(m->lo[2], 0.0, 1e-6, "milk's origin is its bottom");
  cr_assert_gt(m->hi[2], 0.12, "milk stands upright (LIBERO: 0.131 m tall)");
  const mjtNum* bp = body_pos("basket_1");
  double floor = basket_floor_top();
  put("milk_1", bp[0], bp[1], floor + 0.05);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "milk_1", "basket_1_contain_region"), 1);
}

Test(predicate_in, carton_whose_base_but_not_centre_is_in_the_region_is_not_in) {
  int s = mj_name2id(w->m, mjOBJ_SITE, "basket_1_contain_region");
  double top = d->site_xpos[3 * s + 2] + w->m->site_size[3 * s + 2];
  const bk_ent_t* m = &w->ent[bk_world_entity(w, "milk_1")];
  double half = 0.5 * (m->hi[2] - m->lo[2]);
  const mjtNum* bp = body_pos("basket_1");
  // base 2 cm below the region's top: the base is inside, the centre 4.5 cm above it
  put("milk_1", bp[0], bp[1], top - 0.02);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "milk_1", "basket_1_contain_region"), 0, "success fires early");
  // centre 2 mm below the top: in
  put("milk_1", bp[0], bp[1], top - half - 0.002);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "milk_1", "basket_1_contain_region"), 1);
  put("milk_1", bp[0], bp[1], top - half + 0.002);
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_IN, "milk_1", "basket_1_contain_region"), 0);
}

static void setup_drawer(void) { setup("libero_spatial", 4); }
TestSuite(predicate_drawer, .init = setup_drawer, .fini = teardown);

static void set_drawer(double q) {
  int j = mj_name2id(w->m, mjOBJ_JOINT, "wooden_cabinet_1_top_drawer_joint");
  cr_assert_geq(j, 0);
  d->qpos[w->m->jnt_qposadr[j]] = q;
}

Test(predicate_drawer, open_below_minus_0_14) {
  set_drawer(-0.145);
  cr_expect_eq(holds(BK_PRED_OPEN, "wooden_cabinet_1_top_region", NULL), 1);
  cr_expect_eq(holds(BK_PRED_CLOSE, "wooden_cabinet_1_top_region", NULL), 0);
  set_drawer(-0.135);
  cr_expect_eq(holds(BK_PRED_OPEN, "wooden_cabinet_1_top_region", NULL), 0, "near miss");
  cr_expect_eq(holds(BK_PRED_CLOSE, "wooden_cabinet_1_top_region", NULL), 0, "half open");
}

Test(predicate_drawer, closed_near_zero) {
  set_drawer(-0.001);
  cr_expect_eq(holds(BK_PRED_CLOSE, "wooden_cabinet_1_top_region", NULL), 1);
  set_drawer(-0.01);
  cr_expect_eq(holds(BK_PRED_CLOSE, "wooden_cabinet_1_top_region", NULL), 0, "near miss");
}

Test(predicate_drawer, init_of_task_4_has_the_bowl_in_the_open_top_drawer) {
  mj_forward(w->m, d);
  cr_expect_eq(holds(BK_PRED_OPEN, "wooden_cabinet_1_top_region", NULL), 1);
  cr_expect_eq(holds(BK_PRED_IN, "akita_black_bowl_1", "wooden_cabinet_1_top_region"), 1);
}

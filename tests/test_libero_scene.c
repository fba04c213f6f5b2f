/* LIBERO's own scenes from ../shared/libero: assembly, LIBERO's qpos layout, init states
 * loaded as the file holds them, downstream indexing, and clear failures for incomplete
 * installations and mismatched layouts */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "busy.h"
#include "core/err.h"
#include "sim/initstate.h"
#include "sim/libero_init.h"
#include "sim/libero_scene.h"
#include "sim/predicate.h"
#include "sim/torchnp.h"

#define LIBERO BOKBO_SHARED_DIR "/libero/LIBERO"
#define ROBOSUITE BOKBO_SHARED_DIR "/libero/robosuite"

static bk_world_t* make(const char* suite, int task) {
  char err[1024] = "";
  bk_libero_paths_t p;
  cr_assert_eq(bk_libero_paths(LIBERO, ROBOSUITE, &p, err, sizeof err), 0, "%s", err);
  bk_world_t* w = bk_libero_world_create(&p, suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  return w;
}

Test(libero_scene, spatial_layout_is_liberos) {
  bk_world_t* w = make("libero_spatial", 0);
  // arm 7 + fingers 2 + 5 free objects + cabinet's 3 drawers + the stove's knob
  cr_expect_eq(w->m->nq, 9 + 5 * 7 + 4);
  cr_expect_eq(w->m->nv, 9 + 5 * 6 + 4);
  cr_expect_eq(w->arm_qposadr[0], 0);
  cr_expect_eq(w->finger_qposadr[0], 7);
  // objects in task-file order right after the robot
  const char* order[] = {"akita_black_bowl_1", "akita_black_bowl_2", "cookies_1",
                         "glazed_rim_porcelain_ramekin_1", "plate_1"};
  for (int i = 0; i < 5; i++) {
    int e = bk_world_entity(w, order[i]);
    cr_assert_geq(e, 0, "%s", order[i]);
    cr_expect_eq(w->ent[e].qposadr, 9 + 7 * i, "%s", order[i]);
  }
  cr_expect(w->ent[bk_world_entity(w, "wooden_cabinet_1")].fixture);
  cr_expect_str_eq(w->scenes, "libero");
  bk_world_free(w);
}

Test(libero_scene, object_layout_is_liberos) {
  bk_world_t* w = make("libero_object", 0);
  cr_expect_eq(w->m->nq, 9 + 7 * 7);
  cr_expect_eq(w->m->nv, 9 + 7 * 6);
  cr_expect_eq(w->ent[bk_world_entity(w, "basket_1")].qposadr, 9 + 7);
  cr_expect_geq(mj_name2id(w->m, mjOBJ_SITE, "basket_1_contain_region"), 0);
  bk_world_free(w);
}

Test(libero_scene, init_row_is_the_files_row) {
  bk_world_t* w = make("libero_spatial", 0);
  mjData* d = mj_makeData(w->m);
  char err[512] = "";
  cr_assert_eq(bk_init_state(w, 3, NULL, d, err, sizeof err), 0, "%s", err);
  // independent: the file read again, row 3
  bk_torchnp_t t;
  cr_assert_eq(bk_torchnp_load(bk_libero_init_path(w), &t, err, sizeof err), 0, "%s", err);
  const double* row = t.data + 3 * t.cols;
  cr_expect_eq(d->time, row[0]);
  for (int i = 0; i < w->m->nq; i++) cr_expect_eq(d->qpos[i], row[1 + i], "qpos %d", i);
  for (int i = 0; i < w->m->nv; i++) cr_expect_eq(d->qvel[i], row[1 + w->m->nq + i], "qvel %d", i);
  cr_expect_eq(bk_libero_init_count(w), 50);
  cr_expect_eq(strlen(bk_libero_init_hash(w)), 16);
  bk_torchnp_free(&t);
  mj_deleteData(d);
  bk_world_free(w);
}

// every object of every init lies in (or within 1.5 cm of) its region from the task file
static void objects_in_their_regions(const char* suite, int task) {
  bk_world_t* w = make(suite, task);
  mjData* d = mj_makeData(w->m);
  char err[512];
  int checked = 0;
  for (int init = 0; init < 50; init++) {
    cr_assert_eq(bk_init_state(w, init, NULL, d, err, sizeof err), 0, "%s", err);
    for (int i = 0; i < w->task.ninit; i++) {
      const bk_atom_t* a = &w->task.init[i];
      const bk_region_t* r = bk_world_surface_region(w, a->arg[1]);
      int e = bk_world_entity(w, a->arg[0]);
      if (!r || e < 0 || w->ent[e].fixture) continue;
      const double* q = d->qpos + w->ent[e].qposadr;
      double x = q[0] - w->surface[0], y = q[1] - w->surface[1];
      const bk_rect_t* rc = &r->range[0];
      cr_expect(x > rc->x0 - 0.015 && x < rc->x1 + 0.015 && y > rc->y0 - 0.015 &&
                y < rc->y1 + 0.015, "%s init %d: %s at (%.3f %.3f) outside %s", suite, init,
                a->arg[0], x, y, a->arg[1]);
      checked++;
    }
  }
  cr_expect_gt(checked, 100);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(libero_scene, spatial_objects_sit_in_their_regions) {
  objects_in_their_regions("libero_spatial", 0);
}

Test(libero_scene, object_items_sit_in_their_regions) {
  objects_in_their_regions("libero_object", 3);
}

Test(libero_scene, fixtures_are_drawn_in_their_regions_seeded) {
  bk_world_t* w = make("libero_spatial", 0);
  mjData* a = mj_makeData(w->m);
  mjData* b = mj_makeData(w->m);
  char err[512];
  int cab = bk_world_entity(w, "wooden_cabinet_1");
  int mc = w->ent[cab].mocap;
  cr_assert_eq(bk_init_state(w, 4, NULL, a, err, sizeof err), 0, "%s", err);
  cr_assert_eq(bk_init_state(w, 4, NULL, b, err, sizeof err), 0, "%s", err);
  cr_expect_eq(memcmp(a->mocap_pos, b->mocap_pos, sizeof(mjtNum) * 3 * w->m->nmocap), 0);
  // cabinet_region (0.02 -0.28 0.04 -0.26) of the table top at z = 0.90
  const mjtNum* p = a->mocap_pos + 3 * mc;
  cr_expect(p[0] >= 0.02 && p[0] <= 0.04 && p[1] >= -0.28 && p[1] <= -0.26, "%g %g", p[0], p[1]);
  double yaw = 2 * atan2(a->mocap_quat[4 * mc + 3], a->mocap_quat[4 * mc]);
  cr_expect(yaw >= 2.66 && yaw <= 2.73, "yaw %g", yaw);
  cr_assert_eq(bk_init_state(w, 5, NULL, b, err, sizeof err), 0, "%s", err);
  cr_expect_neq(memcmp(a->mocap_pos, b->mocap_pos, sizeof(mjtNum) * 3), 0);
  mj_deleteData(a);
  mj_deleteData(b);
  bk_world_free(w);
}

Test(libero_scene, objects_settle_on_the_table_and_goal_is_false) {
  bk_world_t* w = make("libero_spatial", 0);
  mjData* d = mj_makeData(w->m);
  char err[512];
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < 500; k++) {
    bk_world_hold_arm(w, d, d->qpos);
    bk_world_set_gripper(w, d, -1);
    mj_step(w->m, d);
  }
  int bowl = bk_world_entity(w, "akita_black_bowl_1");
  double z = d->xpos[3 * w->ent[bowl].body + 2];
  cr_expect(z > 0.88 && z < 0.96, "bowl at z %g after settling", z);
  cr_expect_eq(bk_pred_goal(w, d, err, sizeof err), 0);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(libero_scene, missing_settings_and_files_are_named) {
  char err[1024] = "";
  bk_libero_paths_t p;
  unsetenv("BOKBO_LIBERO");
  cr_expect_eq(bk_libero_paths(NULL, ROBOSUITE, &p, err, sizeof err), BK_ENOENT);
  cr_expect(strstr(err, "BOKBO_LIBERO") != NULL, "%s", err);
  cr_expect_eq(bk_libero_paths(LIBERO, "/nonexistent", &p, err, sizeof err), BK_ENOENT);
  cr_expect(strstr(err, "/nonexistent/robosuite/models/assets/base.xml: missing") != NULL, "%s",
            err);
}

Test(libero_scene, a_row_of_another_layout_fails_loudly) {
  // an installation whose spatial task 0 init file is an object-suite file (110 numbers)
  char dir[] = "/tmp/bokbo_libero_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char cmd[4096];
  const char* task = "pick_up_the_black_bowl_between_the_plate_and_the_ramekin_and_place_it_on_the_plate";
  snprintf(cmd, sizeof cmd,
           "mkdir -p %s/libero/libero/init_files/libero_spatial && "
           "ln -s %s/libero/libero/assets %s/libero/libero/assets && "
           "ln -s %s/libero/libero/bddl_files %s/libero/libero/bddl_files && "
           "ln -s %s/libero/libero/init_files/libero_object/"
           "pick_up_the_ketchup_and_place_it_in_the_basket.pruned_init "
           "%s/libero/libero/init_files/libero_spatial/%s.pruned_init",
           dir, LIBERO, dir, LIBERO, dir, LIBERO, dir, task);
  cr_assert_eq(system(cmd), 0);
  char err[1024] = "";
  bk_libero_paths_t p;
  cr_assert_eq(bk_libero_paths(dir, ROBOSUITE, &p, err, sizeof err), 0, "%s", err);
  bk_world_t* w = bk_libero_world_create(&p, "libero_spatial", 0, err, sizeof err);
  cr_expect_null(w);
  cr_expect(strstr(err, "rows hold 110 numbers") && strstr(err, "= 92") &&
            strstr(err, "not LIBERO's"), "%s", err);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_expect_eq(system(cmd), 0);
}

// drops object `a` with its origin at (x, y, z), lets the scene settle, returns the goal
static int goal_after_drop(bk_world_t* w, mjData* d, const char* a, const double p[3]) {
  char err[512];
  int e = bk_world_entity(w, a);
  cr_assert_geq(e, 0);
  mjtNum* q = d->qpos + w->ent[e].qposadr;
  q[0] = p[0];
  q[1] = p[1];
  q[2] = p[2];
  memset(d->qvel + w->ent[e].dofadr, 0, 6 * sizeof(mjtNum));
  for (int k = 0; k < 1000; k++) {
    bk_world_hold_arm(w, d, w->arm_init);
    bk_world_set_gripper(w, d, -1);
    mj_step(w->m, d);
  }
  int g = bk_pred_goal(w, d, err, sizeof err);
  cr_assert_geq(g, 0, "%s", err);
  return g;
}

Test(libero_scene, bowl_dropped_on_the_plate_satisfies_on) {
  bk_world_t* w = make("libero_spatial", 0);
  mjData* d = mj_makeData(w->m);
  char err[512];
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  int plate = bk_world_entity(w, "plate_1");
  for (int k = 0; k < 300; k++) mj_step(w->m, d);  // the plate lands first
  const mjtNum* pp = d->xpos + 3 * w->ent[plate].body;
  double above[3] = {pp[0], pp[1], pp[2] + 0.06};
  cr_expect_eq(goal_after_drop(w, d, "akita_black_bowl_1", above), 1);
  // 5 cm beside the plate: not On (centres farther than 3 cm)
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < 300; k++) mj_step(w->m, d);
  double beside[3] = {pp[0] + 0.12, pp[1], pp[2] + 0.06};
  cr_expect_eq(goal_after_drop(w, d, "akita_black_bowl_1", beside), 0);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(libero_scene, soup_dropped_into_the_basket_satisfies_in) {
  bk_world_t* w = make("libero_object", 0);
  mjData* d = mj_makeData(w->m);
  char err[512];
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  for (int k = 0; k < 300; k++) mj_step(w->m, d);
  int basket = bk_world_entity(w, "basket_1");
  const mjtNum* bp = d->xpos + 3 * w->ent[basket].body;
  double inside[3] = {bp[0], bp[1], bp[2] + 0.10};
  cr_expect_eq(goal_after_drop(w, d, "alphabet_soup_1", inside), 1);
  mj_deleteData(d);
  bk_world_free(w);
}

/* the buffers bokbo gives LIBERO's scenes (<size> in base_model): a quarter of each is
 * enough for busy episodes (simvla at perturbation sigma 0.2, whole episodes of LIBERO's
 * init states), so that no episode loses a contact or a constraint to a full buffer, while an
 * mjData stays small (MuJoCo 2.2.2 reserves njmax^2 for the dense constraint matrix) */
static void libero_buffers_fit(const char* suite, int task, int max_steps) {
  bk_world_t* w = make(suite, task);
  busy_expect_headroom(w, busy_episodes(w, max_steps, NULL));
  bk_world_free(w);
}

Test(libero_scene, buffers_have_headroom_object, .timeout = 900) {
  libero_buffers_fit("libero_object", 2, 280);
}

Test(libero_scene, buffers_have_headroom_spatial, .timeout = 900) {
  libero_buffers_fit("libero_spatial", 0, 220);
}

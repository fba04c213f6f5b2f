/* the world: every task compiles into one model, indexed, with its regions and classes */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "busy.h"
#include "sim/initstate.h"
#include "sim/world.h"

#define SCENES BOKBO_SOURCE_DIR "/scenes"

static bk_world_t* load(const char* suite, int task) {
  char err[1024] = "";
  bk_world_t* w = bk_world_create(SCENES, suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s task %d: %s", suite, task, err);
  return w;
}

static int count_class(const bk_world_t* w, bk_class_t c) {
  int n = 0;
  for (int g = 0; g < w->m->ngeom; g++) n += w->geom_class[g] == c;
  return n;
}

// every task: model options, every entity found, every region of the task present
static void check_task(const bk_world_t* w) {
  cr_expect_float_eq(w->m->opt.timestep, 0.002, 1e-12);
  cr_expect_eq(w->nent, w->task.nobject + w->task.nfixture - 1, "all but the table/floor");
  cr_expect_gt(count_class(w, BK_CLASS_ROBOT), 5);
  cr_expect_gt(count_class(w, BK_CLASS_OBJECT), 3);
  for (int i = 0; i < w->task.nregion; i++) {
    const bk_region_t* r = &w->task.region[i];
    char site[2 * BK_NAME_MAX + 2];
    snprintf(site, sizeof site, "%s_%s", r->target, r->name);
    cr_expect_geq(mj_name2id(w->m, mjOBJ_SITE, site), 0, "%s: no region site %s",
                  w->ref.name, site);
  }
  cr_expect_geq(mj_name2id(w->m, mjOBJ_CAMERA, "agentview"), 0);
  cr_expect_geq(mj_name2id(w->m, mjOBJ_CAMERA, "robot0_eye_in_hand"), 0);
}

Test(world, every_task_compiles_with_its_regions_and_cameras) {
  const char* suites[] = {"libero_object", "libero_spatial"};
  for (int s = 0; s < 2; s++) {
    for (int t = 0; t < BK_SUITE_NTASK; t++) {
      bk_world_t* w = load(suites[s], t);
      check_task(w);
      bk_world_free(w);
    }
  }
}

Test(world, geoms_are_classified_by_owner) {
  bk_world_t* w = load("libero_spatial", 0);
  int g = mj_name2id(w->m, mjOBJ_GEOM, "main_table");
  cr_assert_geq(g, 0);
  cr_expect_eq(w->geom_class[g], BK_CLASS_FIXTURE);
  const bk_ent_t* bowl = &w->ent[bk_world_entity(w, "akita_black_bowl_1")];
  const bk_ent_t* cab = &w->ent[bk_world_entity(w, "wooden_cabinet_1")];
  for (int k = 0; k < w->m->ngeom; k++) {
    int b = w->m->geom_bodyid[k];
    if (!w->m->geom_contype[k] && !w->m->geom_conaffinity[k]) {
      cr_expect_eq(w->geom_class[k], BK_CLASS_NONE);
    } else if (b == bowl->body) {
      cr_expect_eq(w->geom_class[k], BK_CLASS_OBJECT);
    } else if (b == cab->body) {
      cr_expect_eq(w->geom_class[k], BK_CLASS_FIXTURE);
    }
  }
  cr_expect(cab->fixture && cab->mocap >= 0, "cabinet is a mocap fixture");
  cr_expect(!bowl->fixture && bowl->qposadr >= 0, "bowl is a free object");
  bk_world_free(w);
}

Test(world, object_masses_follow_the_files_density) {
  // a box-shaped carton: mass = 189.4 kg/m^3 (scenes/objects/milk.xml) times the volume of
  // its collision geoms
  bk_world_t* w = load("libero_object", 7);
  const bk_ent_t* e = &w->ent[bk_world_entity(w, "milk_1")];
  double vol = 0;
  for (int g = 0; g < w->m->ngeom; g++) {
    if (w->m->geom_bodyid[g] != e->body || w->geom_class[g] != BK_CLASS_OBJECT) continue;
    const mjtNum* s = w->m->geom_size + 3 * g;
    if (w->m->geom_type[g] == mjGEOM_BOX) vol += 8 * s[0] * s[1] * s[2];
    if (w->m->geom_type[g] == mjGEOM_CYLINDER) vol += M_PI * s[0] * s[0] * 2 * s[1];
  }
  cr_assert_gt(vol, 0);
  cr_expect_float_eq(w->m->body_subtreemass[e->body], 189.4 * vol, 1e-3 * 189.4 * vol + 1e-4,
                     "mass %g vs 189.4 x %g", w->m->body_subtreemass[e->body], vol);
  bk_world_free(w);
}

Test(world, unknown_suite_and_task_name_the_valid_ones) {
  char err[1024];
  cr_expect_null(bk_world_create(SCENES, "libero_goal", 0, err, sizeof err));
  cr_expect(strstr(err, "libero_object") && strstr(err, "libero_spatial"), "%s", err);
  cr_expect_null(bk_world_create(SCENES, "libero_object", 10, err, sizeof err));
  cr_expect(strstr(err, "0-9") != NULL, "%s", err);
}

Test(world, unknown_category_names_the_valid_ones) {
  const char* text =
      "(define (problem p) (:domain robosuite)\n"
      "  (:fixtures floor - floor)\n"
      "  (:objects mustard_1 - mustard basket_1 - basket)\n"
      "  (:init (On mustard_1 floor_x)) (:goal (And (In mustard_1 basket_1_contain_region))))\n";
  bk_task_t task;
  char err[2048];
  cr_assert_eq(bk_task_parse(text, "t.bddl", &task, err, sizeof err), 0, "%s", err);
  char* xml = bk_world_assemble(SCENES, bk_catalog_suite("libero_object"), &task, err,
                                sizeof err);
  cr_expect_null(xml);
  cr_expect(strstr(err, "'mustard'") && strstr(err, "ketchup"), "%s", err);
}

Test(world, scene_with_state_is_a_standalone_model) {
  bk_world_t* w = load("libero_spatial", 9);
  mjData* d = mj_makeData(w->m);
  char err[1024];
  cr_assert_eq(bk_init_state(w, 5, NULL, d, err, sizeof err), 0, "%s", err);
  char* xml = bk_world_xml_with_state(w, d);
  cr_assert_not_null(xml);
  // compile the text again and load the keyframe: the same state comes back
  mjVFS* vfs = malloc(sizeof(mjVFS));
  mj_defaultVFS(vfs);
  int n = (int)strlen(xml);
  cr_assert_eq(mj_makeEmptyFileVFS(vfs, "s.xml", n), 0);
  memcpy(vfs->filedata[mj_findFileVFS(vfs, "s.xml")], xml, (size_t)n);
  mjModel* m2 = mj_loadXML("s.xml", vfs, err, sizeof err);
  cr_assert_not_null(m2, "%s", err);
  cr_assert_eq(m2->nkey, 1);
  cr_assert_eq(m2->nq, w->m->nq);
  for (int i = 0; i < m2->nq; i++) cr_expect_float_eq(m2->key_qpos[i], d->qpos[i], 1e-8);
  for (int i = 0; i < 3 * m2->nmocap; i++) {
    cr_expect_float_eq(m2->key_mpos[i], d->mocap_pos[i], 1e-8);
  }
  mj_deleteModel(m2);
  mj_deleteVFS(vfs);
  free(vfs);
  free(xml);
  mj_deleteData(d);
  bk_world_free(w);
}

// 30 s of simulated time with the arm held at rest: no warning, nothing drifts
static void rest_for_30s(const char* suite, int task) {
  bk_world_t* w = load(suite, task);
  mjData* d = mj_makeData(w->m);
  char err[1024];
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  mjtNum* q0 = malloc(sizeof(mjtNum) * w->m->nq);
  memcpy(q0, d->qpos, sizeof(mjtNum) * w->m->nq);
  int steps = (int)(30.0 / w->m->opt.timestep);
  for (int i = 0; i < steps; i++) {
    bk_world_hold_arm(w, d, w->arm_init);
    bk_world_set_gripper(w, d, -1);
    mj_step(w->m, d);
  }
  for (int k = 0; k < mjNWARNING; k++) {
    cr_expect_eq(d->warning[k].number, 0, "%s task %d: MuJoCo warning %d", suite, task, k);
  }
  for (int j = 0; j < BK_ARM_NJ; j++) {
    cr_expect_lt(fabs(d->qpos[w->arm_qposadr[j]] - w->arm_init[j]), 0.01, "joint %d drifts", j);
  }
  for (int i = 0; i < w->nent; i++) {
    if (w->ent[i].fixture) continue;
    const mjtNum* a = q0 + w->ent[i].qposadr;
    const mjtNum* b = d->qpos + w->ent[i].qposadr;
    cr_expect_lt(fabs(a[0] - b[0]) + fabs(a[1] - b[1]) + fabs(a[2] - b[2]), 0.005,
                 "%s task %d: %s moved at rest", suite, task, w->ent[i].name);
  }
  free(q0);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(world, thirty_seconds_at_rest_without_warnings_object, .timeout = 600) {
  for (int t = 0; t < BK_SUITE_NTASK; t++) rest_for_30s("libero_object", t);
}

Test(world, thirty_seconds_at_rest_without_warnings_spatial, .timeout = 600) {
  for (int t = 0; t < BK_SUITE_NTASK; t++) rest_for_30s("libero_spatial", t);
}

/* the buffers the assembled scene asks for (<size>): a quarter of each is enough for the
 * busiest episodes measured (simvla at perturbation sigma 0.2, the x0.1 shift, whole
 * episodes), so that no episode loses a contact or a constraint to a full buffer */
static void buffers_fit(const char* suite, int task, int max_steps) {
  bk_world_t* w = load(suite, task);
  bk_shift_t shift = {0, 0.1};
  busy_expect_headroom(w, busy_episodes(w, max_steps, &shift));
  bk_world_free(w);
}

Test(world, buffers_have_headroom_in_busy_episodes_object, .timeout = 600) {
  buffers_fit("libero_object", 1, 280);
}

Test(world, buffers_have_headroom_in_busy_episodes_spatial, .timeout = 600) {
  buffers_fit("libero_spatial", 7, 220);
}

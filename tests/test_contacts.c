/* what the scenes make MuJoCo collide: resting objects touch their support with one face,
 * the ramekin with its centre box only, and no static body mixes decoration into the
 * geoms MuJoCo's collision loop walks (the step's cost; docs/benchmarks.md) */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "sim/initstate.h"
#include "sim/world.h"

#define SCENES BOKBO_SOURCE_DIR "/scenes"

static char err[1024];

static bk_world_t* load(const char* suite, int task) {
  bk_world_t* w = bk_world_create(SCENES, suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s task %d: %s", suite, task, err);
  return w;
}

// init state, then 0.5 s with the arm held and the gripper open: everything at rest
static mjData* at_rest(const bk_world_t* w, int init) {
  mjData* d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, init, NULL, d, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < 250; i++) {
    bk_world_hold_arm(w, d, w->arm_init);
    bk_world_set_gripper(w, d, -1);
    mj_step(w->m, d);
  }
  return d;
}

static int in_entity(const bk_world_t* w, int g, int e) {
  return w->m->body_rootid[w->m->geom_bodyid[g]] == w->ent[e].body;
}

// contacts between entity e and the table; *other counts those of e's geoms but `geom`
static int table_contacts(const bk_world_t* w, const mjData* d, int e, int geom, int* other) {
  int table = mj_name2id(w->m, mjOBJ_GEOM, "main_table"), n = 0;
  *other = 0;
  for (int i = 0; i < d->ncon; i++) {
    int g1 = d->contact[i].geom1, g2 = d->contact[i].geom2;
    int mine = g1 == table ? g2 : (g2 == table ? g1 : -1);
    if (mine < 0 || !in_entity(w, mine, e)) continue;
    n++;
    if (mine != geom) (*other)++;
  }
  return n;
}

Test(contacts, the_ramekin_rests_on_its_centre_box_alone) {
  for (int task = 0; task < 10; task++) {
    bk_world_t* w = load("libero_spatial", task);
    mjData* d = at_rest(w, 0);
    int e = bk_world_entity(w, "glazed_rim_porcelain_ramekin_1");
    int body = mj_name2id(w->m, mjOBJ_GEOM, "glazed_rim_porcelain_ramekin_1_body");
    cr_assert(e >= 0 && body >= 0);
    int other, n = table_contacts(w, d, e, body, &other);
    // one box face flat on the table: MuJoCo's box-box gives its 4 corners (20 before the
    // side slabs were lifted: 5 boxes x 4)
    cr_expect_eq(n, 4, "task %d: %d ramekin-table contacts", task, n);
    cr_expect_eq(other, 0, "task %d: %d contacts of the side slabs", task, other);
    mj_deleteData(d);
    bk_world_free(w);
  }
}

Test(contacts, every_resting_object_touches_the_table_with_at_most_one_face) {
  bk_world_t* w = load("libero_spatial", 0);  // bowls, plate, ramekin, cookies on the table
  mjData* d = at_rest(w, 3);
  int total = 0;
  for (int e = 0; e < w->nent; e++) {
    if (w->ent[e].fixture) continue;
    int other, n = table_contacts(w, d, e, -1, &other);
    cr_expect_leq(n, 4, "%s: %d table contacts", w->ent[e].name, n);
    total += n;
  }
  cr_expect_eq(total, 20, "5 objects x 4 corners: %d", total);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(contacts, the_ramekin_keeps_liberos_mass_and_holds_a_bowl) {
  // task 5: the bowl starts on the ramekin, which carries it on its flat top (z 0.042)
  bk_world_t* w = load("libero_spatial", 5);
  int r = bk_world_entity(w, "glazed_rim_porcelain_ramekin_1");
  int b = bk_world_entity(w, "akita_black_bowl_1");
  cr_assert(r >= 0 && b >= 0);
  // 27.65 g: LIBERO's model (tests/test_physics.c compares it with LIBERO's file)
  cr_expect_float_eq(w->m->body_subtreemass[w->ent[r].body], 0.02765, 0.0002);
  for (int init = 0; init < 5; init++) {
    mjData* d = at_rest(w, init);
    double dz = d->xpos[3 * w->ent[b].body + 2] - d->xpos[3 * w->ent[r].body + 2];
    cr_expect_float_eq(dz, 0.042, 0.002, "init %d: bowl %.4f m above the ramekin", init, dz);
    mj_deleteData(d);
  }
  bk_world_free(w);
}

// no static body (welded to the world) holds both collision and visual geoms, and in the
// table arena the world body holds the floor alone: MuJoCo 2.2.2 tests every geom pair of
// a body pair, and pairs the world body with every body
Test(contacts, static_bodies_keep_decoration_out_of_their_collision_geoms) {
  const char* suites[2] = {"libero_spatial", "libero_object"};
  for (int s = 0; s < 2; s++) {
    bk_world_t* w = load(suites[s], s ? 0 : 4);  // spatial 4: cabinet and stove
    const mjModel* m = w->m;
    for (int b = 0; b < m->nbody; b++) {
      if (m->body_weldid[b] != 0 || (b == 0 && s == 1)) continue;  // floor.xml: see README
      int coll = 0, vis = 0;
      for (int g = m->body_geomadr[b]; g < m->body_geomadr[b] + m->body_geomnum[b]; g++) {
        if (m->geom_contype[g] || m->geom_conaffinity[g]) {
          coll++;
        } else {
          vis++;
        }
      }
      const char* name = mj_id2name(m, mjOBJ_BODY, b);
      cr_expect(!(coll && vis), "%s: body %s mixes %d collision and %d visual geoms",
                suites[s], name ? name : "world", coll, vis);
      // the decoration's bodies weigh nothing
      if (!coll && vis) cr_expect_eq(m->body_mass[b], 0, "%s", name);
    }
    if (s == 0) cr_expect_eq(m->body_geomnum[0], 1, "the world body: the floor alone");
    bk_world_free(w);
  }
}

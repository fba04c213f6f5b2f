/* what the scenes make MuJoCo collide: resting objects touch their support with one face,
 * the ramekin with its centre box only, no body (static or moving) mixes decoration into the
 * geoms MuJoCo's collision loop walks, and no contact is found twice (the step's cost;
 * docs/benchmarks.md) */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
      if (m->body_weldid[b] != 0) continue;
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
    // both arenas: the world body holds the work surface's floor plane alone
    cr_expect_eq(m->body_geomnum[0], 1, "%s: the world body: the floor alone", suites[s]);
    int floor = mj_name2id(m, mjOBJ_GEOM, "floor");
    cr_expect(floor >= 0 && m->geom_bodyid[floor] == 0 && m->geom_type[floor] == mjGEOM_PLANE,
              "%s: the floor plane sits in the world body", suites[s]);
    bk_world_free(w);
  }
}

// every movable object's decoration sits in one child body `<name>_visual`: welded to the
// object (no joint), massless, and its geoms collide with nothing; the object's own body
// keeps only collision geoms (MuJoCo 2.2.2 tests every geom pair of two bodies it pairs)
Test(contacts, movable_objects_keep_decoration_in_a_massless_welded_child) {
  const char* suites[2] = {"libero_spatial", "libero_object"};
  int checked = 0;
  for (int s = 0; s < 2; s++) {
    for (int task = 0; task < 10; task++) {
      bk_world_t* w = load(suites[s], task);
      const mjModel* m = w->m;
      for (int e = 0; e < w->nent; e++) {
        if (w->ent[e].fixture) continue;
        int body = w->ent[e].body;
        int g0 = m->body_geomadr[body];
        for (int g = g0; g < g0 + m->body_geomnum[body]; g++) {
          cr_expect(m->geom_contype[g] && m->geom_conaffinity[g],
                    "%s: geom %d is not a collision geom", w->ent[e].name, g);
        }
        char vn[BK_NAME_MAX + 8];
        snprintf(vn, sizeof vn, "%s_visual", w->ent[e].name);
        int v = mj_name2id(m, mjOBJ_BODY, vn);
        cr_assert_geq(v, 0, "%s: no decoration body", vn);
        cr_expect_eq(m->body_parentid[v], body, "%s", vn);
        cr_expect_eq(m->body_jntnum[v], 0, "%s: welded, no joint", vn);
        cr_expect_eq(m->body_weldid[v], body, "%s: welded to its object", vn);
        cr_expect_eq(m->body_mass[v], 0, "%s: massless", vn);
        for (int k = 0; k < 3; k++) cr_expect_eq(m->body_inertia[3 * v + k], 0, "%s", vn);
        cr_expect_gt(m->body_geomnum[v], 0, "%s: holds the decoration", vn);
        for (int g = m->body_geomadr[v]; g < m->body_geomadr[v] + m->body_geomnum[v]; g++) {
          cr_expect(!m->geom_contype[g] && !m->geom_conaffinity[g], "%s: geom %d collides", vn, g);
        }
        // the object's mass is its own body's: the child adds nothing
        cr_expect_eq(m->body_subtreemass[body], m->body_mass[body], "%s", w->ent[e].name);
        checked++;
      }
      bk_world_free(w);
    }
  }
  cr_expect_gt(checked, 60, "%d objects checked", checked);
}

// compile an object file alone, in a scratch directory next to a copy of common.xml; with
// `flat`, the decoration body's wrapper lines are dropped, giving the file's earlier form
// (decoration geoms in the object's own body)
static mjModel* compile_object(const char* cat, int flat) {
  char path[512], dir[] = "/tmp/bokbo_obj_XXXXXX", line[1024];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/objects", dir);
  cr_assert_eq(mkdir(path, 0700), 0);
  const char* files[2][2] = {{SCENES "/common.xml", "common.xml"}, {NULL, NULL}};
  char src[512], dst[512];
  snprintf(src, sizeof src, SCENES "/objects/%s.xml", cat);
  files[1][0] = src;
  files[1][1] = "objects/o.xml";
  for (int i = 0; i < 2; i++) {
    snprintf(dst, sizeof dst, "%s/%s", dir, files[i][1]);
    FILE* in = fopen(files[i][0], "r");
    FILE* out = fopen(dst, "w");
    cr_assert(in && out, "%s", files[i][0]);
    int skip_inertial = 0;
    while (fgets(line, sizeof line, in)) {
      if (i == 1 && flat) {
        if (strstr(line, "<body name=\"{name}_visual\">")) { skip_inertial = 1; continue; }
        if (skip_inertial && strstr(line, "<inertial")) { skip_inertial = 0; continue; }
        // the wrapper's </body> is the first one after the decoration geoms at its depth
        if (strncmp(line, "      </body>", 13) == 0) continue;
      }
      fputs(line, out);
    }
    fclose(in);
    fclose(out);
  }
  char cerr[1024] = "";
  snprintf(path, sizeof path, "%s/objects/o.xml", dir);
  mjModel* m = mj_loadXML(path, NULL, cerr, sizeof cerr);
  cr_assert_not_null(m, "%s (flat %d): %s", cat, flat, cerr);
  snprintf(dst, sizeof dst, "%s/objects/o.xml", dir);
  remove(dst);
  snprintf(dst, sizeof dst, "%s/common.xml", dir);
  remove(dst);
  rmdir(path);
  rmdir(dir);
  return m;
}

// body b's inertia tensor about its centre of mass, in the body frame
static void inertia_tensor(const mjModel* m, int b, double t[9]) {
  double R[9];
  mju_quat2Mat(R, m->body_iquat + 4 * b);
  for (int r = 0; r < 3; r++) {
    for (int c = 0; c < 3; c++) {
      t[3 * r + c] = 0;
      for (int k = 0; k < 3; k++) {
        t[3 * r + c] += R[3 * r + k] * m->body_inertia[3 * b + k] * R[3 * c + k];
      }
    }
  }
}

// the decoration's move changed no object's mass, centre of mass or inertia tensor
Test(contacts, decoration_bodies_leave_each_objects_inertia_unchanged) {
  const char* cats[] = {"akita_black_bowl", "alphabet_soup", "basket", "bbq_sauce", "butter",
                        "chocolate_pudding", "cookies", "cream_cheese",
                        "glazed_rim_porcelain_ramekin", "ketchup", "milk", "orange_juice", "plate",
                        "salad_dressing", "tomato_sauce"};
  for (size_t i = 0; i < sizeof cats / sizeof *cats; i++) {
    mjModel* a = compile_object(cats[i], 0);
    mjModel* b = compile_object(cats[i], 1);
    int ba = mj_name2id(a, mjOBJ_BODY, "{name}"), bb = mj_name2id(b, mjOBJ_BODY, "{name}");
    cr_assert(ba > 0 && bb > 0, "%s", cats[i]);
    cr_expect_eq(a->nbody, b->nbody + 1, "%s: one decoration body more", cats[i]);
    cr_expect_eq(a->ngeom, b->ngeom, "%s: the same geoms", cats[i]);
    cr_expect_gt(a->body_mass[ba], 0.005, "%s", cats[i]);
    cr_expect_eq(a->body_mass[ba], b->body_mass[bb], "%s: mass", cats[i]);
    cr_expect_eq(a->body_subtreemass[ba], b->body_subtreemass[bb], "%s: subtree mass", cats[i]);
    for (int k = 0; k < 3; k++) {
      cr_expect_eq(a->body_ipos[3 * ba + k], b->body_ipos[3 * bb + k], "%s: ipos %d", cats[i], k);
    }
    // the inertia tensor in the body frame, R diag(I) R': an object with one collision geom
    // now takes that geom's principal axes as they are, where the zero-mass decoration beside
    // it had sent MuJoCo through its eigen-decomposition (the same tensor, axes reordered)
    double ta[9], tb[9];
    inertia_tensor(a, ba, ta);
    inertia_tensor(b, bb, tb);
    const mjtNum* ib = b->body_inertia + 3 * bb;
    double scale = fmax(fmax(ib[0], ib[1]), ib[2]);
    for (int k = 0; k < 9; k++) {
      cr_expect_float_eq(ta[k], tb[k], 1e-12 * scale, "%s: inertia tensor %d: %.17g %.17g",
                         cats[i], k, ta[k], tb[k]);
    }
    mj_deleteModel(a);
    mj_deleteModel(b);
  }
}

// no contact is found twice: MuJoCo 2.2.2's sweep-and-prune paired a floor plane kept in a
// body of its own a second time with an object whose box held the world origin, doubling
// that object's floor contacts. Each object of libero_object, in turn, put at the origin
// and let rest.
Test(contacts, no_contact_is_found_twice_with_an_object_at_the_origin) {
  int checked = 0;
  for (int task = 0; task < 10; task++) {
    bk_world_t* w = load("libero_object", task);
    mjData* d = at_rest(w, 0);
    for (int e = 0; e < w->nent; e++) {
      if (w->ent[e].fixture || w->ent[e].qposadr < 0) continue;
      mjData* c = mj_copyData(NULL, w->m, d);
      double* q = c->qpos + w->ent[e].qposadr;
      q[0] = 0.0;
      q[1] = 0.0;
      for (int k = 0; k < 3; k++) c->qvel[w->ent[e].dofadr + k] = 0;
      for (int i = 0; i < 50; i++) mj_step(w->m, c);
      int floor = mj_name2id(w->m, mjOBJ_GEOM, "floor"), nfloor = 0;
      for (int i = 0; i < c->ncon; i++) {
        const mjContact* ci = c->contact + i;
        if (ci->geom1 == floor || ci->geom2 == floor) nfloor++;
        for (int j = 0; j < i; j++) {
          const mjContact* cj = c->contact + j;
          int same = ci->geom1 == cj->geom1 && ci->geom2 == cj->geom2 &&
                     fabs(ci->pos[0] - cj->pos[0]) + fabs(ci->pos[1] - cj->pos[1]) +
                             fabs(ci->pos[2] - cj->pos[2]) < 1e-12;
          cr_expect(!same, "task %d, %s at the origin: contact %d repeats %d (geoms %d %d)", task,
                    w->ent[e].name, i, j, ci->geom1, ci->geom2);
        }
      }
      cr_expect_gt(nfloor, 0, "task %d: nothing on the floor", task);
      checked++;
      mj_deleteData(c);
    }
    mj_deleteData(d);
    bk_world_free(w);
  }
  cr_expect_gt(checked, 40, "%d placements", checked);
}

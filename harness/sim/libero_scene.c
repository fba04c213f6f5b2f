#include "sim/libero_scene.h"

#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "sim/libero_init.h"
#include "sim/libero_xml.h"
#include "sim/world_internal.h"

/* where each category's model lives under LIBERO's assets/ */
static const struct {
  const char* category;
  const char* file;
} kModels[] = {
  {"akita_black_bowl", "stable_scanned_objects/akita_black_bowl/akita_black_bowl.xml"},
  {"plate", "stable_scanned_objects/plate/plate.xml"},
  {"basket", "stable_scanned_objects/basket/basket.xml"},
  {"glazed_rim_porcelain_ramekin",
   "stable_scanned_objects/glazed_rim_porcelain_ramekin/glazed_rim_porcelain_ramekin.xml"},
  {"cookies", "stable_hope_objects/cookies/cookies.xml"},
  {"alphabet_soup", "stable_hope_objects/alphabet_soup/alphabet_soup.xml"},
  {"tomato_sauce", "stable_hope_objects/tomato_sauce/tomato_sauce.xml"},
  {"bbq_sauce", "stable_hope_objects/bbq_sauce/bbq_sauce.xml"},
  {"butter", "stable_hope_objects/butter/butter.xml"},
  {"chocolate_pudding", "stable_hope_objects/chocolate_pudding/chocolate_pudding.xml"},
  {"cream_cheese", "stable_hope_objects/cream_cheese/cream_cheese.xml"},
  {"ketchup", "stable_hope_objects/ketchup/ketchup.xml"},
  {"salad_dressing", "stable_hope_objects/salad_dressing/salad_dressing.xml"},
  {"milk", "stable_hope_objects/milk/milk.xml"},
  {"orange_juice", "stable_hope_objects/orange_juice/orange_juice.xml"},
  {"wooden_cabinet", "articulated_objects/wooden_cabinet.xml"},
  {"flat_stove", "articulated_objects/flat_stove.xml"},
  {NULL, NULL},
};

/* robosuite's names for the Panda, its gripper and mount */
static const bk_robot_names_t kRobosuiteNames = {
  "robosuite/models/assets/robots/panda/robot.xml", "robot0_joint%d", "robot0_torq_j%d",
  "gripper0_finger_joint%d", "gripper0_gripper", "gripper0_grip_site",
  {"gripper0_finger1_pad_collision", "gripper0_finger2_pad_collision"}, "robot0_right_hand",
};

/* per arena: scene file, table (LIBERO's libero_tabletop_manipulation), agentview camera
 * (LIBERO's _setup_camera), fovy MuJoCo's default as LIBERO leaves it */
typedef struct {
  const char* scene;
  int table;
  double cam_pos[3], cam_quat[4];
} arena_t;

static const arena_t kArenaLibero[] = {
  [BK_ARENA_TABLE] = {"scenes/libero_tabletop_base_style.xml", 1,
                      {0.6586131746834771, 0.0, 1.6103500240372423},
                      {0.6380177736282349, 0.3048497438430786, 0.30484986305236816,
                       0.6380177736282349}},
  [BK_ARENA_FLOOR] = {"scenes/libero_floor_base_style.xml", 0,
                      {0.8965773716836134, 5.216182733499864e-07, 0.65},
                      {0.6182166934013367, 0.3432307541370392, 0.3432314395904541,
                       0.6182177066802979}},
};

/* LIBERO's table: full size (1.0, 1.2, 0.05), top at z = 0.90, friction (0.6, 0.005, 1e-4) */
static const double kTableHalf[3] = {0.5, 0.6, 0.025}, kTableTop = 0.90;
static const double kTableFriction[3] = {0.6, 0.005, 0.0001};

static const char* model_file(const char* category) {
  for (int i = 0; kModels[i].category; i++) {
    if (strcmp(kModels[i].category, category) == 0) return kModels[i].file;
  }
  return NULL;
}

static int file_exists(const char* path) { return access(path, R_OK) == 0; }

int bk_libero_paths(const char* libero, const char* robosuite, bk_libero_paths_t* out,
                    char* err, int err_sz) {
  if (!libero) libero = getenv("BOKBO_LIBERO");
  if (!robosuite) robosuite = getenv("BOKBO_ROBOSUITE");
  if (!libero || !*libero) {
    return bk_fail(err, err_sz, BK_ENOENT, "--scenes libero needs --libero DIR or $BOKBO_LIBERO");
  }
  if (!robosuite || !*robosuite) {
    return bk_fail(err, err_sz, BK_ENOENT,
                   "--scenes libero needs --robosuite DIR or $BOKBO_ROBOSUITE");
  }
  snprintf(out->libero, sizeof out->libero, "%s", libero);
  snprintf(out->robosuite, sizeof out->robosuite, "%s", robosuite);
  const char* rs[] = {"base.xml", "robots/panda/robot.xml", "grippers/panda_gripper.xml",
                      "mounts/rethink_mount.xml"};
  char path[2200];
  for (int i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s/" BK_ROBOSUITE_ASSETS "/%s", robosuite, rs[i]);
    if (!file_exists(path)) return bk_fail(err, err_sz, BK_ENOENT, "%s: missing", path);
  }
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/" BK_LIBERO_ASSETS "/%s", libero, kArenaLibero[i].scene);
    if (!file_exists(path)) return bk_fail(err, err_sz, BK_ENOENT, "%s: missing", path);
  }
  for (int i = 0; kModels[i].category; i++) {
    snprintf(path, sizeof path, "%s/" BK_LIBERO_ASSETS "/%s", libero, kModels[i].file);
    if (!file_exists(path)) return bk_fail(err, err_sz, BK_ENOENT, "%s: missing", path);
  }
  return 0;
}

// read one of the installation's files
static xmlDocPtr read_part(const char* root, const char* sub, const char* file, char* err,
                           int err_sz) {
  char path[2200];
  snprintf(path, sizeof path, "%s/%s/%s", root, sub, file);
  return bk_lxml_read(path, err, err_sz);
}

// the named element, or a message naming the file that should hold it
static xmlNodePtr need(xmlDocPtr doc, const char* tag, const char* name, char* err,
                       int err_sz) {
  xmlNodePtr n = bk_lxml_find(xmlDocGetRootElement(doc), tag, name);
  if (!n) {
    bk_fail(err, err_sz, BK_EPARSE, "%s: no <%s name=\"%s\">", (const char*)doc->URL, tag,
            name ? name : "");
  }
  return n;
}

// point a texture at another file of the same folder (LIBERO's floor and wall styles)
static void restyle_texture(xmlDocPtr doc, const char* name, const char* file) {
  xmlNodePtr t = bk_lxml_find(xmlDocGetRootElement(doc), "texture", name);
  if (!t) return;
  xmlChar* f = xmlGetProp(t, BAD_CAST "file");
  if (!f) return;
  char path[2200];
  snprintf(path, sizeof path, "%s", (const char*)f);
  char* slash = strrchr(path, '/');
  if (slash) snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "%s", file);
  xmlSetProp(t, BAD_CAST "file", BAD_CAST path);
  xmlFree(f);
}

// LIBERO's table: size, height, friction, legs (robosuite's TableArena arithmetic)
static int size_table(xmlDocPtr a, char* err, int err_sz) {
  xmlNodePtr body = need(a, "body", "table", err, err_sz);
  xmlNodePtr col = body ? need(a, "geom", "table_collision", err, err_sz) : NULL;
  xmlNodePtr vis = col ? need(a, "geom", "table_visual", err, err_sz) : NULL;
  xmlNodePtr top = vis ? need(a, "site", "table_top", err, err_sz) : NULL;
  if (!top) return BK_EPARSE;
  double pos[3] = {0, 0, kTableTop - kTableHalf[2]}, tpos[3] = {0, 0, kTableHalf[2]};
  bk_lxml_set_vec(body, "pos", pos, 3);
  bk_lxml_set_vec(col, "size", kTableHalf, 3);
  bk_lxml_set_vec(col, "friction", kTableFriction, 3);
  bk_lxml_set_vec(vis, "size", kTableHalf, 3);
  bk_lxml_set_vec(top, "pos", tpos, 3);
  const double dx[4] = {0.1, -0.1, -0.1, 0.1}, dy[4] = {0.1, 0.1, -0.1, -0.1};
  double z = (kTableTop - kTableHalf[2]) / 2.0;
  for (int i = 0; i < 4; i++) {
    char name[32];
    snprintf(name, sizeof name, "table_leg%d_visual", i + 1);
    xmlNodePtr leg = bk_lxml_find(xmlDocGetRootElement(a), "geom", name);
    if (!leg) continue;
    double x = kTableHalf[0] > fabs(2 * dx[i]) ? copysign(kTableHalf[0], dx[i]) - dx[i] : 0;
    double y = kTableHalf[1] > fabs(2 * dy[i]) ? copysign(kTableHalf[1], dy[i]) - dy[i] : 0;
    double lp[3] = {x, y, -z}, ls[2] = {0.025, z};
    bk_lxml_set_vec(leg, "pos", lp, 3);
    bk_lxml_set_vec(leg, "size", ls, 2);
  }
  return 0;
}

// the arena: styled floor and walls, the table, LIBERO's agentview camera
static int add_arena(xmlDocPtr doc, const bk_libero_paths_t* p, const arena_t* ar, char* err,
                     int err_sz) {
  xmlDocPtr a = read_part(p->libero, BK_LIBERO_ASSETS, ar->scene, err, err_sz);
  if (!a) return BK_ENOENT;
  restyle_texture(a, "texplane", "light-gray-floor-tile.png");
  restyle_texture(a, "tex-wall", "light-gray-plaster.png");
  int rc = ar->table ? size_table(a, err, err_sz) : 0;
  xmlNodePtr cam = rc ? NULL : need(a, "camera", "agentview", err, err_sz);
  if (cam) {
    bk_lxml_set_vec(cam, "pos", ar->cam_pos, 3);
    bk_lxml_set_vec(cam, "quat", ar->cam_quat, 4);
    xmlSetProp(cam, BAD_CAST "fovy", BAD_CAST "45");
    xmlNodePtr root = xmlDocGetRootElement(a);
    bk_lxml_merge_assets(doc, bk_lxml_child(root, "asset"));
    bk_lxml_move_children(bk_lxml_section(doc, "worldbody"), bk_lxml_child(root, "worldbody"));
  } else if (!rc) {
    rc = BK_EPARSE;
  }
  xmlFreeDoc(a);
  return rc;
}

// sections of a part that go into the same sections of the scene
static void merge_sections(xmlDocPtr doc, xmlNodePtr root) {
  static const char* const secs[] = {"actuator", "sensor", "contact", "equality", "tendon"};
  bk_lxml_merge_assets(doc, bk_lxml_child(root, "asset"));
  for (int i = 0; i < 5; i++) {
    xmlNodePtr s = bk_lxml_child(root, secs[i]);
    if (s && s->children) bk_lxml_move_children(bk_lxml_section(doc, secs[i]), s);
  }
}

// read a robosuite part and prefix its names
static xmlDocPtr robosuite_part(const bk_libero_paths_t* p, const char* file, const char* prefix,
                                char* err, int err_sz) {
  xmlDocPtr d = read_part(p->robosuite, BK_ROBOSUITE_ASSETS, file, err, err_sz);
  if (d) bk_lxml_prefix(xmlDocGetRootElement(d), prefix);
  return d;
}

// robosuite's Panda with its gripper on the hand and (on the table) its mount under the base
static int add_robot(xmlDocPtr doc, const bk_libero_paths_t* p, const bk_world_t* w,
                     int mounted, char* err, int err_sz) {
  int rc = BK_EPARSE;
  xmlDocPtr r = robosuite_part(p, "robots/panda/robot.xml", "robot0_", err, err_sz);
  xmlDocPtr g = r ? robosuite_part(p, "grippers/panda_gripper.xml", "gripper0_", err, err_sz) : NULL;
  xmlDocPtr mt = g && mounted ? robosuite_part(p, "mounts/rethink_mount.xml", "mount0_", err, err_sz)
                              : NULL;
  if (!g || (mounted && !mt)) goto done;
  xmlNodePtr base = need(r, "body", "robot0_base", err, err_sz);
  xmlNodePtr hand = base ? need(r, "body", "robot0_right_hand", err, err_sz) : NULL;
  if (!hand) goto done;
  bk_lxml_set_vec(base, "pos", w->base_pos, 3);
  // robosuite's RobotModel defaults where robot.xml sets none: armature 5/(i+1),
  // frictionloss 0.1 (LIBERO's damping is robot.xml's own: 0.1 x5, 0.01 x2)
  for (int i = 0; i < BK_ARM_NJ; i++) {
    char jn[32], val[32];
    snprintf(jn, sizeof jn, "robot0_joint%d", i + 1);
    xmlNodePtr j = bk_lxml_find(xmlDocGetRootElement(r), "joint", jn);
    if (!j) continue;
    snprintf(val, sizeof val, "%.17g", 5.0 / (i + 1));
    if (!xmlHasProp(j, BAD_CAST "armature")) xmlSetProp(j, BAD_CAST "armature", BAD_CAST val);
    if (!xmlHasProp(j, BAD_CAST "frictionloss")) {
      xmlSetProp(j, BAD_CAST "frictionloss", BAD_CAST "0.1");
    }
  }
  // robosuite draws its gripper's marker sites only when asked to (visualize off)
  const char* marks[] = {"gripper0_grip_site", "gripper0_grip_site_cylinder", "gripper0_ft_frame"};
  for (int i = 0; i < 3; i++) {
    xmlNodePtr s = bk_lxml_find(xmlDocGetRootElement(g), "site", marks[i]);
    if (s) xmlSetProp(s, BAD_CAST "rgba", BAD_CAST "0 0 0 0");
  }
  bk_lxml_move_children(hand, bk_lxml_child(xmlDocGetRootElement(g), "worldbody"));
  merge_sections(doc, xmlDocGetRootElement(g));
  if (mt) {
    // the pedestal hangs from robot0_base down to the floor
    xmlNodePtr mb = need(mt, "body", "mount0_base", err, err_sz);
    if (!mb) goto done;
    xmlSetProp(mb, BAD_CAST "pos", BAD_CAST "0 0 0");
    bk_lxml_move_children(base, bk_lxml_child(xmlDocGetRootElement(mt), "worldbody"));
    merge_sections(doc, xmlDocGetRootElement(mt));
  }
  merge_sections(doc, xmlDocGetRootElement(r));
  bk_lxml_move_children(bk_lxml_section(doc, "worldbody"),
                        bk_lxml_child(xmlDocGetRootElement(r), "worldbody"));
  rc = 0;

done:
  if (mt) xmlFreeDoc(mt);
  if (g) xmlFreeDoc(g);
  if (r) xmlFreeDoc(r);
  return rc ? (err && err[0] ? rc : bk_fail(err, err_sz, rc, "robosuite robot files")) : 0;
}

// one object or fixture instance: its `object` body becomes `<name>_main` (robosuite's
// MujocoXMLObject), with a free joint `<name>_joint0` (objects) or as a mocap body (fixtures)
static int add_instance(xmlDocPtr doc, const bk_libero_paths_t* p, const bk_task_t* task,
                        const char* name, const char* cat, int fixture, char* err, int err_sz) {
  const char* file = model_file(cat);
  if (!file) {
    return bk_fail(err, err_sz, BK_ENOENT, "%s: no LIBERO model known for category '%s'",
                   task->problem, cat);
  }
  xmlDocPtr o = read_part(p->libero, BK_LIBERO_ASSETS, file, err, err_sz);
  if (!o) return BK_ENOENT;
  xmlNodePtr body = need(o, "body", "object", err, err_sz);
  if (!body) {
    xmlFreeDoc(o);
    return BK_EPARSE;
  }
  xmlUnlinkNode(body);
  xmlSetProp(body, BAD_CAST "name", BAD_CAST "main");
  if (fixture) {
    xmlSetProp(body, BAD_CAST "mocap", BAD_CAST "true");
  } else {
    xmlNodePtr j = xmlNewNode(NULL, BAD_CAST "joint");
    xmlSetProp(j, BAD_CAST "name", BAD_CAST "joint0");
    xmlSetProp(j, BAD_CAST "type", BAD_CAST "free");
    xmlSetProp(j, BAD_CAST "damping", BAD_CAST "0.0005");
    if (body->children) xmlAddPrevSibling(body->children, j); else xmlAddChild(body, j);
  }
  char prefix[2 * BK_NAME_MAX];
  snprintf(prefix, sizeof prefix, "%s_", name);
  bk_lxml_prefix(body, prefix);
  bk_lxml_prefix(bk_lxml_child(xmlDocGetRootElement(o), "asset"), prefix);
  merge_sections(doc, xmlDocGetRootElement(o));
  xmlAddChild(bk_lxml_section(doc, "worldbody"), xmlDocCopyNode(body, doc, 1));
  xmlFreeNode(body);
  xmlFreeDoc(o);
  return 0;
}

// objects in task-file order, then fixtures: LIBERO's qpos order
static int add_entities(xmlDocPtr doc, const bk_libero_paths_t* p, const bk_task_t* t,
                        char* err, int err_sz) {
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? t->nfixture : t->nobject;
    for (int i = 0; i < n; i++) {
      const bk_entity_t* e = pass ? &t->fixture[i] : &t->object[i];
      if (bk_world_is_surface(e->category)) continue;
      int rc = add_instance(doc, p, t, e->name, e->category, pass, err, err_sz);
      if (rc) return rc;
    }
  }
  return 0;
}

// the work surface's regions as box sites `<surface>_<region>` (drawn with site group 4)
static void add_regions(xmlDocPtr doc, const bk_task_t* task, const bk_arena_info_t* ai) {
  xmlNodePtr wb = bk_lxml_section(doc, "worldbody");
  for (int i = 0; i < task->nregion; i++) {
    const bk_region_t* r = &task->region[i];
    if (strcmp(r->target, ai->surface_name) != 0 || r->nrange < 1) continue;
    const bk_rect_t* q = &r->range[0];
    char name[3 * BK_NAME_MAX];
    snprintf(name, sizeof name, "%s_%s", ai->surface_name, r->name);
    double pos[3] = {ai->surface[0] + 0.5 * (q->x0 + q->x1), ai->surface[1] + 0.5 * (q->y0 + q->y1),
                     ai->surface[2] + 0.001};
    double size[3] = {0.5 * (q->x1 - q->x0), 0.5 * (q->y1 - q->y0), 0.001};
    xmlNodePtr s = xmlNewChild(wb, NULL, BAD_CAST "site", NULL);
    xmlSetProp(s, BAD_CAST "name", BAD_CAST name);
    xmlSetProp(s, BAD_CAST "type", BAD_CAST "box");
    xmlSetProp(s, BAD_CAST "group", BAD_CAST "4");
    xmlSetProp(s, BAD_CAST "rgba", BAD_CAST "0.1 0.9 0.2 0.3");
    bk_lxml_set_vec(s, "pos", pos, 3);
    bk_lxml_set_vec(s, "size", size, 3);
  }
}

// robosuite's base.xml with what bokbo needs on top: buffer sizes, 1024-pixel offscreen buffers,
// autolimits (MuJoCo >= 2.3 semantics, which LIBERO's files were written for), and the
// marker that tells bokbo's renderers to hide collision geoms (group 0) as robosuite does
static xmlDocPtr base_model(const bk_libero_paths_t* p, const char* model_name, char* err,
                            int err_sz) {
  xmlDocPtr doc = read_part(p->robosuite, BK_ROBOSUITE_ASSETS, "base.xml", err, err_sz);
  if (!doc) return NULL;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  xmlSetProp(root, BAD_CAST "model", BAD_CAST model_name);
  xmlNodePtr comp = bk_lxml_child(root, "compiler");
  if (!comp) comp = xmlNewChild(root, NULL, BAD_CAST "compiler", NULL);
  xmlSetProp(comp, BAD_CAST "autolimits", BAD_CAST "true");
  xmlUnsetProp(comp, BAD_CAST "meshdir");  // every file path is absolute
  // buffers only (physics unchanged): base.xml's 5000/5000 with MuJoCo 2.2.2's default stack
  // would give every mjData a 1 GB arena. MuJoCo 2.2.2 reserves njmax^2 doubles and ints for
  // the dense constraint matrix, so njmax sets the size: the busiest moments measured on every
  // task of both suites (simvla at sigma 0.2, whole episodes) used 693 rows, 228 contacts and
  // 12,800 stack numbers; these are 4x that (tests/test_libero_scene.c), a 100 MB mjData
  // where njmax 4000 and nstack 1e7 made 270 MB
  xmlNodePtr size = bk_lxml_section(doc, "size");
  xmlSetProp(size, BAD_CAST "nconmax", BAD_CAST "1000");
  xmlSetProp(size, BAD_CAST "njmax", BAD_CAST "2800");
  xmlSetProp(size, BAD_CAST "nstack", BAD_CAST "500000");
  xmlNodePtr vis = bk_lxml_section(doc, "visual");
  xmlNodePtr glob = xmlNewChild(vis, NULL, BAD_CAST "global", NULL);
  xmlSetProp(glob, BAD_CAST "offwidth", BAD_CAST "1024");
  xmlSetProp(glob, BAD_CAST "offheight", BAD_CAST "1024");
  xmlNodePtr custom = bk_lxml_section(doc, "custom");
  xmlNodePtr num = xmlNewChild(custom, NULL, BAD_CAST "numeric", NULL);
  xmlSetProp(num, BAD_CAST "name", BAD_CAST "bokbo_hide_collision");
  xmlSetProp(num, BAD_CAST "data", BAD_CAST "1");
  return doc;
}

char* bk_libero_assemble(const bk_libero_paths_t* p, const bk_suite_t* suite,
                         const bk_task_t* task, char* err, int err_sz) {
  const bk_arena_info_t* ai = bk_world_arena(suite->arena);
  bk_world_t tmp;
  memcpy(tmp.base_pos, ai->base, sizeof tmp.base_pos);
  xmlDocPtr doc = base_model(p, task->problem, err, err_sz);
  if (!doc) return NULL;
  int rc = add_arena(doc, p, &kArenaLibero[suite->arena], err, err_sz);
  if (!rc) rc = add_robot(doc, p, &tmp, ai->mounted, err, err_sz);
  if (!rc) rc = add_entities(doc, p, task, err, err_sz);
  char* xml = NULL;
  if (!rc) {
    add_regions(doc, task, ai);
    xml = bk_lxml_dump(doc);
    if (!xml) bk_fail(err, err_sz, BK_ENOMEM, "out of memory writing the scene");
  }
  xmlFreeDoc(doc);
  return xml;
}

// entity table: `<name>_main` bodies, `<name>_joint0` free joints, mocap fixtures
static int index_entities(bk_world_t* w, char* err, int err_sz) {
  const bk_task_t* t = &w->task;
  const mjModel* m = w->m;
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? t->nobject : t->nfixture;
    for (int i = 0; i < n; i++) {
      const bk_entity_t* te = pass ? &t->object[i] : &t->fixture[i];
      if (bk_world_is_surface(te->category)) continue;
      bk_ent_t* e = &w->ent[w->nent];
      memset(e, 0, sizeof *e);
      snprintf(e->name, sizeof e->name, "%s", te->name);
      snprintf(e->category, sizeof e->category, "%s", te->category);
      char bn[2 * BK_NAME_MAX + 8];
      snprintf(bn, sizeof bn, "%s_main", te->name);
      e->body = mj_name2id(m, mjOBJ_BODY, bn);
      if (e->body < 0) return bk_fail(err, err_sz, BK_ENOENT, "LIBERO scene: no body '%s'", bn);
      e->mocap = m->body_mocapid[e->body];
      e->fixture = e->mocap >= 0;
      e->qposadr = e->dofadr = -1;
      if (!e->fixture) {
        snprintf(bn, sizeof bn, "%s_joint0", te->name);
        int j = mj_name2id(m, mjOBJ_JOINT, bn);
        if (j < 0) return bk_fail(err, err_sz, BK_ENOENT, "LIBERO scene: no joint '%s'", bn);
        e->qposadr = m->jnt_qposadr[j];
        e->dofadr = m->jnt_dofadr[j];
      }
      w->nent++;
    }
  }
  return 0;
}

// geom g's body lies below body `root`
static int below(const mjModel* m, int g, int root) {
  for (int b = m->geom_bodyid[g]; b > 0; b = m->body_parentid[b]) {
    if (b == root) return 1;
  }
  return 0;
}

// how far above the grip site (along its approach axis) the hand's collision geoms end:
// robosuite's hand mesh reaches lower than bokbo's own hand box, which the expert must know
static double hand_above(const bk_world_t* w) {
  const mjModel* m = w->m;
  mjData* d = mj_makeData(m);
  if (!d) return 0;
  mj_kinematics(m, d);
  const mjtNum* sp = d->site_xpos + 3 * w->grip_site;
  const mjtNum* sR = d->site_xmat + 9 * w->grip_site;
  double reach = -1e9;
  for (int g = 0; g < m->ngeom; g++) {
    if (!below(m, g, w->hand_body) || below(m, g, w->finger_body[0]) ||
        below(m, g, w->finger_body[1]) || m->geom_type[g] != mjGEOM_MESH ||
        !(m->geom_contype[g] | m->geom_conaffinity[g])) {
      continue;
    }
    int mesh = m->geom_dataid[g];
    const float* v = m->mesh_vert + 3 * m->mesh_vertadr[mesh];
    const mjtNum* gp = d->geom_xpos + 3 * g;
    const mjtNum* gR = d->geom_xmat + 9 * g;
    for (int k = 0; k < m->mesh_vertnum[mesh]; k++) {
      double x[3];
      for (int i = 0; i < 3; i++) {
        x[i] = gp[i] + gR[3 * i] * v[3 * k] + gR[3 * i + 1] * v[3 * k + 1] + gR[3 * i + 2] * v[3 * k + 2];
      }
      // the point along the site's z (approach) axis
      double z = sR[2] * (x[0] - sp[0]) + sR[5] * (x[1] - sp[1]) + sR[8] * (x[2] - sp[2]);
      if (z > reach) reach = z;
    }
  }
  mj_deleteData(d);
  return reach > -1e8 ? -reach : 0;
}

// task order and prompt from bokbo's catalog; the task file from LIBERO's bddl_files
static int load_task(bk_world_t* w, const bk_libero_paths_t* p, const char* suite, int task_id,
                     char* err, int err_sz) {
  w->suitedef = bk_catalog_suite(suite);
  bk_taskref_t refs[BK_SUITE_NTASK];
  int rc = bk_catalog_tasks(bk_catalog_scenes_dir(), suite, refs, err, err_sz);
  if (rc) return rc;
  if (task_id < 0 || task_id >= BK_SUITE_NTASK) {
    return bk_fail(err, err_sz, BK_ENOENT, "unknown task %d of %s (valid: 0-%d)", task_id,
                   suite, BK_SUITE_NTASK - 1);
  }
  snprintf(w->suite, sizeof w->suite, "%s", suite);
  w->ref = refs[task_id];
  char path[2600];
  snprintf(path, sizeof path, "%s/" BK_LIBERO_BDDL "/%s/%s.bddl", p->libero, suite,
           w->ref.name);
  if (strlen(path) >= sizeof w->ref.path) {
    return bk_fail(err, err_sz, BK_EINVAL, "%s: path too long", path);
  }
  memcpy(w->ref.path, path, strlen(path) + 1);
  if (!file_exists(w->ref.path)) {
    return bk_fail(err, err_sz, BK_ENOENT, "%s: missing", w->ref.path);
  }
  return bk_task_load(w->ref.path, &w->task, err, err_sz);
}

bk_world_t* bk_libero_world_create(const bk_libero_paths_t* p, const char* suite, int task_id,
                                   char* err, int err_sz) {
  bk_world_t* w = calloc(1, sizeof *w);
  if (!w) {
    bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    return NULL;
  }
  w->scenes = "libero";
  if (load_task(w, p, suite, task_id, err, err_sz)) goto fail;
  const bk_arena_info_t* ai = bk_world_arena(w->suitedef->arena);
  snprintf(w->surface_name, sizeof w->surface_name, "%s", ai->surface_name);
  memcpy(w->surface, ai->surface, sizeof w->surface);
  memcpy(w->base_pos, ai->base, sizeof w->base_pos);
  w->xml = bk_libero_assemble(p, w->suitedef, &w->task, err, err_sz);
  if (!w->xml) goto fail;
  w->m = bk_world_compile(w->xml, err, err_sz);
  if (!w->m) goto fail;
  if (index_entities(w, err, err_sz)) goto fail;
  if (bk_world_index_rest(w, &kRobosuiteNames, err, err_sz)) goto fail;
  if (bk_libero_init_attach(w, p, err, err_sz)) goto fail;
  w->hand_above = hand_above(w);
  return w;

fail:
  bk_world_free(w);
  return NULL;
}

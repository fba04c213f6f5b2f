#include "sim/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "sim/world_internal.h"
#include "task/check.h"

/* robot base positions and region origins of the two arenas (scenes/robot/README.md) */
static const bk_arena_info_t kArenas[] = {
  [BK_ARENA_TABLE] = {"table", 1, {-0.66, 0.0, 0.912}, "main_table", {0.0, 0.0, 0.90}},
  [BK_ARENA_FLOOR] = {"floor", 0, {-0.60, 0.0, 0.0}, "floor", {0.0, 0.0, 0.0}},
};

/* LIBERO's initial arm configuration */
static const double kArmInit[BK_ARM_NJ] = {0, -0.161, 0, -2.4446, 0, 2.2268, M_PI / 4};

const bk_arena_info_t* bk_world_arena(bk_arena_t arena) {
  return &kArenas[arena];
}

int bk_world_is_surface(const char* category) {
  return strcmp(category, "table") == 0 || strcmp(category, "floor") == 0;
}

/* how bokbo's own scenes/robot/panda.xml names the robot */
static const bk_robot_names_t kBuiltinNames = {
  "scenes/robot/panda.xml", "robot0_joint%d", "robot0_torq_j%d", "robot0_finger_joint%d",
  "robot0_gripper", "robot0_grip_site", {"robot0_left_pad", "robot0_right_pad"}, NULL,
};

// compile the assembled text through an in-memory file system
mjModel* bk_world_compile(const char* xml, char* err, int err_sz) {
  mjVFS* vfs = malloc(sizeof(mjVFS));
  if (!vfs) return NULL;
  mj_defaultVFS(vfs);
  mjModel* m = NULL;
  char cerr[1024] = "";
  int len = (int)strlen(xml);
  if (mj_makeEmptyFileVFS(vfs, "scene.xml", len) != 0) goto done;
  int idx = mj_findFileVFS(vfs, "scene.xml");
  memcpy(vfs->filedata[idx], xml, (size_t)len);
  m = mj_loadXML("scene.xml", vfs, cerr, sizeof cerr);
  if (!m) bk_fail(err, err_sz, BK_EMUJOCO, "MuJoCo could not compile the scene: %s", cerr);

done:
  mj_deleteVFS(vfs);
  free(vfs);
  return m;
}

// 1 when body b lies in the subtree rooted at `root`
static int in_subtree(const mjModel* m, int b, int root) {
  while (b > 0) {
    if (b == root) return 1;
    b = m->body_parentid[b];
  }
  return root == 0;
}

// half extents of a geom along its own axes
static void geom_half(const mjModel* m, int g, double h[3]) {
  const mjtNum* s = m->geom_size + 3 * g;
  switch (m->geom_type[g]) {
    case mjGEOM_SPHERE: h[0] = h[1] = h[2] = s[0]; break;
    case mjGEOM_CAPSULE: h[0] = h[1] = s[0]; h[2] = s[1] + s[0]; break;
    case mjGEOM_CYLINDER: h[0] = h[1] = s[0]; h[2] = s[1]; break;
    default: h[0] = s[0]; h[1] = s[1]; h[2] = s[2]; break;
  }
}

// box of an entity's collision geoms in its body frame, and its bottom footprint
static void entity_bounds(const mjModel* m, const mjData* d, bk_ent_t* e) {
  const mjtNum* xb = d->xpos + 3 * e->body;
  const mjtNum* Rb = d->xmat + 9 * e->body;
  double lo[3] = {1e9, 1e9, 1e9}, hi[3] = {-1e9, -1e9, -1e9};
  double glo[512][3], ghi[512][3];
  int ng = 0;
  for (int g = 0; g < m->ngeom && ng < 512; g++) {
    if (!in_subtree(m, m->geom_bodyid[g], e->body)) continue;
    if (!m->geom_contype[g] && !m->geom_conaffinity[g]) continue;
    double h[3], c[3], dx[3];
    geom_half(m, g, h);
    for (int i = 0; i < 3; i++) dx[i] = d->geom_xpos[3 * g + i] - xb[i];
    const mjtNum* Rg = d->geom_xmat + 9 * g;
    for (int i = 0; i < 3; i++) {
      // centre and extent along body axis i
      c[i] = Rb[i] * dx[0] + Rb[3 + i] * dx[1] + Rb[6 + i] * dx[2];
      double ext = 0;
      for (int k = 0; k < 3; k++) {
        double rik = Rb[i] * Rg[k] + Rb[3 + i] * Rg[3 + k] + Rb[6 + i] * Rg[6 + k];
        ext += fabs(rik) * h[k];
      }
      glo[ng][i] = c[i] - ext;
      ghi[ng][i] = c[i] + ext;
      if (glo[ng][i] < lo[i]) lo[i] = glo[ng][i];
      if (ghi[ng][i] > hi[i]) hi[i] = ghi[ng][i];
    }
    ng++;
  }
  memcpy(e->lo, lo, sizeof lo);
  memcpy(e->hi, hi, sizeof hi);
  // footprint: geoms that reach down to within 3 mm of the bottom
  e->foot_lo[0] = e->foot_lo[1] = 1e9;
  e->foot_hi[0] = e->foot_hi[1] = -1e9;
  for (int k = 0; k < ng; k++) {
    if (glo[k][2] > lo[2] + 0.003) continue;
    for (int i = 0; i < 2; i++) {
      if (glo[k][i] < e->foot_lo[i]) e->foot_lo[i] = glo[k][i];
      if (ghi[k][i] > e->foot_hi[i]) e->foot_hi[i] = ghi[k][i];
    }
  }
}

// find bodies, joints, mocap slots of the task's fixtures and objects
static int index_entities(bk_world_t* w, char* err, int err_sz) {
  const bk_task_t* t = &w->task;
  const mjModel* m = w->m;
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? t->nobject : t->nfixture;
    for (int i = 0; i < n; i++) {
      const char* name = pass ? t->object[i].name : t->fixture[i].name;
      const char* cat = pass ? t->object[i].category : t->fixture[i].category;
      if (bk_world_is_surface(cat)) continue;
      bk_ent_t* e = &w->ent[w->nent];
      memset(e, 0, sizeof *e);
      snprintf(e->name, sizeof e->name, "%s", name);
      snprintf(e->category, sizeof e->category, "%s", cat);
      e->body = mj_name2id(m, mjOBJ_BODY, name);
      if (e->body < 0) {
        return bk_fail(err, err_sz, BK_ENOENT,
                       "scenes/objects/%s.xml: no body named '{name}' for '%s'", cat, name);
      }
      e->mocap = m->body_mocapid[e->body];
      e->fixture = e->mocap >= 0;
      e->qposadr = e->dofadr = -1;
      char jn[2 * BK_NAME_MAX];
      snprintf(jn, sizeof jn, "%s_joint", name);
      int j = mj_name2id(m, mjOBJ_JOINT, jn);
      if (!e->fixture) {
        if (j < 0 || m->jnt_type[j] != mjJNT_FREE) {
          return bk_fail(err, err_sz, BK_ENOENT,
                         "scenes/objects/%s.xml: movable object needs a free joint '{name}_joint'",
                         cat);
        }
        e->qposadr = m->jnt_qposadr[j];
        e->dofadr = m->jnt_dofadr[j];
      }
      w->nent++;
    }
  }
  return 0;
}

// contact class of every geom, from the body it hangs under
static void classify_geoms(bk_world_t* w) {
  const mjModel* m = w->m;
  int base = mj_name2id(m, mjOBJ_BODY, "robot0_base");
  for (int g = 0; g < m->ngeom; g++) {
    int b = m->geom_bodyid[g];
    unsigned char cls = BK_CLASS_FIXTURE;
    if (!m->geom_contype[g] && !m->geom_conaffinity[g]) {
      cls = BK_CLASS_NONE;
    } else if (base >= 0 && in_subtree(m, b, base)) {
      cls = BK_CLASS_ROBOT;
    } else {
      for (int i = 0; i < w->nent; i++) {
        if (in_subtree(m, b, w->ent[i].body)) {
          cls = w->ent[i].fixture ? BK_CLASS_FIXTURE : BK_CLASS_OBJECT;
          break;
        }
      }
    }
    w->geom_class[g] = cls;
  }
}

// look up one named element, failing with the file that should define it
static int need_id(const mjModel* m, int type, const char* name, int* out, char* err,
                   int err_sz, const char* file) {
  *out = mj_name2id(m, type, name);
  if (*out < 0) {
    return bk_fail(err, err_sz, BK_ENOENT, "%s: no element named '%s'", file, name);
  }
  return 0;
}

// arm joints, actuators, gripper and grip site
static int index_robot(bk_world_t* w, const bk_robot_names_t* nm, char* err, int err_sz) {
  const mjModel* m = w->m;
  char name[64];
  int id, rc;
  for (int i = 0; i < BK_ARM_NJ; i++) {
    snprintf(name, sizeof name, nm->joint_fmt, i + 1);
    if ((rc = need_id(m, mjOBJ_JOINT, name, &id, err, err_sz, nm->file))) return rc;
    w->arm_jnt[i] = id;
    w->arm_qposadr[i] = m->jnt_qposadr[id];
    w->arm_dofadr[i] = m->jnt_dofadr[id];
    snprintf(name, sizeof name, nm->motor_fmt, i + 1);
    if ((rc = need_id(m, mjOBJ_ACTUATOR, name, &w->arm_act[i], err, err_sz, nm->file))) return rc;
    w->arm_init[i] = kArmInit[i];
  }
  for (int i = 0; i < 2; i++) {
    snprintf(name, sizeof name, nm->finger_fmt, i + 1);
    if ((rc = need_id(m, mjOBJ_JOINT, name, &id, err, err_sz, nm->file))) return rc;
    w->finger_qposadr[i] = m->jnt_qposadr[id];
    w->finger_body[i] = m->jnt_bodyid[id];
    if ((rc = need_id(m, mjOBJ_GEOM, nm->pad[i], &w->pad_geom[i], err, err_sz, nm->file))) return rc;
  }
  w->ngrip_act = 0;
  size_t plen = strlen(nm->grip_act_prefix);
  for (int a = 0; a < m->nu && w->ngrip_act < 2; a++) {
    const char* an = mj_id2name(m, mjOBJ_ACTUATOR, a);
    if (an && strncmp(an, nm->grip_act_prefix, plen) == 0) w->grip_act[w->ngrip_act++] = a;
  }
  if (!w->ngrip_act) {
    return bk_fail(err, err_sz, BK_ENOENT, "%s: no %s actuator", nm->file, nm->grip_act_prefix);
  }
  if ((rc = need_id(m, mjOBJ_SITE, nm->grip_site, &w->grip_site, err, err_sz, nm->file))) return rc;
  w->hand_body = m->site_bodyid[w->grip_site];
  return nm->hand ? need_id(m, mjOBJ_BODY, nm->hand, &w->hand_body, err, err_sz, nm->file) : 0;
}

// index the compiled model
static int index_world(bk_world_t* w, char* err, int err_sz) {
  int rc = index_entities(w, err, err_sz);
  return rc ? rc : bk_world_index_rest(w, &kBuiltinNames, err, err_sz);
}

int bk_world_index_rest(bk_world_t* w, const bk_robot_names_t* names, char* err, int err_sz) {
  int rc = index_robot(w, names, err, err_sz);
  if (rc) return rc;
  w->geom_class = calloc((size_t)w->m->ngeom, 1);
  mjData* d = mj_makeData(w->m);
  if (!w->geom_class || !d) {
    mj_deleteData(d);
    return bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
  }
  classify_geoms(w);
  mj_kinematics(w->m, d);
  for (int i = 0; i < w->nent; i++) entity_bounds(w->m, d, &w->ent[i]);
  mj_deleteData(d);
  return 0;
}

// a user's task file in the slot of a suite's task: its name and prompt from the file name
static void user_task_ref(bk_taskref_t* ref, const char* task_file) {
  const char* base = strrchr(task_file, '/');
  base = base ? base + 1 : task_file;
  size_t n = strcspn(base, ".");
  if (n >= sizeof ref->name) n = sizeof ref->name - 1;
  memcpy(ref->name, base, n);
  ref->name[n] = '\0';
  for (size_t i = 0; i <= n; i++) ref->prompt[i] = ref->name[i] == '_' ? ' ' : ref->name[i];
  snprintf(ref->path, sizeof ref->path, "%s", task_file);
}

// resolve the suite and task, and parse and check the task file
static int load_task(bk_world_t* w, const char* scenes_dir, const char* suite, int task_id,
                     const char* task_file, char* err, int err_sz) {
  w->suitedef = bk_catalog_suite(suite);
  bk_taskref_t refs[BK_SUITE_NTASK];
  int rc = bk_catalog_tasks(scenes_dir, suite, refs, err, err_sz);
  if (rc) return rc;
  if (task_id < 0 || task_id >= BK_SUITE_NTASK) {
    return bk_fail(err, err_sz, BK_ENOENT, "unknown task %d of %s (valid: 0-%d)", task_id,
                   suite, BK_SUITE_NTASK - 1);
  }
  snprintf(w->suite, sizeof w->suite, "%s", suite);
  w->ref = refs[task_id];
  if (task_file) user_task_ref(&w->ref, task_file);
  return bk_task_load_checked(w->ref.path, &w->task, err, err_sz);
}

bk_world_t* bk_world_create(const char* scenes_dir, const char* suite, int task_id,
                            char* err, int err_sz) {
  return bk_world_create_file(scenes_dir, suite, task_id, NULL, err, err_sz);
}

bk_world_t* bk_world_create_file(const char* scenes_dir, const char* suite, int task_id,
                                 const char* task_file, char* err, int err_sz) {
  bk_world_t* w = calloc(1, sizeof *w);
  if (!w) {
    bk_fail(err, err_sz, BK_ENOMEM, "out of memory");
    return NULL;
  }
  w->scenes = "builtin";
  if (load_task(w, scenes_dir, suite, task_id, task_file, err, err_sz)) goto fail;
  const bk_arena_info_t* ai = bk_world_arena(w->suitedef->arena);
  snprintf(w->surface_name, sizeof w->surface_name, "%s", ai->surface_name);
  memcpy(w->surface, ai->surface, sizeof w->surface);
  memcpy(w->base_pos, ai->base, sizeof w->base_pos);
  w->xml = bk_world_assemble(scenes_dir, w->suitedef, &w->task, err, err_sz);
  if (!w->xml) goto fail;
  w->m = bk_world_compile(w->xml, err, err_sz);
  if (!w->m) goto fail;
  if (index_world(w, err, err_sz)) goto fail;
  return w;

fail:
  bk_world_free(w);
  return NULL;
}

void bk_world_free(bk_world_t* w) {
  if (!w) return;
  if (w->src_free) w->src_free(w->src_data);
  if (w->m) mj_deleteModel(w->m);
  free(w->geom_class);
  free(w->xml);
  free(w);
}

int bk_world_entity(const bk_world_t* w, const char* name) {
  for (int i = 0; i < w->nent; i++) {
    if (strcmp(w->ent[i].name, name) == 0) return i;
  }
  return -1;
}

const bk_region_t* bk_world_surface_region(const bk_world_t* w, const char* ref) {
  size_t n = strlen(w->surface_name);
  if (strncmp(ref, w->surface_name, n) != 0 || ref[n] != '_') return NULL;
  int i = bk_task_find_region_of(&w->task, w->surface_name, ref + n + 1);
  return i >= 0 ? &w->task.region[i] : NULL;
}

void bk_world_set_gripper(const bk_world_t* w, mjData* d, double cmd) {
  if (cmd < -1) cmd = -1;
  if (cmd > 1) cmd = 1;
  for (int i = 0; i < w->ngrip_act; i++) {
    int a = w->grip_act[i];
    const mjtNum* r = w->m->actuator_ctrlrange + 2 * a;
    // -1 -> the open end of the range (the end away from 0, fingers apart), +1 -> closed
    int hi_open = fabs(r[1]) > fabs(r[0]);
    double open = hi_open ? r[1] : r[0], closed = hi_open ? r[0] : r[1];
    d->ctrl[a] = open + 0.5 * (cmd + 1.0) * (closed - open);
  }
}

void bk_world_hold_arm(const bk_world_t* w, mjData* d, const double* q_target) {
  const mjModel* m = w->m;
  const double kp = 200.0, kd = 2.0 * sqrt(200.0);
  for (int i = 0; i < BK_ARM_NJ; i++) {
    int dof = w->arm_dofadr[i];
    double q = d->qpos[w->arm_qposadr[i]], qd = d->qvel[dof];
    double u = d->qfrc_bias[dof] + kp * (q_target[i] - q) - kd * qd;
    int a = w->arm_act[i];
    const mjtNum* r = m->actuator_ctrlrange + 2 * a;
    if (m->actuator_ctrllimited[a]) u = u < r[0] ? r[0] : (u > r[1] ? r[1] : u);
    d->ctrl[a] = u;
  }
}

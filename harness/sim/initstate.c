#include "sim/initstate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/rng.h"

#define MAX_ATTEMPTS 40       /* whole-scene redraws before giving up */
#define MAX_TRIES 60          /* draws per object before the scene is redrawn */
#define PLACE_GAP 0.002       /* drop height above the support */
#define MAX_PENETRATION 0.002
#define SETTLE_MIN 250
#define SETTLE_MAX BK_INIT_SETTLE_MAX
#define REST_SPEED 0.004
#define ARM_NOISE 0.02        /* LIBERO's arm start noise: N(0, 0.02^2) rad per joint */
#define SHIFT_FULL 4          /* whole-scene attempts with the full shift */
#define FLOOR_REACH_MIN 0.35  /* m: shifted objects on the floor stay this far from the base */

/* LIBERO's horizontal radius of each object (its model's horizontal_radius_site): the
 * region sampler keeps the object's centre this far inside each side of a region. The
 * stove's is 0: LIBERO's init files show what stands on it spread over its whole region
 * (1.2 cm), while what stands on the cabinet spreads with the cabinet's 0.045 (2.7 cm). */
static const struct {
  const char* category;
  double radius;
} kRadius[] = {
  {"akita_black_bowl", 0.025}, {"alphabet_soup", 0.025}, {"basket", 0.025},
  {"bbq_sauce", 0.015},        {"butter", 0.02},         {"chocolate_pudding", 0.025},
  {"cookies", 0.025},          {"cream_cheese", 0.03},   {"glazed_rim_porcelain_ramekin", 0.025},
  {"ketchup", 0.025},          {"milk", 0.03},           {"orange_juice", 0.025},
  {"plate", 0.025},            {"salad_dressing", 0.025}, {"tomato_sauce", 0.025},
  {"wooden_cabinet", 0.045},   {"flat_stove", 0.0},
};

/* where an object goes, resolved from one init atom */
typedef enum { SUP_SURFACE, SUP_SITE, SUP_OBJECT } support_t;

typedef struct {
  const bk_world_t* w;
  mjData* d;
  bk_rng_t rng;
  const bk_shift_t* shift;
  double arm[BK_ARM_NJ];      /* the arm's start configuration of this init */
  double scale;               /* part of the shift this attempt uses (see shift_scale) */
  char* err;
  int err_sz;
} placer_t;

int bk_init_parse_shift(const char* text, bk_shift_t* shift, char* err, int err_sz) {
  char* end = NULL;
  shift->axis = -1;
  shift->delta = 0;
  if ((text[0] == 'x' || text[0] == 'y') && text[1] == ':') {
    double v = strtod(text + 2, &end);
    if (end != text + 2 && *end == '\0' && isfinite(v) && fabs(v) <= 0.5) {
      shift->axis = text[0] == 'x' ? 0 : 1;
      shift->delta = v;
      return 0;
    }
  }
  return bk_fail(err, err_sz, BK_EINVAL,
                 "bad --shift '%s': expected x:METRES or y:METRES with |METRES| <= 0.5", text);
}

double bk_init_reach(bk_arena_t arena, int goal_support) {
  if (arena != BK_ARENA_TABLE) return BK_INIT_REACH_FLOOR;
  return goal_support ? BK_INIT_PLACE_REACH_TABLE : BK_INIT_REACH_TABLE;
}

void bk_init_suite_name(const char* suite, const bk_shift_t* shift, char* buf, int sz) {
  if (!shift || shift->axis < 0 || shift->delta == 0) {
    snprintf(buf, (size_t)sz, "%s", suite);
  } else {
    snprintf(buf, (size_t)sz, "%s_%c%g", suite, shift->axis ? 'y' : 'x', shift->delta);
  }
}

// entity that owns geom g, or -1 for the arena (table, floor, mount)
static int geom_owner(const bk_world_t* w, int g) {
  const mjModel* m = w->m;
  for (int i = 0; i < w->nent; i++) {
    int b = m->geom_bodyid[g];
    while (b > 0 && b != w->ent[i].body) b = m->body_parentid[b];
    if (b == w->ent[i].body && b > 0) return i;
  }
  return -1;
}

// downward ray from p, ignoring robot geoms; returns hit height and owner via *owner
static double ray_down(const bk_world_t* w, const mjData* d, double x, double y, double z,
                       int* owner) {
  const mjtByte group[mjNGROUP] = {1, 0, 0, 0, 0, 0};
  mjtNum p[3] = {x, y, z}, v[3] = {0, 0, -1};
  for (int k = 0; k < 16; k++) {
    int g = -1;
    mjtNum dist = mj_ray(w->m, d, p, v, group, 1, -1, &g);
    if (g < 0 || dist < 0) break;
    if (w->geom_class[g] != BK_CLASS_ROBOT) {
      *owner = geom_owner(w, g);
      return p[2] - dist;
    }
    p[2] -= dist + 1e-6;  // skip the robot geom and look further down
  }
  *owner = -2;
  return -1e9;
}

// place entity e at (x, y, yaw) resting on `support` (entity index, or -1 for the
// arena surface); returns 0 when every footprint ray lands on the support
static int drop_on(placer_t* P, int e, double x, double y, double yaw, double ztop,
                   int support) {
  const bk_ent_t* en = &P->w->ent[e];
  double c = cos(yaw), s = sin(yaw), zmax = -1e9;
  for (int i = 0; i < 9; i++) {
    // centre, corners and edge midpoints of the footprint
    double fx = en->foot_lo[0] + 0.5 * (i % 3) * (en->foot_hi[0] - en->foot_lo[0]);
    double fy = en->foot_lo[1] + 0.5 * (i / 3) * (en->foot_hi[1] - en->foot_lo[1]);
    int owner;
    double z = ray_down(P->w, P->d, x + c * fx - s * fy, y + s * fx + c * fy, ztop, &owner);
    if (owner != support) return -1;
    if (z > zmax) zmax = z;
  }
  mjtNum* q = P->d->qpos + en->qposadr;
  q[0] = x;
  q[1] = y;
  q[2] = zmax - en->lo[2] + PLACE_GAP;
  q[3] = cos(0.5 * yaw);
  q[4] = q[5] = 0;
  q[6] = sin(0.5 * yaw);
  mj_kinematics(P->w->m, P->d);
  return 0;
}


// LIBERO's horizontal radius of an object; other categories: half the narrower side of
// an object, 0 for a fixture
static double object_radius(const bk_ent_t* e) {
  for (size_t i = 0; i < sizeof kRadius / sizeof kRadius[0]; i++) {
    if (strcmp(kRadius[i].category, e->category) == 0) return kRadius[i].radius;
  }
  return e->fixture ? 0.0 : 0.5 * fmin(e->hi[0] - e->lo[0], e->hi[1] - e->lo[1]);
}

// uniform between lo + r and hi - r, as robosuite's sampler with the object's boundary
// kept in range (when 2 r exceeds the width the bounds swap and the spread is 2 r - width)
static double shrunk_uniform(bk_rng_t* rng, double lo, double hi, double r) {
  double a = lo + r, b = hi - r;
  return bk_rng_range(rng, fmin(a, b), fmax(a, b));
}

// sample a point of a region (one of its rectangles) and a yaw for an object or fixture
// of that horizontal radius
static void sample_region(placer_t* P, const bk_region_t* r, double radius, double* x,
                          double* y, double* yaw) {
  int k = r->nrange > 1 ? (int)(bk_rng_uniform(&P->rng) * r->nrange) : 0;
  const bk_rect_t* q = &r->range[k];
  *x = P->w->surface[0] + shrunk_uniform(&P->rng, q->x0, q->x1, radius);
  *y = P->w->surface[1] + shrunk_uniform(&P->rng, q->y0, q->y1, radius);
  *yaw = r->has_yaw ? bk_rng_range(&P->rng, r->yaw[0], r->yaw[1]) : 0.0;
}

// whether e is what the goal puts something on or in: (On x plate_1),
// (In x basket_1_contain_region)
static int is_goal_support(const bk_world_t* w, const bk_ent_t* e) {
  size_t n = strlen(e->name);
  for (int i = 0; i < w->task.ngoal; i++) {
    const bk_expr_t* g = &w->task.goal[i];
    if (g->op != BK_EXPR_ATOM || (g->atom.pred != BK_PRED_ON && g->atom.pred != BK_PRED_IN)) {
      continue;
    }
    const char* a = g->atom.arg[1];
    if (strncmp(a, e->name, n) == 0 && (a[n] == '\0' || a[n] == '_')) return 1;
  }
  return 0;
}

// a shifted position a top-down grasp can use: on the table and within the arena's
// reach (bk_init_reach) of the base; on the floor not under the robot either
static int reachable(const bk_world_t* w, const bk_ent_t* e, double x, double y) {
  double dist = hypot(x - w->base_pos[0], y - w->base_pos[1]);
  if (dist > bk_init_reach(w->suitedef->arena, is_goal_support(w, e))) return 0;
  if (w->suitedef->arena != BK_ARENA_TABLE) return dist >= FLOOR_REACH_MIN;
  double r = 0.5 * fmax(e->hi[0] - e->lo[0], e->hi[1] - e->lo[1]);
  return fabs(x) <= 0.5 - r - 0.01 && fabs(y) <= 0.6 - r - 0.01;
}

// the largest part of the shift (metres along its axis, same sign) that keeps the object
// at (x, y) reachable: the whole shift, 0 when the unshifted place is not reachable
// itself (it stays where LIBERO's sampler put it), else the boundary by bisection
static double reachable_shift(const bk_world_t* w, const bk_ent_t* e, double x, double y,
                              const bk_shift_t* shift) {
  double ax = shift->axis == 0 ? 1.0 : 0.0, ay = 1.0 - ax, d = shift->delta;
  if (reachable(w, e, x + ax * d, y + ay * d)) return d;
  if (!reachable(w, e, x, y)) return 0.0;
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 40; i++) {
    double mid = 0.5 * (lo + hi);
    if (reachable(w, e, x + ax * mid * d, y + ay * mid * d)) lo = mid; else hi = mid;
  }
  return lo * d;
}

// shifted objects move by different amounts (each shift shrinks on its own): one may
// now overlap a neighbour from the side, where drop_on's downward rays do not see it
static int overlaps(placer_t* P) {
  mj_collision(P->w->m, P->d);
  return bk_init_max_penetration(P->w->m, P->d) > MAX_PENETRATION;
}

// an object on a surface region: draw, shift (shrinking the shift if it collides), drop
static int place_on_surface(placer_t* P, int e, const bk_region_t* r) {
  for (int t = 0; t < MAX_TRIES; t++) {
    double x, y, yaw;
    sample_region(P, r, object_radius(&P->w->ent[e]), &x, &y, &yaw);
    int nshift = (P->shift && P->shift->axis >= 0) ? 8 : 0;
    bk_shift_t part = {0, 0};
    if (nshift) part = (bk_shift_t){P->shift->axis, P->scale * P->shift->delta};
    double reach = nshift ? reachable_shift(P->w, &P->w->ent[e], x, y, &part) : 0.0;
    for (int k = 0; k <= nshift; k++) {
      double sx = x, sy = y;
      if (nshift) {
        double dlt = reach * (1.0 - (double)k / nshift);
        if (P->shift->axis == 0) sx += dlt; else sy += dlt;
      }
      if (drop_on(P, e, sx, sy, yaw, P->w->surface[2] + 0.6, -1) != 0) continue;
      if (!nshift || !overlaps(P)) return 0;
    }
  }
  return BK_EPLACE;
}

// an object on (or in) a fixture's site: top of the cabinet, the stove, a drawer
static int place_on_site(placer_t* P, int e, int site, int inside) {
  const mjModel* m = P->w->m;
  const mjtNum* sp = P->d->site_xpos + 3 * site;
  const mjtNum* sz = m->site_size + 3 * site;
  int owner = -1;
  for (int i = 0; i < P->w->nent; i++) {
    int b = m->site_bodyid[site];
    while (b > 0 && b != P->w->ent[i].body) b = m->body_parentid[b];
    if (b > 0) owner = i;
  }
  double ztop = inside ? sp[2] + sz[2] : sp[2] + 0.3;
  // on a fixture's site: +-1 cm as LIBERO's files spread them (1.2-1.5 cm with the stove's
  // own spread); in a drawer +-5 mm
  double j = inside ? 0.005 : 0.01;
  for (int t = 0; t < MAX_TRIES; t++) {
    double jx = bk_rng_range(&P->rng, -j, j), jy = bk_rng_range(&P->rng, -j, j);
    double yaw = bk_rng_range(&P->rng, -0.1, 0.1);
    if (drop_on(P, e, sp[0] + jx, sp[1] + jy, yaw, ztop, owner) == 0) return 0;
  }
  return BK_EPLACE;
}

// an object stacked on another object
static int place_on_object(placer_t* P, int e, int below) {
  const mjtNum* bp = P->d->xpos + 3 * P->w->ent[below].body;
  for (int t = 0; t < MAX_TRIES; t++) {
    double jx = bk_rng_range(&P->rng, -0.003, 0.003), jy = bk_rng_range(&P->rng, -0.003, 0.003);
    double yaw = bk_rng_range(&P->rng, -0.1, 0.1);
    if (drop_on(P, e, bp[0] + jx, bp[1] + jy, yaw, bp[2] + 0.6, below) == 0) return 0;
  }
  return BK_EPLACE;
}

// a fixture in its surface region: pose through its mocap slot
static int place_fixture(placer_t* P, int e, const char* ref) {
  const bk_region_t* r = bk_world_surface_region(P->w, ref);
  if (!r) {
    return bk_fail(P->err, P->err_sz, BK_ENOENT, "%s: fixture %s: unknown region '%s'",
                   P->w->ref.path, P->w->ent[e].name, ref);
  }
  double x, y, yaw;
  sample_region(P, r, object_radius(&P->w->ent[e]), &x, &y, &yaw);
  int mc = P->w->ent[e].mocap;
  mjtNum* pos = P->d->mocap_pos + 3 * mc;
  mjtNum* quat = P->d->mocap_quat + 4 * mc;
  pos[0] = x;
  pos[1] = y;
  pos[2] = P->w->surface[2] - P->w->ent[e].lo[2] + 0.001;
  quat[0] = cos(0.5 * yaw);
  quat[1] = quat[2] = 0;
  quat[3] = sin(0.5 * yaw);
  return 0;
}

// (Open x_top_region) / (Close ...): set the drawer joint of that region
static int set_drawer(placer_t* P, const bk_atom_t* a) {
  char jn[2 * BK_NAME_MAX];
  snprintf(jn, sizeof jn, "%s", a->arg[0]);
  char* suffix = strstr(jn, "_region");
  if (suffix) strcpy(suffix, "_drawer_joint");
  int j = mj_name2id(P->w->m, mjOBJ_JOINT, jn);
  if (j < 0) {
    return bk_fail(P->err, P->err_sz, BK_ENOENT, "%s: no drawer joint '%s' for (%s %s)",
                   P->w->ref.path, jn, bk_task_predname(a->pred), a->arg[0]);
  }
  const mjtNum* range = P->w->m->jnt_range + 2 * j;
  P->d->qpos[P->w->m->jnt_qposadr[j]] = a->pred == BK_PRED_OPEN ? range[0] : range[1];
  return 0;
}

// fixtures first, then drawers, so that sites are where objects will be put
static int place_fixtures(placer_t* P) {
  const bk_task_t* t = &P->w->task;
  for (int i = 0; i < t->ninit; i++) {
    const bk_atom_t* a = &t->init[i];
    int e = bk_world_entity(P->w, a->arg[0]);
    int rc = 0;
    if (a->pred == BK_PRED_ON && e >= 0 && P->w->ent[e].fixture) {
      rc = place_fixture(P, e, a->arg[1]);
    } else if (a->pred == BK_PRED_OPEN || a->pred == BK_PRED_CLOSE) {
      rc = set_drawer(P, a);
    }
    if (rc) return rc;
  }
  mj_kinematics(P->w->m, P->d);
  return 0;
}

// place the object of one On/In atom; *wait is set when its support is not placed yet
static int place_atom(placer_t* P, const bk_atom_t* a, int e, const int* placed, int* wait) {
  const bk_world_t* w = P->w;
  *wait = 0;
  int below = bk_world_entity(w, a->arg[1]);
  if (below >= 0 && !w->ent[below].fixture) {
    if (!placed[below]) {
      *wait = 1;
      return 0;
    }
    return place_on_object(P, e, below);
  }
  const bk_region_t* r = bk_world_surface_region(w, a->arg[1]);
  if (r) return place_on_surface(P, e, r);
  int site = mj_name2id(w->m, mjOBJ_SITE, a->arg[1]);
  if (site >= 0) return place_on_site(P, e, site, a->pred == BK_PRED_IN);
  return bk_fail(P->err, P->err_sz, BK_ENOENT, "%s: (%s %s %s): unknown region '%s'",
                 w->ref.path, bk_task_predname(a->pred), a->arg[0], a->arg[1], a->arg[1]);
}

// movable objects in an order where supports come before what they carry
static int place_objects(placer_t* P) {
  const bk_world_t* w = P->w;
  const bk_task_t* t = &w->task;
  int placed[BK_WORLD_MAX_ENT] = {0};
  for (int pass = 0; pass < w->nent; pass++) {
    int progress = 0, pending = 0;
    for (int i = 0; i < t->ninit; i++) {
      const bk_atom_t* a = &t->init[i];
      if (a->pred != BK_PRED_ON && a->pred != BK_PRED_IN) continue;
      int e = bk_world_entity(w, a->arg[0]);
      if (e < 0 || w->ent[e].fixture || placed[e]) continue;
      int wait, rc = place_atom(P, a, e, placed, &wait);
      if (rc) return rc;
      if (wait) {
        pending++;
        continue;
      }
      placed[e] = 1;
      progress = 1;
    }
    if (!pending) return 0;
    if (!progress) break;
  }
  return bk_fail(P->err, P->err_sz, BK_EPARSE, "%s: init stacks objects in a cycle",
                 w->ref.path);
}

// park every movable object far away, arm at this init's start configuration
static void reset_scene(const bk_world_t* w, mjData* d, const double* arm) {
  mj_resetData(w->m, d);
  for (int i = 0; i < BK_ARM_NJ; i++) d->qpos[w->arm_qposadr[i]] = arm[i];
  for (int i = 0; i < w->nent; i++) {
    if (w->ent[i].fixture) continue;
    mjtNum* q = d->qpos + w->ent[i].qposadr;
    q[0] = 20.0 + 2.0 * i;
    q[1] = 20.0;
    q[2] = 1.0;
  }
  mj_kinematics(w->m, d);
}

double bk_init_max_penetration(const mjModel* m, const mjData* d) {
  double worst = 0;
  for (int i = 0; i < d->ncon; i++) {
    if (-d->contact[i].dist > worst) worst = -d->contact[i].dist;
  }
  return worst;
}

double bk_init_max_object_speed(const bk_world_t* w, const mjData* d) {
  double vmax = 0;
  for (int i = 0; i < w->nent; i++) {
    if (w->ent[i].fixture) continue;
    const mjtNum* v = d->qvel + w->ent[i].dofadr;
    double s = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (s > vmax) vmax = s;
  }
  return vmax;
}

// let everything come to rest with the arm held and the gripper open; trace (may be
// NULL) keeps each step's controls and the count
static void settle(const bk_world_t* w, mjData* d, const double* arm, bk_init_trace_t* trace) {
  int nsteps = 0;
  for (int step = 0; step < SETTLE_MAX; step++) {
    bk_world_hold_arm(w, d, arm);
    bk_world_set_gripper(w, d, -1.0);
    if (trace && trace->ctrl) {
      mju_copy(trace->ctrl + (size_t)step * w->m->nu, d->ctrl, w->m->nu);
    }
    mj_step(w->m, d);
    nsteps = step + 1;
    if (step >= SETTLE_MIN && step % 10 == 0 && bk_init_max_object_speed(w, d) < REST_SPEED) {
      break;
    }
  }
  if (trace) trace->nsteps = nsteps;
  d->time = 0;
}

// Each object's shift shrinks on its own (reach, overlap), so two neighbours may move by
// different amounts and no draw of a narrow region fits between them; after SHIFT_FULL
// whole-scene attempts the shift of every object is scaled down in 8 steps to none (an
// unshifted scene always fits).
static double shift_scale(int attempt) {
  return attempt < SHIFT_FULL ? 1.0 : fmax(0.0, 1.0 - (attempt - SHIFT_FULL + 1) / 8.0);
}

// draw the arm's start (LIBERO's noise around its init pose), then place everything
static int sample_scene(placer_t* P, int init_id) {
  const bk_world_t* w = P->w;
  uint64_t key[3] = {bk_rng_hash(w->suite), (uint64_t)w->ref.id, (uint64_t)init_id};
  bk_rng_seed(&P->rng, key, 3);
  for (int i = 0; i < BK_ARM_NJ; i++) {
    const mjtNum* r = w->m->jnt_range + 2 * w->arm_jnt[i];
    double q = w->arm_init[i] + ARM_NOISE * bk_rng_normal(&P->rng);
    P->arm[i] = fmin(fmax(q, r[0]), r[1]);
  }
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    P->scale = shift_scale(attempt);
    reset_scene(w, P->d, P->arm);
    int rc = place_fixtures(P);
    if (!rc) rc = place_objects(P);
    if (rc == BK_EPLACE) continue;
    if (rc) return rc;
    mj_forward(w->m, P->d);
    if (bk_init_max_penetration(w->m, P->d) > MAX_PENETRATION) continue;
    return 0;
  }
  return bk_fail(P->err, P->err_sz, BK_EPLACE,
                 "%s task %d init %d: could not place the objects without collision",
                 w->suite, w->ref.id, init_id);
}

int bk_init_sample(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                   char* err, int err_sz) {
  if (w->init_state) return w->init_state(w, init_id, shift, d, err, err_sz);
  placer_t P = {.w = w, .d = d, .shift = shift, .err = err, .err_sz = err_sz};
  return sample_scene(&P, init_id);
}

int bk_init_state_traced(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                         bk_init_trace_t* trace, char* err, int err_sz) {
  if (trace) trace->nsteps = -1;
  if (w->init_state) return w->init_state(w, init_id, shift, d, err, err_sz);
  placer_t P = {.w = w, .d = d, .shift = shift, .err = err, .err_sz = err_sz};
  int rc = sample_scene(&P, init_id);
  if (rc) return rc;
  if (trace && trace->scene) mj_copyData(trace->scene, w->m, d);
  settle(w, d, P.arm, trace);
  return 0;
}

int bk_init_state(const bk_world_t* w, int init_id, const bk_shift_t* shift, mjData* d,
                  char* err, int err_sz) {
  return bk_init_state_traced(w, init_id, shift, d, NULL, err, err_sz);
}

#include "sim/predicate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

// entity owning body b, or -1 (arena / robot)
static int body_owner(const bk_world_t* w, int b) {
  const mjModel* m = w->m;
  for (; b > 0; b = m->body_parentid[b]) {
    for (int i = 0; i < w->nent; i++) {
      if (w->ent[i].body == b) return i;
    }
  }
  return -1;
}

int bk_pred_contact(const bk_world_t* w, const mjData* d, int ea, int eb) {
  const mjModel* m = w->m;
  for (int i = 0; i < d->ncon; i++) {
    const mjContact* c = d->contact + i;
    int g1 = c->geom1, g2 = c->geom2;
    if (w->geom_class[g1] == BK_CLASS_ROBOT || w->geom_class[g2] == BK_CLASS_ROBOT) continue;
    int o1 = body_owner(w, m->geom_bodyid[g1]), o2 = body_owner(w, m->geom_bodyid[g2]);
    if ((o1 == ea && o2 == eb) || (o1 == eb && o2 == ea)) return 1;
  }
  return 0;
}

// point p expressed in a site's frame lies inside its box (z lower bound lowered)
static int in_site_box(const mjModel* m, const mjData* d, int site, const mjtNum* p,
                       double zslack) {
  const mjtNum* c = d->site_xpos + 3 * site;
  const mjtNum* R = d->site_xmat + 9 * site;
  const mjtNum* h = m->site_size + 3 * site;
  double dx[3] = {p[0] - c[0], p[1] - c[1], p[2] - c[2]}, l[3];
  for (int i = 0; i < 3; i++) l[i] = R[i] * dx[0] + R[3 + i] * dx[1] + R[6 + i] * dx[2];
  return fabs(l[0]) <= h[0] && fabs(l[1]) <= h[1] && l[2] <= h[2] && l[2] >= -h[2] - zslack;
}

// the point In tests: LIBERO's object origins are their mesh centres (cans, bottles and
// cartons 4-7 cm above the bottom) while ours sit at the bottom, so use the centre of the
// object's collision box, carried from its body frame to the world
static void object_centre(const bk_world_t* w, const mjData* d, int e, double p[3]) {
  const bk_ent_t* ent = &w->ent[e];
  const mjtNum* x = d->xpos + 3 * ent->body;
  const mjtNum* R = d->xmat + 9 * ent->body;
  double c[3];
  for (int i = 0; i < 3; i++) c[i] = 0.5 * (ent->lo[i] + ent->hi[i]);
  for (int i = 0; i < 3; i++) {
    p[i] = x[i] + R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
  }
}

// On(a, b) for two objects
static int on_object(const bk_world_t* w, const mjData* d, int a, int b) {
  const mjtNum* pa = d->xpos + 3 * w->ent[a].body;
  const mjtNum* pb = d->xpos + 3 * w->ent[b].body;
  if (pb[2] > pa[2]) return 0;
  if (hypot(pa[0] - pb[0], pa[1] - pb[1]) >= BK_ON_XY_TOL) return 0;
  return bk_pred_contact(w, d, a, b);
}

// On(a, surface region): inside one of the region's rectangles and touching the arena
static int on_surface(const bk_world_t* w, const mjData* d, int a, const bk_region_t* r) {
  const mjtNum* p = d->xpos + 3 * w->ent[a].body;
  double x = p[0] - w->surface[0], y = p[1] - w->surface[1];
  for (int k = 0; k < r->nrange; k++) {
    const bk_rect_t* q = &r->range[k];
    if (x >= q->x0 && x <= q->x1 && y >= q->y0 && y <= q->y1) {
      return bk_pred_contact(w, d, a, -1);
    }
  }
  return 0;
}


// On / In with a region or object as the second argument
static int eval_place(const bk_world_t* w, const mjData* d, const bk_atom_t* a, char* err,
                      int err_sz) {
  int e = bk_world_entity(w, a->arg[0]);
  if (e < 0 || w->ent[e].fixture) {
    return bk_fail(err, err_sz, BK_ENOENT, "predicate on unknown object '%s'", a->arg[0]);
  }
  int b = bk_world_entity(w, a->arg[1]);
  if (b >= 0 && a->pred == BK_PRED_ON) return on_object(w, d, e, b);
  const bk_region_t* r = bk_world_surface_region(w, a->arg[1]);
  if (r) return on_surface(w, d, e, r);
  int site = mj_name2id(w->m, mjOBJ_SITE, a->arg[1]);
  if (site < 0) {
    return bk_fail(err, err_sz, BK_ENOENT, "predicate on unknown region '%s'", a->arg[1]);
  }
  double centre[3];
  object_centre(w, d, e, centre);
  if (a->pred == BK_PRED_IN) return in_site_box(w->m, d, site, centre, BK_IN_Z_SLACK);
  const mjtNum* p = d->xpos + 3 * w->ent[e].body;
  int owner = body_owner(w, w->m->site_bodyid[site]);
  return in_site_box(w->m, d, site, p, BK_IN_Z_SLACK + 0.05) && bk_pred_contact(w, d, e, owner);
}

// joint of a drawer region ("x_top_region" -> "x_top_drawer_joint") or a stove knob
static int state_joint(const bk_world_t* w, const bk_atom_t* a) {
  char jn[2 * BK_NAME_MAX + 16];
  snprintf(jn, sizeof jn, "%s", a->arg[0]);
  char* suffix = strstr(jn, "_region");
  if (suffix) {
    strcpy(suffix, "_drawer_joint");
  } else {
    snprintf(jn, sizeof jn, "%s_knob_joint", a->arg[0]);
  }
  return mj_name2id(w->m, mjOBJ_JOINT, jn);
}

int bk_pred_atom(const bk_world_t* w, const mjData* d, const bk_atom_t* a, char* err,
                 int err_sz) {
  if (a->pred == BK_PRED_ON || a->pred == BK_PRED_IN) return eval_place(w, d, a, err, err_sz);
  int j = state_joint(w, a);
  if (j < 0) {
    return bk_fail(err, err_sz, BK_ENOENT, "(%s %s): no such drawer or knob",
                   bk_task_predname(a->pred), a->arg[0]);
  }
  double q = d->qpos[w->m->jnt_qposadr[j]];
  switch (a->pred) {
    case BK_PRED_OPEN: return q < BK_DRAWER_OPEN;
    case BK_PRED_CLOSE: return q > BK_DRAWER_CLOSED;
    case BK_PRED_TURNON: return q > BK_KNOB_ON;
    default: return q <= BK_KNOB_ON;
  }
}

// recursive evaluation of goal node i
static int eval_node(const bk_world_t* w, const mjData* d, int i, char* err, int err_sz) {
  const bk_expr_t* x = &w->task.goal[i];
  if (x->op == BK_EXPR_ATOM) return bk_pred_atom(w, d, &x->atom, err, err_sz);
  if (x->op == BK_EXPR_NOT) {
    int v = x->nchild ? eval_node(w, d, x->child[0], err, err_sz) : 0;
    return v < 0 ? v : !v;
  }
  int is_and = x->op == BK_EXPR_AND;
  for (int k = 0; k < x->nchild; k++) {
    int v = eval_node(w, d, x->child[k], err, err_sz);
    if (v < 0) return v;
    if (is_and && !v) return 0;
    if (!is_and && v) return 1;
  }
  return is_and;
}

int bk_pred_goal(const bk_world_t* w, const mjData* d, char* err, int err_sz) {
  if (w->task.ngoal == 0) return 0;
  return eval_node(w, d, 0, err, err_sz);
}

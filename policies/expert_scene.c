#include "policies/expert_scene.h"

#include <math.h>
#include <string.h>

#include "core/err.h"

#define RIM_WIDTH 0.07        /* objects wider than this on both sides: rim grasp */
#define RIM_INSET 0.0095      /* grip-site radius: this far inside the outer rim */
#define RIM_TIP 0.02          /* pad tips this high above the bowl's bottom */
#define RIM_OPEN 0.045        /* finger opening for a rim grasp (0.05 pushed LIBERO's bowl) */
#define SIDE_MAX 0.07         /* widest span taken across */
#define TIP_FLOOR 0.005       /* pad tips this high above an object's bottom at least */
#define TIP_CLEAR 0.025       /* pad tips clear obstacles by this when moving over */
#define CARRY_CLEAR 0.025     /* the carried object clears obstacles by this */
#define CLEAR_CAP 0.012       /* clearance beyond this does not count in scores */
#define NRIM 16               /* rim directions tried */
#define SQUEEZE 0.004         /* commanded opening this far below the actual: squeezing */
#define YAW_ROOM 1.0          /* rad: joint 7's room a turn prefers to keep */
#define REACH_NEAR 0.45       /* m: rim grasps closer to the robot's base cost more */
#define ARM_BACK 0.15         /* m: wrist and forearm box reaches this far toward the base */
#define ARM_HALFW 0.065       /* m: ... this far either side and ahead of the hand's axis */
#define ARM_H 0.2             /* m: ... and this high above the hand box */
#define ARM_CAP 0.015         /* wrist clearance beyond this does not count in rim scores */
#define ARM_MIN 0.005         /* m: wrist clearance under this costs ARM_COST per metre short */
#define ARM_COST 3.0
#define RIM_REACH 0.703       /* m: rim grasps needing a longer stretch cost RIM_REACH_COST */
#define RIM_REACH_COST 3.0    /* per metre beyond (the elbow nears straight, 0.7194 m) */
#define MOVED 1e-4            /* m (and quaternion units): rescore grasps beyond this */

// ---------------------------------------------------------------- small geometry

static double wrap_pi(double a) {
  while (a > M_PI) a -= 2 * M_PI;
  while (a < -M_PI) a += 2 * M_PI;
  return a;
}

double bk_expert_yaw(const double R[9]) { return atan2(R[4], R[1]); }

void bk_expert_down_frame(double yaw, double R[9]) {
  double c = cos(yaw), s = sin(yaw);
  double f[9] = {-s, c, 0, c, s, 0, 0, 0, -1};
  memcpy(R, f, sizeof f);
}

// top height and horizontal half-extents of an oriented box
static double box_top(const bk_expert_box_t* b) {
  return b->c[2] + fabs(b->R[6]) * b->h[0] + fabs(b->R[7]) * b->h[1] + fabs(b->R[8]) * b->h[2];
}

// does segment a-b come within `margin` of the box's x-y footprint? The footprint is the
// box's own rectangle when it stands upright, its bounding rectangle otherwise; the
// segment is clipped against it (Liang-Barsky) in the rectangle's frame.
static int segment_hits(const bk_expert_box_t* b, const double a[2], const double e[2],
                        double margin) {
  double half[2], ux = 1, uy = 0;
  if (fabs(b->R[8]) > 0.999) {
    half[0] = b->h[0];
    half[1] = b->h[1];
    ux = b->R[0];
    uy = b->R[3];
  } else {
    bk_expert_box_half_xy(b, half);
  }
  double pa[2] = {ux * (a[0] - b->c[0]) + uy * (a[1] - b->c[1]),
                  -uy * (a[0] - b->c[0]) + ux * (a[1] - b->c[1])};
  double pe[2] = {ux * (e[0] - b->c[0]) + uy * (e[1] - b->c[1]),
                  -uy * (e[0] - b->c[0]) + ux * (e[1] - b->c[1])};
  double t0 = 0, t1 = 1;
  for (int i = 0; i < 2; i++) {
    double lo = -half[i] - margin, hi = half[i] + margin, dir = pe[i] - pa[i];
    if (fabs(dir) < 1e-12) {
      if (pa[i] < lo || pa[i] > hi) return 0;
      continue;
    }
    double ta = (lo - pa[i]) / dir, tb = (hi - pa[i]) / dir;
    if (ta > tb) {
      double t = ta;
      ta = tb;
      tb = t;
    }
    t0 = fmax(t0, ta);
    t1 = fmin(t1, tb);
    if (t0 > t1) return 0;
  }
  return 1;
}

// highest obstacle top near the segment a-b; `skip` is an entity left out (or -1)
static double corridor_top(const bk_expert_scene_t* s, const double a[2], const double b[2],
                           double margin, int skip, double floor_z) {
  double top = floor_z;
  for (int i = 0; i < s->nbox; i++) {
    if (s->box[i].ent == skip || !segment_hits(&s->box[i], a, b, margin)) continue;
    top = fmax(top, box_top(&s->box[i]));
  }
  return top;
}

// ---------------------------------------------------------------- reading the state

// the goal's atom: On(object, object) or In(object, site) under the root
static int read_goal(const bk_world_t* w, bk_expert_scene_t* s, int* place_ent,
                     int* place_site, char* err, int err_sz) {
  for (int i = 0; i < w->task.ngoal; i++) {
    const bk_expr_t* x = &w->task.goal[i];
    if (x->op != BK_EXPR_ATOM) continue;
    if (x->atom.pred != BK_PRED_ON && x->atom.pred != BK_PRED_IN) break;
    s->obj = bk_world_entity(w, x->atom.arg[0]);
    *place_ent = bk_world_entity(w, x->atom.arg[1]);
    *place_site = mj_name2id(w->m, mjOBJ_SITE, x->atom.arg[1]);
    if (s->obj >= 0 && !w->ent[s->obj].fixture && (*place_ent >= 0 || *place_site >= 0)) return 0;
    break;
  }
  return bk_fail(err, err_sz, BK_EINVAL, "expert: goal of %s is not On/In of an object",
                 w->ref.name);
}

// finger opening from the servos' commands: distance of each from its closed end
static double grip_command(const bk_world_t* w, const mjData* d) {
  double open = 0;
  for (int k = 0; k < w->ngrip_act; k++) {
    const mjtNum* r = w->m->actuator_ctrlrange + 2 * w->grip_act[k];
    double closed = fabs(r[0]) < fabs(r[1]) ? r[0] : r[1];
    open += fabs(d->ctrl[w->grip_act[k]] - closed);
  }
  return open;
}

static void read_eef(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s) {
  const mjModel* m = w->m;
  int hand = w->hand_body;
  s->hand_above = w->hand_above > 0 ? w->hand_above : BK_EXPERT_HAND_ABOVE;
  mjtNum v[6];
  memcpy(s->eef, d->site_xpos + 3 * w->grip_site, sizeof s->eef);
  mj_objectVelocity(m, d, mjOBJ_SITE, w->grip_site, v, 0);
  memcpy(s->eef_v, v + 3, sizeof s->eef_v);
  memcpy(s->hand_R, d->xmat + 9 * hand, sizeof s->hand_R);
  memcpy(s->hand_w, v, sizeof s->hand_w);
  s->grip_cmd = grip_command(w, d);
  s->grip_q = d->qpos[w->finger_qposadr[0]] - d->qpos[w->finger_qposadr[1]];
  // where the wrist (joint 6) is from the grip site, and the shoulder (joint 2)
  const mjtNum* a6 = d->xanchor + 3 * w->arm_jnt[5];
  for (int i = 0; i < 3; i++) s->wrist_off[i] = a6[i] - s->eef[i];
  memcpy(s->shoulder, d->xanchor + 3 * w->arm_jnt[1], sizeof s->shoulder);
}

// the arm's stretch (shoulder to wrist) with the grip site at g, the wrist offset as read
static double stretch_at(const bk_expert_scene_t* s, const double g[3]) {
  double r = 0;
  for (int i = 0; i < 3; i++) {
    double d = g[i] + s->wrist_off[i] - s->shoulder[i];
    r += d * d;
  }
  return sqrt(r);
}

static double stretch_now(const bk_expert_scene_t* s) { return stretch_at(s, s->eef); }

static int geom_entity(const bk_world_t* w, int g) {
  int root = w->m->body_rootid[w->m->geom_bodyid[g]];
  for (int e = 0; e < w->nent; e++) {
    if (w->ent[e].body == root) return e;
  }
  return -1;
}

// every entity's collision boxes except the object's
static void read_boxes(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s) {
  const mjModel* m = w->m;
  s->nbox = 0;
  for (int g = 0; g < m->ngeom && s->nbox < BK_EXPERT_MAX_BOX; g++) {
    int cls = w->geom_class[g];
    if (cls != BK_CLASS_OBJECT && cls != BK_CLASS_FIXTURE) continue;
    if (m->geom_type[g] != mjGEOM_BOX || !(m->geom_contype[g] | m->geom_conaffinity[g])) continue;
    int e = geom_entity(w, g);
    if (e < 0 || e == s->obj) continue;
    bk_expert_box_t* b = &s->box[s->nbox++];
    memcpy(b->c, d->geom_xpos + 3 * g, sizeof b->c);
    memcpy(b->R, d->geom_xmat + 9 * g, sizeof b->R);
    memcpy(b->h, m->geom_size + 3 * g, sizeof b->h);
    b->ent = e;
  }
}

// the object's box in the world: lowest and highest point, centre, horizontal radius
static void read_object(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s) {
  const bk_ent_t* e = &w->ent[s->obj];
  const mjtNum* p = d->xpos + 3 * e->body;
  const mjtNum* R = d->xmat + 9 * e->body;
  double corner[8][3];
  memcpy(s->obj_pos, p, sizeof s->obj_pos);
  s->obj_low = 1e9;
  s->obj_top = -1e9;
  for (int i = 0; i < 3; i++) s->obj_c[i] = 0;
  for (int k = 0; k < 8; k++) {
    double l[3] = {k & 1 ? e->hi[0] : e->lo[0], k & 2 ? e->hi[1] : e->lo[1],
                   k & 4 ? e->hi[2] : e->lo[2]};
    for (int i = 0; i < 3; i++) {
      corner[k][i] = p[i] + R[3 * i] * l[0] + R[3 * i + 1] * l[1] + R[3 * i + 2] * l[2];
      s->obj_c[i] += corner[k][i] / 8;
    }
    s->obj_low = fmin(s->obj_low, corner[k][2]);
    s->obj_top = fmax(s->obj_top, corner[k][2]);
  }
  s->obj_radius = 0;
  for (int k = 0; k < 8; k++) {
    double dx = corner[k][0] - s->obj_c[0], dy = corner[k][1] - s->obj_c[1];
    s->obj_radius = fmax(s->obj_radius, sqrt(dx * dx + dy * dy));
  }
}

// geom g hangs below finger body f
static int on_finger(const mjModel* m, int g, int f) {
  for (int b = m->geom_bodyid[g]; b > 0; b = m->body_parentid[b]) {
    if (b == f) return 1;
  }
  return 0;
}

// which finger pads touch the object
static void read_touch(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s) {
  const mjModel* m = w->m;
  int root = w->ent[s->obj].body;
  s->touch[0] = s->touch[1] = 0;
  for (int i = 0; i < d->ncon; i++) {
    int g1 = d->contact[i].geom1, g2 = d->contact[i].geom2;
    for (int k = 0; k < 2; k++) {
      // any collision geom of finger k (its pad, or robosuite's finger mesh)
      int other = on_finger(m, g1, w->finger_body[k]) ? g2
                  : (on_finger(m, g2, w->finger_body[k]) ? g1 : -1);
      if (other >= 0 && m->body_rootid[m->geom_bodyid[other]] == root) s->touch[k] = 1;
    }
  }
  int squeeze = s->grip_cmd <= s->grip_q - SQUEEZE || s->grip_cmd < 0.002;
  s->grasped = s->touch[0] && s->touch[1] && squeeze;
}

// how high the object's lowest point clears what lies between it and the target
static void carry_height(bk_expert_scene_t* s) {
  double top = corridor_top(s, s->obj_c, s->place_xy, s->obj_radius + 0.02, -1, s->place_z);
  s->carry_z = fmax(top + CARRY_CLEAR, s->place_z + 0.03);
}

// where the object goes and how high it is carried
static void read_place(const bk_world_t* w, const mjData* d, int place_ent, int place_site,
                       bk_expert_scene_t* s) {
  const mjModel* m = w->m;
  if (place_site >= 0) {
    const mjtNum* c = d->site_xpos + 3 * place_site;
    s->place_xy[0] = c[0];
    s->place_xy[1] = c[1];
    s->place_z = c[2] - m->site_size[3 * place_site + 2] + 0.02;
  } else {
    const mjtNum* c = d->xpos + 3 * w->ent[place_ent].body;
    s->place_xy[0] = c[0];
    s->place_xy[1] = c[1];
    s->place_z = c[2];
  }
  carry_height(s);
}

// ---------------------------------------------------------------- grasp candidates

typedef bk_expert_pose_t pose_t;
typedef bk_expert_cand_t cand_t;

// clearance of both pads and the hand, swept from sweep_z down to the pose
static double pose_clear(const bk_expert_scene_t* s, const pose_t* p, int skip) {
  double sweep = fmax(0, p->sweep_z - p->z), w = BK_EXPERT_PAD_HALFW;
  double zlo = -BK_EXPERT_TIP_BELOW, zhi = zlo + BK_EXPERT_PAD_LEN + sweep;
  double o = 0.5 * p->open, th = BK_EXPERT_PAD_THICK;
  double lo1[3] = {o, -w, zlo}, hi1[3] = {o + th, w, zhi};
  double lo2[3] = {-o - th, -w, zlo}, hi2[3] = {-o, w, zhi};
  double lo3[3] = {-BK_EXPERT_HAND_HALFLEN, -BK_EXPERT_HAND_HALFW, s->hand_above};
  double hi3[3] = {BK_EXPERT_HAND_HALFLEN, BK_EXPERT_HAND_HALFW,
                   s->hand_above + BK_EXPERT_HAND_H + sweep};
  double c = bk_expert_volume_clear(s, p, lo1, hi1, 0.01, skip);
  c = fmin(c, bk_expert_volume_clear(s, p, lo2, hi2, 0.01, skip));
  return fmin(c, bk_expert_volume_clear(s, p, lo3, hi3, 0.025, skip));
}

// clearance of the wrist and forearm above the hand: they lean back toward the robot's
// base from the flange, so a box from the hand's top up and back toward the base
static double arm_clear(const bk_world_t* w, const bk_expert_scene_t* s, const pose_t* p) {
  pose_t a = *p;
  a.yaw = atan2(w->base_pos[1] - p->o[1], w->base_pos[0] - p->o[0]);
  double z0 = s->hand_above + BK_EXPERT_HAND_H;
  double lo[3] = {-ARM_HALFW, -ARM_HALFW, z0}, hi[3] = {ARM_BACK, ARM_HALFW, z0 + ARM_H};
  return bk_expert_volume_clear(s, &a, lo, hi, 0.025, -1);
}

// the yaw among yaw + k pi (the fingers are symmetric) that joint 7 can reach with the
// least turn: turning the down-pointing hand by +a about world z turns joint 7 by about -a
static double pick_yaw(const bk_world_t* w, double q7, double yaw, double cur) {
  const mjtNum* r = w->m->jnt_range + 2 * w->arm_jnt[BK_ARM_NJ - 1];
  double best = yaw, best_cost = 1e9;
  for (int k = -1; k <= 1; k++) {
    double turn = wrap_pi(yaw + k * M_PI - cur), q = q7 - turn;
    double room = fmin(q - r[0], r[1] - q);
    // the other joints turn the hand too (q7 moved 1.4 rad per radian of yaw on LIBERO's
    // Panda): a turn ending near the limit gets there early and the choice flips mid-turn
    double cost = fabs(turn) + (room < YAW_ROOM ? 0.5 * (YAW_ROOM - room) : 0) +
                  (room < 0.3 ? 10 + (0.3 - room) : 0);
    if (cost < best_cost) {
      best_cost = cost;
      best = cur + turn;
    }
  }
  return best;
}

// local obstacle top around the object: where a vertical descent onto it starts
static double local_top(const bk_expert_scene_t* s) {
  double top = s->obj_top;
  for (int i = 0; i < s->nbox; i++) {
    if (segment_hits(&s->box[i], s->obj_c, s->obj_c, s->obj_radius + 0.05))
      top = fmax(top, box_top(&s->box[i]));
  }
  return top;
}

// rim grasps: one finger inside the wall, closing axis radial, NRIM directions
static int rim_candidates(const bk_world_t* w, const bk_expert_scene_t* s, double sweep_z,
                          int place_ent, cand_t* c) {
  double rx = w->base_pos[0] - s->obj_c[0], ry = w->base_pos[1] - s->obj_c[1];
  double rn = hypot(rx, ry) + 1e-9, r = s->obj_radius / M_SQRT2 - RIM_INSET;
  double tip = RIM_TIP + BK_EXPERT_TIP_BELOW;
  for (int k = 0; k < NRIM; k++) {
    double th = 2 * M_PI * k / NRIM, u[2] = {cos(th), sin(th)};
    pose_t p = {{s->obj_c[0] + r * u[0], s->obj_c[1] + r * u[1]}, th, s->obj_low + tip,
                RIM_OPEN, sweep_z};
    pose_t q = {{s->place_xy[0] + r * u[0], s->place_xy[1] + r * u[1]}, th, s->place_z + tip,
                RIM_OPEN, s->carry_z + tip};
    double cp = pose_clear(s, &p, -1), cq = pose_clear(s, &q, place_ent);
    double ca = arm_clear(w, s, &p), g[3] = {p.o[0], p.o[1], p.z};
    c[k].pose = p;
    c[k].clear = fmin(cp, cq);
    // near the base the arm folds to its joint limits: take the rim farther out there;
    // far out the elbow nears straight, where it flips backward and jams: take it nearer
    // unless the wrist would then meet a fixture
    double reach = hypot(p.o[0] - w->base_pos[0], p.o[1] - w->base_pos[1]);
    c[k].score = fmin(cp, CLEAR_CAP) + fmin(cq, CLEAR_CAP) + fmin(ca, ARM_CAP) +
                 0.003 * (u[0] * rx + u[1] * ry) / rn - 0.2 * fmax(0, REACH_NEAR - reach) -
                 RIM_REACH_COST * fmax(0, stretch_at(s, g) - RIM_REACH) -
                 ARM_COST * fmax(0, ARM_MIN - ca);
  }
  return NRIM;
}

// a side grasp's span: the object's horizontal extent along the closing axis
static double side_span(const bk_ent_t* e, const mjtNum* R, const int h[2], double yaw) {
  double width = 0;
  for (int k = 0; k < 2; k++) {
    double ax = atan2(R[3 + h[k]], R[h[k]]);
    width += fabs(cos(yaw - ax)) * (e->hi[h[k]] - e->lo[h[k]]);
  }
  return width;
}

// side grasps: across each narrow horizontal side, turned a little off it and moved a
// little along it (a neighbour may stand where the hand's long side would go)
static int side_candidates(const bk_world_t* w, const mjData* d, const bk_expert_scene_t* s,
                           double sweep_z, cand_t* c) {
  static const double turn[] = {0, 0.15, -0.15, 0.3, -0.3};
  static const double shift[] = {0, 1, -1};
  const bk_ent_t* e = &w->ent[s->obj];
  const mjtNum* R = d->xmat + 9 * e->body;
  int vert = 0, h[2], n = 0;
  for (int k = 1; k < 3; k++) {
    if (fabs(R[6 + k]) > fabs(R[6 + vert])) vert = k;
  }
  h[0] = vert == 0 ? 1 : 0;
  h[1] = vert == 2 ? 1 : 2;
  double z = fmax(s->obj_low + TIP_FLOOR + BK_EXPERT_TIP_BELOW,
                  s->obj_top - s->hand_above + 0.005);
  for (int i = 0; i < 2; i++) {
    double axis = atan2(R[3 + h[i]], R[h[i]]);
    double along = 0.5 * (e->hi[h[1 - i]] - e->lo[h[1 - i]]) - BK_EXPERT_PAD_HALFW - 0.005;
    double room = fmin(0.015, fmax(0, along)), ux = -sin(axis), uy = cos(axis);
    for (int j = 0; j < 5; j++) {
      double yaw = axis + turn[j], width = side_span(e, R, h, yaw);
      if (width > SIDE_MAX) continue;
      for (int k = 0; k < 3 && n < BK_EXPERT_MAX_CAND; k++) {
        double m = room * shift[k];
        if (k > 0 && room <= 0) break;
        pose_t p = {{s->obj_c[0] + m * ux, s->obj_c[1] + m * uy}, yaw, z, BK_EXPERT_OPEN_MAX,
                    sweep_z};
        c[n].pose = p;
        c[n].clear = pose_clear(s, &p, -1);
        c[n].score = fmin(c[n].clear, CLEAR_CAP) - 0.002 * width / SIDE_MAX -
                     0.01 * fabs(turn[j]) - 0.1 * fabs(m);
        n++;
      }
    }
  }
  return n;
}

// 1 when the object, the obstacles and the place are where the candidates were scored
static int scene_unmoved(const bk_expert_scene_t* s, const double pose[7]) {
  if (s->ncand < 0 || s->cand_nbox != s->nbox) return 0;
  for (int i = 0; i < 7; i++) {
    if (fabs(pose[i] - s->cand_at[i]) >= MOVED) return 0;
  }
  for (int b = 0; b < s->nbox; b++) {
    for (int i = 0; i < 3; i++) {
      if (fabs(s->box[b].c[i] - s->cand_box[b][i]) >= MOVED) return 0;
    }
  }
  return fabs(s->place_xy[0] - s->cand_place[0]) < MOVED &&
         fabs(s->place_xy[1] - s->cand_place[1]) < MOVED &&
         fabs(s->place_z - s->cand_place[2]) < MOVED;
}

// the candidates and their clearances; kept from the last read when asked and nothing
// has moved since (scoring is the expert's largest cost)
static void score_grasps(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s) {
  const mjtNum* q = d->xquat + 4 * w->ent[s->obj].body;
  double pose[7] = {s->obj_pos[0], s->obj_pos[1], s->obj_pos[2], q[0], q[1], q[2], q[3]};
  if (s->keep_candidates && scene_unmoved(s, pose)) return;
  memcpy(s->cand_at, pose, sizeof pose);
  s->cand_nbox = s->nbox;
  for (int b = 0; b < s->nbox; b++) memcpy(s->cand_box[b], s->box[b].c, sizeof s->cand_box[b]);
  s->cand_place[0] = s->place_xy[0];
  s->cand_place[1] = s->place_xy[1];
  s->cand_place[2] = s->place_z;
  s->sweep_z = local_top(s) + TIP_CLEAR + BK_EXPERT_TIP_BELOW;
  s->ncand = s->rim ? rim_candidates(w, s, s->sweep_z, s->place_ent, s->cand)
                    : side_candidates(w, d, s, s->sweep_z, s->cand);
}

// the grasp to make: the candidate the hand is already lined up with when it is low over
// the object, otherwise the best score; q7 is joint 7's angle
static void choose_grasp(const bk_world_t* w, double q7, bk_expert_scene_t* s) {
  const cand_t* c = s->cand;
  double cur = bk_expert_yaw(s->hand_R), sweep_z = s->sweep_z;
  double yaw[BK_EXPERT_MAX_CAND], held_d = 1e9;
  int best = -1, held = -1;
  for (int k = 0; k < s->ncand; k++) {
    yaw[k] = pick_yaw(w, q7, c[k].pose.yaw, cur);
    // fingers already around the object, lined up with this one: keep it
    double dxy = hypot(c[k].pose.o[0] - s->eef[0], c[k].pose.o[1] - s->eef[1]);
    double dd = dxy + 0.05 * fabs(wrap_pi(yaw[k] - cur));
    if (s->eef[2] < c[k].pose.z + 0.03 && dxy < 0.012 && fabs(wrap_pi(yaw[k] - cur)) < 0.15 &&
        c[k].clear > 0.003 && dd < held_d) {
      held = k;
      held_d = dd;
    }
    if (best < 0 || c[k].score > c[best].score + 1e-9) best = k;
  }
  if (held >= 0) best = held;
  s->grasp_open = BK_EXPERT_OPEN_MAX;
  s->hover_z = sweep_z;
  if (best < 0) {  // too wide every way: hover over its centre
    double g[3] = {s->obj_c[0], s->obj_c[1], s->obj_top + TIP_CLEAR + BK_EXPERT_TIP_BELOW};
    memcpy(s->grasp, g, sizeof g);
    s->grasp_yaw = cur;
    s->grasp_clear = -1;
    return;
  }
  double g[3] = {c[best].pose.o[0], c[best].pose.o[1], c[best].pose.z};
  memcpy(s->grasp, g, sizeof g);
  s->grasp_yaw = yaw[best];
  s->grasp_open = c[best].pose.open;
  s->grasp_clear = c[best].clear;
  // moving over: clear everything between the hand and the object
  double top = corridor_top(s, s->eef, s->obj_c, 0.06, -1, s->obj_top);
  s->hover_z = fmax(sweep_z, fmax(top + TIP_CLEAR + BK_EXPERT_TIP_BELOW, s->grasp[2] + 0.05));
}

int bk_expert_scene_read(const bk_world_t* w, const mjData* d, bk_expert_scene_t* s,
                         char* err, int err_sz) {
  int place_site = -1;
  s->place_ent = -1;
  int rc = read_goal(w, s, &s->place_ent, &place_site, err, err_sz);
  if (rc) return rc;
  read_eef(w, d, s);
  s->reach = stretch_now(s);
  read_object(w, d, s);
  read_boxes(w, d, s);
  read_touch(w, d, s);
  read_place(w, d, s->place_ent, place_site, s);
  const bk_ent_t* e = &w->ent[s->obj];
  double wx = e->hi[0] - e->lo[0], wy = e->hi[1] - e->lo[1];
  s->rim = fmin(wx, wy) > RIM_WIDTH;
  if (!s->grasped) {
    score_grasps(w, d, s);
    choose_grasp(w, d->qpos[w->arm_qposadr[BK_ARM_NJ - 1]], s);
  }
  return 0;
}

void bk_expert_scene_update(const bk_world_t* w, bk_expert_scene_t* s, double q7) {
  s->reach = stretch_now(s);
  if (s->grasped) carry_height(s);
  else if (s->ncand >= 0) choose_grasp(w, q7, s);
}

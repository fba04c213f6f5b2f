/* bk_expert_volume_clear (policies/expert_scene.h): the clearance of a volume of the
 * hand's frame, the smallest signed distance from a grid of its points to the scene's
 * obstacle boxes; the search prunes with lower bounds and gives the minimum over every
 * obstacle within reach and every grid point, bit for bit. */
#include <math.h>
#include <string.h>

#include <mujoco/mujoco.h>

#include "policies/expert_scene.h"

#define GRID_MAX 64              /* grid points per axis searched with bounds */
#define LEAF 4                   /* regions of at most this many grid points are searched whole */
#define STACK 64                 /* pending regions of the branch and bound (depth ~20 at most) */

typedef bk_expert_pose_t pose_t;

void bk_expert_box_half_xy(const bk_expert_box_t* b, double e[2]) {
  for (int i = 0; i < 2; i++) {
    e[i] = fabs(b->R[3 * i]) * b->h[0] + fabs(b->R[3 * i + 1]) * b->h[1] +
           fabs(b->R[3 * i + 2]) * b->h[2];
  }
}

// signed distance from point p to box b (negative inside)
static double box_dist(const bk_expert_box_t* b, const double p[3]) {
  double out = 0, in = -1e9;
  for (int k = 0; k < 3; k++) {
    double l = 0;
    for (int i = 0; i < 3; i++) l += b->R[3 * i + k] * (p[i] - b->c[i]);
    double q = fabs(l) - b->h[k];
    if (q > 0) out += q * q;
    if (q > in) in = q;
  }
  return out > 0 ? sqrt(out) : in;
}

// every grid point of a volume against one obstacle (grids of one point or more than
// GRID_MAX along an axis)
static double grid_clear_all(const bk_expert_box_t* bx, const pose_t* p, const double u[2],
                             const double t[2], const double lo[3], const double hi[3],
                             const int n[3], double best) {
  for (int i = 0; i < n[0]; i++) {
    double a = lo[0] + (hi[0] - lo[0]) * i / (n[0] - 1);
    for (int j = 0; j < n[1]; j++) {
      double c = lo[1] + (hi[1] - lo[1]) * j / (n[1] - 1);
      for (int k = 0; k < n[2]; k++) {
        double q[3] = {p->o[0] + a * u[0] + c * t[0], p->o[1] + a * u[1] + c * t[1],
                       p->z + lo[2] + (hi[2] - lo[2]) * k / (n[2] - 1)};
        best = fmin(best, box_dist(bx, q));
      }
    }
  }
  return best;
}

// a volume's grid: coordinates along the hand's closing axis (a), across it (c) and the
// heights (z, absolute), each exactly as the points' own expressions give them
typedef struct {
  int n[3];
  double a[GRID_MAX], c[GRID_MAX], z[GRID_MAX];
} grid_t;

// the grid in an obstacle's frame: point (i, j, k) lies at about l0 + i da + j dc + k dz
// (for bounds: the points' own coordinates differ by rounding, far below the margin)
typedef struct {
  double l0[3], da[3], dc[3], dz[3];
} lattice_t;

static void lattice(const bk_expert_box_t* bx, const pose_t* p, const double u[2],
                    const double t[2], const grid_t* g, lattice_t* L) {
  const int* n = g->n;
  double x = p->o[0] + g->a[0] * u[0] + g->c[0] * t[0] - bx->c[0];
  double y = p->o[1] + g->a[0] * u[1] + g->c[0] * t[1] - bx->c[1];
  double z = g->z[0] - bx->c[2];
  double sa = (g->a[n[0] - 1] - g->a[0]) / (n[0] - 1), sc = (g->c[n[1] - 1] - g->c[0]) / (n[1] - 1);
  double sz = (g->z[n[2] - 1] - g->z[0]) / (n[2] - 1);
  const double* R = bx->R;
  for (int k = 0; k < 3; k++) {
    L->l0[k] = R[k] * x + R[3 + k] * y + R[6 + k] * z;
    L->da[k] = (R[k] * u[0] + R[3 + k] * u[1]) * sa;
    L->dc[k] = (R[k] * t[0] + R[3 + k] * t[1]) * sc;
    L->dz[k] = R[6 + k] * sz;
  }
}

// lower bound of the signed box distance over the grid points of index region r
// ([r0, r1] x [r2, r3] x [r4, r5]): on each box axis the region's coordinates lie within
// e of its centre's c, so |l| >= |c| - e there, and the distance grows with every axis's
// excess |l| - h
static double region_bound(const bk_expert_box_t* bx, const lattice_t* L, const int r[6]) {
  double mi = 0.5 * (r[0] + r[1]), mj = 0.5 * (r[2] + r[3]), mk = 0.5 * (r[4] + r[5]);
  double hi = 0.5 * (r[1] - r[0]), hj = 0.5 * (r[3] - r[2]), hk = 0.5 * (r[5] - r[4]);
  double out = 0, in = -1e9;
  for (int k = 0; k < 3; k++) {
    double c = L->l0[k] + mi * L->da[k] + mj * L->dc[k] + mk * L->dz[k];
    double e = hi * fabs(L->da[k]) + hj * fabs(L->dc[k]) + hk * fabs(L->dz[k]);
    double q = fmax(0, fabs(c) - e) - bx->h[k];
    if (q > 0) out += q * q;
    if (q > in) in = q;
  }
  return out > 0 ? sqrt(out) : in;
}

// every grid point of region r against one obstacle, coordinates as the points' own
static double region_clear(const bk_expert_box_t* bx, const pose_t* p, const double u[2],
                           const double t[2], const grid_t* g, const int r[6], double best) {
  for (int i = r[0]; i <= r[1]; i++) {
    for (int j = r[2]; j <= r[3]; j++) {
      double xy[2] = {p->o[0] + g->a[i] * u[0] + g->c[j] * t[0],
                      p->o[1] + g->a[i] * u[1] + g->c[j] * t[1]};
      for (int k = r[4]; k <= r[5]; k++) {
        double q[3] = {xy[0], xy[1], g->z[k]};
        best = fmin(best, box_dist(bx, q));
      }
    }
  }
  return best;
}

// the smallest distance of one obstacle to the grid points of a volume, branch and bound:
// index regions are halved along their longest side, the nearer half searched first, and
// a region whose bound exceeds the minimum so far by more than the margin is dropped (it
// has no point nearer than the minimum: the same result as every point)
static double grid_clear(const bk_expert_box_t* bx, const pose_t* p, const double u[2],
                         const double t[2], const grid_t* g, double best) {
  lattice_t L;
  lattice(bx, p, u, t, g, &L);
  double len[3] = {mju_norm3(L.da), mju_norm3(L.dc), mju_norm3(L.dz)};
  int stack[STACK][6], top = 0;
  double sb[STACK];
  int whole[6] = {0, g->n[0] - 1, 0, g->n[1] - 1, 0, g->n[2] - 1};
  memcpy(stack[0], whole, sizeof whole);
  sb[top++] = region_bound(bx, &L, whole);
  while (top > 0) {
    int r[6];
    top--;
    if (sb[top] > best + 1e-9) continue;
    memcpy(r, stack[top], sizeof r);
    int size[3] = {r[1] - r[0], r[3] - r[2], r[5] - r[4]}, ax = 0;
    if ((size[0] + 1) * (size[1] + 1) * (size[2] + 1) <= LEAF || top + 2 > STACK) {
      best = region_clear(bx, p, u, t, g, r, best);
      continue;
    }
    for (int k = 1; k < 3; k++) {
      if (size[k] * len[k] > size[ax] * len[ax]) ax = k;
    }
    int lo[6], hi[6], mid = (r[2 * ax] + r[2 * ax + 1]) / 2;
    memcpy(lo, r, sizeof r);
    memcpy(hi, r, sizeof r);
    lo[2 * ax + 1] = mid;
    hi[2 * ax] = mid + 1;
    double blo = region_bound(bx, &L, lo), bhi = region_bound(bx, &L, hi);
    int near_lo = blo <= bhi;  // pushed last: searched first
    memcpy(stack[top], near_lo ? hi : lo, sizeof lo);
    sb[top++] = near_lo ? bhi : blo;
    memcpy(stack[top], near_lo ? lo : hi, sizeof lo);
    sb[top++] = near_lo ? blo : bhi;
  }
  return best;
}

// the largest gap between an obstacle and a volume (centre mid, half-extents ext along
// u, t and z) along the obstacle's and the volume's axes: no point of the volume is
// nearer the obstacle than a gap along any axis (<= 0 where they overlap on every axis)
static double axes_gap(const bk_expert_box_t* bx, const double mid[3], const double u[2],
                       const double t[2], const double ext[3]) {
  double axis[6][3] = {{bx->R[0], bx->R[3], bx->R[6]}, {bx->R[1], bx->R[4], bx->R[7]},
                       {bx->R[2], bx->R[5], bx->R[8]}, {u[0], u[1], 0}, {t[0], t[1], 0},
                       {0, 0, 1}};
  double gap = -1e9;
  for (int k = 0; k < 6; k++) {
    const double* a = axis[k];
    double dc = a[0] * (mid[0] - bx->c[0]) + a[1] * (mid[1] - bx->c[1]) +
                a[2] * (mid[2] - bx->c[2]);
    double rb = 0;
    for (int j = 0; j < 3; j++) {
      rb += bx->h[j] * fabs(a[0] * bx->R[j] + a[1] * bx->R[3 + j] + a[2] * bx->R[6 + j]);
    }
    double rv = ext[0] * fabs(a[0] * u[0] + a[1] * u[1]) +
                ext[1] * fabs(a[0] * t[0] + a[1] * t[1]) + ext[2] * fabs(a[2]);
    gap = fmax(gap, fabs(dc) - rb - rv);
  }
  return gap;
}

// smallest distance from the points of a box (in the hand's frame) to the obstacles:
// the minimum over a grid of `step` spacing and every obstacle within reach (1 when none
// is nearer). The signed box distance is 1-Lipschitz, so an obstacle's distance from the
// volume's centre less the volume's half-diagonal bounds all its grid distances from
// below, and so does the gap between the two boxes along any axis: obstacles are visited
// nearest bound first and the rest skipped once their bound exceeds the minimum so far
// (they cannot lower it: the same minimum as visiting all)
double bk_expert_volume_clear(const bk_expert_scene_t* s, const pose_t* p, const double lo[3],
                              const double hi[3], double step, int skip) {
  double u[2] = {cos(p->yaw), sin(p->yaw)}, t[2] = {-u[1], u[0]};
  grid_t g;
  int* n = g.n;
  for (int k = 0; k < 3; k++) n[k] = 1 + (int)ceil((hi[k] - lo[k]) / step);
  int all = 0;
  for (int k = 0; k < 3; k++) all |= n[k] < 2 || n[k] > GRID_MAX;
  for (int i = 0; !all && i < n[0]; i++) g.a[i] = lo[0] + (hi[0] - lo[0]) * i / (n[0] - 1);
  for (int j = 0; !all && j < n[1]; j++) g.c[j] = lo[1] + (hi[1] - lo[1]) * j / (n[1] - 1);
  for (int k = 0; !all && k < n[2]; k++) g.z[k] = p->z + lo[2] + (hi[2] - lo[2]) * k / (n[2] - 1);
  double ma = 0.5 * (lo[0] + hi[0]), mc = 0.5 * (lo[1] + hi[1]);
  double mid[3] = {p->o[0] + ma * u[0] + mc * t[0], p->o[1] + ma * u[1] + mc * t[1],
                   p->z + 0.5 * (lo[2] + hi[2])};
  double rv = 0.5 * sqrt((hi[0] - lo[0]) * (hi[0] - lo[0]) + (hi[1] - lo[1]) * (hi[1] - lo[1]) +
                         (hi[2] - lo[2]) * (hi[2] - lo[2]));
  double ext[3] = {0.5 * (hi[0] - lo[0]), 0.5 * (hi[1] - lo[1]), 0.5 * (hi[2] - lo[2])};
  double bound[BK_EXPERT_MAX_BOX];
  int order[BK_EXPERT_MAX_BOX], nb = 0;
  for (int b = 0; b < s->nbox; b++) {
    const bk_expert_box_t* bx = &s->box[b];
    if (bx->ent == skip) continue;
    double half[2];
    bk_expert_box_half_xy(bx, half);
    double reach = hypot(half[0], half[1]) + 0.25;
    if (fabs(bx->c[0] - p->o[0]) > reach || fabs(bx->c[1] - p->o[1]) > reach) continue;
    double lb = fmax(box_dist(bx, mid) - rv, axes_gap(bx, mid, u, t, ext));
    int i = nb++;
    for (; i > 0 && bound[i - 1] > lb; i--) {  // insertion: ascending bounds, stable
      bound[i] = bound[i - 1];
      order[i] = order[i - 1];
    }
    bound[i] = lb;
    order[i] = b;
  }
  double best = 1.0;
  // the margin covers rounding in the bound (grid points and the centre are computed
  // separately): far above it, far below any clearance that matters
  for (int i = 0; i < nb && bound[i] <= best + 1e-9; i++) {
    const bk_expert_box_t* bx = &s->box[order[i]];
    best = all ? grid_clear_all(bx, p, u, t, lo, hi, n, best) : grid_clear(bx, p, u, t, &g, best);
  }
  return best;
}


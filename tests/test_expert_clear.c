/* the expert's clearance of a swept volume: the pruned search gives the minimum over
 * every obstacle and grid point (an independent brute force, on random scenes) */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "policies/expert_scene.h"

static bk_expert_scene_t scene;  // large: not on the stack

// uniform in [lo, hi) from a small LCG (fixed seeds: the same scenes every run)
static double uni(unsigned long* st, double lo, double hi) {
  *st = *st * 6364136223846793005UL + 1442695040888963407UL;
  return lo + (hi - lo) * (double)(*st >> 11) / 9007199254740992.0;
}

// a random rotation matrix (row-major, world from box) from a random unit quaternion
static void random_rot(unsigned long* st, double R[9]) {
  double q[4], n = 0;
  for (int i = 0; i < 4; i++) {
    q[i] = uni(st, -1, 1);
    n += q[i] * q[i];
  }
  n = sqrt(n);
  double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
  double M[9] = {1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                 2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                 2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
  memcpy(R, M, sizeof M);
}

// signed distance point-box: outside the distance to the clamped point, inside minus the
// distance to the nearest face
static double ref_dist(const bk_expert_box_t* b, const double p[3]) {
  double l[3], out = 0, in = -INFINITY;
  for (int k = 0; k < 3; k++) {
    l[k] = 0;
    for (int i = 0; i < 3; i++) l[k] += b->R[3 * i + k] * (p[i] - b->c[i]);
    double cl = fmax(-b->h[k], fmin(b->h[k], l[k]));
    out += (l[k] - cl) * (l[k] - cl);
    in = fmax(in, fabs(l[k]) - b->h[k]);
  }
  return out > 0 ? sqrt(out) : in;
}

// every obstacle within the search's reach, every grid point
static double brute(const bk_expert_scene_t* s, const bk_expert_pose_t* p, const double lo[3],
                    const double hi[3], double step, int skip) {
  double best = 1.0, u[2] = {cos(p->yaw), sin(p->yaw)};
  int n[3];
  for (int k = 0; k < 3; k++) n[k] = 1 + (int)ceil((hi[k] - lo[k]) / step);
  for (int b = 0; b < s->nbox; b++) {
    const bk_expert_box_t* bx = &s->box[b];
    double hx = 0, hy = 0;
    for (int k = 0; k < 3; k++) {
      hx += fabs(bx->R[k]) * bx->h[k];
      hy += fabs(bx->R[3 + k]) * bx->h[k];
    }
    double reach = sqrt(hx * hx + hy * hy) + 0.25;
    if (bx->ent == skip || fabs(bx->c[0] - p->o[0]) > reach || fabs(bx->c[1] - p->o[1]) > reach)
      continue;
    for (int i = 0; i < n[0]; i++) {
      for (int j = 0; j < n[1]; j++) {
        for (int k = 0; k < n[2]; k++) {
          double a = lo[0] + (hi[0] - lo[0]) * i / (n[0] - 1);
          double c = lo[1] + (hi[1] - lo[1]) * j / (n[1] - 1);
          double q[3] = {p->o[0] + a * u[0] - c * u[1], p->o[1] + a * u[1] + c * u[0],
                         p->z + lo[2] + (hi[2] - lo[2]) * k / (n[2] - 1)};
          best = fmin(best, ref_dist(bx, q));
        }
      }
    }
  }
  return best;
}

static void random_scene(unsigned long* st, int nbox, double spread) {
  memset(&scene, 0, sizeof scene);
  scene.nbox = nbox;
  for (int b = 0; b < nbox; b++) {
    bk_expert_box_t* bx = &scene.box[b];
    for (int i = 0; i < 3; i++) {
      bx->c[i] = uni(st, -spread, spread);
      bx->h[i] = uni(st, 0.002, 0.06);
    }
    random_rot(st, bx->R);
    bx->ent = b % 7;
  }
}

Test(expert_clear, pruned_search_is_the_brute_force_minimum) {
  unsigned long st = 12345;
  int near = 0, far = 0, inside = 0;
  for (int trial = 0; trial < 400; trial++) {
    random_scene(&st, 1 + trial % 120, trial % 2 ? 0.3 : 1.0);
    bk_expert_pose_t p = {{uni(&st, -0.2, 0.2), uni(&st, -0.2, 0.2)}, uni(&st, -M_PI, M_PI),
                          uni(&st, -0.1, 0.1), 0.05, 0};
    double lo[3], hi[3];
    for (int k = 0; k < 3; k++) {
      lo[k] = uni(&st, -0.1, 0.0);
      hi[k] = lo[k] + uni(&st, 0.005, 0.2);
    }
    double step = trial % 3 ? 0.01 : 0.025;
    int skip = trial % 4 ? -1 : trial % 7;
    double got = bk_expert_volume_clear(&scene, &p, lo, hi, step, skip);
    double want = brute(&scene, &p, lo, hi, step, skip);
    cr_assert(fabs(got - want) <= 1e-12, "trial %d: %.17g, brute force %.17g", trial, got, want);
    near += want < 0.05 && want >= 0;
    inside += want < 0;
    far += want == 1.0;
  }
  // the scenes cover overlaps, near misses and empty surroundings
  cr_expect_gt(near, 20, "near: %d", near);
  cr_expect_gt(inside, 20, "inside: %d", inside);
  cr_expect_gt(far, 5, "far: %d", far);
}

Test(expert_clear, nothing_within_reach_is_clear_by_one_metre) {
  unsigned long st = 7;
  random_scene(&st, 10, 0.01);
  for (int b = 0; b < 10; b++) scene.box[b].c[0] += 5;  // all far along x
  bk_expert_pose_t p = {{0, 0}, 0.3, 0, 0.05, 0};
  double lo[3] = {-0.01, -0.01, 0}, hi[3] = {0.01, 0.01, 0.05};
  cr_assert_eq(bk_expert_volume_clear(&scene, &p, lo, hi, 0.01, -1), 1.0);
}

Test(expert_clear, a_box_around_the_volume_gives_minus_its_depth) {
  // one axis-aligned box of half-size 0.1 at the origin; the volume's grid at yaw 0 is
  // x 0.01 .. 0.03, y -0.01 .. 0.01, z 0 .. 0.01: its deepest point (0.01, 0, 0) is 0.09
  // inside the nearest face
  memset(&scene, 0, sizeof scene);
  scene.nbox = 1;
  bk_expert_box_t* bx = &scene.box[0];
  double I[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  memcpy(bx->R, I, sizeof I);
  bx->h[0] = bx->h[1] = bx->h[2] = 0.1;
  bk_expert_pose_t p = {{0, 0}, 0, 0, 0.05, 0};
  double lo[3] = {0.01, -0.01, 0}, hi[3] = {0.03, 0.01, 0.01};
  cr_assert_float_eq(bk_expert_volume_clear(&scene, &p, lo, hi, 0.01, -1), -0.09, 1e-12);
}

// the module's own signed distance, operation for operation (outside: the root of the
// summed squared excesses; inside: the largest excess)
static double same_dist(const bk_expert_box_t* b, const double p[3]) {
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

// every obstacle within reach, every grid point, the points' coordinates computed as the
// search computes them: the search's result must be these very bits
static double every_point(const bk_expert_scene_t* s, const bk_expert_pose_t* p,
                          const double lo[3], const double hi[3], double step, int skip) {
  double best = 1.0, u[2] = {cos(p->yaw), sin(p->yaw)}, t[2] = {-u[1], u[0]};
  int n[3];
  for (int k = 0; k < 3; k++) n[k] = 1 + (int)ceil((hi[k] - lo[k]) / step);
  for (int b = 0; b < s->nbox; b++) {
    const bk_expert_box_t* bx = &s->box[b];
    double e[2];
    bk_expert_box_half_xy(bx, e);
    double reach = hypot(e[0], e[1]) + 0.25;
    if (bx->ent == skip || fabs(bx->c[0] - p->o[0]) > reach || fabs(bx->c[1] - p->o[1]) > reach)
      continue;
    for (int i = 0; i < n[0]; i++) {
      double a = lo[0] + (hi[0] - lo[0]) * i / (n[0] - 1);
      for (int j = 0; j < n[1]; j++) {
        double c = lo[1] + (hi[1] - lo[1]) * j / (n[1] - 1);
        for (int k = 0; k < n[2]; k++) {
          double q[3] = {p->o[0] + a * u[0] + c * t[0], p->o[1] + a * u[1] + c * t[1],
                         p->z + lo[2] + (hi[2] - lo[2]) * k / (n[2] - 1)};
          best = fmin(best, same_dist(bx, q));
        }
      }
    }
  }
  return best;
}

Test(expert_clear, pruned_search_gives_every_points_minimum_bit_for_bit) {
  unsigned long st = 4242;
  int pruned_grids = 0, long_grids = 0;
  for (int trial = 0; trial < 600; trial++) {
    random_scene(&st, 1 + trial % 60, trial % 3 ? 0.25 : 0.8);
    bk_expert_pose_t p = {{uni(&st, -0.15, 0.15), uni(&st, -0.15, 0.15)}, uni(&st, -M_PI, M_PI),
                          uni(&st, -0.1, 0.1), 0.05, 0};
    double lo[3], hi[3], step = trial % 2 ? 0.01 : 0.025;
    for (int k = 0; k < 3; k++) {
      lo[k] = uni(&st, -0.12, 0.0);
      // now and then a column longer than the bounded search takes (the plain loop)
      hi[k] = lo[k] + (trial % 17 == 1 && k == 2 ? uni(&st, 0.65, 0.8) : uni(&st, 0.005, 0.2));
    }
    int skip = trial % 4 ? -1 : trial % 7;
    double got = bk_expert_volume_clear(&scene, &p, lo, hi, step, skip);
    double want = every_point(&scene, &p, lo, hi, step, skip);
    cr_assert(memcmp(&got, &want, sizeof got) == 0, "trial %d: %.17g, every point %.17g", trial,
              got, want);
    pruned_grids += (hi[2] - lo[2]) / step < 60;
    long_grids += (hi[2] - lo[2]) / step > 64;
  }
  cr_expect_gt(pruned_grids, 400);
  cr_expect_gt(long_grids, 15);
}

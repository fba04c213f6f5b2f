/* the built-in init states spread like LIBERO's own: per task, the x-y spread of each
 * object over the 50 sampled states (before settling, as LIBERO's init files store them)
 * within a factor 1.5 of the same object's spread in LIBERO's init file
 * (tests/py/libero_init_spread.py reads them, objects in the task file's order); spreads
 * under 2 mm count as 2 mm. An object In a drawer is left out: LIBERO's file holds it
 * above the table (z 1.15 m in libero_spatial task 4), not in the drawer. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/initstate.h"
#include "sim/world.h"

#define FLOOR 0.002
#define FACTOR 1.5

static char err[1024];

// 1 when the task's init puts object `name` In a fixture's region (a drawer)
static int in_drawer(const bk_world_t* w, const char* name) {
  for (int i = 0; i < w->task.ninit; i++) {
    const bk_atom_t* a = &w->task.init[i];
    if (a->pred == BK_PRED_IN && strcmp(a->arg[0], name) == 0) return 1;
  }
  return 0;
}

// spreads of the task's objects (task file order) over the 50 sampled states
static int our_spreads(const bk_world_t* w, double* out) {
  double sx[BK_TASK_MAX_ENTITIES] = {0}, sy[BK_TASK_MAX_ENTITIES] = {0};
  double sxx[BK_TASK_MAX_ENTITIES] = {0}, syy[BK_TASK_MAX_ENTITIES] = {0};
  int n = w->task.nobject;
  mjData* d = mj_makeData(w->m);
  for (int i = 0; i < BK_NINIT; i++) {
    cr_assert_eq(bk_init_sample(w, i, NULL, d, err, sizeof err), 0, "%s", err);
    for (int k = 0; k < n; k++) {
      int e = bk_world_entity(w, w->task.object[k].name);
      cr_assert(e >= 0 && !w->ent[e].fixture, "%s", w->task.object[k].name);
      const mjtNum* q = d->qpos + w->ent[e].qposadr;
      sx[k] += q[0], sy[k] += q[1], sxx[k] += q[0] * q[0], syy[k] += q[1] * q[1];
    }
  }
  mj_deleteData(d);
  for (int k = 0; k < n; k++) {
    double mx = sx[k] / BK_NINIT, my = sy[k] / BK_NINIT;
    double vx = fmax(0, sxx[k] / BK_NINIT - mx * mx), vy = fmax(0, syy[k] / BK_NINIT - my * my);
    out[k] = sqrt(vx + vy);
  }
  return n;
}

// LIBERO's spreads of the same task
static int libero_spreads(const char* suite, const char* name, int nobj, double* out) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 %s/tests/py/libero_init_spread.py "
           "%s/libero/LIBERO/libero/libero/init_files/%s/%s.pruned_init %d",
           BOKBO_SOURCE_DIR, BOKBO_SHARED_DIR, suite, name, nobj);
  FILE* p = popen(cmd, "r");
  cr_assert_not_null(p, "%s", cmd);
  int n = 0;
  while (n < BK_WORLD_MAX_ENT && fscanf(p, "%lf", &out[n]) == 1) n++;
  cr_assert_eq(pclose(p), 0, "%s failed", cmd);
  return n;
}

static void spreads_match(const char* suite) {
  for (int t = 0; t < BK_SUITE_NTASK; t++) {
    bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", suite, t, err, sizeof err);
    cr_assert_not_null(w, "%s", err);
    double ours[BK_WORLD_MAX_ENT], theirs[BK_WORLD_MAX_ENT];
    int n = our_spreads(w, ours);
    int m = libero_spreads(suite, w->ref.name, n, theirs);
    cr_assert_eq(n, m, "%s task %d: %d objects, LIBERO %d", suite, t, n, m);
    for (int k = 0; k < n; k++) {
      const char* name = w->task.object[k].name;
      if (in_drawer(w, name)) continue;
      double a = fmax(ours[k], FLOOR), b = fmax(theirs[k], FLOOR);
      cr_expect(a <= FACTOR * b && b <= FACTOR * a, "%s task %d, %s: spread %.4f m, LIBERO %.4f m",
                suite, t, name, ours[k], theirs[k]);
    }
    bk_world_free(w);
  }
}

Test(initspread, libero_object_spreads_match_liberos_init_files, .timeout = 600) {
  spreads_match("libero_object");
}

Test(initspread, libero_spatial_spreads_match_liberos_init_files, .timeout = 600) {
  spreads_match("libero_spatial");
}

Test(initspread, arm_starts_with_liberos_noise) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 0, err,
                                  sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  double s[BK_ARM_NJ] = {0}, ss[BK_ARM_NJ] = {0};
  for (int i = 0; i < BK_NINIT; i++) {
    cr_assert_eq(bk_init_sample(w, i, NULL, d, err, sizeof err), 0, "%s", err);
    for (int j = 0; j < BK_ARM_NJ; j++) {
      double e = d->qpos[w->arm_qposadr[j]] - w->arm_init[j];
      s[j] += e, ss[j] += e * e;
    }
  }
  // LIBERO's files: 0.017-0.021 rad per joint; N(0, 0.02^2) over 50 draws: 0.016-0.024
  for (int j = 0; j < BK_ARM_NJ; j++) {
    double sd = sqrt(ss[j] / BK_NINIT - pow(s[j] / BK_NINIT, 2));
    cr_expect(sd > 0.013 && sd < 0.028, "joint %d: std %.4f rad", j + 1, sd);
  }
  mj_deleteData(d);
  bk_world_free(w);
}

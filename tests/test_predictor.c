/* the violation predictor: learns a separable toy problem, round-trips through JSON;
 * lookahead on a copied state equals the real execution bit for bit */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control/step.h"
#include "core/rng.h"
#include "score/predictor.h"
#include "sim/initstate.h"

static char err[1024];

Test(predictor, learns_a_separable_toy_problem_and_reloads) {
  enum { N = 400 };
  static double feat[N * BK_NFEATURE];
  static int task[N], label[N];
  bk_rng_t r;
  uint64_t key[1] = {5};
  bk_rng_seed(&r, key, 1);
  // label = 1 exactly when feature 1 (lowest height) is below 0.02; other features noise
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < BK_NFEATURE; k++) feat[i * BK_NFEATURE + k] = bk_rng_uniform(&r);
    feat[i * BK_NFEATURE + 1] = (i % 2) ? bk_rng_range(&r, -0.05, 0.0) : bk_rng_range(&r, 0.05, 0.3);
    label[i] = i % 2;
    task[i] = i % 10;
  }
  bk_predictor_t p;
  cr_assert_eq(bk_vp_train(feat, task, label, N, 10.0, &p, err, sizeof err), 0, "%s", err);
  int right = 0;
  for (int i = 0; i < N; i++) right += (bk_vp_prob(&p, task[i], feat + i * BK_NFEATURE) > 0.5) == label[i];
  cr_expect_eq(right, N, "training accuracy %d/%d", right, N);
  cr_expect_lt(p.w[1], 0, "lower predicted height means more risk");
  char path[] = "/tmp/bokbo_vp_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  cr_assert_eq(bk_vp_save(&p, path, err, sizeof err), 0, "%s", err);
  bk_predictor_t q;
  cr_assert_eq(bk_vp_load(path, &q, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < 20; i++) {
    cr_expect_float_eq(bk_vp_prob(&q, task[i], feat + i * BK_NFEATURE),
                       bk_vp_prob(&p, task[i], feat + i * BK_NFEATURE), 1e-12);
  }
  unlink(path);
}

Test(predictor, one_class_is_refused) {
  double f[2 * BK_NFEATURE] = {0};
  int t[2] = {0, 1}, l[2] = {0, 0};
  bk_predictor_t p;
  cr_expect_neq(bk_vp_train(f, t, l, 2, 1.0, &p, err, sizeof err), 0);
  cr_expect(strstr(err, "both classes") != NULL, "%s", err);
}

Test(predictor, features_follow_the_commanded_path) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 2, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  mj_forward(w->m, d);
  double down[8 * 7] = {0}, f[BK_NFEATURE];
  for (int i = 0; i < 8; i++) {
    down[i * 7 + 2] = -0.5;
    down[i * 7 + 6] = 1;
  }
  bk_vp_features(w, d, down, 8, f);
  double z = d->site_xpos[3 * w->grip_site + 2];
  cr_expect_float_eq(f[0], z - w->surface[2] - 8 * 0.05 * 0.5, 1e-12);
  cr_expect_float_eq(f[1], f[0], 1e-12, "monotone descent: the end is the lowest point");
  cr_expect_float_eq(f[2], 0.5, 1e-12, "closing while descending");
  cr_expect_float_eq(f[9], 0.5, 1e-12);
  cr_expect_float_eq(f[7], 0.5 / 3, 1e-12);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(lookahead, a_copied_state_replays_bit_for_bit) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_spatial", 0, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  mjData* s = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 2, NULL, d, err, sizeof err), 0, "%s", err);
  mj_forward(w->m, d);
  bk_osc_t* c = bk_osc_create(w);
  bk_osc_t* cs = bk_osc_create(w);
  bk_osc_reset(c, d);
  double a[7] = {0.3, -0.2, -0.8, 0, 0, 0.1, 1}, peak[BK_NFORCE];
  for (int i = 0; i < 6; i++) bk_step_control(w, c, d, a, peak, NULL);  // get somewhere
  // the lookahead: copy, run the chunk on the copy; then the real execution
  mj_copyData(s, w->m, d);
  bk_osc_copy(cs, c);
  static double ta[8 * 25 * 3], tb[8 * 25 * 3];
  double chunk[7] = {-0.4, 0.5, -1, 0.2, 0, 0, 1};
  for (int i = 0; i < 8; i++) bk_step_control(w, cs, s, chunk, peak, ta + i * 75);
  for (int i = 0; i < 8; i++) bk_step_control(w, c, d, chunk, peak, tb + i * 75);
  cr_expect_eq(memcmp(ta, tb, sizeof ta), 0, "forces differ between lookahead and execution");
  cr_expect_eq(memcmp(s->qpos, d->qpos, sizeof(mjtNum) * w->m->nq), 0);
  bk_osc_free(c);
  bk_osc_free(cs);
  mj_deleteData(s);
  mj_deleteData(d);
  bk_world_free(w);
}

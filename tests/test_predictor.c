/* the violation predictor: learns a separable toy problem and a rough-vs-smooth chunk
 * label, round-trips through JSON, refuses an older bokbo's model; chunk features against
 * hand-worked chunks; lookahead on a copied state equals the real execution bit for bit */
#include <criterion/criterion.h>
#include <fcntl.h>
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
  static double feat[N * BK_NVPFEAT];
  static int task[N], label[N];
  bk_rng_t r;
  uint64_t key[1] = {5};
  bk_rng_seed(&r, key, 1);
  // label = 1 exactly when feature 1 (lowest height) is below 0.02; other features noise
  for (int i = 0; i < N; i++) {
    for (int k = 0; k < BK_NVPFEAT; k++) feat[i * BK_NVPFEAT + k] = bk_rng_uniform(&r);
    feat[i * BK_NVPFEAT + 1] = (i % 2) ? bk_rng_range(&r, -0.05, 0.0) : bk_rng_range(&r, 0.05, 0.3);
    label[i] = i % 2;
    task[i] = i % 10;
  }
  bk_predictor_t p;
  cr_assert_eq(bk_vp_train(feat, task, label, N, 10.0, &p, err, sizeof err), 0, "%s", err);
  int right = 0;
  for (int i = 0; i < N; i++) right += (bk_vp_prob(&p, task[i], feat + i * BK_NVPFEAT) > 0.5) == label[i];
  cr_expect_eq(right, N, "training accuracy %d/%d", right, N);
  cr_expect_lt(p.w[1], 0, "lower predicted height means more risk");
  char path[] = "/tmp/bokbo_vp_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  cr_assert_eq(bk_vp_save(&p, path, err, sizeof err), 0, "%s", err);
  bk_predictor_t q;
  cr_assert_eq(bk_vp_load(path, &q, err, sizeof err), 0, "%s", err);
  for (int i = 0; i < 20; i++) {
    cr_expect_float_eq(bk_vp_prob(&q, task[i], feat + i * BK_NVPFEAT),
                       bk_vp_prob(&p, task[i], feat + i * BK_NVPFEAT), 1e-12);
  }
  unlink(path);
}

Test(predictor, one_class_is_refused) {
  double f[2 * BK_NVPFEAT] = {0};
  int t[2] = {0, 1}, l[2] = {0, 0};
  bk_predictor_t p;
  cr_expect_neq(bk_vp_train(f, t, l, 2, 1.0, &p, err, sizeof err), 0);
  cr_expect(strstr(err, "both classes") != NULL, "%s", err);
}

// a chunk of h actions: the greedy path (a slow sweep, gripper closed) plus N(0, sigma^2)
// on every number, clipped to [-1, 1], as perturbation sampling makes it
static void chunk_of(bk_rng_t* r, double sigma, int h, double* a) {
  for (int i = 0; i < h; i++) {
    for (int k = 0; k < 7; k++) {
      double g = k == 6 ? 1.0 : 0.2 + 0.01 * i;
      double v = g + sigma * bk_rng_normal(r);
      a[i * 7 + k] = v < -1 ? -1 : (v > 1 ? 1 : v);
    }
  }
}

Test(predictor, chunk_features_of_a_hand_worked_chunk) {
  // x, y, z, rx, ry, rz, gripper
  const double a[4 * 7] = {0, 0, 0, 0, 0, 0, -1,  0.1, 0, 0, 0, 0, 0.2, -1,
                           0.1, 0.3, 0, 0, 0, 0, 1,  0, 0, 0, 0, 0, 0, 1};
  double f[BK_NCHUNKFEAT];
  bk_vp_chunk_features(a, 4, 1.0, f);
  // translation steps: 0.1, 0.3, 0.1 + 0.3 -> 0.8 over 3 steps x 3 dims
  cr_expect_float_eq(f[0], 0.8 / 9, 1e-15);
  // rotation steps: 0.2, 0.2, 0 -> 0.4 / 9
  cr_expect_float_eq(f[1], 0.4 / 9, 1e-15);
  // second differences: t = 2: |-0.1| + 0.3 + |-0.4| = 0.8; t = 3: 0.1 + 0.6 + 0.2 = 0.9
  cr_expect_float_eq(f[2], 1.7 / 12, 1e-15);
  cr_expect_float_eq(f[3], 1.0 / 3, 1e-15, "one sign change of the gripper in 3 steps");
  cr_expect_float_eq(f[4], 0.0, 1e-15, "mean gripper command");
  cr_expect_float_eq(f[5], 1.0, 1e-15, "holding x mean |gripper|");
  bk_vp_chunk_features(a, 4, 0.0, f);
  cr_expect_eq(f[5], 0.0, "not holding");
  // one action: no differences
  bk_vp_chunk_features(a + 7, 1, 1.0, f);
  for (int i = 0; i < 4; i++) cr_expect_eq(f[i], 0.0, "feature %d of a 1-action chunk", i);
  cr_expect_float_eq(f[4], -1.0, 1e-15);
  cr_expect_float_eq(f[5], 1.0, 1e-15);
  // a constant chunk is perfectly smooth
  double c[8 * 7];
  for (int i = 0; i < 8 * 7; i++) c[i] = 0.3;
  bk_vp_chunk_features(c, 8, 0.0, f);
  cr_expect_eq(f[0] + f[1] + f[2] + f[3], 0.0);
}

Test(predictor, learns_rough_chunks_violate) {
  // perturbed (sigma 0.1) chunks violate, greedy-like ones (sigma 0.005) do not; the state
  // features are noise: only the chunk features can tell them apart
  enum { N = 400, H = 8 };
  static double feat[N * BK_NVPFEAT], a[H * 7];
  static int task[N], label[N];
  bk_rng_t r;
  uint64_t key[1] = {11};
  bk_rng_seed(&r, key, 1);
  for (int i = 0; i < N; i++) {
    label[i] = i % 2;
    task[i] = i % 10;
    chunk_of(&r, label[i] ? 0.1 : 0.005, H, a);
    double* f = feat + i * BK_NVPFEAT;
    for (int k = 0; k < BK_NFEATURE; k++) f[k] = bk_rng_uniform(&r);
    bk_vp_chunk_features(a, H, f[5], f + BK_NFEATURE);
  }
  bk_predictor_t p;
  cr_assert_eq(bk_vp_train(feat, task, label, N, 1.0, &p, err, sizeof err), 0, "%s", err);
  int right = 0;
  for (int i = 0; i < N; i++) right += (bk_vp_prob(&p, task[i], feat + i * BK_NVPFEAT) > 0.5) == label[i];
  cr_expect_geq(right, N * 98 / 100, "training accuracy %d/%d", right, N);
  cr_expect_gt(p.w[BK_NFEATURE + 0], 0, "translation roughness means risk");
  // on fresh chunks in the same state: the smooth candidate is the least risky of 8
  int smooth_first = 0;
  for (int trial = 0; trial < 50; trial++) {
    double f[BK_NVPFEAT], best = INFINITY;
    int pick = -1;
    for (int k = 0; k < BK_NFEATURE; k++) f[k] = 0.5;
    for (int c = 0; c < 8; c++) {
      chunk_of(&r, c == 0 ? 0.0 : 0.1, H, a);
      bk_vp_chunk_features(a, H, f[5], f + BK_NFEATURE);
      double risk = bk_vp_prob(&p, trial % 10, f);
      if (risk < best) best = risk, pick = c;
    }
    smooth_first += pick == 0;
  }
  cr_expect_eq(smooth_first, 50, "the unperturbed candidate chosen in %d of 50", smooth_first);
}

Test(predictor, an_older_model_is_refused_naming_the_file) {
  char path[] = "/tmp/bokbo_vp_old_XXXXXX";
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  // an older bokbo's file: 10 features, 20 weights, no "n_features"
  char text[2048] = "{\"suite\":\"libero_object\",\"bias\":0.1,\"weights\":[";
  for (int i = 0; i < 20; i++) strcat(text, i ? ",0.5" : "0.5");
  strcat(text, "],\"mean\":[0,0,0,0,0,0,0,0,0,0],\"scale\":[1,1,1,1,1,1,1,1,1,1]}\n");
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  bk_predictor_t q;
  cr_expect_neq(bk_vp_load(path, &q, err, sizeof err), 0);
  cr_expect(strstr(err, path) != NULL, "%s", err);
  cr_expect(strstr(err, "10 features") != NULL && strstr(err, "train it again") != NULL, "%s", err);
  // an "n_features" that disagrees with the arrays is no model either
  fd = open(path, O_WRONLY | O_TRUNC);
  const char* odd = "{\"suite\":\"x\",\"bias\":0,\"n_features\":16,\"weights\":[1],\"mean\":[0],\"scale\":[1]}";
  cr_assert_eq(write(fd, odd, strlen(odd)), (ssize_t)strlen(odd));
  close(fd);
  cr_expect_neq(bk_vp_load(path, &q, err, sizeof err), 0);
  cr_expect(strstr(err, "not a bokbo predictor model") != NULL, "%s", err);
  unlink(path);
}

Test(predictor, model_features_are_state_then_chunk_features) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 2, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  mjData* d = mj_makeData(w->m);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  mj_forward(w->m, d);
  double a[8 * 7], all[BK_NVPFEAT], st[BK_NFEATURE], ch[BK_NCHUNKFEAT];
  bk_rng_t r;
  uint64_t key[1] = {3};
  bk_rng_seed(&r, key, 1);
  chunk_of(&r, 0.1, 8, a);
  bk_vp_all_features(w, d, a, 8, all);
  bk_vp_features(w, d, a, 8, st);
  bk_vp_chunk_features(a, 8, st[5], ch);
  cr_expect_eq(memcmp(all, st, sizeof st), 0);
  cr_expect_eq(memcmp(all + BK_NFEATURE, ch, sizeof ch), 0);
  mj_deleteData(d);
  bk_world_free(w);
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

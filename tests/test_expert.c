/* the scripted expert: solves tasks of both suites, deterministic, a function of state */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "control/step.h"
#include "policies/policy.h"
#include "run/episode.h"
#include "run/guard.h"
#include "sim/initstate.h"
#include "sim/world.h"

extern const bk_policy_ops_t bk_expert_policy;

#define H 8

static char err[1024];

static bk_world_t* world(const char* suite, int task) {
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", suite, task, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  return w;
}

static bk_episode_cfg_t config(const char* suite) {
  bk_episode_cfg_t cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.max_steps = strcmp(suite, "libero_object") == 0 ? 280 : 220;
  cfg.chunk = H;
  cfg.open_loop = H;
  cfg.k = 1;
  return cfg;
}

// one expert episode of (suite, task, init); the record is left in ep
static void run_episode(const char* suite, int task, int init, bk_episode_t* ep) {
  bk_guard_install();
  bk_world_t* w = world(suite, task);
  bk_episode_cfg_t cfg = config(suite);
  bk_episode_ctx_t* ctx = bk_episode_ctx_create(w, &cfg);
  cr_assert_not_null(ctx);
  void* self = bk_expert_policy.create(NULL, err, sizeof err);
  cr_assert_not_null(self, "%s", err);
  cr_assert_eq(bk_episode_alloc(ep, cfg.max_steps, 0), 0);
  cr_assert_eq(bk_episode_run(ctx, &cfg, &bk_expert_policy, self, init, 0, ep), 0);
  bk_expert_policy.destroy(self);
  bk_episode_ctx_free(ctx);
  bk_world_free(w);
}

static void assert_solves(const char* suite, int task, int init) {
  bk_episode_t ep;
  run_episode(suite, task, init, &ep);
  cr_expect_str_empty(ep.error, "%s task %d init %d: %s", suite, task, init, ep.error);
  cr_expect(ep.success, "%s task %d init %d not solved in %d steps", suite, task, init, ep.steps);
  bk_episode_release(&ep);
}

Test(expert, puts_grocery_items_in_the_basket) {
  assert_solves("libero_object", 0, 0);  // alphabet soup, a can
  assert_solves("libero_object", 1, 3);  // cream cheese, flat, a tall can beside it
  assert_solves("libero_object", 7, 5);  // milk, a tall carton
}

Test(expert, puts_the_bowl_on_the_plate_from_the_table_and_the_ramekin) {
  assert_solves("libero_spatial", 0, 1);
  assert_solves("libero_spatial", 5, 2);
}

Test(expert, takes_the_bowl_out_of_the_open_drawer) {
  assert_solves("libero_spatial", 4, 0);
  assert_solves("libero_spatial", 4, 7);
}

Test(expert, takes_the_bowl_off_the_cabinet_top) {
  assert_solves("libero_spatial", 9, 0);
  assert_solves("libero_spatial", 9, 3);
}

// the bowl beside the cabinet's drawer fronts at long reach: a rim point on the cabinet's
// side pressed the wrist and forearm on the cabinet (both inits failed before the wrist's
// clearance counted in the rim scores)
Test(expert, grasps_the_bowl_by_the_rim_that_keeps_the_wrist_off_the_cabinet) {
  assert_solves("libero_spatial", 6, 4);
  assert_solves("libero_spatial", 6, 13);
}

// the bowl far out (the drawer ~0.8 m from the base, or behind the cabinet): moving over
// at the hover height overshot into the arm's full stretch (elbow straight at its limit),
// where the controller cannot pull the hand back in, and the hand hung a centimetre past
// the grasp until the episode ended (all four inits failed before the expert stayed short
// of the full stretch)
Test(expert, takes_the_far_bowl_without_stretching_the_arm_straight) {
  assert_solves("libero_spatial", 4, 2);
  assert_solves("libero_spatial", 4, 14);
  assert_solves("libero_spatial", 6, 29);
  assert_solves("libero_spatial", 6, 46);
}

// the bowl beside the cookie box at the far end, its far rims 0.71-0.74 m of stretch away:
// over such a rim the elbow neared straight (0.7194 m), flipped backward into joint 4's
// stop at the hover or the lift, and the arm jammed stretched in the carry (37, 41), or
// no rim was in reach (18); all three failed before far rims cost score and the hover
// and the sideways moves toward a grasp stayed shorter
Test(expert, keeps_the_elbow_bent_forward_at_the_far_end) {
  assert_solves("libero_spatial", 6, 18);
  assert_solves("libero_spatial", 6, 37);
  assert_solves("libero_spatial", 6, 41);
}

Test(expert, same_episode_twice_gives_identical_forces) {
  bk_episode_t a, b;
  run_episode("libero_spatial", 3, 4, &a);
  run_episode("libero_spatial", 3, 4, &b);
  cr_assert_eq(a.steps, b.steps);
  cr_assert_eq(a.success, b.success);
  cr_assert_eq(memcmp(a.step_force, b.step_force, sizeof(double) * a.steps * BK_NFORCE), 0,
               "force readings differ between two runs of the same episode");
  bk_episode_release(&a);
  bk_episode_release(&b);
}

// the state after `steps` control steps of the expert from init 0 (gripper opened as the
// episode loop does), in d
static void advance(const bk_world_t* w, mjData* d, int steps) {
  bk_osc_t* c = bk_osc_create(w);
  cr_assert_eq(bk_init_state(w, 0, NULL, d, err, sizeof err), 0, "%s", err);
  mj_forward(w->m, d);
  bk_osc_reset(c, d);
  void* self = bk_expert_policy.create(NULL, err, sizeof err);
  double settle[BK_ACTION_DIM] = {0, 0, 0, 0, 0, 0, -1}, chunk[H * BK_ACTION_DIM];
  double peak[BK_NFORCE];
  for (int i = 0; i < BK_SETTLE_STEPS; i++) bk_step_control(w, c, d, settle, peak, NULL);
  for (int t = 0; t < steps; t++) {
    bk_obs_t obs = {.w = w, .d = d, .step = t};
    bk_query_t q = {.k = 1, .h = 1};
    bk_chunk_t out = {chunk, NULL};
    cr_assert_eq(bk_expert_policy.act(self, &obs, &q, &out), 0);
    bk_step_control(w, c, d, chunk, peak, NULL);
  }
  bk_expert_policy.destroy(self);
  bk_osc_free(c);
}

// K candidates of H actions for state d from policy instance self
static void ask(void* self, const bk_world_t* w, const mjData* d, int k, double* actions,
                double* logp) {
  bk_obs_t obs = {.w = w, .d = d};
  bk_query_t q = {.k = k, .h = H};
  bk_chunk_t out = {actions, logp};
  cr_assert_eq(bk_expert_policy.act(self, &obs, &q, &out), 0);
}

Test(expert, action_is_a_function_of_the_state) {
  bk_guard_install();
  bk_world_t* w = world("libero_spatial", 6);
  mjData* d = mj_makeData(w->m);
  mjData* copy = mj_makeData(w->m);
  double a[H * BK_ACTION_DIM], b[H * BK_ACTION_DIM], c[H * BK_ACTION_DIM];
  advance(w, d, 40);  // mid-approach
  void* self = bk_expert_policy.create(NULL, err, sizeof err);
  void* fresh = bk_expert_policy.create(NULL, err, sizeof err);
  ask(self, w, d, 1, a, NULL);
  ask(self, w, d, 1, b, NULL);
  cr_expect_eq(memcmp(a, b, sizeof a), 0, "asking twice gives different chunks");
  mj_copyData(copy, w->m, d);
  ask(fresh, w, copy, 1, c, NULL);
  cr_expect_eq(memcmp(a, c, sizeof a), 0, "a copied state in a new instance gives another chunk");
  for (int i = 0; i < H * BK_ACTION_DIM; i++) {
    cr_expect(a[i] >= -1 && a[i] <= 1, "action %d = %g out of [-1, 1]", i, a[i]);
  }
  bk_expert_policy.destroy(self);
  bk_expert_policy.destroy(fresh);
  mj_deleteData(copy);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(expert, every_candidate_gets_the_greedy_chunk_and_no_log_probability) {
  bk_guard_install();
  bk_world_t* w = world("libero_object", 2);
  mjData* d = mj_makeData(w->m);
  double a[3 * H * BK_ACTION_DIM], logp[3] = {0, 0, 0};
  advance(w, d, 5);
  void* self = bk_expert_policy.create(NULL, err, sizeof err);
  ask(self, w, d, 3, a, logp);
  for (int k = 1; k < 3; k++) {
    cr_expect_eq(memcmp(a, a + k * H * BK_ACTION_DIM, sizeof(double) * H * BK_ACTION_DIM), 0);
  }
  for (int k = 0; k < 3; k++) cr_expect(isnan(logp[k]));
  ask(self, w, d, 2, a, NULL);  // logp may be NULL
  bk_expert_policy.destroy(self);
  mj_deleteData(d);
  bk_world_free(w);
}

Test(expert, rejects_options) {
  void* self = bk_expert_policy.create("gain=2", err, sizeof err);
  cr_expect_null(self);
  cr_expect(strstr(err, "options") != NULL, "%s", err);
  bk_expert_policy.destroy(NULL);
}

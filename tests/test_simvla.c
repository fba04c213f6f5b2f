/* simvla decoded greedily with no perception error is the expert's chunk up to the token
 * grid: every number within half a bin and the gripper's sign the same (robosuite's gripper
 * acts on the sign: close, open, or hold at 0), along the expert's own trajectory in real
 * physics (libero_object task 0, objects shifted along x by 0.1, as the headline) */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "control/step.h"
#include "policies/policy.h"
#include "policies/tokens.h"
#include "run/startcache.h"

extern const bk_policy_ops_t bk_simvla_policy;
extern const bk_policy_ops_t bk_expert_policy;

enum { H = 8, DECISIONS = 30 };

static int sgn(double v) { return (v > 0) - (v < 0); }

Test(simvla, greedy_without_perception_error_is_the_experts_chunk_on_the_grid, .timeout = 300) {
  char err[1024];
  bk_world_t* w = bk_world_create(BOKBO_SOURCE_DIR "/scenes", "libero_object", 0, err, sizeof err);
  cr_assert_not_null(w, "%s", err);
  bk_shift_t shift = {0, 0.1};
  mjData* d = mj_makeData(w->m);
  bk_osc_t* c = bk_osc_create(w);
  bk_startcache_t* cache = bk_startcache_create(w);
  cr_assert_eq(bk_startcache_start(cache, c, d, 12, &shift, err, sizeof err), 0, "%s", err);
  void* ex = bk_expert_policy.create(NULL, err, sizeof err);
  void* sv = bk_simvla_policy.create("offset=0,distractor=0", err, sizeof err);
  cr_assert(ex && sv, "%s", err);
  cr_assert_eq(bk_expert_policy.reset(ex, w, d, 1), 0);
  cr_assert_eq(bk_simvla_policy.reset(sv, w, d, 1), 0);
  double a[H * BK_ACTION_DIM], b[H * BK_ACTION_DIM], peak[BK_NFORCE];
  int holds = 0, closes = 0, opens = 0;
  for (int k = 0; k < DECISIONS; k++) {
    bk_obs_t obs = {.w = w, .d = d, .step = k * H};
    bk_query_t q = {.k = 1, .h = H, .temperature = 0, .rng = NULL};
    bk_chunk_t ca = {a, NULL}, cb = {b, NULL};
    cr_assert_eq(bk_expert_policy.act(ex, &obs, &q, &ca), 0);
    cr_assert_eq(bk_simvla_policy.act(sv, &obs, &q, &cb), 0);
    for (int i = 0; i < H * BK_ACTION_DIM; i++) {
      double e = fmax(-1, fmin(1, a[i]));  // the grid spans [-1, 1]
      cr_assert_leq(fabs(b[i] - e), 1.0 / BK_NBIN + 1e-12, "decision %d number %d: %g for %g", k, i, b[i], a[i]);
    }
    for (int s = 0; s < H; s++) {
      double g = a[s * BK_ACTION_DIM + 6];
      cr_assert_eq(sgn(b[s * BK_ACTION_DIM + 6]), sgn(g), "decision %d step %d: gripper %g for the expert's %g",
                   k, s, b[s * BK_ACTION_DIM + 6], g);
      holds += g == 0;
      closes += g > 0;
      opens += g < 0;
    }
    for (int s = 0; s < H; s++) cr_assert_eq(bk_step_control(w, c, d, a + s * BK_ACTION_DIM, peak, NULL), 0);
  }
  // the trajectory went through the pre-grasp hold and the grasp
  cr_expect_gt(holds, 10, "holds %d", holds);
  cr_expect_gt(closes, 10, "closes %d", closes);
  bk_simvla_policy.destroy(sv);
  bk_expert_policy.destroy(ex);
  bk_startcache_free(cache);
  bk_osc_free(c);
  mj_deleteData(d);
  bk_world_free(w);
  (void)opens;
}

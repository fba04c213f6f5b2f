/* bench_contacts: where the physics' contacts come from, per body pair, and how hard the
 * constraint solver works.
 * usage: bench_contacts SUITE TASKS INITS [POLICY [SHIFT]]
 *        e.g. bench_contacts libero_spatial 0-9 0-1 expert x:0.1
 * Runs one episode per (task, init), seed 0 (the expert greedy; simvla with K = 8
 * perturbation 0.1 and the predictor with fixed weights, as bench_episode), and counts at
 * every physics step (mjcb_control, so the collision of that step is done): contacts per
 * (body, body) pair, constraint rows and the solver's iterations of the step before.
 * Prints per-step means overall and the pairs' table, sorted by contacts per step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/guard.h"
#include "run/runner.h"

#define MAXPAIR 4096

typedef struct {
  int b1, b2;
  double n;
} pair_t;

static pair_t g_pair[MAXPAIR];
static int g_npair;
static double g_steps, g_con, g_efc, g_iter, g_grasp_steps, g_grasp_con, g_grasp_iter;
static const bk_world_t* g_w;

static int finger_body(const mjModel* m, int b) {
  for (; b > 0; b = m->body_parentid[b]) {
    if (b == g_w->finger_body[0] || b == g_w->finger_body[1]) return 1;
  }
  return 0;
}

static void count(const mjModel* m, mjData* d) {
  if (!g_w) return;  // mj_loadXML steps the model while compiling
  g_steps++;
  g_con += d->ncon;
  g_efc += d->nefc;
  g_iter += d->solver_iter;
  int grasp = 0;
  for (int i = 0; i < d->ncon; i++) {
    int b1 = m->geom_bodyid[d->contact[i].geom1], b2 = m->geom_bodyid[d->contact[i].geom2];
    if (b1 > b2) {
      int t = b1;
      b1 = b2;
      b2 = t;
    }
    if (finger_body(m, b1) || finger_body(m, b2)) grasp = 1;
    int k = 0;
    while (k < g_npair && (g_pair[k].b1 != b1 || g_pair[k].b2 != b2)) k++;
    if (k == g_npair && g_npair < MAXPAIR) g_pair[g_npair++] = (pair_t){b1, b2, 0};
    if (k < MAXPAIR) g_pair[k].n++;
  }
  if (grasp) {
    g_grasp_steps++;
    g_grasp_con += d->ncon;
    g_grasp_iter += d->solver_iter;
  }
}

static int by_count(const void* a, const void* b) {
  double x = ((const pair_t*)a)->n, y = ((const pair_t*)b)->n;
  return (x < y) - (x > y);
}

static int parse_range(const char* s, int* lo, int* hi) {
  if (sscanf(s, "%d-%d", lo, hi) == 2) return 0;
  if (sscanf(s, "%d", lo) == 1) {
    *hi = *lo;
    return 0;
  }
  return -1;
}

static void run_task(const char* suite, int task, int i0, int i1, const char* policy,
                     const bk_shift_t* shift, int* succ, int* neps) {
  char err[1024];
  g_w = NULL;
  bk_world_t* w = bk_world_create(bk_catalog_scenes_dir(), suite, task, err, sizeof err);
  if (!w) {
    fprintf(stderr, "bokbo: %s\n", err);
    exit(1);
  }
  g_w = w;
  int expert = strcmp(policy, "expert") == 0;
  bk_predictor_t pred;
  memset(&pred, 0, sizeof pred);
  snprintf(pred.suite, sizeof pred.suite, "%s", w->suite);
  for (int i = 0; i < BK_NFEATURE; i++) {
    pred.w[i] = 0.1 * (i + 1);
    pred.scale[i] = 1;
  }
  bk_episode_cfg_t cfg = {w->suitedef->max_steps, 8, 8, expert ? 1 : 8, shift, NULL, 0};
  cfg.sampling.mode = expert ? BK_SAMPLE_GREEDY : BK_SAMPLE_PERTURB;
  cfg.sampling.value = 0.1;
  cfg.sampling.keep_greedy = 1;
  cfg.scorer = expert ? BK_SCORER_NONE : BK_SCORER_PREDICTOR;
  cfg.predictor = &pred;
  cfg.ref = expert ? NULL : bk_policy_find("expert");
  bk_episode_ctx_t* ctx = bk_episode_ctx_create(w, &cfg);
  bk_episode_t ep;
  bk_episode_alloc(&ep, cfg.max_steps, 0);
  const bk_policy_ops_t* ops = bk_policy_find(policy);
  if (!ops || !ctx) {
    fprintf(stderr, "bokbo: unknown policy '%s'\n", policy);
    exit(2);
  }
  void* self = ops->create(NULL, err, sizeof err);
  for (int i = i0; i <= i1; i++) {
    bk_episode_run(ctx, &cfg, ops, self, i, 0, &ep);
    *succ += ep.success;
    (*neps)++;
  }
  ops->destroy(self);
  bk_episode_release(&ep);
  bk_episode_ctx_free(ctx);
  // names are per world: print this task's pairs now
  qsort(g_pair, (size_t)g_npair, sizeof g_pair[0], by_count);
  printf("task %d: %.0f physics steps, %.2f contacts, %.1f constraint rows, %.2f solver "
         "iterations per step; with a finger in contact %.0f steps, %.2f contacts, %.2f "
         "iterations\n",
         task, g_steps, g_con / g_steps, g_efc / g_steps, g_iter / g_steps, g_grasp_steps,
         g_grasp_steps ? g_grasp_con / g_grasp_steps : 0,
         g_grasp_steps ? g_grasp_iter / g_grasp_steps : 0);
  for (int k = 0; k < g_npair && g_pair[k].n / g_steps >= 0.05; k++) {
    const char* n1 = mj_id2name(w->m, mjOBJ_BODY, g_pair[k].b1);
    const char* n2 = mj_id2name(w->m, mjOBJ_BODY, g_pair[k].b2);
    printf("  %6.2f  %s / %s\n", g_pair[k].n / g_steps, n1 ? n1 : "world", n2 ? n2 : "?");
  }
  bk_world_free(w);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bench_contacts SUITE TASKS INITS [POLICY [SHIFT]]\n");
    return 2;
  }
  int t0, t1, i0, i1;
  if (parse_range(argv[2], &t0, &t1) || parse_range(argv[3], &i0, &i1)) {
    fprintf(stderr, "bokbo: bad range\n");
    return 2;
  }
  const char* policy = argc > 4 ? argv[4] : "expert";
  bk_shift_t shift, *sp = NULL;
  char err[256];
  if (argc > 5) {
    if (bk_init_parse_shift(argv[5], &shift, err, sizeof err)) {
      fprintf(stderr, "bokbo: %s\n", err);
      return 2;
    }
    sp = &shift;
  }
  bk_guard_install();
  mjcb_control = count;
  int succ = 0, neps = 0;
  double all_steps = 0, all_con = 0, all_iter = 0, all_efc = 0;
  for (int t = t0; t <= t1; t++) {
    g_npair = 0;
    g_steps = g_con = g_efc = g_iter = g_grasp_steps = g_grasp_con = g_grasp_iter = 0;
    run_task(argv[1], t, i0, i1, policy, sp, &succ, &neps);
    all_steps += g_steps;
    all_con += g_con;
    all_iter += g_iter;
    all_efc += g_efc;
  }
  printf("all: %d/%d successes, %.2f contacts, %.1f rows, %.2f solver iterations per step\n",
         succ, neps, all_con / all_steps, all_efc / all_steps, all_iter / all_steps);
  return 0;
}

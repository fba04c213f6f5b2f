/* simvla: a stochastic stand-in for a learned VLA policy, built on the scripted expert.
 *
 * Failure modes of real VLAs, all seeded per episode:
 *  - perception offset: the target object is seen displaced by N(0, offset^2) in x-y and
 *    N(0, (offset/2)^2) in z while the hand is not touching it, so some grasps press into
 *    the support or miss;
 *  - wrong object: with probability `distractor` the policy goes for another object of the
 *    scene (it sees the target where a distractor is);
 *  - a categorical distribution per action dimension around the intended action, on OpenVLA's
 *    255-bin grid (its centres include 0, the gripper's "hold"; policies/tokens.h),
 *    p(b) ~ exp(-(c_b - a)^2 / (2 spread^2)), c_b the bin centres in [-1, 1]: greedy
 *    decoding takes the most likely bin, temperature T samples p^(1/T), and the
 *    log-probability of any chunk (e.g. a perturbed candidate) is the mean over its
 *    numbers of log p(bin) at T = 1, the policy-internal confidence.
 * Options: "offset=0.012,distractor=0.1,spread=0.1". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/osc.h"
#include "core/err.h"
#include "core/rng.h"
#include "policies/expert.h"
#include "policies/policy.h"
#include "policies/tokens.h"
#include "sim/forces.h"


#define MAX_K 64                 /* candidates per call (the episode's BK_MAX_K) */

extern const bk_policy_ops_t bk_expert_policy;

/* one action dimension's last token distributions: a pure function of the number, the
 * spread and T (the gripper's -1/0/+1 and a saturated number repeat bit for bit along a
 * chunk and across decisions, so their exponentials are not redone) */
typedef struct {
  uint64_t lp_a;               /* bits of the number lp is for */
  uint64_t dist_a, dist_temp;  /* bits of the number and of T dist is for */
  int has_lp, has_dist;
  double lp[BK_NBIN];          /* log p at T = 1 */
  bk_tokens_dist_t dist;       /* prepared for drawing at T */
} memo_t;

typedef struct {
  double offset_scale, distractor_p, spread;
  const bk_world_t* w;
  double* view;                /* what the policy believes: displaced positions (nq) */
  void* expert;
  int target, decoy;           /* entity indices (decoy -1: none) */
  double offset[3];
  double* intended;            /* the expert's chunk for the current state */
  double* lp;                  /* log p of every bin at T = 1, per intended number */
  int cap, cached_step;
  double cached_time;
  memo_t memo[BK_ACTION_DIM];
} simvla_t;

static uint64_t bits(double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

// "key=value,..." into the settings
static int options(simvla_t* x, const char* text, char* err, int err_sz) {
  x->offset_scale = 0.012;
  x->distractor_p = 0.1;
  x->spread = 0.1;
  for (const char* p = text; p && *p;) {
    char key[32];
    double v;
    int n = 0;
    if (sscanf(p, "%31[a-z]=%lf%n", key, &v, &n) != 2 || v < 0 || !isfinite(v)) goto bad;
    if (!strcmp(key, "offset")) x->offset_scale = v;
    else if (!strcmp(key, "distractor") && v <= 1) x->distractor_p = v;
    else if (!strcmp(key, "spread") && v > 0) x->spread = v;
    else goto bad;
    p += n;
    if (*p == ',') p++;
    else if (*p) goto bad;
  }
  return 0;

bad:
  return bk_fail(err, err_sz, BK_EINVAL,
                 "simvla options '%s': expected offset=M,distractor=P,spread=S (non-negative)", text);
}

static void* create(const char* opts, char* err, int err_sz) {
  simvla_t* x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->target = x->decoy = -1;
  if (options(x, opts, err, err_sz) || !(x->expert = bk_expert_policy.create(NULL, err, err_sz))) {
    free(x);
    return NULL;
  }
  return x;
}

static void destroy(void* self) {
  simvla_t* x = self;
  if (!x) return;
  bk_expert_policy.destroy(x->expert);
  free(x->view);
  free(x->intended);
  free(x->lp);
  free(x);
}

// the goal's object and its destination (not a decoy candidate)
static void goal_entities(const bk_world_t* w, int* target, int* dest) {
  *target = *dest = -1;
  for (int i = 0; i < w->task.ngoal; i++) {
    if (w->task.goal[i].op != BK_EXPR_ATOM) continue;
    *target = bk_world_entity(w, w->task.goal[i].atom.arg[0]);
    *dest = bk_world_entity(w, w->task.goal[i].atom.arg[1]);
    if (*dest < 0) {  // a site region: its owner ("basket_1_contain_region" -> basket_1)
      for (int e = 0; e < w->nent; e++) {
        size_t n = strlen(w->ent[e].name);
        if (!strncmp(w->task.goal[i].atom.arg[1], w->ent[e].name, n)) *dest = e;
      }
    }
    return;
  }
}

static int reset(void* self, const bk_world_t* w, const mjData* d, uint64_t seed) {
  simvla_t* x = self;
  if (x->w != w) {
    free(x->view);
    x->view = malloc(sizeof(double) * w->m->nq);
    x->w = w;
    if (!x->view) return BK_ENOMEM;
  }
  // this episode's perception offset and choice of object
  bk_rng_t rng;
  uint64_t key[2] = {seed, bk_rng_hash("simvla")};
  bk_rng_seed(&rng, key, 2);
  x->offset[0] = x->offset_scale * bk_rng_normal(&rng);
  x->offset[1] = x->offset_scale * bk_rng_normal(&rng);
  x->offset[2] = 0.5 * x->offset_scale * bk_rng_normal(&rng);
  int dest;
  goal_entities(w, &x->target, &dest);
  x->decoy = -1;
  if (bk_rng_uniform(&rng) < x->distractor_p) {
    int cand[BK_WORLD_MAX_ENT], n = 0;
    for (int e = 0; e < w->nent; e++) {
      if (e != x->target && e != dest && !w->ent[e].fixture) cand[n++] = e;
    }
    if (n) x->decoy = cand[(int)(bk_rng_uniform(&rng) * n)];
  }
  x->cached_step = -1;
  return bk_expert_policy.reset(x->expert, w, d, seed);
}

// 1 when any robot geom touches the target in d
static int holding(const simvla_t* x, const mjData* d) {
  const bk_world_t* w = x->w;
  for (int i = 0; i < d->ncon; i++) {
    int g1 = d->contact[i].geom1, g2 = d->contact[i].geom2;
    int b = w->geom_class[g1] == BK_CLASS_ROBOT ? g2 : (w->geom_class[g2] == BK_CLASS_ROBOT ? g1 : -1);
    if (b >= 0 && w->m->geom_bodyid[b] == w->ent[x->target].body) return 1;
  }
  return 0;
}

// the believed positions: the target displaced, or seen where the decoy is
static void believe(simvla_t* x, const mjData* d) {
  const bk_world_t* w = x->w;
  mju_copy(x->view, d->qpos, w->m->nq);
  if (x->target < 0 || holding(x, d)) return;
  double* t = x->view + w->ent[x->target].qposadr;
  if (x->decoy >= 0) {
    double* o = x->view + w->ent[x->decoy].qposadr;
    for (int i = 0; i < 2; i++) {
      double tmp = t[i];
      t[i] = o[i];
      o[i] = tmp;
    }
  }
  for (int i = 0; i < 3; i++) t[i] += x->offset[i];
}

// the expert's chunk in the believed state and its token log-probabilities (cached per
// decision; buffers grow only when a longer chunk is asked for)
static int intend(simvla_t* x, const bk_obs_t* obs, int h) {
  if (x->cached_step == obs->step && x->cached_time == obs->d->time && x->cap >= h) return 0;
  if (x->cap < h) {
    free(x->intended);
    free(x->lp);
    x->intended = malloc(sizeof(double) * h * BK_ACTION_DIM);
    x->lp = malloc(sizeof(double) * h * BK_ACTION_DIM * BK_NBIN);
    x->cap = x->intended && x->lp ? h : 0;
    if (!x->cap) return BK_ENOMEM;
  }
  believe(x, obs->d);
  int rc = bk_expert_plan(x->expert, obs->w, obs->d, x->view, h, x->intended);
  if (rc) return rc;
  for (int i = 0; i < h * BK_ACTION_DIM; i++) {
    double* lp = x->lp + (size_t)i * BK_NBIN;
    memo_t* m = &x->memo[i % BK_ACTION_DIM];
    if (!m->has_lp || m->lp_a != bits(x->intended[i])) {
      bk_tokens_logprobs(x->intended[i], x->spread, m->lp);
      m->lp_a = bits(x->intended[i]);
      m->has_lp = 1;
    }
    memcpy(lp, m->lp, sizeof m->lp);
  }
  x->cached_step = obs->step;
  x->cached_time = obs->d->time;
  return 0;
}

static int act(void* self, const bk_obs_t* obs, const bk_query_t* q, bk_chunk_t* out) {
  simvla_t* x = self;
  int rc = intend(x, obs, q->h), n = q->h * BK_ACTION_DIM;
  if (rc) return rc;
  // each candidate its own stream, drawn in order from the decision's generator
  bk_rng_t rng[MAX_K];
  double sum[MAX_K];
  int k = q->k;
  if (k > MAX_K) return BK_EINVAL;
  for (int c = 0; c < k; c++) {
    uint64_t key[1] = {q->rng ? bk_rng_next(q->rng) : (uint64_t)c};
    bk_rng_seed(&rng[c], key, 1);
    sum[c] = 0;
  }
  // one prepared distribution per number (from its log-probabilities of intend(), or
  // kept from the last number of its dimension when the same), drawn by every candidate
  for (int i = 0; i < n; i++) {
    memo_t* m = &x->memo[i % BK_ACTION_DIM];
    if (!m->has_dist || m->dist_a != bits(x->intended[i]) || m->dist_temp != bits(q->temperature)) {
      bk_tokens_prepare_lp(x->lp + (size_t)i * BK_NBIN, q->temperature, &m->dist);
      m->dist_a = bits(x->intended[i]);
      m->dist_temp = bits(q->temperature);
      m->has_dist = 1;
    }
    for (int c = 0; c < k; c++) sum[c] += bk_tokens_draw(&m->dist, &rng[c], &out->actions[(size_t)c * n + i]);
  }
  if (out->logp) {
    for (int c = 0; c < k; c++) out->logp[c] = sum[c] / n;
  }
  return 0;
}

static double logprob(void* self, const bk_obs_t* obs, const double* chunk, int h) {
  simvla_t* x = self;
  if (intend(x, obs, h)) return NAN;
  double sum = 0;
  for (int i = 0; i < h * BK_ACTION_DIM; i++) sum += x->lp[(size_t)i * BK_NBIN + bk_tokens_bin(chunk[i])];
  return sum / (h * BK_ACTION_DIM);
}

const bk_policy_ops_t bk_simvla_policy = {
  .name = "simvla",
  .help = "simulated VLA: expert + perception offset, wrong-object choice, 255-bin action tokens",
  .flags = BK_POLICY_PRIVILEGED | BK_POLICY_DISTRIBUTION,
  .create = create,
  .reset = reset,
  .act = act,
  .destroy = destroy,
  .logprob = logprob,
};
